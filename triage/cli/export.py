"""`triage export CASE_DIR --format F --scheme TARGET --out PATH`: write one export of a case.

Every export writes `PATH.manifest.json` (SHA-256 of each file written)
beside it and is recorded in the case's audit log.
"""

from __future__ import annotations

import sys

from triage.case.store import current_examiner, open_case
from triage.cli import UsageError
from triage.export import FORMATS, THUMBNAIL_MODES, ExportError, ExportOptions, export_case
from triage.export.items import ALL, MEDIA, TAGGED
from triage.pipeline.content import media_reader


def register(subparsers) -> None:
    formats = "; ".join(f"{f.id}: {f.title}" for f in FORMATS.values())
    parser = subparsers.add_parser(
        "export", help="export a case: VICS JSON, VICS hash set, md5 list, CSV, HTML or PDF "
        "report",
        description="Categories are written in the target scheme, translated from the "
        "examiner's tags; an item whose category is ambiguous or has no counterpart there "
        "is written without one and the reason is given. Formats: " + formats)
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("--format", required=True, choices=list(FORMATS))
    parser.add_argument("--scheme", default=None, metavar="TARGET",
                        help="target scheme id or alias (default: the case's working scheme)")
    parser.add_argument("--out", required=True, metavar="PATH", help="file to write")
    parser.add_argument("--category", action="append", default=[], metavar="CODE",
                        help="only items of this target category (repeatable)")
    parser.add_argument("--items", choices=(TAGGED, MEDIA, ALL), default=None,
                        help=f"{TAGGED}: items an examiner tagged; {MEDIA}: every picture "
                        f"and video, and anything tagged or matched; {ALL}: every distinct "
                        "content (default depends on the format)")
    parser.add_argument("--precategorised", action="store_true",
                        help="for items no examiner tagged, write the hash sets' agreed "
                        "category, marked as pre-categorised")
    parser.add_argument("--thumbnails", choices=THUMBNAIL_MODES, default="blurred",
                        help="reports: blurred (default), none, or clear")
    parser.add_argument("--case-number", default=None, help="VICS CaseNumber "
                        "(default: the case's name)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace PATH and its manifest if they exist")
    parser.add_argument("--copy-media", action="store_true",
                        help="vics: also copy each item's content into PATH.media/ (named in "
                        "RelativeFilePath, listed in the manifest); off by default")
    parser.add_argument("--examiner", default=None,
                        help="who exports (default: $TRIAGE_EXAMINER, else the OS user)")
    parser.set_defaults(func=run)


def run(args) -> int:
    store = open_case(args.case_dir)
    options = ExportOptions(scheme=args.scheme, selection=args.items,
                            categories=tuple(args.category), precategorised=args.precategorised,
                            thumbnails=args.thumbnails, case_number=args.case_number,
                            overwrite=args.overwrite, copy_media=args.copy_media)
    try:
        result = export_case(store, args.format, args.out, options,
                             examiner=args.examiner or current_examiner(store),
                             media_content=media_reader(store) if args.copy_media else None)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    counts = result.counts
    items = counts.get("items", counts.get("items_listed"))
    print(f"{result.format} in {result.scheme}: {items} items -> {result.files[0]}")
    print(f"manifest: {result.manifest}")
    for warning in result.warnings:
        print(f"triage: warning: {warning}", file=sys.stderr)
    return 0
