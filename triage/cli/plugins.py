"""`triage plugins`: list plugins, enable or disable them per case, run one on a case.

    triage plugins list [--case CASE_DIR]
    triage plugins enable CASE_DIR NAME [--threshold LABEL=VALUE…]
    triage plugins disable CASE_DIR NAME
    triage plugins run CASE_DIR NAME [--workers N]
    triage plugins flags CASE_DIR [--plugin NAME] [--label LABEL]

Enabling, disabling and running are audited. What a plugin says is a
suggestion, shown with the plugin's name, version and model SHA-256.

Each sub-command imports what it needs when it runs (running a plugin loads the pipeline,
0.7 s; the case's plugin state 0.4 s): `triage plugins list` stays quick.
"""

from __future__ import annotations

import sys

from sqlalchemy import select

from triage.case.models import Media, PluginFlag, PluginResult
from triage.case.store import current_examiner, open_case
from triage.cli import UsageError
from triage.plugins.manifest import PluginError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "plugins", help="classifier and detector plugins: list, enable per case, run",
        description="Plugins suggest labels, flags and categories; an examiner decides.")
    commands = parser.add_subparsers(dest="plugins_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="plugins found, their model pins and state")
    listing.add_argument("--case", metavar="CASE_DIR", default=None,
                         help="also say which are enabled for this case")
    listing.set_defaults(func=run_list)

    enable = commands.add_parser("enable", help="run a plugin during this case's ingest")
    enable.add_argument("case_dir", metavar="CASE_DIR")
    enable.add_argument("name", metavar="NAME")
    enable.add_argument("--threshold", action="append", default=[], metavar="LABEL=VALUE",
                        help="this case's threshold for a label (repeatable); flags follow")
    _examiner(enable)
    enable.set_defaults(func=run_enable)

    disable = commands.add_parser("disable", help="stop running a plugin on this case")
    disable.add_argument("case_dir", metavar="CASE_DIR")
    disable.add_argument("name", metavar="NAME")
    _examiner(disable)
    disable.set_defaults(func=run_disable)

    run = commands.add_parser(
        "run", help="run a plugin on every picture (or video) of a case it has not answered yet",
        description="Reads and decodes each item again (ingest runs enabled picture plugins "
        "on its own decode; video classifiers run only here). Resumable: items already "
        "answered by this plugin, version and model are skipped.")
    run.add_argument("case_dir", metavar="CASE_DIR")
    run.add_argument("name", metavar="NAME")
    run.add_argument("--workers", type=int, default=None,
                     help="worker processes (default: every core; 0: in this process)")
    _examiner(run)
    run.set_defaults(func=run_run)

    flags = commands.add_parser("flags", help="media a plugin flagged (label over threshold)")
    flags.add_argument("case_dir", metavar="CASE_DIR")
    flags.add_argument("--plugin", default=None)
    flags.add_argument("--label", default=None)
    flags.set_defaults(func=run_flags)


def _examiner(parser) -> None:
    parser.add_argument("--examiner", default=None,
                        help="who acts (default: $TRIAGE_EXAMINER, else the OS user)")


def _catalogue():
    from triage.plugins.discovery import discover

    return discover()


def run_list(args) -> int:
    from triage.plugins.manifest import verify_model

    catalogue = _catalogue()
    enabled, faults = {}, {}
    if args.case:
        from triage.review.queries import last_plugin_faults
        from triage.plugins.case import enabled as enabled_in

        store = open_case(args.case)
        with store.reading() as session:
            enabled, faults = enabled_in(session), last_plugin_faults(session)
        store.close()
    for name, found in sorted(catalogue.plugins.items()):
        manifest = found.manifest
        try:
            model = "model pinned, matches" if verify_model(manifest) else "no model"
        except PluginError as exc:
            model = f"REFUSED: {exc}"
        state = (" [enabled]" if name in enabled else " [disabled]") if args.case else ""
        uses = f", uses {manifest.uses}" if manifest.uses else ""
        print(f"{name} {manifest.version}{state}  ({found.origin}: {manifest.folder}{uses})")
        if name in faults:
            print(f"    last run in this case stopped: {faults[name]}")
        if manifest.description:
            print(f"    {manifest.description}")
        print(f"    {model}")
    for problem in catalogue.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if not catalogue.plugins:
        print("no plugins found")
    return 0


def _thresholds(items: list[str]) -> dict[str, float]:
    values = {}
    for item in items:
        label, sep, value = item.partition("=")
        try:
            values[label.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not label.strip():
            raise UsageError(f"--threshold {item!r}: expected LABEL=NUMBER")
    return values


def run_enable(args) -> int:
    overrides = _thresholds(args.threshold) if args.threshold else None
    store = open_case(args.case_dir)
    enable_plugins(store, [args.name], args.examiner or current_examiner(store), overrides)
    store.close()
    print(f"{args.name} is enabled for this case: ingest runs it on every new picture "
          f"(for pictures already in the case: triage plugins run {args.case_dir} {args.name})")
    return 0


def enable_plugins(store, names: list[str], examiner: str,
                   overrides: dict[str, float] | None = None) -> None:
    """Enable installed plugins for a case (audited), each checked first: one that would
    fail mid-ingest is refused now (`plugins enable`, `ingest --plugin`)."""
    from triage.plugins.case import enable
    from triage.plugins.loading import resolve
    from triage.plugins.results import check_suggestions

    catalogue = _catalogue()
    try:
        found = [catalogue.get(name) for name in names]
        for plugin in found:
            check_suggestions(resolve(plugin, catalogue).manifest)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    for plugin in found:
        enable(store, plugin, examiner, overrides)


def run_disable(args) -> int:
    from triage.plugins.case import disable

    store = open_case(args.case_dir)
    changed = disable(store, args.name, args.examiner or current_examiner(store))
    store.close()
    print(f"{args.name} is disabled for this case" if changed
          else f"{args.name} was not enabled for this case")
    return 0


def run_run(args) -> int:
    from triage.pipeline.plugins import run_plugin

    catalogue = _catalogue()
    store = open_case(args.case_dir)
    try:
        summary = run_plugin(store, args.name, args.examiner or current_examiner(store),
                             workers=args.workers, catalogue=catalogue)
    finally:
        store.close()
    print(f"{args.name}: {summary.items} media answered, {summary.flagged} flagged"
          + (f", {summary.unreadable} unreadable" if summary.unreadable else ""))
    for name, error in summary.errors.items():
        print(f"triage: error: {error}", file=sys.stderr)
    return 1 if summary.errors else 0


def run_flags(args) -> int:
    store = open_case(args.case_dir)
    query = (select(Media.md5, PluginFlag.plugin, PluginFlag.label, PluginFlag.score,
                    PluginResult.version, PluginResult.model_sha256)
             .join(Media, PluginFlag.media_id == Media.id)
             .join(PluginResult, PluginFlag.result_id == PluginResult.id)
             .order_by(PluginFlag.plugin, PluginFlag.label, Media.md5))
    if args.plugin:
        query = query.where(PluginFlag.plugin == args.plugin)
    if args.label:
        query = query.where(PluginFlag.label == args.label)
    with store.reading() as session:
        rows = session.execute(query).all()
    store.close()
    for md5, plugin, label, score, version, model in rows:
        print(f"{md5}  {plugin}:{label} {score:.3f}  (suggested by {plugin} {version}"
              + (f", model {model[:12]}…)" if model else ")"))
    return 0
