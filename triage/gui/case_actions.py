"""Menu commands that do what the CLI does, with the same functions underneath:
hash-set import, URL block-list import, stacks, exports (links too), verify, and opening
the demo case.

Each runs on a `BackgroundCall` (the window stays responsive, the database
is never touched on the GUI thread), shows its outcome in the message bar,
and refreshes the case view when it changed the case. Every one of them is
audited by the function it calls, exactly as from the command line.

What each command runs is imported in its job, not here: hash sets (0.8 s to import),
exports (0.3 s), stacking (1.3 s with OpenCV and SciPy) would otherwise all be paid at the
application's start-up, for menu items most sessions never use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage.gui.workers import BackgroundCall

KINDS = (("", "As its format says (NSRL: known-good, Project VIC: alert)"),
         ("alert", "Alert (flags and pre-categorises)"),
         ("known-good", "Known-good (hidden from review)"))


# -- the operations (plain functions: run off the GUI thread, testable without dialogs) ----


def import_hash_set_job(store, path: str, name: str, kind: str, scheme: str | None,
                        examiner: str) -> str:
    from triage.hashsets import import_hash_set

    result = import_hash_set(store, path, name, kind=kind or None, scheme=scheme or None,
                             examiner=examiner)
    text = (f"Imported {result.entries:,} entries as '{result.name}' ({result.kind}): "
            f"{result.matches:,} matches with media in this case.")
    if result.rejected:
        text += f" {result.rejected:,} bad records not imported (see {result.report})."
    return text


def build_stacks_job(store, examiner: str) -> str:
    from triage.pipeline.stacking import build_stacks  # numpy, OpenCV: only when asked

    summary = build_stacks(store, examiner)
    return (f"{summary.media:,} pictures and videos: {summary.stacks:,} stacks holding "
            f"{summary.stacked_media:,} of them.")


def export_job(store, format: str, out: str, scheme: str | None, thumbnails: str,
               overwrite: bool, examiner: str) -> str:
    from triage.export import ExportOptions, export_case

    result = export_case(store, format, Path(out),
                         ExportOptions(scheme=scheme or None, thumbnails=thumbnails,
                                       overwrite=overwrite), examiner=examiner)
    counts = result.counts
    items = counts.get("items", counts.get("items_listed"))
    text = f"Exported {items} items ({result.format}, {result.scheme}) to {result.files[0]}."
    if result.warnings:
        text += " " + " ".join(result.warnings)
    return text


def import_link_list_job(store, path: str, name: str, format: str | None,
                         category: str | None, examiner: str) -> str:
    """As `triage links blocklist import`: atomic, audited, matched at once."""
    from triage.links.lists import import_link_list

    result = import_link_list(store, path, name, format=format or None,
                              category=category or None, examiner=examiner)
    matches = ", ".join(f"{n:,} {level}" for level, n in result.matches.items())
    return (f"Imported {result.entries:,} entries as URL list '{result.name}' "
            f"({result.format}); matches: {matches or 'none'}.")


def export_links_job(store, out: str, where, examiner: str) -> str:
    """As `triage links export`: the links `where` lets through, as CSV or JSON; audited."""
    from triage.case.audit import append_audit
    from triage.export.links import write_file
    from triage.links.queries import iter_links

    path = Path(out)
    format = "json" if path.suffix.lower() == ".json" else "csv"
    with store.reading() as session:
        count = write_file(iter_links(session, where), path, format)
    with store.session() as session:
        append_audit(session, examiner, "links.export", target=str(path.absolute()),
                     after={"format": format, "links": count,
                            "filter": {k: v for k, v in where.__dict__.items()
                                       if v is not None}})
    return f"Wrote {count:,} links to {path}."


def verify_job(store, examiner: str) -> tuple[bool, str]:
    from triage.pipeline.integrity import verify_case

    report = verify_case(store, examiner)
    return not report.problems, "\n".join(report.problems + report.lines)


# -- dialogs ---------------------------------------------------------------------------


def _label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose shortcut focuses `buddy` (a row that is a layout gets none)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class FileImportDialog(QDialog):
    """A file to import and the name it gets in the case: what the import dialogs share.

    A subclass builds its own fields, then calls `finish` with them as form rows.
    """

    def __init__(self, start: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumWidth(520)
        self.file_edit = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: self._browse(start))
        self._file_row = QHBoxLayout()
        self._file_row.addWidget(self.file_edit, 1)
        self._file_row.addWidget(browse)
        self.name_edit = QLineEdit()

    def finish(self, rows: list[tuple[str, QWidget]]) -> None:
        form = QFormLayout()
        form.addRow(_label(self.tr("&File:"), self.file_edit), self._file_row)
        form.addRow(self.tr("&Name:"), self.name_edit)
        for label, widget in rows:
            form.addRow(label, widget)
        self.buttons = _buttons(self, self.tr("Import"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for edit in (self.file_edit, self.name_edit):
            edit.textChanged.connect(self._validate)
        self._validate()

    def _browse(self, start: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.browse_title(), start)
        if path:
            self.file_edit.setText(path)
            if not self.name_edit.text():
                self.name_edit.setText(Path(path).stem)

    def browse_title(self) -> str:
        raise NotImplementedError

    def _validate(self) -> None:
        ok = bool(self.file_edit.text().strip() and self.name_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class HashSetDialog(FileImportDialog):
    """File, name, kind and (optionally) the scheme its category codes are in."""

    def __init__(self, start: str, schemes: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(start, parent)
        self.setWindowTitle(self.tr("Import hash set"))
        self.kind = QComboBox()
        for value, text in KINDS:
            self.kind.addItem(self.tr(text), value)
        self.scheme = QComboBox()
        self.scheme.addItem(self.tr("As the file says (or none)"), "")
        for scheme_id, name in schemes:
            self.scheme.addItem(name, scheme_id)
        self.finish([(self.tr("&Kind:"), self.kind),
                     (self.tr("&Scheme of its categories:"), self.scheme)])

    def browse_title(self) -> str:
        return self.tr("Hash set file")


class LinkListDialog(FileImportDialog):
    """A URL block list: file, name, format (found from the file unless chosen), category."""

    def __init__(self, start: str, parent: QWidget | None = None):
        from triage.links.lists import FORMATS

        super().__init__(start, parent)
        self.setWindowTitle(self.tr("Import URL block list"))
        self.format = QComboBox()
        self.format.addItem(self.tr("From the file"), "")
        for format in FORMATS:
            self.format.addItem(format, format)
        self.format.setToolTip(self.tr("text: one URL per line; csv: a URL column and maybe a "
                                       "category; hashed: digests of normalised URLs"))
        self.category = QLineEdit()
        self.category.setPlaceholderText(self.tr("for entries that carry none (optional)"))
        self.finish([(self.tr("F&ormat:"), self.format),
                     (self.tr("&Category:"), self.category)])

    def browse_title(self) -> str:
        return self.tr("URL block list")


class ExportDialog(QDialog):
    """Format, file, target scheme and how reports show pictures (blurred by default)."""

    def __init__(self, start: str, schemes: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        from triage.export import FORMATS, THUMBNAIL_MODES

        self.setWindowTitle(self.tr("Export"))
        self.setMinimumWidth(560)
        self._start = start
        self._suffixes = {spec.id: spec.suffix for spec in FORMATS.values()}
        self.format = QComboBox()
        for spec in FORMATS.values():
            self.format.addItem(spec.title, spec.id)
        self.file_edit = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        self.scheme = QComboBox()
        self.scheme.addItem(self.tr("The case's working scheme"), "")
        for scheme_id, name in schemes:
            self.scheme.addItem(name, scheme_id)
        self.thumbnails = QComboBox()
        for mode in THUMBNAIL_MODES:
            self.thumbnails.addItem(mode, mode)
        self.overwrite = QCheckBox(self.tr("Overwrite an existing file"))
        form = QFormLayout()
        form.addRow(self.tr("&Format:"), self.format)
        form.addRow(_label(self.tr("&Save as:"), self.file_edit), row)
        form.addRow(self.tr("&Scheme:"), self.scheme)
        form.addRow(self.tr("&Pictures in reports:"), self.thumbnails)
        form.addRow("", self.overwrite)
        self.buttons = _buttons(self, self.tr("Export"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.file_edit.textChanged.connect(self._validate)
        self.format.currentIndexChanged.connect(self._suffix_changed)
        self._validate()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self._start)
        if path:
            self.file_edit.setText(path)

    def _suffix_changed(self) -> None:
        text = self.file_edit.text().strip()
        if text:
            self.file_edit.setText(str(Path(text).with_suffix(
                self._suffixes[self.format.currentData()])))

    def _validate(self) -> None:
        ok = bool(self.file_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def scheme_choices() -> list[tuple[str, str]]:
    from triage.schema import default_registry

    return [(s.id, s.name) for s in default_registry()]


# -- running them ------------------------------------------------------------------------


class CaseJobs(QObject):
    """Runs one case job at a time off the GUI thread; `finished(ok, text, changed)`."""

    started = Signal(str)
    finished = Signal(bool, str, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.running: BackgroundCall | None = None

    @property
    def busy(self) -> bool:
        return self.running is not None

    def run(self, what: str, fn: Callable[[], Any], changes_case: bool) -> bool:
        if self.running is not None:
            return False
        call = BackgroundCall(fn, self)
        call.succeeded.connect(lambda result: self._done(True, result, changes_case))
        call.failed.connect(lambda message: self._done(False, message, False))
        call.finished.connect(call.deleteLater)
        self.running = call
        self.started.emit(what)
        call.start()
        return True

    def wait(self) -> None:
        if self.running is not None:
            self.running.wait()

    def _done(self, ok: bool, result, changes_case: bool) -> None:
        self.running = None
        if isinstance(result, tuple):  # (passed, text) from verify
            ok, result = ok and result[0], result[1]
        self.finished.emit(ok, str(result), changes_case)


def last_folder(settings: QSettings, key: str) -> str:
    return str(settings.value(key, "") or Path.home())
