"""The main window: menus and shortcuts, the start page or the open case, messages, status."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from triage import __version__
from triage.case.store import current_examiner, open_case
from triage.gui.case_actions import (
    CaseJobs,
    ExportDialog,
    HashSetDialog,
    LinkListDialog,
    build_stacks_job,
    export_job,
    export_links_job,
    import_hash_set_job,
    import_link_list_job,
    last_folder,
    scheme_choices,
    verify_job,
)
from triage.gui.case_view import CaseView
from triage.gui.collector import collect_on_gui_thread
from triage.gui.audit_view import AuditDialog
from triage.gui.evidence_dialog import AddEvidenceDialog
from triage.gui.help import HelpWindow
from triage.gui.start import NewCaseDialog, RecentCases, StartPage
from triage.gui import formatting
from triage.gui.i18n import install_translators, language
from triage.gui.wellbeing import ExposureMeter
from triage.gui.widgets import MessageBar
from triage.gui.workers import BackgroundCall
from triage.paths import resources_dir
from triage.pipeline.ingest import IngestOptions

APP_TITLE = "Triage"
INPUT_WIDGETS = (QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit,
                 QTextEdit)  # widgets that keep the keys when the window comes back
LANGUAGES = (("en", "English"), ("fr", "Français"))


def about_text() -> str:
    return (
        f"<h3>Triage {__version__}</h3>"
        "<p>Find, hash and categorise pictures and videos on seized evidence, fully offline.</p>"
        "<p>Open-source software under the Apache License 2.0.</p>"
        f"<p><small>Python {platform.python_version()}, PySide6 {pyside_version}</small></p>"
    )


def app_icon() -> QIcon:
    """The application's icon (an empty icon where the resources are missing)."""
    return QIcon(str(resources_dir() / "icons" / "triage.png"))


class _StepReporter(QObject):
    """Carries a background job's step lines to the status bar (a queued signal)."""

    step = Signal(str)


def _open_store(folder: str, create: bool, examiner: str | None):
    store = open_case(folder, create=create, examiner=examiner)
    try:
        return store, store.info().name
    except Exception:
        store.close()
        raise


