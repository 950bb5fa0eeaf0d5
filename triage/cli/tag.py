"""Scripted tagging: `triage tag`, `triage untag`, `triage tags`, `triage working-scheme`.

    triage tag CASE_DIR --md5 HASH… [--sha1 HASH…] [--sha256 HASH…] --scheme S --category C
               [--attribute NAME=VALUE…] [--note TEXT] [--source SOURCE] [--examiner NAME]
    triage untag CASE_DIR --md5 HASH… [--sha1 …] [--sha256 …] [--source SOURCE]
    triage tags CASE_DIR [--review] [--csv]
    triage working-scheme CASE_DIR [SCHEME]

Every change goes through the command objects of `triage.review.commands`, so it
is audited exactly as a change made in the desktop application.
"""

from __future__ import annotations

import csv
import sys

from sqlalchemy import select

from triage.case.models import Media, Tag, TagSourceKind, TagState
from triage.case.store import current_examiner, open_case
from triage.review.commands import History, SetWorkingScheme, TagMedia, UntagMedia
from triage.review.tag_queries import counts, find_media, with_stacks
from triage.review.tags import EXAMINER, TagError, TagSource, working_scheme
from triage.cli import UsageError


def register(subparsers) -> None:
    tag = subparsers.add_parser(
        "tag", help="give media a category (scripted; audited like a tag given in the GUI)",
        description="Tag every media item with the given digests. Tagging an item again "
        "replaces its tag from the same source.")
    tag.add_argument("case_dir", metavar="CASE_DIR")
    _digest_arguments(tag)
    tag.add_argument("--scheme", required=True, help="scheme id or alias (triage scheme list)")
    tag.add_argument("--category", required=True, help="category code in that scheme")
    tag.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE",
                     help="a pivot attribute recorded with the tag (repeatable), "
                     "e.g. depiction=photographic")
    tag.add_argument("--note", default=None)
    _source_arguments(tag)
    tag.set_defaults(func=run_tag)

    untag = subparsers.add_parser("untag", help="remove the tag of media (audited)")
    untag.add_argument("case_dir", metavar="CASE_DIR")
    _digest_arguments(untag)
    _source_arguments(untag)
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
    except TagError as exc:
        raise UsageError(str(exc)) from None


def run_tag(args) -> int:
    store = open_case(args.case_dir)
    try:
        source = TagSource.parse(args.source)
        with store.session() as session:
            media = _media(session, args)
        command = TagMedia(media, args.scheme, args.category, _attributes(args.attribute),
                           note=args.note, source=source)
    except TagError as exc:
        raise UsageError(str(exc)) from None
    changed = _run(store, args.examiner or current_examiner(store), command)
    print(f"{command.label}: {len(changed)} changed, {len(media) - len(changed)} already so")
    store.close()
    return 0


def run_untag(args) -> int:
    store = open_case(args.case_dir)
    try:
        source = TagSource.parse(args.source)
    except TagError as exc:
        raise UsageError(str(exc)) from None
    with store.session() as session:
        media = _media(session, args)
    changed = _run(store, args.examiner or current_examiner(store), UntagMedia(media, source))
    print(f"removed {len(changed)} tag{'s' if len(changed) != 1 else ''} "
          f"({len(media) - len(changed)} had none from {source})")
    store.close()
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
