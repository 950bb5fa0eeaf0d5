"""Python's cyclic garbage collector, run on the GUI thread only while a window is open.

Why: the collector runs on whichever thread allocates when a threshold is crossed, and
frees every unreachable cycle it finds there. A Python-owned Qt object in a cycle (a
dialog made without a parent whose lambdas hold it, a QSettings, a QPixmap) is then
destroyed on a reader, loader or ingest thread. Destroying widgets off the GUI thread is
undefined in Qt, and PySide's fallback makes it worse: it destroys the Python-subclassed
parent there at once but defers the children to the GUI thread, which deletes them a
second time (a segfault in ``Shiboken::BindingManager::runDeletionInMainThread``, seen
when a test closed the window while its readers were busy).

So while any `MainWindow` holds this, automatic collection is off and a timer on the GUI
thread collects the generations whose thresholds were crossed, as Python itself would.
The last holder to let go collects everything once more, on the GUI thread, then turns
automatic collection back on (the command line and the tests after a window never notice).
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_INTERVAL_MS = 200
# A full collection walks every object (seconds in a million-file case). Python itself skips
# one until a quarter more objects have survived to the oldest generation, a count it does
# not show; instead, full collections take at most this share of the time.
FULL_COLLECTION_SHARE = 0.05
FULL_COLLECTION_MIN_GAP_S = 10.0


class GuiThreadCollector(QObject):
    """The timer and the count of holders; one per application (`collect_on_gui_thread`)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._holders = 0
        self._was_enabled = True
        self._next_full = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)

    def acquire(self) -> None:
        if self._holders == 0:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._timer.start()
        self._holders += 1

    def release(self, collect: bool = True) -> None:
        """`collect`: free what is left now, on this (the GUI) thread; not from inside a
        Qt destructor, where the wrappers being collected may be the ones half destroyed."""
        if self._holders == 0:
            return
        self._holders -= 1
        if self._holders:
            return
        self._timer.stop()
        if collect:
            gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> None:
        """Collect the generations past their thresholds (the rule Python applies when it
        collects by itself), full collections at most `FULL_COLLECTION_SHARE` of the time."""
        if gc.isenabled():  # a library turned it back on: off again, while threads run
            gc.disable()
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 1
            if counts[2] > thresholds[2] and time.monotonic() >= self._next_full:
                generation = 2
        started = time.monotonic()
        gc.collect(generation)
        if generation == 2:
            took = time.monotonic() - started
            self._next_full = time.monotonic() + max(FULL_COLLECTION_MIN_GAP_S,
                                                      took / FULL_COLLECTION_SHARE)


class CollectorHold:
    """One holder's claim (a window's); taking or letting go twice counts once."""

    def __init__(self, collector: GuiThreadCollector):
        self._collector = collector
        self._held = False
        self.acquire()

    def acquire(self) -> None:
        if not self._held:
            self._held = True
            self._collector.acquire()

    def release(self, collect: bool = True) -> None:
        if self._held:
            self._held = False
            self._collector.release(collect)


def collector() -> GuiThreadCollector:
    """The application's collector, made on first use (on the GUI thread, as a child of the
    application, so it lives as long as it)."""
    app = QCoreApplication.instance()
    found = app.findChild(GuiThreadCollector)
    return found if found is not None else GuiThreadCollector(app)


def collect_on_gui_thread() -> CollectorHold:
    """Keep the cyclic collector on the GUI thread until the hold is released."""
    return CollectorHold(collector())
