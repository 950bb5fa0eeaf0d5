"""The changes an examiner makes to tags, as commands that can be undone and redone.

`TagMedia`, `UntagMedia` and `SetWorkingScheme` each `do` a change in the
caller's transaction and return a receipt that `undo` and `redo` take back;
`History` keeps the receipts of one examiner's session, so a GUI only wraps
it. A view that passes the tag versions it showed (`seen`, from
`tag_queries.tag_versions`) has a change refused when someone re-tagged an
item after it was shown, rather than replacing a verdict its examiner never
saw; undo and redo are refused the same way when the row moved on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from triage.case.clock import utcnow
from triage.case.models import Tag
from triage.review.tags import (
    EXAMINER,
    ConflictError,
    TagChange,
    TagError,
    TagSource,
    apply_changes,
    md5s_of,
    set_working_scheme,
    snapshot,
    tags_of,
)
from triage.schema import SchemeRegistry, TranslationError, default_registry


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
        return set_working_scheme(session, self.scheme, examiner=examiner,
                                   action="case.working_scheme", expect=None,
                                   registry=self.registry or default_registry())

    def undo(self, session, examiner, receipt: tuple[str, str]) -> tuple[str, str]:
        old, new = receipt
        set_working_scheme(session, old, examiner=examiner, action="case.working_scheme.undo",
                            expect=new, registry=self.registry or default_registry())
        return new, old

    def redo(self, session, examiner, receipt: tuple[str, str]) -> tuple[str, str]:
        new, old = receipt
        set_working_scheme(session, new, examiner=examiner, action="case.working_scheme.redo",
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
    known = set(md5s_of(session, media_ids))
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
