"""`triage scheme …`: list the classification schemes, translate between them, check a file.

    triage scheme list [--json] [--lang LANG]
    triage scheme show SCHEME [--json] [--lang LANG]
    triage scheme translate FROM TO [--json] [--lang LANG]
    triage scheme check FILE...

Registered by the top-level CLI through ``register(subparsers)``; every
handler takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from triage.schema import LANGUAGES, SchemeError, SchemeRegistry, load_schemes
from triage.schema.registry import check_scheme_file, user_scheme_dir

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "scheme", help="list classification schemes and translate between them",
        description="Classification schemes (Project VIC, England & Wales, COPINE, …) and "
                    "translation of categories between them through neutral attributes.")
    commands = parser.add_subparsers(dest="scheme_command", metavar="COMMAND", required=True)

    lang_help = f"language of the labels ({', '.join(LANGUAGES)}; default en)"

    p = commands.add_parser("list", help="list the schemes and their ids")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", default="en", help=lang_help)
    p.set_defaults(func=handle_list)

    p = commands.add_parser("show", help="show one scheme's categories, hotkeys and rules")
    p.add_argument("scheme", metavar="SCHEME", help="scheme id or alias")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", default="en", help=lang_help)
    p.set_defaults(func=handle_show)

    p = commands.add_parser(
        "translate", help="print how every category of one scheme translates into another",
        description="For each category of FROM: exact (one category of TO), ambiguous (the "
                    "candidates; a person decides) or none (not representable in TO).")
    p.add_argument("source", metavar="FROM", help="source scheme id or alias")
    p.add_argument("target", metavar="TO", help="target scheme id or alias")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array, one object per source category")
    p.add_argument("--lang", default="en", help=lang_help)
    p.set_defaults(func=handle_translate)

    p = commands.add_parser("check", help="check scheme files before dropping them in "
                                          f"the user folder ({user_scheme_dir()})")
    p.add_argument("files", metavar="FILE", nargs="+", help="scheme .toml file")
    p.set_defaults(func=handle_check)
    return parser


def _load(err: TextIO) -> SchemeRegistry | None:
    try:
        registry = load_schemes()
    except SchemeError as exc:
        print(f"triage scheme: cannot load the built-in schemes: {exc}", file=err)
        return None
    for refused in registry.errors:
        print(f"triage scheme: refused {refused}", file=err)
    return registry


def _get(registry: SchemeRegistry, name: str, err: TextIO):
    try:
        return registry.get(name)
    except KeyError as exc:
        print(f"triage scheme: {exc.args[0]}", file=err)
        return None


def handle_list(args: argparse.Namespace, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    registry = _load(err)
    if registry is None:
        return EXIT_REFUSED
    if args.json:
        rows = [{"id": s.id, "name": s.name, "version": s.version, "aliases": list(s.aliases),
                 "source": s.source, "builtin": s.builtin,
                 "path": str(s.path) if s.path else None,
                 "categories": [{"code": c.code, "label": c.label_in(args.lang)}
                                for c in s.categories]}
                for s in registry]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    width = max(len(s.id) for s in registry)
    for s in registry:
        codes = " ".join(s.codes)
        origin = "" if s.builtin else f"  [user: {s.path}]"
        out.write(f"{s.id:<{width}}  {s.name}  (categories: {codes}){origin}\n")
        if s.aliases:
            out.write(f"{'':<{width}}  aliases: {', '.join(s.aliases)}\n")
    return EXIT_OK


def handle_show(args: argparse.Namespace, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    registry = _load(err)
    if registry is None:
        return EXIT_REFUSED
    scheme = _get(registry, args.scheme, err)
    if scheme is None:
        return EXIT_USAGE
    space = registry.attributes
    if args.json:
        doc = {"id": scheme.id, "name": scheme.name, "version": scheme.version,
               "source": scheme.source, "aliases": list(scheme.aliases),
               "vics": None if scheme.vics is None else {
                   "context": scheme.vics.context, "uncategorised": scheme.vics.uncategorised},
               "categories": [{"code": c.code, "label": c.label_in(args.lang),
                               "labels": dict(c.labels), "definition": c.definition,
                               "hotkey": c.hotkey, "colour": c.colour, "workflow": c.workflow,
                               "vics": c.vics,
                               "rule": [space.describe(b) for b in c.rule]}
                              for c in scheme.categories]}
        json.dump(doc, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    out.write(f"{scheme.name}  [{scheme.id}, version {scheme.version}]\n")
    out.write(f"Source: {scheme.source}\n")
    if scheme.vics is not None:
        unc = "null" if scheme.vics.uncategorised is None else scheme.vics.uncategorised
        out.write(f"VICS: uncategorised = {unc}\n")
    for c in scheme.categories:
        flags = " (workflow)" if c.workflow else ""
        vics = f" VICS {c.vics}" if c.vics is not None else ""
        out.write(f"\n[{c.hotkey}] {c.code}  {c.label_in(args.lang)}{flags}{vics}  {c.colour}\n")
        out.write(f"    {c.definition}\n")
        for n, box in enumerate(c.rule):
            desc = "; ".join(f"{space[a].label(args.lang)}: {', '.join(v)}"
                             for a, v in space.describe(box, args.lang).items())
            out.write(f"    {'when' if n == 0 else 'or  '} {desc}\n")
    return EXIT_OK


def handle_translate(args: argparse.Namespace, out: TextIO | None = None,
                     err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    registry = _load(err)
    if registry is None:
        return EXIT_REFUSED
    source = _get(registry, args.source, err)
    target = _get(registry, args.target, err)
    if source is None or target is None:
        return EXIT_USAGE
    lang = args.lang
    table = registry.translate_table(source, target)
    if args.json:
        rows = [{"from": source.id, "to": target.id, "category": t.source_code,
                 "label": source.category(t.source_code).label_in(lang),
                 "result": t.result, "targets": list(t.targets),
                 "target_labels": [target.category(code).label_in(lang) for code in t.targets],
                 "outside": t.outside}
                for t in table]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    out.write(f"{source.name} [{source.id}] → {target.name} [{target.id}]\n\n")
    code_w = max(len(c) for c in source.codes)
    label_w = max(len(c.label_in(lang)) for c in source.categories)
    for t in table:
        category = source.category(t.source_code)
        if t.result == "none":
            what = f"not representable in {target.id}"
        else:
            what = " | ".join(f"{code} {target.category(code).label_in(lang)}"
                              for code in t.targets)
            if t.outside:
                what += f" | or not representable in {target.id}"
        out.write(f"  {t.source_code:<{code_w}}  {category.label_in(lang):<{label_w}}  "
                  f"{t.result:<9}  {what}\n")
    return EXIT_OK


def handle_check(args: argparse.Namespace, out: TextIO | None = None,
                 err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    registry = _load(err)
    if registry is None:
        return EXIT_REFUSED
    status = EXIT_OK
    for path in args.files:
        try:
            scheme = check_scheme_file(path, registry)
        except SchemeError as exc:
            print(f"refused {exc}", file=err)
            status = EXIT_REFUSED
            continue
        clash = [name for name in (scheme.id, *scheme.aliases)
                 if name in registry and registry.get(name).path != scheme.path]
        if clash:
            print(f"refused {path}: id or alias {clash[0]!r} is already used by scheme "
                  f"{registry.get(clash[0]).id!r}", file=err)
            status = EXIT_REFUSED
            continue
        out.write(f"ok {path}: {scheme.id} ({len(scheme.categories)} categories)\n")
    return status
