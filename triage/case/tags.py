"""Tags: categories given to media, the case's working scheme, and how both change.

A tag is what one source (the examiner, a hash set, a plugin) said about one
media item, in that source's own scheme, with the attributes it recorded.
That record is never rewritten by anything but its source. What the tag
means in the case's *working scheme* (one category, a choice for a person,
or nothing) is derived from it with the scheme rules and kept beside it
(`state`, `working_category`, `candidates`, `reason`), so switching the
working scheme back and forth loses nothing.

Every change is written to the audit log with the row before and after.
Changes are made by command objects (`TagMedia`, `UntagMedia`,
`SetWorkingScheme`) whose `do` returns a receipt that `undo` and `redo`
take back; `History` keeps the receipts of one examiner's session, so a GUI
only wraps it. Each row carries a `version`; a change (undo and redo
included) is refused with `ConflictError` when the row is no longer what the
command last saw, so two examiners on one case never overwrite each other
silently; a view that passes the tag versions it showed (`seen`, from
`tag_versions`) also has a change refused when someone re-tagged an item
after it was shown, rather than replacing a verdict its examiner never saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
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
# Reading
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
    md5s = _md5s(session, [c.media_id for c in changes])
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


def _md5s(session: Session, media_ids: Sequence[int]) -> dict[int, str]:
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


def _set_working_scheme(session: Session, scheme: str, *, examiner: str, action: str,
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


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


class Command:
    """A change an examiner makes, that can be undone and redone.

    `do` makes the change in the caller's transaction and returns a receipt;
    `undo(receipt)` reverses it and returns the receipt `redo` takes. None
    of them keeps state, so a transaction that fails leaves the command as
    it was.
    """

    label: str = "change"

    def do(self, session: Session, examiner: str) -> Any:
        raise NotImplementedError

    def undo(self, session: Session, examiner: str, receipt: Any) -> Any:
        raise NotImplementedError

    def redo(self, session: Session, examiner: str, receipt: Any) -> Any:
        raise NotImplementedError


class _TagCommand(Command):
    action = "tag.set"
    registry: SchemeRegistry | None = None

    def undo(self, session, examiner, receipt: list[TagChange]) -> list[TagChange]:
        return apply_changes(session, [c.reversed() for c in reversed(receipt)],
                             examiner=examiner, action="tag.undo", registry=self.registry)

    def redo(self, session, examiner, receipt: list[TagChange]) -> list[TagChange]:
        return apply_changes(session, [c.reversed() for c in reversed(receipt)],
                             examiner=examiner, action="tag.redo", registry=self.registry)


@dataclass
class TagMedia(_TagCommand):
    """Give every media item in `media_ids` (one item, a selection, a stack) one category.

    The category is checked against the scheme, and the attributes (when
    given) against the category: a contradiction is refused before anything
    is written.
    """

    media_ids: Sequence[int]
    scheme: str
    category: str | int
    attributes: Mapping[str, Any] | None = None
    note: str | None = None
    source: TagSource = EXAMINER
    registry: SchemeRegistry | None = None
    seen: Mapping[int, int | None] | None = None  # tag versions shown (tag_versions)
    label: str = field(init=False, default="")

    def __post_init__(self) -> None:
        registry = self.registry or default_registry()
        try:
            category = registry.category(self.scheme, self.category)
        except KeyError as exc:
            raise TagError(str(exc).strip("'\"")) from None
        self.scheme, self.category = category.scheme_id, category.code
        if self.attributes:
            try:
                registry.translate_attributes(self.attributes, self.scheme,
                                              within=(self.scheme, self.category))
            except (ValueError, TranslationError) as exc:
                raise TagError(str(exc)) from None
            self.attributes = dict(sorted(self.attributes.items()))
        self.media_ids = list(dict.fromkeys(self.media_ids))
        if not self.media_ids:
            raise TagError("no media to tag")
        count = len(self.media_ids)
        self.label = (f"tag {count} item{'s' if count != 1 else ''} "
                      f"{self.scheme} {self.category} ({category.label})")

    def do(self, session, examiner) -> list[TagChange]:
        at = utcnow().isoformat(timespec="microseconds")
        current = tags_of(session, self.media_ids, self.source)
        _check_seen(current, self.seen, self.source)
        changes = []
        for media_id in self.media_ids:
            row = current.get(media_id)
            before = snapshot(row) if row is not None else None
            after = {"scheme": self.scheme, "category": self.category,
                     "attributes": self.attributes or None,
                     "examiner": examiner, "at": at, "note": self.note}
            changes.append(TagChange(media_id, self.source, before, after))
        _check_media_exist(session, self.media_ids)
        return apply_changes(session, changes, examiner=examiner, action="tag.set",
                             registry=self.registry)


@dataclass
class UntagMedia(_TagCommand):
    """Remove the tag `source` gave to each media item (items without one are skipped)."""

    media_ids: Sequence[int]
    source: TagSource = EXAMINER
    registry: SchemeRegistry | None = None
    seen: Mapping[int, int | None] | None = None  # tag versions shown (tag_versions)
    label: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.media_ids = list(dict.fromkeys(self.media_ids))
        count = len(self.media_ids)
        self.label = f"remove the tag of {count} item{'s' if count != 1 else ''}"

    def do(self, session, examiner) -> list[TagChange]:
        current = tags_of(session, self.media_ids, self.source)
        _check_seen(current, self.seen, self.source)
        changes = [TagChange(m, self.source, snapshot(current[m]), None)
                   for m in self.media_ids if m in current]
        return apply_changes(session, changes, examiner=examiner, action="tag.remove",
                             registry=self.registry)


@dataclass
class SetWorkingScheme(Command):
    """Make `scheme` the case's working scheme and re-place every tag in it."""

    scheme: str
    registry: SchemeRegistry | None = None
    label: str = field(init=False, default="")

    def __post_init__(self) -> None:
        registry = self.registry or default_registry()
        try:
            self.scheme = registry.get(self.scheme).id
        except KeyError as exc:
            raise TagError(str(exc).strip("'\"")) from None
        self.label = f"work in scheme {self.scheme}"

    def do(self, session, examiner) -> tuple[str, str]:
        return _set_working_scheme(session, self.scheme, examiner=examiner,
                                   action="case.working_scheme", expect=None,
                                   registry=self.registry or default_registry())

    def undo(self, session, examiner, receipt: tuple[str, str]) -> tuple[str, str]:
        old, new = receipt
        _set_working_scheme(session, old, examiner=examiner, action="case.working_scheme.undo",
                            expect=new, registry=self.registry or default_registry())
        return new, old

    def redo(self, session, examiner, receipt: tuple[str, str]) -> tuple[str, str]:
        new, old = receipt
        _set_working_scheme(session, new, examiner=examiner, action="case.working_scheme.redo",
                            expect=old, registry=self.registry or default_registry())
        return old, new


