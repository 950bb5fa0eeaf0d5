"""First run: `triage` with no recent case builds the demo case off the GUI thread and opens it."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from triage import demo  # noqa: E402
from triage.gui import app as gui_app  # noqa: E402
from triage.gui.main_window import MainWindow  # noqa: E402
from triage.pipeline.ingest import IngestOptions  # noqa: E402

TIMEOUT_MS = 60_000


@pytest.fixture
def data_home(tmp_path_factory, monkeypatch) -> Path:
    folder = tmp_path_factory.getbasetemp() / "demo-gui-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def started(qtbot, settings, monkeypatch):
    """Runs `run_app()` as `triage` does, but with test settings and without the event loop."""
    windows: list[MainWindow] = []

    def make_window():
        window = MainWindow(settings=settings, ingest_options=IngestOptions(workers=1))
        qtbot.addWidget(window)
        windows.append(window)
        return window

    monkeypatch.setattr(gui_app, "MainWindow", make_window)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def start() -> MainWindow:
        assert gui_app.run_app() == 0
        return windows[-1]
    return start


def test_first_run_opens_the_demo_case(qtbot, data_home, started):
    window = started()
    qtbot.waitUntil(lambda: window.case_view is not None, timeout=TIMEOUT_MS)
    assert Path(window.case_folder) == data_home / "triage" / "demo-case"
    assert demo.is_demo_case_ready(Path(window.case_folder))
    assert window.recent.paths() == [window.case_folder]  # the next start is not a first run
    assert QApplication.overrideCursor() is None  # the busy cursor is gone
    assert window.messages.kind != "error"


def test_a_later_start_shows_the_start_page(qtbot, data_home, settings, started, tmp_path,
                                            monkeypatch):
    settings.setValue("recentCases", [str(tmp_path / "an earlier case")])
    asked = []
    monkeypatch.setattr(MainWindow, "open_demo_case", asked.append)
    window = started()
    assert asked == [] and window.case_view is None
    assert window.stack.currentWidget() is window.start_page


def test_a_demo_that_cannot_be_built_is_a_message_not_a_crash(qtbot, data_home, settings,
                                                             tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh"))
    monkeypatch.setenv("TRIAGE_SAMPLES_DIR", str(tmp_path / "nowhere"))
    window = MainWindow(settings=settings, ingest_options=IngestOptions(workers=1))
    qtbot.addWidget(window)
    window.open_demo_case()
    qtbot.waitUntil(lambda: window.messages.kind == "error", timeout=TIMEOUT_MS)
    assert "demo case" in window.messages.text and "not installed" in window.messages.text
    assert QApplication.overrideCursor() is None
    assert window.case_view is None


def test_a_stack_tag_reaches_its_whole_copies_and_holds_back_partial_ones(
        qtbot, data_home, started):
    """Issue 23, "guard the keyboard": the rocket's stack holds the photograph, a letterboxed
    wallpaper (matched only in part: padded) and a video. A key on its tile tags the photo and
    the video, says the wallpaper was held back, and the pane marks how each matched."""
    from sqlalchemy import select

    from triage.case.models import File, Tag
    from triage.case.store import open_case

    window = started()
    qtbot.waitUntil(lambda: window.case_view is not None, timeout=TIMEOUT_MS)
    gallery = window.case_view.gallery
    qtbot.waitUntil(lambda: gallery.scheme is not None and not gallery.model.loading,
                    timeout=TIMEOUT_MS)
    row = next(r for r in range(gallery.model.rowCount())
               if gallery.model.item(r).name == "IMG_0003.JPG")
    gallery.view.go_to(row)
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and gallery.detail.detail.item.name == "IMG_0003.JPG", timeout=TIMEOUT_MS)
    shown = [gallery.detail.members.item(i).text() for i in range(gallery.detail.members.count())]
    assert "rocket_wide.jpg\npadded" in shown
    assert "matched only in part" in gallery.detail.members_label.text()

    gallery.view.setFocus()
    qtbot.keyClick(gallery.view, "1")
    qtbot.waitUntil(lambda: "not tagged: rocket_wide.jpg" in window.messages.text,
                    timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not gallery.writer.busy, timeout=TIMEOUT_MS)
    store = open_case(window.case_folder)
    with store.reading() as session:
        tagged = set(session.scalars(select(File.name).join(Tag, Tag.media_id == File.media_id)
                                     .where(Tag.source_name == "")))
    store.close()
    assert {"IMG_0003.JPG", "launch.mp4"} <= tagged and "rocket_wide.jpg" not in tagged
