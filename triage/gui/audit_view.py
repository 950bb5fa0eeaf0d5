"""Case ▸ Audit log: who did what and when, filtered by examiner and action, the state of
the hash chain, and the selection saved as CSV (hashes included, so the chain can be
checked again from the file). Everything is read on the case's reader thread."""

from __future__ import annotations

import csv
from functools import partial

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from triage.case.audit import (
    AUDIT_CSV_COLUMNS,
    AuditFilter,
    append_audit,
    audit_choices,
    audit_csv_rows,
    newest_audit,
    verify_chain,
)
from triage.gui.workers import StoreReader, StoreWriter

SHOWN = 20_000  # the newest entries shown; the CSV holds every selected one
COLUMNS = ("#", "When (UTC)", "Examiner", "Action", "Target", "Before", "After")


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple] = []

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                return str(value).replace("T", " ")[:19]
            account = self.rows[index.row()][-1]
            if index.column() == 2 and account and account != value:
                return f"{value} ({account})"  # the name typed, and who logged in
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 4:
            return str(value)
        return None


def _csv_export(session, path: str, f: AuditFilter, examiner: str) -> int:
    """Write the selected entries to `path`; the export itself is audited."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(AUDIT_CSV_COLUMNS)
        for row in audit_csv_rows(session, f):
            writer.writerow(row)
            count += 1
    append_audit(session, examiner, "audit.export", target=path,
                 after={"entries": count, "examiner": f.examiner, "action": f.action})
    return count


class AuditDialog(QDialog):
    """Not modal: it can stay open beside the gallery."""

    def __init__(self, reader: StoreReader, writer: StoreWriter, examiner, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1000, 600)
        self._reader, self._writer, self._examiner = reader, writer, examiner
        self.examiners = QComboBox()
        self.actions = QComboBox()
        for combo, everything in ((self.examiners, self.tr("Every examiner")),
                                  (self.actions, self.tr("Every action"))):
            combo.addItem(everything, "")
            combo.currentIndexChanged.connect(self.reload)
        self.chain = QLabel(self.tr("Checking the hash chain…"))
        self.count = QLabel()
        self.export_button = QPushButton(self.tr("Save as CSV…"))
        self.export_button.clicked.connect(self.export_csv)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        for widget in (QLabel(self.tr("Examiner:")), self.examiners, QLabel(self.tr("Action:")),
                       self.actions):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chain)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self._reader.submit(audit_choices, self._choices, self._failed)
        self._reader.submit(verify_chain, self._chain_checked, self._failed)
        self.reload()

    @property
    def filter(self) -> AuditFilter:
        return AuditFilter(self.examiners.currentData() or "", self.actions.currentData() or "")

    def reload(self) -> None:
        f = self.filter
        self._reader.submit(partial(newest_audit, f=f, limit=SHOWN),
                            partial(self._rows, f), self._failed)

    def _rows(self, f: AuditFilter, answer) -> None:
        if f != self.filter:
            return
        rows, total = answer
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.scrollToBottom()
        self.count.setText(self.tr("{shown} of {total} entries (the newest)").format(
            shown=f"{len(rows):,}", total=f"{total:,}") if total > len(rows) else
            self.tr("{total} entries").format(total=f"{total:,}"))

    def _choices(self, answer) -> None:
        examiners, actions = answer
        for combo, values in ((self.examiners, examiners),
                              (self.actions, _action_choices(actions))):
            combo.blockSignals(True)
            for value in values:
                combo.addItem(value, value)
            combo.blockSignals(False)

    def _chain_checked(self, broken) -> None:
        if broken is None:
            self.chain.setText(self.tr("Hash chain: intact, checked just now."))
            self.chain.setStyleSheet("color: #2e7d32")
        else:
            self.chain.setText(self.tr("Hash chain BROKEN at entry {id}: {reason}").format(
                id=broken.entry_id, reason=broken.reason))
            self.chain.setStyleSheet("color: #b00020; font-weight: bold")

    def _failed(self, message: str) -> None:
        self.count.setText(self.tr("Could not read the audit log: {m}").format(m=message))

    def export_csv(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the audit log as"),
                                                  "audit-log.csv", "CSV (*.csv)")
        if not path:
            return
        self._writer.submit(partial(_csv_export, path=path, f=self.filter,
                                    examiner=self._examiner()),
                            lambda n: self.count.setText(self.tr(
                                "{n} entries saved to {path}").format(n=f"{n:,}", path=path)),
                            self._failed)


def _action_choices(actions: list[str]) -> list[str]:
    """Each kind of action ("tag") before its actions ("tag.set", "tag.undo")."""
    kinds = {a.split(".")[0] for a in actions if "." in a}
    return sorted(kinds | set(actions))

