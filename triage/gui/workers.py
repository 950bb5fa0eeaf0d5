"""Background threads: store reads, opening a case, and ingest. Results come back as signals.

Everything here is started and stopped from the GUI thread; callbacks and
signal slots run on the GUI thread (queued), so widgets never need a lock.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QImage
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from triage.case.changes import ChangeFeed
from triage.case.store import CaseError, CaseStore
from triage.evidence import EvidenceError
from triage.pipeline.ingest import Ingest, IngestOptions, IngestSummary
from triage.pipeline.progress import Progress

log = logging.getLogger(__name__)

# Page reads that pile up while someone drags the scroll bar: only the newest are worth doing.
MAX_PENDING_DROPPABLE = 12


def describe_error(exc: BaseException) -> str:
    """One readable line for an exception; the traceback goes to the log, not the screen."""
    if isinstance(exc, (CaseError, EvidenceError)):
        return str(exc)
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        return "the case is busy (another program is writing to it); try again shortly"
    if isinstance(exc, OperationalError):
        return f"database error: {exc.orig}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


@dataclass
class _Job:
    ticket: int
    fn: Callable[[Session], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[str], None] | None
    on_dropped: Callable[[], None] | None
    droppable: bool


class StoreReader(QThread):
    """One thread per open case that runs read jobs against its store, newest first.

    Newest first because the newest request is what is on screen now; when
    too many droppable jobs (pages) wait, the oldest are dropped and their
    owners told, so a view re-asks only for what it still shows. When the
    reader stops it closes the store, on its own thread.
    """

    _delivered = Signal(int, bool, object)  # ticket, ok, result or message

    def __init__(self, store: CaseStore, parent: QObject | None = None, *,
                 owns_store: bool = True, name: str = "StoreReader"):
        super().__init__(parent)
        self.setObjectName(name)
        self._store = store
        self._owns_store = owns_store  # a second reader (the gallery's) leaves closing to the first
        self._cond = threading.Condition()
        self._jobs: list[_Job] = []
        self._waiting: dict[int, _Job] = {}
        self._tickets = itertools.count(1)
        self._stopping = False
        self._delivered.connect(self._deliver)

    def submit(self, fn: Callable[[Session], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None, *, droppable: bool = False,
               on_dropped: Callable[[], None] | None = None) -> int:
        job = _Job(next(self._tickets), fn, on_done, on_error, on_dropped, droppable)
        dropped: list[_Job] = []
        with self._cond:
            if self._stopping:
                return job.ticket
            self._jobs.append(job)
            self._waiting[job.ticket] = job
            droppables = [j for j in self._jobs if j.droppable]
            while len(droppables) > MAX_PENDING_DROPPABLE:
                oldest = droppables.pop(0)
                self._jobs.remove(oldest)
                self._waiting.pop(oldest.ticket, None)
                dropped.append(oldest)
            self._cond.notify()
        for job in dropped:
            if job.on_dropped:
                job.on_dropped()
        return job.ticket

    def stop(self) -> None:
        """Forget waiting jobs, finish the one running, close the store; returns when done."""
        with self._cond:
            self._stopping = True
            self._jobs.clear()
            self._waiting.clear()
            self._cond.notify()
        if self.isRunning():
            self.wait()
        elif self._owns_store:
            self._store.close()

    def run(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._jobs and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    job = self._jobs.pop()
                try:
                    with self._store.reading() as session:
                        result = job.fn(session)
                except Exception as exc:  # noqa: BLE001 - every failure is reported to its owner
                    log.warning("store read failed", exc_info=True)
                    self._delivered.emit(job.ticket, False, describe_error(exc))
                else:
                    self._delivered.emit(job.ticket, True, result)
        finally:
            if self._owns_store:
                self._store.close()

    @Slot(int, bool, object)
    def _deliver(self, ticket: int, ok: bool, payload: object) -> None:
        with self._cond:
            job = self._waiting.pop(ticket, None)
        if job is None:  # stopped, or dropped in the meantime
            return
        if ok:
            job.on_done(payload)
        elif job.on_error:
            job.on_error(payload)


class BackgroundCall(QThread):
    """Run one function off the GUI thread (opening a case: migrations can take a while)."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, (CaseError, EvidenceError)):
                log.warning("background call failed", exc_info=True)
            self.failed.emit(describe_error(exc))
        else:
            self.succeeded.emit(result)


@dataclass
class IngestOutcome:
    """How an ingest run ended: its summary, or the reason it could not run at all."""

    summary: IngestSummary | None = None
    add_errors: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def cancelled(self) -> bool:
        return bool(self.summary and self.summary.cancelled)


