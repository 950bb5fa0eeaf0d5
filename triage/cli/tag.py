"""Scripted tagging: `triage tag`, `triage untag`, `triage tags`, `triage working-scheme`.

    triage tag CASE_DIR --md5 HASH… [--sha1 HASH…] [--sha256 HASH…] --scheme S --category C
               [--attribute NAME=VALUE…] [--note TEXT] [--source SOURCE] [--examiner NAME]
               [--if-category OLD | --if-untagged | --overwrite]
    triage untag CASE_DIR --md5 HASH… [--sha1 …] [--sha256 …] [--source SOURCE]
               [--if-category OLD | --overwrite]
    triage tags CASE_DIR [--review] [--csv]
    triage working-scheme CASE_DIR [SCHEME]

Every change goes through the command objects of `triage.review.commands`, so it
is audited exactly as a change made in the desktop application, and guarded
as it is there: the tag versions read when the command starts are its
`seen`, so an item re-tagged by anyone before the write is refused, and
another examiner's different verdict is never replaced unless asked.
"""

from __future__ import annotations

import csv
import sys

from sqlalchemy import select

from triage.case.models import Media, Tag, TagSourceKind, TagState
from triage.case.store import current_examiner, open_case
from triage.review.commands import History, SetWorkingScheme, TagMedia, UntagMedia
from triage.review.tag_queries import counts, find_media, with_stacks
from triage.review.tags import (
    EXAMINER,
    ConflictError,
    TagError,
    TagSource,
    tags_of,
    working_scheme,
)
from triage.cli import UsageError


def register(subparsers) -> None:
    tag = subparsers.add_parser(
        "tag", help="give media a category (scripted; audited like a tag given in the GUI)",
        description="Tag every media item with the given digests. Tagging an item again "
        "replaces its tag from the same source; another examiner's different verdict is "
        "replaced only with --if-category (the category you expect it to have) or "
        "--overwrite, and an item re-tagged by anyone while the command runs is refused. "
        "Refused: exit 1 and nothing changed.")
    tag.add_argument("case_dir", metavar="CASE_DIR")
    _digest_arguments(tag)
    tag.add_argument("--scheme", required=True, help="scheme id or alias (triage scheme list)")
    tag.add_argument("--category", required=True, help="category code in that scheme")
    tag.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE",
                     help="a pivot attribute recorded with the tag (repeatable), "
                     "e.g. depiction=photographic")
    tag.add_argument("--note", default=None)
    _source_arguments(tag)
    _guard_arguments(tag, "replace")
    tag.add_argument("--if-untagged", action="store_true",
                     help="only if no item has a tag from this source yet (else nothing is "
                     "changed)")
    tag.set_defaults(func=run_tag)

    untag = subparsers.add_parser(
        "untag", help="remove the tag of media (audited)",
        description="A tag another examiner gave is removed only with --if-category or "
        "--overwrite; nothing is changed when any item is refused.")
    untag.add_argument("case_dir", metavar="CASE_DIR")
    _digest_arguments(untag)
    _source_arguments(untag)
    _guard_arguments(untag, "remove")
    untag.set_defaults(func=run_untag)

    tags = subparsers.add_parser("tags", help="list the tags of a case")
    tags.add_argument("case_dir", metavar="CASE_DIR")
    tags.add_argument("--review", action="store_true",
                      help="only examiner tags waiting for a person to choose a category in "
                      "the working scheme")
    tags.add_argument("--csv", action="store_true", help="CSV with every column")
    tags.set_defaults(func=run_tags)

    working = subparsers.add_parser(
        "working-scheme", help="show or set the case's working scheme",
        description="Setting it re-places every tag: exact translations take the new "
        "category, ambiguous ones go to the review queue, untranslatable ones are kept as "
        "foreign. Nothing a source said is changed or dropped.")
    working.add_argument("case_dir", metavar="CASE_DIR")
    working.add_argument("scheme", metavar="SCHEME", nargs="?")
    working.add_argument("--examiner", default=None, help="who acts (audit log)")
    working.set_defaults(func=run_working_scheme)


