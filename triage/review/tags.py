"""Tags: categories given to media, the case's working scheme, and the one way tags change.

A tag is what one source (the examiner, a hash set, a plugin) said about one
media item, in that source's own scheme, with the attributes it recorded.
That record is never rewritten by anything but its source. What the tag
means in the case's *working scheme* (one category, a choice for a person,
or nothing) is derived from it with the scheme rules and kept beside it
(`state`, `working_category`, `candidates`, `reason`), so switching the
working scheme back and forth loses nothing.

Every change goes through `apply_changes` and is written to the audit log
with the row before and after. Each row carries a `version`; a change is
refused with `ConflictError` when the row is no longer what its command last
saw, so two examiners on one case never overwrite each other silently. The
commands examiners give (and undo) are in `triage.review.commands`; what
views ask about tags, in `triage.review.tag_queries`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.models import CaseSetting, Media, Tag, TagSourceKind, TagState
from triage.schema import AMBIGUOUS, EXACT, SchemeRegistry, TranslationError, default_registry

WORKING_SCHEME = "working_scheme"
DEFAULT_WORKING_SCHEME = "vics-us"
_CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit


class TagError(Exception):
    """A tag that cannot be given or removed as asked (unknown media, scheme, category…)."""


class ConflictError(TagError):
    """The row changed since the command read it (another examiner, another window)."""


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TagSource:
    """Who gives a tag: the examiner, hash set NAME, or plugin NAME@VERSION."""

    kind: TagSourceKind
    name: str = ""

    @classmethod
    def examiner(cls) -> TagSource:
        return cls(TagSourceKind.EXAMINER, "")

    @classmethod
    def hash_set(cls, name: str) -> TagSource:
        if not name.strip():
            raise TagError("a hash-set tag needs the hash set's name")
        return cls(TagSourceKind.HASH_SET, name.strip())

    @classmethod
    def plugin(cls, name: str, version: str) -> TagSource:
        if not name.strip() or not version.strip():
            raise TagError("a plugin tag needs the plugin's name and version")
        return cls(TagSourceKind.PLUGIN, f"{name.strip()}@{version.strip()}")

    @classmethod
    def parse(cls, text: str) -> TagSource:
        """The inverse of `str()`: "examiner", "hash set NAME", "plugin NAME@VERSION"."""
        text = text.strip()
        if text == "examiner":
            return cls.examiner()
        if text.startswith("hash set "):
            return cls.hash_set(text[len("hash set "):])
        if text.startswith("plugin ") and "@" in text:
            name, _, version = text[len("plugin "):].rpartition("@")
            return cls.plugin(name, version)
        raise TagError(f"tag source {text!r} is not 'examiner', 'hash set NAME' "
                       "or 'plugin NAME@VERSION'")

    @property
    def is_examiner(self) -> bool:
        return self.kind is TagSourceKind.EXAMINER

    def __str__(self) -> str:
        if self.kind is TagSourceKind.EXAMINER:
            return "examiner"
        if self.kind is TagSourceKind.HASH_SET:
            return f"hash set {self.name}"
        return f"plugin {self.name}"


EXAMINER = TagSource.examiner()


def source_of(tag: Tag) -> TagSource:
    return TagSource(tag.source_kind, tag.source_name)


# ---------------------------------------------------------------------------
# Working scheme and placement
# ---------------------------------------------------------------------------


def working_scheme(session: Session) -> str:
    """The case's working scheme id (vics-us until someone sets another)."""
    value = session.get(CaseSetting, WORKING_SCHEME)
    return value.value if value is not None and value.value else DEFAULT_WORKING_SCHEME


@dataclass(frozen=True)
class Placement:
    """What a tag means in one scheme (see `TagState`)."""

    state: TagState
    working_category: str | None = None
    candidates: tuple[str, ...] | None = None
    reason: str | None = None


def place(registry: SchemeRegistry, scheme: str, category: str,
          attributes: Mapping[str, Any] | None, working: str) -> Placement:
    """Where a tag given as (scheme, category, attributes) falls in scheme `working`.

    Attributes, when recorded, decide (usually exactly); otherwise the
    category's rule does. Never raises for a scheme that is no longer
    installed: such a tag is foreign, with the reason.
    """
    if scheme == working and not attributes:
        return Placement(TagState.CURRENT, category)
    try:
        source = registry.category(scheme, category)
        if attributes:
            translation = registry.translate_attributes(attributes, working,
                                                        within=(scheme, category))
        else:
            translation = registry.translate(scheme, category, working)
    except KeyError as exc:
        return Placement(TagState.FOREIGN, reason=str(exc).strip("'\""))
    except (TranslationError, ValueError) as exc:
        return Placement(TagState.FOREIGN, reason=str(exc))
    given = f"{scheme} {category} ({source.label})" + (" with attributes" if attributes else "")
    if translation.result == EXACT:
        if scheme == working:
            return Placement(TagState.CURRENT, translation.target)
        return Placement(TagState.CURRENT, translation.target,
                         reason=f"exact translation of {given}")
    if translation.result == AMBIGUOUS:
        choices = " or ".join(translation.targets)
        if translation.outside:
            choices += " or none of its categories"
        return Placement(TagState.REVIEW, candidates=translation.targets,
                         reason=f"{given} may be {choices} in {working}: a person decides")
    return Placement(TagState.FOREIGN,
                     reason=f"{given} has no counterpart in {working}")


