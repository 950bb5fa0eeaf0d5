"""While a window is open, Python's cyclic collector frees Qt objects on the GUI thread only.

The segfault this guards against: a parentless dialog held in a cycle by its own lambdas
was collected on a case reader's thread while the window closed (triage/gui/collector.py)."""

from __future__ import annotations

import gc
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QObject, Qt  # noqa: E402

from guiwindow import TIMEOUT_MS, settings, window  # noqa: E402,F401
from triage.gui.main_window import MainWindow  # noqa: E402


class Cyclic(QObject):
    """Python-owned (no parent) and in a cycle with itself: only the collector frees it."""

    def __init__(self, destroyed_on: list[threading.Thread]):
        super().__init__()
        self.myself = self
        self.destroyed.connect(lambda: destroyed_on.append(threading.current_thread()),
                               Qt.ConnectionType.DirectConnection)


def _allocate_on_a_worker(count: int) -> list:
    """Allocate like a busy reader thread would (enough to cross every threshold);
    what it made is kept, so that the counts stay up once it has finished."""
    kept: list = []
    worker = threading.Thread(target=lambda: kept.extend([] for _ in range(count)))
    worker.start()
    worker.join()
    return kept


def test_a_qt_cycle_left_while_a_worker_allocates_is_freed_on_the_gui_thread(qtbot, window):
    destroyed_on: list[threading.Thread] = []
    gc.collect()  # what is young now is only what follows
    Cyclic(destroyed_on)
    kept = _allocate_on_a_worker(50_000)
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=TIMEOUT_MS)
    assert destroyed_on == [threading.main_thread()]
    assert kept


def test_closing_the_window_frees_what_is_left_on_the_gui_thread(qtbot, window):
    destroyed_on: list[threading.Thread] = []
    Cyclic(destroyed_on)
    window.close()
    assert destroyed_on == [threading.main_thread()]


def test_automatic_collection_is_off_while_a_window_is_open(qtbot, settings):
    assert gc.isenabled()
    first, second = MainWindow(settings=settings), MainWindow(settings=settings)
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    assert not gc.isenabled()
    first.close()
    assert not gc.isenabled()  # the second window's threads may still run
    second.close()
    assert gc.isenabled()
    second.close()  # closing twice lets go once
    assert gc.isenabled()


def test_a_library_turning_automatic_collection_back_on_is_undone(qtbot, window):
    gc.enable()
    qtbot.waitUntil(lambda: not gc.isenabled(), timeout=TIMEOUT_MS)