def _digest_arguments(parser) -> None:
    parser.add_argument("--md5", nargs="+", default=[], metavar="HASH")
    parser.add_argument("--sha1", nargs="+", default=[], metavar="HASH")
    parser.add_argument("--sha256", nargs="+", default=[], metavar="HASH")
    parser.add_argument("--stack", action="store_true",
                        help="also every other member of these items' near-duplicate stacks")


def _source_arguments(parser) -> None:
    parser.add_argument("--source", default="examiner",
                        help="'examiner' (default: the verdict), 'hash set NAME' or "
                        "'plugin NAME@VERSION'")
    parser.add_argument("--examiner", default=None,
                        help="who acts (default: $TRIAGE_EXAMINER, else the OS user)")


def _guard_arguments(parser, verb: str) -> None:
    parser.add_argument("--if-category", metavar="OLD", default=None,
                        help=f"{verb} only tags that are category OLD now (as `triage tags` "
                        "shows it), whoever gave them; any other item refuses the command")
    parser.add_argument("--overwrite", action="store_true",
                        help=f"{verb} another examiner's different verdict too (audited)")


class Refused(Exception):
    """Items whose tags are not what the command may change: nothing was changed."""


def _guard(session, args, media: list[int], source: TagSource, examiner: str,
           new: tuple[str, str] | None) -> dict[int, int | None]:
    """The tag versions the change is made on (`seen`: a re-tag after this is refused in
    the writing transaction); raises Refused naming every item the options do not allow.

    `new` is the (scheme, category) being given, None for a removal.
    """
    current = tags_of(session, media, source)
    refused = [(m, why) for m in media
               if (why := _why_refused(args, current.get(m), source, examiner, new))]
    if refused:
        shown = refused[:5]
        md5s = dict(session.execute(select(Media.id, Media.md5)
                                    .where(Media.id.in_([m for m, _ in shown]))).all())
        more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        raise Refused("; ".join(f"{md5s[m]} {why}" for m, why in shown) + more
                      + "; nothing was changed")
    return {m: (current[m].version if m in current else None) for m in media}


def _why_refused(args, row: Tag | None, source: TagSource, examiner: str,
                 new: tuple[str, str] | None) -> str | None:
    """Why the options given do not allow changing this item's tag `row`; None if they do."""
    if row is None:
        if args.if_category is not None:
            return f"has no tag from {source}, not {args.if_category}"
        return None
    said = f"is {row.scheme} {row.category} by {row.examiner}"
    if getattr(args, "if_untagged", False):
        return said
    if args.if_category is not None:
        return None if row.category.casefold() == args.if_category.strip().casefold() else \
            f"{said}, not {args.if_category}"
    if (not args.overwrite and source.is_examiner and row.examiner != examiner
            and (row.scheme, row.category) != new):
        return (f"{said} (another examiner's verdict: give --if-category {row.category} "
                "or --overwrite to replace it)")
    return None


def _media(session, args) -> list[int]:
    if not (args.md5 or args.sha1 or args.sha256):
        raise UsageError("give at least one --md5, --sha1 or --sha256")
    try:
        media = find_media(session, args.md5, args.sha1, args.sha256)
    except TagError as exc:
        raise UsageError(str(exc)) from None
    return with_stacks(session, media) if args.stack else media


def _attributes(items: list[str]) -> dict[str, str]:
    attributes = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"--attribute {item!r}: expected NAME=VALUE")
        attributes[name.strip()] = value.strip()
    return attributes


def _run(store, examiner: str, command) -> list:
    try:
        return History(store, examiner).run(command)
    except ConflictError as exc:
        raise Refused(str(exc)) from None
    except TagError as exc:
        raise UsageError(str(exc)) from None


def _refusal(exc: Refused) -> int:
    print(f"triage: refused: {exc}", file=sys.stderr)
    return 1