def _placement_values(p: Placement) -> dict:
    return {"state": p.state, "working_category": p.working_category,
            "candidates": list(p.candidates) if p.candidates is not None else None,
            "reason": p.reason}


# ---------------------------------------------------------------------------
# Reading what the writing needs
# ---------------------------------------------------------------------------

def snapshot(tag: Tag, md5: str | None = None) -> dict:
    """A tag row as plain data: what the audit log stores and what undo restores."""
    return {
        "id": tag.id, "media": tag.media_id, "md5": md5,
        "source": str(source_of(tag)), "scheme": tag.scheme, "category": tag.category,
        "attributes": tag.attributes, "examiner": tag.examiner,
        "at": tag.at.isoformat(timespec="microseconds"), "note": tag.note,
        "state": tag.state.value, "working_category": tag.working_category,
        "candidates": tag.candidates, "reason": tag.reason, "version": tag.version,
    }


def tags_of(session: Session, media_ids: Sequence[int], source: TagSource) -> dict[int, Tag]:
    """The tags `source` gave to these media, by media id."""
    found: dict[int, Tag] = {}
    for start in range(0, len(media_ids), _CHUNK):
        chunk = media_ids[start:start + _CHUNK]
        rows = session.scalars(select(Tag).where(
            Tag.media_id.in_(chunk), Tag.source_kind == source.kind,
            Tag.source_name == source.name))
        found.update((t.media_id, t) for t in rows)
    return found


# ---------------------------------------------------------------------------
# Writing: one primitive that every command goes through
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TagChange:
    """One media item's tag from one source, before and after (snapshots, None = no tag)."""

    media_id: int
    source: TagSource
    before: dict | None
    after: dict | None

    def reversed(self) -> TagChange:
        return TagChange(self.media_id, self.source, self.after, self.before)


_CONTENT = ("scheme", "category", "attributes", "examiner", "at", "note")


def _same_content(a: dict | None, b: dict | None, *, who: bool = True) -> bool:
    """Whether two snapshots say the same; `who=False` ignores examiner and time."""
    if a is None or b is None:
        return a is b
    keys = _CONTENT if who else ("scheme", "category", "attributes", "note")
    return all(a.get(k) == b.get(k) for k in keys)


def apply_changes(session: Session, changes: Sequence[TagChange], *, examiner: str,
                  action: str, registry: SchemeRegistry | None = None,
                  check: bool = True) -> list[TagChange]:
    """Bring each (media, source) from `before` to `after`, audit it, return what was done.

    With `check`, a row that is not what `before` says (another examiner,
    time or category; there when `before` is None; gone when it is not)
    raises ConflictError and the caller's transaction rolls back: all or
    nothing. Each write also requires the row's `version` to be the one just
    read, so two writers racing on one row cannot both succeed. `after` gives
    the tag's content (scheme, category, attributes, examiner, at, note; an
    `id` is reused when the row is re-created); its placement in the working
    scheme is computed here. A change whose content equals the row's is
    skipped and not audited.
    """
    registry = registry or default_registry()
    working = working_scheme(session)
    done: list[TagChange] = []
    by_source: dict[TagSource, list[TagChange]] = {}
    for change in changes:
        by_source.setdefault(change.source, []).append(change)
    md5s = md5s_of(session, [c.media_id for c in changes])
    for source, group in by_source.items():
        rows = tags_of(session, [c.media_id for c in group], source)
        for change in group:
            row = rows.get(change.media_id)
            current = snapshot(row, md5s.get(change.media_id)) if row is not None else None
            if check:
                _check(change, current)
            if _same_content(current, change.after, who=False):
                continue
            new = _write(session, change, row, working, registry)
            new_snapshot = snapshot(new, md5s.get(change.media_id)) if new is not None else None
            append_audit(session, examiner, action, target=f"media:{change.media_id}",
                         before=current, after=new_snapshot)
            done.append(TagChange(change.media_id, source, current, new_snapshot))
    return done


