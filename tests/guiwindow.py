"""What the GUI tests share: settings of their own, a shown main window, a case opened in its
gallery. Test modules import the fixtures by name (`from guiwindow import settings, window`)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from triage.gui.main_window import MainWindow  # noqa: E402
from triage.pipeline.ingest import IngestOptions  # noqa: E402

TIMEOUT_MS = 30_000


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """Settings in the test's own folder, never the examiner's real ones."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "en")  # whatever the machine's locale
    return settings


@pytest.fixture
def window(qtbot, settings) -> MainWindow:
    window = MainWindow(settings=settings, ingest_options=IngestOptions(workers=1))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    if window.case_view is not None and window.case_view.ingesting:  # a test failed mid-run
        window.cancel_ingest()
        qtbot.waitUntil(lambda: not window.case_view.ingesting, timeout=TIMEOUT_MS)


def open_gallery(qtbot, window: MainWindow, folder):
    """Open a case and wait until its gallery shows its first page."""
    with qtbot.waitSignal(window.caseOpened, timeout=TIMEOUT_MS) as opened:
        assert window.open_case(str(folder))
    gallery = opened.args[0].gallery
    qtbot.waitUntil(lambda: gallery.scheme is not None and not gallery.model.loading,
                    timeout=TIMEOUT_MS)
    return gallery
