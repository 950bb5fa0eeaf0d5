"""Start the desktop application: `run_app` is what `triage gui [CASE_DIR]` calls."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from triage import __version__
from triage.gui.main_window import MainWindow
from triage.gui.workers import BackgroundCall

log = logging.getLogger(__name__)


def crash_report_path() -> Path:
    return Path.home() / ".cache" / "triage" / "last-error.txt"


def _install_excepthook(window: MainWindow) -> None:
    """A bug in a slot is shown in the window as one line; the traceback goes to a file."""

    def hook(kind, value, tb):
        details = "".join(traceback.format_exception(kind, value, tb))
        report = crash_report_path()
        try:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(details)
            where = str(report)
        except OSError:
            where = "standard error"
        log.error("internal error\n%s", details)
        window.messages.error(
            window.tr("Internal error: {kind}: {value} (details in {where}). Your case is "
                      "safe; please report this.").format(kind=kind.__name__, value=value,
                                                          where=where))

    sys.excepthook = hook


def run_app(case_dir: str | None = None) -> int:
    """Show the main window (opening `case_dir` if given) and run until it is closed."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Triage")
    app.setApplicationName("Triage")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    _install_excepthook(window)
    window.show()
    if case_dir:
        window.open_case(case_dir)
    elif not window.recent.paths():  # first run: something to look at straight away
        open_demo_case(window)
    return app.exec()


class _StepReporter(QObject):
    """Carries the demo build's step lines from its thread to the status bar (queued)."""

    step = Signal(str)


def open_demo_case(window: MainWindow) -> BackgroundCall:
    """Build the demo case off the GUI thread (busy cursor, steps in the status bar), then open it.

    Building takes a few seconds the first time and nothing after that. If the
    examiner opens another case meanwhile, the demo is built but not shown.
    """
    from triage.demo import ensure_demo_case

    reporter = _StepReporter(window)
    reporter.step.connect(window.statusBar().showMessage)
    reporter.step.emit(window.tr("Preparing the demo case…"))
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    call = BackgroundCall(lambda: ensure_demo_case(reporter.step.emit), window)
    app = QApplication.instance()
    app.aboutToQuit.connect(call.wait)  # closed while building: let the build finish first

    def done() -> None:
        QApplication.restoreOverrideCursor()
        window.statusBar().clearMessage()

    def built(folder) -> None:
        done()
        if window.case_view is None:  # unless the examiner opened a case meanwhile
            window.open_case(str(folder))

    def failed(message: str) -> None:
        done()
        window.messages.error(window.tr("Cannot prepare the demo case: {m}").format(m=message))

    def finished() -> None:
        app.aboutToQuit.disconnect(call.wait)
        reporter.deleteLater()
        call.deleteLater()

    call.succeeded.connect(built)
    call.failed.connect(failed)
    call.finished.connect(finished)
    call.start()
    return call