def _check(change: TagChange, current: dict | None) -> None:
    """Refuse when the row is not what the change was prepared on.

    Compared by content (who, when, what), not by `version`: undoing a later
    command re-creates rows with new versions but the same content, and an
    earlier command's undo must still find them as it left them.
    """
    if _same_content(change.before, current):
        return
    what = "was tagged" if current is not None else "lost its tag"
    who = f" by {current['examiner']}" if current is not None else ""
    raise ConflictError(f"media {change.media_id} ({change.source}) {what}{who} since this "
                        "change was prepared; nothing was changed")


def _write(session: Session, change: TagChange, row: Tag | None, working: str,
           registry: SchemeRegistry) -> Tag | None:
    after = change.after
    if after is None:
        if row is not None:
            result = session.execute(delete(Tag).where(Tag.id == row.id,
                                                       Tag.version == row.version)
                                     .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise ConflictError(f"media {change.media_id} ({change.source}) changed while "
                                    "being removed; nothing was changed")
            session.expunge(row)
        return None
    placement = place(registry, after["scheme"], after["category"], after.get("attributes"),
                      working)
    at = after["at"]
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    values = {"scheme": after["scheme"], "category": after["category"],
              "attributes": after.get("attributes") or None, "examiner": after["examiner"],
              "at": at, "note": after.get("note") or None, **_placement_values(placement)}
    if row is None:
        values.update(media_id=change.media_id, source_kind=change.source.kind,
                      source_name=change.source.name,
                      version=(after.get("version") or 0) + 1)
        if after.get("id") is not None and session.get(Tag, after["id"]) is None:
            values["id"] = after["id"]
        tag = Tag(**values)
        session.add(tag)
        session.flush()
        return tag
    result = session.execute(update(Tag).where(Tag.id == row.id, Tag.version == row.version)
                             .values(version=row.version + 1, **values)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ConflictError(f"media {change.media_id} ({change.source}) changed while "
                            "being written; nothing was changed")
    session.refresh(row)
    return row


def md5s_of(session: Session, media_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ids = list(dict.fromkeys(media_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(select(Media.id, Media.md5)
                               .where(Media.id.in_(ids[start:start + _CHUNK])))
        found.update((media_id, md5) for media_id, md5 in rows)
    return found


def retranslate(session: Session, working: str, registry: SchemeRegistry | None = None,
                page: int = 5000) -> dict[str, int]:
    """Recompute every tag's placement in `working`; counts per state of examiner tags.

    Tags without attributes are updated a (scheme, category) group at a time,
    so a case of millions of tags switches in a few statements per category.
    """
    registry = registry or default_registry()
    groups = session.execute(select(Tag.scheme, Tag.category).where(Tag.attributes.is_(None))
                             .group_by(Tag.scheme, Tag.category)).all()
    for scheme, category in groups:
        values = _placement_values(place(registry, scheme, category, None, working))
        session.execute(update(Tag).where(Tag.scheme == scheme, Tag.category == category,
                                          Tag.attributes.is_(None))
                        .values(version=Tag.version + 1, **values)
                        .execution_options(synchronize_session=False))
    with_attributes = session.execute(
        select(Tag.id, Tag.scheme, Tag.category, Tag.attributes)
        .where(Tag.attributes.is_not(None))).all()
    for start in range(0, len(with_attributes), page):
        batch = []
        for tag_id, scheme, category, attributes in with_attributes[start:start + page]:
            values = _placement_values(place(registry, scheme, category, attributes, working))
            batch.append({"id": tag_id, **values})
        for item in batch:
            session.execute(update(Tag).where(Tag.id == item.pop("id"))
                            .values(version=Tag.version + 1, **item)
                            .execution_options(synchronize_session=False))
    session.expire_all()
    totals = {state.value: 0 for state in TagState}
    for state, n in session.execute(
            select(Tag.state, func.count()).where(Tag.source_kind == TagSourceKind.EXAMINER)
            .group_by(Tag.state)):
        totals[state.value] = n
    return totals


def set_working_scheme(session: Session, scheme: str, *, examiner: str, action: str,
                        expect: str | None, registry: SchemeRegistry) -> tuple[str, str]:
    old = working_scheme(session)
    if expect is not None and old != expect:
        raise ConflictError(f"the working scheme is now {old}, not {expect}: someone changed "
                            "it since; nothing was changed")
    new = registry.get(scheme).id
    setting = session.get(CaseSetting, WORKING_SCHEME)
    if setting is None:
        session.add(CaseSetting(key=WORKING_SCHEME, value=new))
    else:
        setting.value = new
    session.flush()
    totals = retranslate(session, new, registry)
    append_audit(session, examiner, action, target=new, before={"working_scheme": old},
                 after={"working_scheme": new, "examiner_tags": totals,
                        "scheme_version": registry.get(new).version})
    return old, new