class MainWindow(QMainWindow):
    """One window; shows the start page until a case is open, then that case."""

    caseOpened = Signal(object)  # the CaseView
    caseOpenFailed = Signal(str)
    caseClosed = Signal()

    def __init__(self, settings: QSettings | None = None,
                 ingest_options: IngestOptions | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        # Before any thread starts: Qt objects are only ever collected on this thread.
        self._collection = collect_on_gui_thread()
        collection = self._collection  # not self: the lambda must not keep the window alive
        self.destroyed.connect(lambda _window=None: collection.release(collect=False))
        self.settings = settings if settings is not None else QSettings("Triage", "Triage", self)
        install_translators(self.settings)  # before any widget translates its strings
        self.recent = RecentCases(self.settings)
        self.examiner = str(self.settings.value("examiner", "") or current_examiner())
        self.ingest_options = ingest_options
        self.case_view: CaseView | None = None
        self.case_folder: str | None = None
        self._case_name: str | None = None
        self._closed = False
        self._opening: BackgroundCall | None = None
        self._quit_when_idle = False
        self.help_window: HelpWindow | None = None

        self.setWindowIcon(app_icon())
        self.messages = MessageBar()
        self.jobs = CaseJobs(self)
        self._demo_pending = False
        self._demo_replaces: str | None = None  # the case open when the demo was asked for
        self._steps = _StepReporter(self)
        self._steps.step.connect(self.statusBar().showMessage)
        self.jobs.started.connect(self._job_started)
        self.jobs.finished.connect(self._job_finished)
        self.start_page = StartPage(self.recent)
        self.start_page.newCaseRequested.connect(self.new_case)
        self.start_page.openCaseRequested.connect(self.choose_case)
        self.start_page.recentCaseChosen.connect(self.open_case)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.messages)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._make_actions()
        self._make_menus()
        self.examiner_label = QLabel()
        self.exposure = ExposureMeter(self.settings, self)
        self.exposure_label = QLabel()
        self.exposure_label.setToolTip(self.tr("Pictures shown unblurred in this session, and "
                                               "for how long"))
        self.exposure.changed.connect(self._update_exposure_label)
        self.exposure.breakDue.connect(self._suggest_break)
        self.statusBar().addPermanentWidget(self.exposure_label)
        self._update_exposure_label()
        self.folder_label = QLabel()
        self.statusBar().addPermanentWidget(self.folder_label)
        self.statusBar().addPermanentWidget(self.examiner_label)
        self._update_examiner_label()
        self._update_title()
        self._update_actions()
        self.resize(1280, 800)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # -- actions and menus ---------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even where the menu bar is hidden
        return action

    def _make_actions(self) -> None:
        self.new_action = self._action(self.tr("&New case…"), self.new_case, "Ctrl+N",
                                       self.tr("Create a case folder"))
        self.open_action = self._action(self.tr("&Open case…"), self.choose_case, "Ctrl+O",
                                        self.tr("Open an existing case folder"))
        self.close_action = self._action(self.tr("&Close case"), self.close_case, "Ctrl+W")
        self.quit_action = self._action(self.tr("&Quit"), self.close, "Ctrl+Q")
        self.add_evidence_action = self._action(
            self.tr("&Add evidence…"), lambda: self.add_evidence(), "Ctrl+E",
            self.tr("Add disk images or folders to the case and process them"))
        self.resume_action = self._action(
            self.tr("&Resume ingest"), self.resume_ingest, None,
            self.tr("Finish work an earlier run left unfinished"))
        self.cancel_action = self._action(self.tr("&Cancel ingest"), self.cancel_ingest, None)
        self.refresh_action = self._action(self.tr("Re&fresh"), self.refresh, "F5")
        self.examiner_action = self._action(
            self.tr("Set &examiner…"), self.ask_examiner, None,
            self.tr("Who is working: recorded in the audit log with every change"))
        self.import_hash_set_action = self._action(
            self.tr("Import &hash set…"), self.import_hash_set, None,
            self.tr("Import a hash set file and match it against the case (as triage hashset "
                    "import)"))
        self.import_link_list_action = self._action(
            self.tr("Import &URL block list…"), self.import_link_list, None,
            self.tr("Import a list of URLs known to host abuse material and match the case's "
                    "links (as triage links blocklist import)"))
        self.export_links_action = self._action(
            self.tr("Export &links…"), self.export_links, None,
            self.tr("The links the Links tab shows, with their block-list hits, as CSV or JSON "
                    "(as triage links export)"))
        self.stacks_action = self._action(
            self.tr("Rebuild &stacks"), self.rebuild_stacks, None,
            self.tr("Stack near-duplicates again (as triage stacks)"))
        self.export_action = self._action(
            self.tr("E&xport…"), self.export, "Ctrl+Shift+E",
            self.tr("VICS JSON, CSV, hash lists, HTML or PDF report (as triage export)"))
        self.audit_action = self._action(
            self.tr("Audit &log"), self.show_audit_log, "Ctrl+Shift+L",
            self.tr("Who did what and when, the state of the hash chain, CSV"))
        self.verify_action = self._action(
            self.tr("&Verify case"), self.verify, None,
            self.tr("Re-hash the evidence and check the audit chain (as triage verify)"))
        self.demo_action = self._action(
            self.tr("Open &demo case"), self.open_demo_case, None,
            self.tr("A small case of public photographs with stacks and hash-set hits"))
        self.manual_action = self._action(self.tr("&Manual"), self.show_manual, "F1",
                                          self.tr("The examiner's manual, offline"))
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"), self.show_shortcuts,
                                             "Ctrl+/")
        self.exposure_action = self._action(
            self.tr("&Exposure this session"), self.show_exposure, None,
            self.tr("How many pictures you saw unblurred in this session, and for how long"))
        self.break_action = self._action(self.tr("&Break reminder…"), self.ask_break_minutes)
        self.about_action = self._action(self.tr("&About Triage"), self.show_about)
        self.about_qt_action = self._action(self.tr("About &Qt"), QApplication.aboutQt)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.examiner_action)
        self.language_menu = file_menu.addMenu(self.tr("&Language"))
        for code, name in LANGUAGES:
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == language())
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        case_menu = bar.addMenu(self.tr("&Case"))
        case_menu.addAction(self.add_evidence_action)
        case_menu.addAction(self.resume_action)
        case_menu.addAction(self.cancel_action)
        case_menu.addSeparator()
        case_menu.addSeparator()
        for action in (self.import_hash_set_action, self.import_link_list_action,
                       self.stacks_action, self.export_action, self.export_links_action,
                       self.verify_action, self.audit_action):
            case_menu.addAction(action)
        case_menu.addSeparator()
        case_menu.addAction(self.refresh_action)
        self.view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu.aboutToShow.connect(self._fill_view_menu)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.manual_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.demo_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.about_qt_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent.paths():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_case(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    def _update_actions(self) -> None:
        has_case = self.case_view is not None
        ingesting = has_case and self.case_view.ingesting
        snapshot = self.case_view.snapshot if has_case else None
        idle = not ingesting and self._opening is None
        self.new_action.setEnabled(idle)
        self.open_action.setEnabled(idle)
        self.recent_menu.setEnabled(idle)
        self.close_action.setEnabled(has_case and idle)
        self.add_evidence_action.setEnabled(has_case and idle)
        self.resume_action.setEnabled(bool(has_case and idle and snapshot and snapshot.unfinished))
        self.cancel_action.setEnabled(bool(ingesting))
        self.refresh_action.setEnabled(has_case)
        self.audit_action.setEnabled(has_case)
        case_idle = has_case and idle and not self.jobs.busy
        for action in (self.import_hash_set_action, self.import_link_list_action,
                       self.stacks_action, self.export_action, self.export_links_action,
                       self.verify_action):
            action.setEnabled(case_idle)
        self.demo_action.setEnabled(idle and not self.jobs.busy)
        self.start_page.new_button.setEnabled(idle)
        self.start_page.open_button.setEnabled(idle)

    def _update_title(self) -> None:
        name = self._case_name if self.case_view is not None else None
        self.setWindowTitle(f"{APP_TITLE} — {name}" if name else APP_TITLE)

    def _update_exposure_label(self) -> None:
        meter = self.exposure
        text = self.tr("Unblurred: {n} pictures, {t}").format(
            n=formatting.count(len(meter.pictures)),
            t=formatting.duration(meter.seconds) or "0 s")
        if meter.protected:
            text += " " + self.tr("({k} revealed above the blur score)").format(
                k=formatting.count(len(meter.protected)))
        self.exposure_label.setText(text)

    def _suggest_break(self, minutes: int) -> None:
        self.messages.info(self.tr("You have looked at unblurred pictures for {m} minutes in "
                                   "this session. A short break helps.").format(m=minutes))

    def exposure_summary(self) -> str:
        meter = self.exposure
        minutes = meter.break_minutes
        return self.tr(
            "In this session (started {start}) you saw {n} pictures unblurred, for {t} "
            "in all.\n\nA break is suggested after every {m} of unblurred viewing "
            "(View ▸ Break reminder).").format(
            start=f"{meter.started:%H:%M}", n=formatting.count(len(meter.pictures)),
            t=formatting.duration(meter.seconds) or "0 s",
            m=self.tr("{m} minutes").format(m=minutes) if minutes else self.tr("— (off)")) + (
            "\n\n" + self.tr("Of those, {k} were revealed (Space) although a classifier scored "
                              "them above the always-blur score.").format(
                k=formatting.count(len(meter.protected))) if meter.protected else "")

    def show_exposure(self) -> None:
        QMessageBox.information(self, self.tr("Exposure this session"), self.exposure_summary())

    def ask_break_minutes(self) -> None:
        minutes, ok = QInputDialog.getInt(
            self, self.tr("Break reminder"),
            self.tr("Suggest a break after this many minutes of unblurred viewing (0: never):"),
            self.exposure.break_minutes, 0, 600)
        if ok:
            self.exposure.break_minutes = minutes

    def _update_examiner_label(self) -> None:
        self.examiner_label.setText(self.tr("Examiner: {name}").format(name=self.examiner))

    # -- cases ---------------------------------------------------------------------------

    def new_case(self) -> None:
        location = str(self.settings.value("lastCaseLocation", "") or Path.home())
        dialog = NewCaseDialog(location, self.examiner, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.settings.setValue("lastCaseLocation", str(dialog.folder.parent))
        self.set_examiner(dialog.examiner)
        self.open_case(str(dialog.folder), create=True)

    def choose_case(self) -> None:
        dialog = self.case_folder_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selectedFiles():
            folder = dialog.selectedFiles()[0]
            self.settings.setValue("lastCaseLocation", str(Path(folder).parent))
            self.open_case(folder)

    def case_folder_dialog(self) -> QFileDialog:
        """Opens where the last case was (the demo case's folder is hidden under the home
        folder), with the recent cases beside it in the dialog's side bar."""
        recent = self.recent.paths()
        start = self.settings.value("lastCaseLocation", "") or (
            str(Path(recent[0]).parent) if recent else str(Path.home()))
        dialog = QFileDialog(self, self.tr("Open case folder"), str(start))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        places = [str(Path.home())] + [p for p in recent if os.path.isdir(p)]
        dialog.setSidebarUrls([QUrl.fromLocalFile(p) for p in places])
        return dialog

    def open_case(self, folder: str, create: bool = False) -> bool:
        """Open (or with `create`, make) the case in `folder` on a worker thread.

        `caseOpened` or `caseOpenFailed` says how it went; the case open now
        stays open until the new one is ready.
        """
        if self._opening is not None:
            return False
        if self.case_view is not None and self.case_view.ingesting:
            self.messages.warning(self.tr("An ingest is running: cancel it before opening "
                                          "another case."))
            return False
        folder = os.path.abspath(os.path.expanduser(folder))
        if self.case_view is not None and folder == self.case_folder:
            return True
        self.messages.clear()
        self.statusBar().showMessage(self.tr("Opening {folder}…").format(folder=folder))
        call = BackgroundCall(lambda: _open_store(folder, create, self.examiner), self)
        call.succeeded.connect(lambda result: self._case_ready(folder, *result))
        call.failed.connect(lambda message: self._case_failed(folder, message))
        call.finished.connect(call.deleteLater)
        self._opening = call
        self._update_actions()
        call.start()
        return True

    def _case_ready(self, folder: str, store, name: str) -> None:
        self._opening = None
        if self._closed:  # the window closed while the case was opening
            store.close()
            return
        self.statusBar().clearMessage()
        self._close_view()
        view = CaseView(store, self.examiner, self.messages, self.ingest_options,
                        settings=self.settings, exposure=self.exposure)
        view.busyChanged.connect(lambda _busy: self._update_actions())
        view.snapshotLoaded.connect(lambda _snapshot: self._update_actions())
        view.ingestFinished.connect(self._ingest_finished)
        self.case_view, self.case_folder, self._case_name = view, folder, name
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self.recent.add(folder)
        self.start_page.refresh()
        self.folder_label.setText(folder)
        self._update_title()
        self._update_actions()
        view.gallery.view.setFocus()  # the scheme's keys work at once, with no click first
        self.caseOpened.emit(view)

    def _case_failed(self, folder: str, message: str) -> None:
        self._opening = None
        self.statusBar().clearMessage()
        self._update_actions()
        if folder in self.recent.paths():
            self.messages.error(self.tr("Cannot open the case: {m}").format(m=message),
                                self.tr("Remove from recent cases"),
                                lambda: (self.recent.remove(folder), self.start_page.refresh()))
        else:
            self.messages.error(self.tr("Cannot open the case: {m}").format(m=message))
        self.caseOpenFailed.emit(message)

    def close_case(self) -> bool:
        if self.case_view is None:
            return True
        if self.case_view.ingesting:
            self.messages.warning(self.tr("An ingest is running: cancel it before closing "
                                          "the case."))
            return False
        self._close_view()
        self.messages.clear()
        self.start_page.refresh()
        self.stack.setCurrentWidget(self.start_page)
        self._update_title()
        self._update_actions()
        self.caseClosed.emit()
        return True

    def _close_view(self) -> None:
        view, self.case_view = self.case_view, None
        if view is None:
            return
        view.shutdown()
        self.stack.removeWidget(view)
        view.deleteLater()
        self.case_folder = None
        self._case_name = None
        self.folder_label.clear()

    def refresh(self) -> None:
        if self.case_view is not None:
            self.case_view.refresh()

    # -- ingest --------------------------------------------------------------------------

    def add_evidence(self, paths: list[str] | None = None) -> bool:
        """Add evidence to the open case: `paths`, or what the examiner picks in a dialog."""
        if self.case_view is None:
            return False
        if paths is None:
            dialog = AddEvidenceDialog(str(self.settings.value("lastEvidenceFolder", "")), self)
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.paths:
                return False
            self.settings.setValue("lastEvidenceFolder", dialog.start_folder)
            paths, keys = dialog.paths, dialog.volume_keys
        else:
            keys = None
        started = self.case_view.start_ingest(list(paths), keys)
        self._update_actions()
        return started

    def resume_ingest(self) -> None:
        if self.case_view is not None:
            self.case_view.start_ingest([])
            self._update_actions()

    def cancel_ingest(self) -> None:
        if self.case_view is not None:
            self.case_view.cancel_ingest()

    def _ingest_finished(self, _outcome) -> None:
        self._update_actions()
        if self._quit_when_idle:
            self.close()

    # -- what the CLI does, from the menus ----------------------------------------------

    def _fill_view_menu(self) -> None:
        self.view_menu.clear()
        if self.case_view is None:
            self.view_menu.addAction(self.tr("(no case open)")).setEnabled(False)
        else:
            for action in self.case_view.gallery.actions_for_menu:
                self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.exposure_action)
        self.view_menu.addAction(self.break_action)

    def import_hash_set(self) -> None:
        if self.case_view is None:
            return
        dialog = HashSetDialog(last_folder(self.settings, "lastHashSetFolder"), scheme_choices(),
                               self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, name = dialog.file_edit.text().strip(), dialog.name_edit.text().strip()
        self.settings.setValue("lastHashSetFolder", str(Path(path).parent))
        store, examiner = self.case_view.store, self.examiner
        kind, scheme = dialog.kind.currentData(), dialog.scheme.currentData()
        self.jobs.run(self.tr("Importing hash set {name}…").format(name=name),
                      lambda: import_hash_set_job(store, path, name, kind, scheme, examiner),
                      changes_case=True)

    def import_link_list(self) -> None:
        if self.case_view is None:
            return
        dialog = LinkListDialog(last_folder(self.settings, "lastLinkListFolder"), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, name = dialog.file_edit.text().strip(), dialog.name_edit.text().strip()
        self.settings.setValue("lastLinkListFolder", str(Path(path).parent))
        store, examiner = self.case_view.store, self.examiner
        format, category = dialog.format.currentData(), dialog.category.text().strip()
        self.jobs.run(self.tr("Importing URL list {name}…").format(name=name),
                      lambda: import_link_list_job(store, path, name, format, category,
                                                   examiner), changes_case=True)

    def export_links(self, out: str | None = None) -> None:
        """The Links tab's current filter, to `out` or a file the examiner picks."""
        if self.case_view is None:
            return
        if out is None:
            start = str(Path(last_folder(self.settings, "lastExportFolder")) / "links.csv")
            out, _ = QFileDialog.getSaveFileName(self, self.tr("Export links"), start,
                                                 self.tr("CSV (*.csv);;JSON (*.json)"))
            if not out:
                return
        self.settings.setValue("lastExportFolder", str(Path(out).parent))
        store, examiner = self.case_view.store, self.examiner
        where = self.case_view.links.current()
        self.jobs.run(self.tr("Exporting links…"),
                      lambda: export_links_job(store, out, where, examiner), changes_case=False)

    def rebuild_stacks(self) -> None:
        if self.case_view is not None:
            store, examiner = self.case_view.store, self.examiner
            self.jobs.run(self.tr("Stacking near-duplicates…"),
                          lambda: build_stacks_job(store, examiner), changes_case=True)

    def export(self) -> None:
        if self.case_view is None:
            return
        dialog = ExportDialog(last_folder(self.settings, "lastExportFolder"), scheme_choices(),
                              self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        out = dialog.file_edit.text().strip()
        self.settings.setValue("lastExportFolder", str(Path(out).parent))
        store, examiner = self.case_view.store, self.examiner
        format_id = dialog.format.currentData()
        scheme, thumbnails = dialog.scheme.currentData(), dialog.thumbnails.currentData()
        overwrite = dialog.overwrite.isChecked()
        self.jobs.run(self.tr("Exporting…"),
                      lambda: export_job(store, format_id, out, scheme, thumbnails, overwrite,
                                         examiner), changes_case=False)

    def verify(self) -> None:
        if self.case_view is not None:
            store, examiner = self.case_view.store, self.examiner
            self.jobs.run(self.tr("Verifying evidence and audit log…"),
                          lambda: verify_job(store, examiner), changes_case=False)

    def open_demo_case(self) -> bool:
        """Build the demo case if needed (off the GUI thread, steps in the status bar), then
        open it, unless the examiner opened another case meanwhile. The only demo opener:
        the Help menu and the first start both call it."""
        step = self._steps.step.emit

        def build():
            from triage.demo import ensure_demo_case  # written by the demo's own module

            return ensure_demo_case(step)

        self._demo_replaces = self.case_folder
        self._demo_pending = self.jobs.run(self.tr("Preparing the demo case…"), build,
                                           changes_case=False)
        return self._demo_pending

    def _job_started(self, what: str) -> None:
        self.statusBar().showMessage(what)
        self._update_actions()

    def _job_finished(self, ok: bool, text: str, changes_case: bool) -> None:
        self.statusBar().clearMessage()
        demo, self._demo_pending = self._demo_pending, False
        if demo and ok:
            if self.case_folder == self._demo_replaces:  # no other case opened meanwhile
                self.open_case(text)
        elif demo:
            self.messages.error(self.tr("Cannot prepare the demo case: {m}").format(m=text))
        elif ok:
            self.messages.info(text)
        else:
            self.messages.error(text)
        if changes_case and self.case_view is not None:
            self.case_view.refresh()
        self._update_actions()

    # -- examiner, about -----------------------------------------------------------------

    def choose_language(self, code: str) -> None:
        """Kept in the settings; the interface is rebuilt in it at the next start."""
        self.settings.setValue("language", code)
        for action in self.language_menu.actions():
            action.setChecked(action.text() == dict(LANGUAGES)[code])
        if code != language():
            self.messages.info(self.tr("The new language is used from the next start."))

    def set_examiner(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.examiner = name
        self.settings.setValue("examiner", name)
        if self.case_view is not None:
            self.case_view.examiner = name
        self._update_examiner_label()

    def ask_examiner(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Examiner"),
                                        self.tr("Examiner name (recorded in the audit log):"),
                                        text=self.examiner)
        if ok:
            self.set_examiner(name)

    def show_audit_log(self) -> AuditDialog | None:
        if self.case_view is None:
            return None
        gallery = self.case_view.gallery
        dialog = AuditDialog(self.case_view.reader, gallery.writer, lambda: self.examiner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.caseClosed.connect(dialog.close)
        dialog.show()
        return dialog

    def show_manual(self) -> None:
        self._show_help(HelpWindow.MANUAL_TAB)

    def show_shortcuts(self) -> None:
        self._show_help(HelpWindow.SHORTCUTS_TAB)

    def _show_help(self, tab: int) -> None:
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        actions = self.actions() + (self.case_view.gallery.actions_for_menu
                                    if self.case_view is not None else [])
        keys = self.case_view.gallery.key_help() if self.case_view is not None else []
        self.help_window.show_tab(tab, actions, keys)

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Triage"), about_text())

    # -- closing -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Back from a dialog, the keys go to the gallery again unless an input had them
        (else Qt gives them to the first widget that takes focus: the tab bar)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self._focus_gallery_if_lost)

    def _focus_gallery_if_lost(self) -> None:
        focused = QApplication.focusWidget()
        if self.case_view is None or not self.isActiveWindow():
            return
        view = self.case_view.gallery.view
        typing = isinstance(focused, INPUT_WIDGETS) and focused.isVisible()
        if view.isVisible() and not typing:
            view.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        view = self.case_view
        if view is not None and view.ingesting:
            if not self._quit_when_idle:
                answer = QMessageBox.question(
                    self, self.tr("Ingest running"),
                    self.tr("An ingest is running. Cancel it and quit? What is recorded is "
                            "kept, and the next ingest resumes from there."),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No)
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return
                self._quit_when_idle = True
                view.cancel_ingest()
                self.statusBar().showMessage(self.tr("Cancelling ingest, then quitting…"))
            event.ignore()
            return
        if self._opening is not None:
            self._opening.wait()
        self.jobs.wait()
        self._closed = True
        self.settings.setValue("window/geometry", self.saveGeometry())
        self._close_view()
        self._collection.release()  # every thread of ours has stopped
        event.accept()
