"""`triage hashset …`: import, list, verify and remove the hash sets of a case.

    triage hashset import CASE_DIR FILE --name N [--kind alert|known-good] [--scheme S]
                          [--format F] [--skip-bad [--report PATH]] [--column ROLE=NAME]…
                          [--delimiter D] [--header | --no-header]
    triage hashset list CASE_DIR [--json]
    triage hashset verify CASE_DIR NAME        exit 1 when the set changed since import
    triage hashset remove CASE_DIR NAME
    triage hashset precedence CASE_DIR [SET_OR_KIND …] [--clear]
    triage hashset import CASE_DIR --library NAME     a set of the workstation's library
    triage hashset library add FILE --name N [--kind K] [--scheme S] [--format F]
    triage hashset library list | remove NAME
    triage hashset formats

Every change (import, remove) and every verification is in the audit log.
"""

from __future__ import annotations

import json
import sys
import time

from triage.case.models import HashSetKind
from triage.cli import UsageError, case_store, verify_list
from triage.hashsets import (
    FORMATS,
    HashSetError,
    ReadOptions,
    import_hash_set,
    list_hash_sets,
    remove_hash_set,
    verify_hash_set,
)
from triage.hashsets.formats.delimited import ROLES
from triage.hashsets.precedence import get_precedence, set_precedence
from triage.hashsets.workstation import Library, import_from_library


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "hashset", help="import, list, verify and remove hash sets",
        description="Hash sets flag known material (alert) and hide known-good files. "
                    "Importing or removing a set matches every media item of the case again.")
    commands = parser.add_subparsers(dest="hashset_command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "import", help="import a hash set file into a case (atomic; matched at once)",
        description="Formats are recognised by content: " + "; ".join(
            f"{f.id} = {f.title}" for f in FORMATS) + ".")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="the set's file (or --library NAME)")
    p.add_argument("--library", metavar="NAME",
                   help="import the workstation library's set NAME (see 'hashset library')")
    p.add_argument("--name", help="the set's name in this case (unique; with --library, "
                   "default: the library's name)")
    p.add_argument("--kind", choices=[k.value for k in HashSetKind],
                   help="alert (flag and pre-categorise) or known-good (hide from review); "
                        "required unless the format says (NSRL: known-good, VICS: alert)")
    p.add_argument("--scheme", help="the classification scheme of the file's category codes, "
                   "when the file does not name it (e.g. vics-us, uk-2014)")
    p.add_argument("--format", choices=[f.id for f in FORMATS],
                   help="insist on a format: a file that is not in it is refused")
    p.add_argument("--skip-bad", action="store_true",
                   help="import the good entries and write the bad ones to a report "
                        "(default: a bad record stops the import and nothing is kept)")
    p.add_argument("--report", help="where --skip-bad writes its report "
                   "(default: CASE_DIR/reports/hashset-NAME-rejected-TIME.tsv)")
    p.add_argument("--column", action="append", default=[], metavar="ROLE=NAME",
                   help=f"CSV/TSV: which column is what; ROLE is one of {', '.join(ROLES)}, "
                        "NAME a header name or a 1-based column number (repeatable)")
    p.add_argument("--delimiter", help="CSV/TSV: the delimiter (default: detected; 'tab' for tab)")
    header = p.add_mutually_exclusive_group()
    header.add_argument("--header", dest="header", action="store_true", default=None,
                        help="CSV/TSV: the first row is a header")
    header.add_argument("--no-header", dest="header", action="store_false",
                        help="CSV/TSV: the first row is data")
    p.set_defaults(func=handle_import)

    p = commands.add_parser("list", help="the hash sets of a case")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=handle_list)

    p = commands.add_parser("verify", help="recompute a set's Merkle root from the case "
                            "and compare it with the one recorded at import")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=handle_verify)

    p = commands.add_parser("remove", help="remove a set, its entries and its matches")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=handle_remove)

    p = commands.add_parser(
        "precedence", help="show or set which set's answer is the default when sets disagree",
        description="An ordered list of set names and kinds (alert, known-good), strongest "
                    "first. A conflicting item stays conflicting and shows every answer; the "
                    "strongest matching set's answer becomes its default, and the audit log "
                    "and the verdict name the rule that picked it. No arguments: show the rule.")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("rule", metavar="SET_OR_KIND", nargs="*")
    p.add_argument("--clear", action="store_true", help="no rule: no defaults are picked")
    p.set_defaults(func=handle_precedence)

    p = commands.add_parser("formats", help="the formats that can be imported")
    p.set_defaults(func=handle_formats)

    library = commands.add_parser(
        "library", help="the workstation's library of sets every case can import by name",
        description="Sets a lab uses case after case, kept once (read-only, with their SHA-256) "
                    "in $TRIAGE_HASHSET_LIBRARY or the user's data folder. A case imports "
                    "its own copy: 'hashset import CASE_DIR --library NAME'.")
    library_commands = library.add_subparsers(dest="library_command", metavar="COMMAND",
                                              required=True)
    p = library_commands.add_parser("add", help="copy a set file into the library")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", choices=[k.value for k in HashSetKind])
    p.add_argument("--scheme")
    p.add_argument("--format", choices=[f.id for f in FORMATS])
    p.set_defaults(func=handle_library_add)
    p = library_commands.add_parser("list", help="the library's sets")
    p.set_defaults(func=handle_library_list)
    p = library_commands.add_parser("remove", help="remove a set from the library "
                                    "(cases that imported it keep their copy)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=handle_library_remove)


def _options(args) -> ReadOptions:
    columns = {}
    for item in args.column:
        role, sep, column = item.partition("=")
        if not sep or not column:
            raise UsageError(f"--column {item!r}: give ROLE=NAME, e.g. md5=\"MD5 Hash\"")
        if role.strip().lower() not in ROLES:
            raise UsageError(f"--column {item!r}: ROLE is one of {', '.join(ROLES)}")
        columns[role.strip().lower()] = column
    delimiter = args.delimiter
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1:
            raise UsageError("--delimiter is one character (or 'tab')")
    return ReadOptions(columns=columns, delimiter=delimiter, header=args.header)


def _progress():
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(entries: int, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            percent = 100 * done / total if total else 100
            print(f"\r  {entries:,} entries ({percent:.0f}% of the file)", end="",
                  file=sys.stderr, flush=True)
    return show


def handle_import(args) -> int:
    if (args.file is None) == (args.library is None):
        raise UsageError("give the set's FILE, or --library NAME for a set of the library")
    if args.file is not None and not args.name:
        raise UsageError("--name is needed: the set's name in this case")
    if args.library and (args.kind or args.scheme or args.format):
        raise UsageError("a library set is read as the library says: no --kind, --scheme, "
                         "--format with --library")
    progress = _progress()
    try:
        with case_store(args.case_dir, HashSetError) as store:
            if args.library:
                result = import_from_library(store, args.library, as_name=args.name,
                                             skip_bad=args.skip_bad, options=_options(args),
                                             progress=progress)
            else:
                result = import_hash_set(store, args.file, args.name, kind=args.kind,
                                         scheme=args.scheme, format=args.format,
                                         skip_bad=args.skip_bad, report=args.report,
                                         options=_options(args), progress=progress)
    finally:
        if progress:
            print(file=sys.stderr)
    scheme = f", scheme {result.scheme}" if result.scheme else ""
    print(f"Imported {result.entries:,} entries as '{result.name}' ({result.kind}{scheme}, "
          f"{result.format}) in {result.seconds:.1f} s ({result.rate:,.0f} entries/s)")
    print(f"  source SHA-256 {result.source_sha256}")
    print(f"  Merkle root    {result.merkle_root}")
    print(f"  {result.matches:,} matches with media in this case")
    if result.rejected:
        print(f"  {result.rejected:,} bad records not imported: see {result.report}")
    return 0


def handle_list(args) -> int:
    with case_store(args.case_dir) as store, store.reading() as session:
        sets = list_hash_sets(session)
    if args.json:
        print(json.dumps([{**s.__dict__, "imported_at": s.imported_at.isoformat() + "Z"}
                          for s in sets], indent=2))
        return 0
    if not sets:
        print("No hash sets in this case.")
        return 0
    for s in sets:
        scheme = f", scheme {s.scheme}" if s.scheme else ""
        rejected = f", {s.rejected:,} rejected" if s.rejected else ""
        print(f"{s.name}: {s.kind}{scheme}, {s.entries:,} entries{rejected}, "
              f"{s.matched_media:,} media matched"
              + (f", {s.near_matched_media:,} nearly (perceptual)" if s.near_matched_media else ""))
        print(f"  from {s.source_name} ({s.format}, SHA-256 {s.source_sha256})")
        print(f"  imported {s.imported_at:%Y-%m-%d %H:%M:%S} UTC by {s.examiner}; "
              f"Merkle root {s.merkle_root}")
    return 0


def handle_verify(args) -> int:
    return verify_list(args.case_dir, args.name, verify_hash_set, HashSetError)


def handle_remove(args) -> int:
    with case_store(args.case_dir, HashSetError) as store:
        removed = remove_hash_set(store, args.name)
    print(f"Removed '{removed['name']}' ({removed['entries']:,} entries, "
          f"{removed['matches_removed']:,} matches); the media it matched were re-assessed")
    return 0


def handle_precedence(args) -> int:
    if args.clear and args.rule:
        raise UsageError("give a rule or --clear, not both")
    with case_store(args.case_dir, HashSetError) as store:
        if not args.rule and not args.clear:
            with store.reading() as session:
                rule = get_precedence(session)
            print("precedence: " + (" > ".join(rule) if rule else
                                    "none (conflicts get no default)"))
            return 0
        result = set_precedence(store, args.rule)
    print("precedence: " + (" > ".join(result["rule"]) or "none")
          + f"; defaults picked for {result['defaults_picked']:,} conflicting media")
    return 0


def handle_library_add(args) -> int:
    try:
        item = Library().add(args.file, args.name, args.kind, args.scheme, args.format)
    except HashSetError as exc:
        raise UsageError(str(exc)) from None
    print(f"Added '{item.name}' ({item.kind}, {item.format}, {item.size:,} bytes, "
          f"SHA-256 {item.sha256}) to the library {Library().folder}")
    return 0


def handle_library_list(args) -> int:
    library = Library()
    try:
        sets = library.sets()
    except HashSetError as exc:
        raise UsageError(str(exc)) from None
    if not sets:
        print(f"The library {library.folder} has no sets.")
    for item in sets:
        scheme = f", scheme {item.scheme}" if item.scheme else ""
        print(f"{item.name}: {item.kind}{scheme}, {item.format}, {item.source_name} "
              f"({item.size:,} bytes), added {item.added_at[:19]} by {item.added_by}")
    return 0


def handle_library_remove(args) -> int:
    try:
        item = Library().remove(args.name)
    except HashSetError as exc:
        raise UsageError(str(exc)) from None
    print(f"Removed '{item.name}' from the library; cases that imported it keep their copy")
    return 0


def handle_formats(args) -> int:
    for fmt in FORMATS:
        print(f"{fmt.id:12} {fmt.title}")
    return 0
