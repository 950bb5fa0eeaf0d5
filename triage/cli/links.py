"""`triage links …`: links found in the evidence, and the URL block lists they are matched against.

    triage links CASE_DIR [filters] [--csv | --json]     same as `links list`
    triage links scan CASE_DIR [--strings-cap MB] [--media-strings] [--shorteners FILE]…
                      [--workers N]
    triage links list CASE_DIR [--matched | --unmatched] [--level exact|prefix|domain]
                      [--shortened] [--deobfuscated] [--partial] [--domain D] [--emails]
                      [--limit N] [--csv | --json]
    triage links export CASE_DIR OUT [--format csv|json] [filters]
    triage links blocklist import CASE_DIR FILE --name N [--format text|csv|hashed]
                      [--category C] [--url-column COL] [--category-column COL]
                      [--skip-bad [--report PATH]]
    triage links blocklist list CASE_DIR [--json]
    triage links blocklist verify CASE_DIR NAME     exit 1 when the list changed since import
    triage links blocklist remove CASE_DIR NAME

Ingest scans links by itself; `scan` is for a case ingested before, or for
other limits. Scans, imports, verifications, removals and exports are in
the audit log.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from triage.case.audit import append_audit
from triage.case.store import current_examiner
from triage.cli import UsageError, case_store, verify_list
from triage.export.links import write_csv, write_file, write_json
from triage.links import (
    LinkFilter,
    LinkListError,
    Limits,
    import_link_list,
    iter_links,
    link_counts,
    list_link_lists,
    remove_link_list,
    verify_link_list,
)
from triage.links.lists import FORMATS
from triage.pipeline.link_scan import ScanOptions, scan_links

COMMANDS = ("scan", "list", "export", "blocklist")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "links", help="links in the evidence: scan, list, export; URL block lists",
        add_help=False, usage="triage links [scan|list|export|blocklist] … (triage links -h)")
    parser.add_argument("-h", "--help", dest="links_help", action="store_true")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    parser.set_defaults(func=handle)


def handle(args) -> int:
    argv = ["-h"] * args.links_help + list(args.args)
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-"):
        argv.insert(0, "list")  # `triage links CASE_DIR` lists
    options = links_parser().parse_args(argv)
    return options.func(options)


def links_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triage links", description="Links found in the evidence (de-obfuscated and "
        "normalised) and URL block lists; `triage links CASE_DIR` lists them.")
    commands = parser.add_subparsers(dest="links_command", metavar="COMMAND", required=True)

    p = commands.add_parser("scan", help="scan contents not scanned yet (ingest does this)")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("--strings-cap", type=float, default=64, metavar="MB",
                   help="bytes of a non-text file scanned for strings (default 64 MB)")
    p.add_argument("--media-strings", action="store_true",
                   help="also scan pictures and videos for strings (off: they are compressed)")
    p.add_argument("--shorteners", action="append", default=[], metavar="FILE",
                   help="a file of more shortener hosts, one per line (repeatable)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes that read and scan contents (default: one, or one per "
                        "core, at most 8, when more than 256 MB are to be scanned)")
    p.set_defaults(func=handle_scan)

    p = commands.add_parser("list", help="list links with their source and matches")
    p.add_argument("case_dir", metavar="CASE_DIR")
    _filters(p)
    p.add_argument("--limit", type=int, help="at most this many links")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help="print CSV (the export's columns)")
    out.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=handle_list)

    p = commands.add_parser("export", help="write links and matches to a CSV or JSON file")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("out", metavar="OUT")
    p.add_argument("--format", choices=("csv", "json"),
                   help="default: from OUT's extension, else csv")
    p.add_argument("--overwrite", action="store_true")
    _filters(p)
    p.set_defaults(func=handle_export)

    p = commands.add_parser("blocklist", help="import, list, verify and remove URL block lists")
    lists = p.add_subparsers(dest="blocklist_command", metavar="COMMAND", required=True)
    q = lists.add_parser("import", help="import a URL list (atomic; matched at once)")
    q.add_argument("case_dir", metavar="CASE_DIR")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--name", required=True, help="the list's name in this case (unique)")
    q.add_argument("--format", choices=FORMATS, help="default: detected (hashed when the lines "
                   "are hex digests, csv for .csv/.tsv, else text)")
    q.add_argument("--category", help="category of entries that name none")
    q.add_argument("--url-column", help="CSV: the URL column (header name or 1-based number)")
    q.add_argument("--category-column", help="CSV: the category column")
    q.add_argument("--skip-bad", action="store_true",
                   help="import the good entries and report the bad ones (default: refuse)")
    q.add_argument("--report", help="where --skip-bad writes its report")
    q.set_defaults(func=handle_import)
    q = lists.add_parser("list", help="the URL lists of a case")
    q.add_argument("case_dir", metavar="CASE_DIR")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=handle_lists)
    q = lists.add_parser("verify", help="recompute a list's Merkle root and compare")
    q.add_argument("case_dir", metavar="CASE_DIR")
    q.add_argument("name", metavar="NAME")
    q.set_defaults(func=handle_verify)
    q = lists.add_parser("remove", help="remove a list, its entries and its matches")
    q.add_argument("case_dir", metavar="CASE_DIR")
    q.add_argument("name", metavar="NAME")
    q.set_defaults(func=handle_remove)
    return parser


def _filters(p: argparse.ArgumentParser) -> None:
    matched = p.add_mutually_exclusive_group()
    matched.add_argument("--matched", dest="matched", action="store_true", default=None,
                         help="only links on a block list")
    matched.add_argument("--unmatched", dest="matched", action="store_false",
                         help="only links on no block list")
    p.add_argument("--level", choices=("exact", "prefix", "domain"),
                   help="with --matched: only matches at this level")
    p.add_argument("--shortened", action="store_true", default=None, help="only shortened links")
    p.add_argument("--deobfuscated", action="store_true", default=None,
                   help="only links that needed de-obfuscation")
    p.add_argument("--partial", action="store_true", default=None,
                   help="only partial links (a path with no host)")
    p.add_argument("--domain", help="only links on this domain (or hosts under it)")
    p.add_argument("--emails", action="store_true", help="e-mail addresses instead of links")


def _filter(args) -> LinkFilter:
    if args.level and not args.matched:
        raise UsageError("--level goes with --matched")
    return LinkFilter(matched=args.matched, level=args.level, shortened=args.shortened,
                      deobfuscated=args.deobfuscated, partial=args.partial, domain=args.domain,
                      kind="email" if args.emails else "url")


def handle_scan(args) -> int:
    options = ScanOptions(limits=Limits(strings_cap=int(args.strings_cap * 1e6)),
                          media_strings=args.media_strings,
                          workers=max(1, args.workers) if args.workers else None,
                          shorteners=tuple(str(Path(f).absolute()) for f in args.shorteners))
    with case_store(args.case_dir) as store:
        summary = scan_links(store, options=options)
    print(f"Scanned {summary.contents:,} contents ({summary.bytes_scanned / 1e6:,.1f} MB, "
          f"{summary.rate:,.1f} MB/s): {summary.links:,} links, {summary.emails:,} e-mail "
          f"addresses, {summary.errors:,} errors, {summary.skipped:,} pictures/videos skipped")
    if summary.matches:
        print("  new matches: " + ", ".join(f"{n:,} {level}" for level, n in
                                            summary.matches.items()))
    return 0


def handle_list(args) -> int:
    with case_store(args.case_dir) as store, store.reading() as session:
        rows = iter_links(session, _filter(args))
        if args.limit is not None:
            rows = (row for _, row in zip(range(args.limit), rows))
        if args.csv:
            write_csv(rows, sys.stdout)
        elif args.json:
            write_json(rows, sys.stdout)
        else:
            _print_rows(rows)
            counts = link_counts(session)
            print(f"{counts['links']:,} links ({counts['decoded']:,} de-obfuscated, "
                  f"{counts['partial']:,} partial, {counts['shortened']:,} shortened), "
                  f"{counts['emails']:,} e-mail addresses; matched: {counts['matched']:,} "
                  f"({counts['matched_exact']:,} exact, {counts['matched_prefix']:,} "
                  f"prefix, {counts['matched_domain']:,} domain)")
    return 0


def _print_rows(rows) -> None:
    for row in rows:
        flags = [row.confidence] + (["shortened"] if row.shortened else [])
        rules = f" rules: {', '.join(row.rules)}" if row.rules else ""
        print(f"{row.url}  [{'; '.join(flags)}]{rules}")
        where = row.location or (f"line {row.line}" if row.line else "")
        if row.offset is not None:
            where = f"{where}, byte {row.offset}" if where else f"byte {row.offset}"
        print(f"  in {row.evidence}:{row.path} ({row.extractor}{', ' + where if where else ''})"
              f": {row.raw!r}")
        if row.context and row.context != row.raw:
            print(f"  … {row.context} …")
        for match in row.matches:
            print(f"  MATCH {match.describe()}")


def handle_export(args) -> int:
    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise UsageError(f"{out} exists (--overwrite replaces it)")
    format = args.format or ("json" if out.suffix.lower() == ".json" else "csv")
    where = _filter(args)
    with case_store(args.case_dir) as store:
        with store.reading() as session:
            count = write_file(iter_links(session, where), out, format)
        examiner = current_examiner(store)
        with store.session() as session:
            append_audit(session, examiner, "links.export", target=str(out.absolute()),
                         after={"format": format, "links": count,
                                "filter": {k: v for k, v in where.__dict__.items()
                                           if v is not None}})
    print(f"Wrote {count:,} links to {out}")
    return 0


def handle_import(args) -> int:
    with case_store(args.case_dir, LinkListError) as store:
        result = import_link_list(store, args.file, args.name, format=args.format,
                                  category=args.category, url_column=args.url_column,
                                  category_column=args.category_column,
                                  skip_bad=args.skip_bad, report=args.report)
    digest = f", {result.digest} digests" if result.digest else ""
    print(f"Imported {result.entries:,} entries as '{result.name}' ({result.format}{digest}) "
          f"in {result.seconds:.1f} s")
    print(f"  source SHA-256 {result.source_sha256}")
    print(f"  Merkle root    {result.merkle_root}")
    print("  matches: " + ", ".join(f"{n:,} {level}" for level, n in result.matches.items()))
    if result.rejected:
        print(f"  {result.rejected:,} bad records not imported: see {result.report}")
    return 0


def handle_lists(args) -> int:
    with case_store(args.case_dir) as store, store.reading() as session:
        lists = list_link_lists(session)
    if args.json:
        print(json.dumps([{**l.__dict__, "imported_at": l.imported_at.isoformat() + "Z"}
                          for l in lists], indent=2))
        return 0
    if not lists:
        print("No URL lists in this case.")
    for l in lists:
        digest = f", {l.digest} digests" if l.digest else ""
        print(f"{l.name}: {l.format}{digest}, {l.entries:,} entries, "
              f"{l.matched_links:,} links matched")
        print(f"  from {l.source_name} (SHA-256 {l.source_sha256})")
        print(f"  imported {l.imported_at:%Y-%m-%d %H:%M:%S} UTC by {l.examiner}; "
              f"Merkle root {l.merkle_root}")
    return 0


def handle_verify(args) -> int:
    return verify_list(args.case_dir, args.name, verify_link_list, LinkListError)


def handle_remove(args) -> int:
    with case_store(args.case_dir, LinkListError) as store:
        removed = remove_link_list(store, args.name)
    print(f"Removed '{removed['name']}' ({removed['entries']:,} entries, "
          f"{removed['matches_removed']:,} matches)")
    return 0