def run_tag(args) -> int:
    if args.if_untagged and args.if_category is not None:
        raise UsageError("--if-untagged and --if-category contradict each other")
    store = open_case(args.case_dir)
    try:
        examiner = args.examiner or current_examiner(store)
        source = TagSource.parse(args.source)
        with store.session() as session:
            media = _media(session, args)
        command = TagMedia(media, args.scheme, args.category, _attributes(args.attribute),
                           note=args.note, source=source)
        with store.reading() as session:
            command.seen = _guard(session, args, media, source, examiner,
                                  (command.scheme, command.category))
        changed = _run(store, examiner, command)
    except TagError as exc:
        raise UsageError(str(exc)) from None
    except Refused as exc:
        return _refusal(exc)
    finally:
        store.close()
    print(f"{command.label}: {len(changed)} changed, {len(media) - len(changed)} already so")
    return 0


def run_untag(args) -> int:
    store = open_case(args.case_dir)
    try:
        examiner = args.examiner or current_examiner(store)
        source = TagSource.parse(args.source)
        with store.session() as session:
            media = _media(session, args)
        with store.reading() as session:
            seen = _guard(session, args, media, source, examiner, None)
        changed = _run(store, examiner, UntagMedia(media, source, seen=seen))
    except TagError as exc:
        raise UsageError(str(exc)) from None
    except Refused as exc:
        return _refusal(exc)
    finally:
        store.close()
    print(f"removed {len(changed)} tag{'s' if len(changed) != 1 else ''} "
          f"({len(media) - len(changed)} had none from {source})")
    return 0


COLUMNS = ["md5", "sha1", "source", "scheme", "category", "attributes", "examiner", "at",
           "note", "state", "working_category", "candidates", "reason"]


def run_tags(args) -> int:
    store = open_case(args.case_dir)
    with store.session() as session:
        query = (select(Tag, Media.md5, Media.sha1).join(Media, Tag.media_id == Media.id)
                 .order_by(Tag.media_id, Tag.source_kind, Tag.source_name))
        if args.review:
            query = query.where(Tag.source_kind == TagSourceKind.EXAMINER,
                                Tag.state == TagState.REVIEW)
        rows = session.execute(query).all()
        working = working_scheme(session)
        totals = counts(session, EXAMINER)
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for tag, md5, sha1 in rows:
            writer.writerow([md5, sha1, str(TagSource(tag.source_kind, tag.source_name)),
                             tag.scheme, tag.category, _cell(tag.attributes), tag.examiner,
                             tag.at.isoformat(sep=" ") + "Z", tag.note or "", tag.state.value,
                             tag.working_category or "", _cell(tag.candidates),
                             tag.reason or ""])
        return 0
    print(f"working scheme: {working}; examiner tags: "
          + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "none"))
    for tag, md5, _ in rows:
        source = TagSource(tag.source_kind, tag.source_name)
        where = {"current": tag.working_category, "review": "review: " + "/".join(
            tag.candidates or []), "foreign": "foreign"}[tag.state.value]
        print(f"{md5}  {tag.scheme}:{tag.category:<4} [{where}]  {source}, {tag.examiner}, "
              f"{tag.at:%Y-%m-%d %H:%M}" + (f"  {tag.reason}" if tag.state.value != "current"
                                             else ""))
    return 0


def run_working_scheme(args) -> int:
    store = open_case(args.case_dir)
    if args.scheme is None:
        with store.session() as session:
            print(working_scheme(session))
        return 0
    try:
        command = SetWorkingScheme(args.scheme)
    except TagError as exc:
        raise UsageError(str(exc)) from None
    _run(store, args.examiner or current_examiner(store), command)
    with store.session() as session:
        totals = counts(session, EXAMINER)
    print(f"working scheme is now {command.scheme}; examiner tags: "
          + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "none"))
    store.close()
    return 0


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return "/".join(map(str, value))
    return str(value)
