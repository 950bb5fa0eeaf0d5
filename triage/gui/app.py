"""Start the desktop application: `run_app` is what `triage gui [CASE_DIR]` calls."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication

from triage import __version__
from triage.gui.main_window import MainWindow, app_icon

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
    app.setWindowIcon(app_icon())
    window = MainWindow()
    _install_excepthook(window)
    window.show()
    if case_dir:
        window.open_case(case_dir)
    elif not window.recent.paths():  # first run: something to look at straight away
        window.open_demo_case()
    return app.exec()