class IngestThread(QThread):
    """Register evidence paths, then run ingest over the whole case (which also resumes).

    `progress` carries the pipeline's `Progress` events as they come (a few a
    second); `completed` carries one `IngestOutcome`. `cancel()` asks the run
    to stop after its current batch; running ingest again later resumes it.
    """

    progress = Signal(object)
    completed = Signal(object)

    def __init__(self, store: CaseStore, examiner: str, paths: list[str],
                 options: IngestOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("IngestThread")
        self._store, self._examiner, self._paths = store, examiner, list(paths)
        self._options = options
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        outcome = IngestOutcome()
        try:
            ingest = Ingest(self._store, self._examiner, self._options,
                            progress=self._report, cancel=self._cancel)
            for path in self._paths:
                try:
                    ingest.add(path)
                except EvidenceError as exc:
                    outcome.add_errors.append(str(exc))
                except OSError as exc:
                    outcome.add_errors.append(f"{path}: {exc.strerror or exc}")
            outcome.summary = ingest.run()
        except Exception as exc:  # noqa: BLE001 - shown in the window, details in the log
            log.error("ingest failed", exc_info=True)
            outcome.error = describe_error(exc)
        self.completed.emit(outcome)

    def _report(self, event: Progress) -> None:
        self.progress.emit(event)


class StoreWriter(QThread):
    """One thread that makes the examiner's changes to a case, in the order asked.

    First in, first out (an undo must follow the tagging it undoes), each job
    in its own write transaction, so the GUI thread never waits on the
    database lock. The store stays open: the reader owns closing it.
    """

    _delivered = Signal(object, bool, object)  # job, ok, result or message

    def __init__(self, store: CaseStore, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("StoreWriter")
        self._store = store
        self._cond = threading.Condition()
        self._jobs: list[_Job] = []
        self._stopping = False
        self._busy = 0
        self._delivered.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """Whether a change is waiting or being made (results not delivered yet)."""
        return self._busy > 0

    def submit(self, fn: Callable[[Session], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None) -> None:
        with self._cond:
            if self._stopping:
                return
            self._busy += 1
            self._jobs.append(_Job(0, fn, on_done, on_error, None, False))
            self._cond.notify()

    def stop(self) -> None:
        """Finish the changes already asked for, then stop (nothing asked is lost)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self.isRunning():
            self.wait()

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._stopping:
                    self._cond.wait()
                if not self._jobs:
                    return
                job = self._jobs.pop(0)
            try:
                with self._store.session() as session:
                    result = job.fn(session)
            except Exception as exc:  # noqa: BLE001 - every failure is reported to its owner
                if not isinstance(exc, CaseError):
                    log.warning("store write failed", exc_info=True)
                self._delivered.emit(job, False, describe_error(exc))
            else:
                self._delivered.emit(job, True, result)

    @Slot(object, bool, object)
    def _deliver(self, job: _Job, ok: bool, payload: object) -> None:
        self._busy -= 1
        if ok:
            job.on_done(payload)
        elif job.on_error:
            job.on_error(payload)


class ThumbnailLoader(QThread):
    """Reads thumbnails from the case's thumbnail store and decodes them, newest request first.

    Decoding and scaling happen here (QImage is safe off the GUI thread);
    the GUI gets a ready QImage, or None where the case has no thumbnail.
    Requests nobody waits for any more (scrolled past) are dropped.
    """

    loaded = Signal(str, str, object)  # sha256, kind, QImage or None

    MAX_WAITING = 400

    def __init__(self, store: CaseStore, size: int, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("ThumbnailLoader")
        self._store = store
        self._size = size
        self._cond = threading.Condition()
        self._waiting: dict[tuple[str, str], None] = {}
        self._stopping = False

    def request(self, sha256: str, kind: str) -> None:
        key = (sha256, kind)
        with self._cond:
            self._waiting.pop(key, None)
            self._waiting[key] = None  # newest last
            while len(self._waiting) > self.MAX_WAITING:
                self._waiting.pop(next(iter(self._waiting)))
            self._cond.notify()

    def forget(self) -> None:
        """Drop every waiting request (the view changed entirely)."""
        with self._cond:
            self._waiting.clear()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._waiting.clear()
            self._cond.notify()
        if self.isRunning():
            self.wait()

    def run(self) -> None:

        thumbnails = self._store.thumbnails
        try:
            while True:
                with self._cond:
                    while not self._waiting and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    key = next(reversed(self._waiting))
                    del self._waiting[key]
                sha256, kind = key
                try:
                    data = thumbnails.get(sha256, kind)
                except Exception:  # noqa: BLE001 - a missing picture, not a crash
                    log.warning("thumbnail read failed for %s", sha256, exc_info=True)
                    data = None
                image = None
                if data:
                    image = QImage.fromData(data)
                    if image.isNull():
                        image = None
                    elif kind == "thumbnail" and max(image.width(), image.height()) > self._size:
                        image = image.scaled(self._size, self._size,
                                             Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
                self.loaded.emit(sha256, kind, image)
        finally:
            thumbnails.close()  # this thread's connection


class ChangeWatcher(QThread):
    """Follows the case's change feed (triage.case.changes) and reports what others commit.

    `changed` carries a list of `Change`s, a few times a second at most, so a
    view can re-read the tiles another examiner (or another window) tagged.
    """

    changed = Signal(list)

    WAIT_SECONDS = 0.5  # PostgreSQL: also how long closing the case may wait for this thread
    POLL_SECONDS = 0.25  # SQLite

    def __init__(self, store: CaseStore, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("ChangeWatcher")
        self._store = store
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()
        if self.isRunning():
            self.wait()

    def run(self) -> None:

        try:
            feed = ChangeFeed(self._store)
        except Exception:  # noqa: BLE001 - without a feed the view just refreshes by hand
            log.warning("cannot follow the case's changes", exc_info=True)
            return
        try:
            while not self._stopping.is_set():
                try:
                    if getattr(self._store, "is_shared", False):
                        changes = feed.wait(timeout=self.WAIT_SECONDS)  # woken by NOTIFY
                    else:  # one machine: poll, sleeping on an event that stop() sets
                        changes = feed.poll()
                        if not changes:
                            self._stopping.wait(self.POLL_SECONDS)
                except Exception:  # noqa: BLE001 - a busy or lost database: try again later
                    log.warning("reading the case's changes failed", exc_info=True)
                    self._stopping.wait(5)
                    continue
                if changes and not self._stopping.is_set():
                    self.changed.emit(changes)
        finally:
            feed.close()