def _check_seen(current: Mapping[int, Tag], seen: Mapping[int, int | None] | None,
                source: TagSource) -> None:
    """Refuse when an item's tag is not the version the examiner was shown (see tag_versions)."""
    if seen is None:
        return
    for media_id, version in seen.items():
        row = current.get(media_id)
        if (row.version if row is not None else None) == version:
            continue
        what = f"was tagged {row.category} by {row.examiner}" if row is not None else \
            "lost its tag"
        raise ConflictError(f"media {media_id} ({source}) {what} since it was shown here; "
                            "nothing was changed")


def _check_media_exist(session: Session, media_ids: Sequence[int]) -> None:
    known = set(_md5s(session, media_ids))
    missing = [m for m in media_ids if m not in known]
    if missing:
        raise TagError("no media with id " + ", ".join(map(str, missing[:10]))
                       + (" …" if len(missing) > 10 else ""))


# ---------------------------------------------------------------------------
# History: the undo and redo stacks of one examiner's session
# ---------------------------------------------------------------------------


class History:
    """Runs commands on a case, one transaction each, and keeps them for undo and redo.

    A command whose transaction fails is not kept and leaves the stacks as
    they were; so does an undo or redo refused with ConflictError.
    """

    def __init__(self, store, examiner: str, limit: int = 500) -> None:
        self.store = store
        self.examiner = examiner
        self.limit = limit
        self._undo: list[tuple[Command, Any]] = []
        self._redo: list[tuple[Command, Any]] = []

    def run(self, command: Command) -> Any:
        with self.store.session() as session:
            receipt = command.do(session, self.examiner)
        self._undo.append((command, receipt))
        del self._undo[:-self.limit]
        self._redo.clear()
        return receipt

    def undo(self) -> Command | None:
        if not self._undo:
            return None
        command, receipt = self._undo[-1]
        with self.store.session() as session:
            back = command.undo(session, self.examiner, receipt)
        self._undo.pop()
        self._redo.append((command, back))
        return command

    def redo(self) -> Command | None:
        if not self._redo:
            return None
        command, receipt = self._redo[-1]
        with self.store.session() as session:
            again = command.redo(session, self.examiner, receipt)
        self._redo.pop()
        self._undo.append((command, again))
        return command

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1][0].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1][0].label if self._redo else None
