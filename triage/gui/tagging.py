"""Tagging from the gallery: the tagging layer's commands on the writer thread, in a QUndoStack.

`QUndoStack.push` calls `redo()` at once; here that only queues the change
on the `StoreWriter`, which runs changes in order, each in one transaction
through `triage.review.commands` (so every change and every undo is audited). The
command object and its receipt are kept on this wrapper by the job itself,
on the writer thread: an undo queued right after a tag finds them there,
because the writer runs one job after the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from triage.review.gallery import items_by_id
from triage.review.commands import TagMedia, UntagMedia
from triage.review.tag_queries import with_stacks
from triage.gui.workers import StoreWriter


class TagChange(QUndoCommand):
    """Tag (or untag, with `category` None) media, optionally with their whole stacks.

    `on_done(fresh_items, media_ids)` gets the re-read tiles after each
    do/undo/redo; `on_error(message)` when the database refused a change.
    A `prepared` command (a `TagMedia` such as `confirm_suggestion` returns)
    is run as it is instead of one made from the other arguments.
    """

    def __init__(self, writer: StoreWriter, examiner: Callable[[], str],
                 media_ids: Sequence[int], scheme: str, category: str | None,
                 whole_stacks: bool, text: str, on_done: Callable[[dict, list[int]], None],
                 on_error: Callable[[str], None], prepared: TagMedia | None = None):
        super().__init__(text)
        self._prepared = prepared
        self._writer, self._examiner = writer, examiner
        self._media_ids = list(media_ids)
        self._scheme, self._category, self._stacks = scheme, category, whole_stacks
        self._on_done, self._on_error = on_done, on_error
        self._command = None
        self._receipt: Any = None
        self._done_once = False

    def redo(self) -> None:
        examiner = self._examiner()
        job = self._again if self._done_once else self._first
        self._done_once = True
        self._writer.submit(lambda session: job(session, examiner), self._delivered,
                            self._on_error)

    def undo(self) -> None:
        examiner = self._examiner()
        self._writer.submit(lambda session: self._back(session, examiner), self._delivered,
                            self._on_error)

    # -- on the writer thread ------------------------------------------------------------

    def _first(self, session: Session, examiner: str):
        command = self._prepared or self._make(session)
        self._receipt = command.do(session, examiner)
        self._command = command
        return self._fresh(session, list(command.media_ids))

    def _make(self, session: Session):
        ids = with_stacks(session, self._media_ids) if self._stacks else self._media_ids
        if self._category is None:
            return UntagMedia(ids)
        return TagMedia(ids, self._scheme, self._category)

    def _again(self, session: Session, examiner: str):
        if self._command is None:  # the first attempt failed: nothing to redo
            return {}, []
        self._receipt = self._command.redo(session, examiner, self._receipt)
        return self._fresh(session, [c.media_id for c in self._receipt])

    def _back(self, session: Session, examiner: str):
        if self._command is None:
            return {}, []
        self._receipt = self._command.undo(session, examiner, self._receipt)
        return self._fresh(session, [c.media_id for c in self._receipt])

    @staticmethod
    def _fresh(session: Session, media_ids: list[int]):
        return items_by_id(session, media_ids), list(media_ids)

    # -- back on the GUI thread ----------------------------------------------------------

    def _delivered(self, result) -> None:
        fresh, media_ids = result
        self._on_done(fresh, media_ids)
