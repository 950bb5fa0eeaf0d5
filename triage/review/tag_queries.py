"""What views ask about tags: media by digest, whole stacks, versions shown, counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.case.models import Media, Tag, TagSourceKind, TagState
from triage.review.tags import EXAMINER, TagError, TagSource, tags_of


def find_media(session: Session, md5: Iterable[str] = (), sha1: Iterable[str] = (),
               sha256: Iterable[str] = ()) -> list[int]:
    """Media ids for the given digests, in the order given, each once.

    Raises TagError naming every digest the case does not hold (a digest
    must be hex of its length; case does not matter).
    """
    ids: list[int] = []
    missing: list[str] = []
    for column, length, values in ((Media.md5, 32, md5), (Media.sha1, 40, sha1),
                                   (Media.sha256, 64, sha256)):
        for value in values:
            digest = value.strip().lower()
            if len(digest) != length or any(c not in "0123456789abcdef" for c in digest):
                raise TagError(f"{value!r} is not a {column.key.upper()} "
                               f"({length} hex digits)")
            found = session.scalars(select(Media.id).where(column == digest)
                                    .order_by(Media.id)).all()
            if not found:
                missing.append(f"{column.key.upper()} {digest}")
            ids.extend(found)
    if missing:
        raise TagError("not in this case: " + ", ".join(missing))
    return list(dict.fromkeys(ids))


def with_stacks(session: Session, media_ids: Sequence[int]) -> list[int]:
    """The media and every other member of their near-duplicate stacks, each once.

    Tagging a stack tags each member: one verdict, one audit entry per item,
    so any member can later be untagged or re-tagged on its own.
    """
    stacks = {stack for stack in session.scalars(
        select(Media.stack_id).where(Media.id.in_(list(media_ids)))) if stack is not None}
    members = session.scalars(select(Media.id).where(Media.stack_id.in_(stacks))
                              .order_by(Media.id)).all() if stacks else []
    return list(dict.fromkeys([*media_ids, *members]))


def tag_versions(session: Session, media_ids: Sequence[int],
                 source: TagSource = EXAMINER) -> dict[int, int | None]:
    """The version of each media item's tag from `source` (None: untagged), as now.

    A view keeps these beside what it shows, and hands them to `TagMedia` or
    `UntagMedia` as `seen`: a change to an item someone else has re-tagged
    since is then refused instead of replacing a verdict nobody here saw.
    """
    found = {m: None for m in media_ids}
    found.update((m, tag.version) for m, tag in tags_of(session, list(media_ids), source).items())
    return found


def review_queue(session: Session) -> list[Tag]:
    """Examiner tags that are ambiguous in the working scheme: a person must choose."""
    return list(session.scalars(select(Tag).where(
        Tag.source_kind == TagSourceKind.EXAMINER, Tag.state == TagState.REVIEW)
        .order_by(Tag.media_id)))


def counts(session: Session, source: TagSource = EXAMINER) -> dict[str, int]:
    """How many tags of `source` per working-scheme category, and in review / foreign."""
    rows = session.execute(
        select(Tag.state, Tag.working_category, func.count())
        .where(Tag.source_kind == source.kind, Tag.source_name == source.name)
        .group_by(Tag.state, Tag.working_category)).all()
    result: dict[str, int] = {}
    for state, category, n in rows:
        key = category if state is TagState.CURRENT else state.value
        result[key] = result.get(key, 0) + n
    return result
