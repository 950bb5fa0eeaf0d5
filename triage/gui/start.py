"""The start page (new case, open case, recent cases) and the new-case dialog."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from triage import __version__
from triage.case.store import is_case

MAX_RECENT = 10


class RecentCases:
    """The recently opened case folders, newest first, kept in the application's QSettings."""

    KEY = "recentCases"

    def __init__(self, settings: QSettings):
        self._settings = settings

    def paths(self) -> list[str]:
        value = self._settings.value(self.KEY, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value]
        return [str(v) for v in value or []]

    def add(self, path: str | Path) -> None:
        path = os.path.abspath(path)
        paths = [path] + [p for p in self.paths() if p != path]
        self._settings.setValue(self.KEY, paths[:MAX_RECENT])

    def remove(self, path: str) -> None:
        self._settings.setValue(self.KEY, [p for p in self.paths() if p != path])


class StartPage(QWidget):
    """What the window shows with no case open."""

    newCaseRequested = Signal()
    openCaseRequested = Signal()
    recentCaseChosen = Signal(str)

    def __init__(self, recent: RecentCases, parent: QWidget | None = None):
        super().__init__(parent)
        self._recent = recent
        title = QLabel("Triage")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(self.tr("Find, hash and categorise pictures and videos on seized "
                                  "evidence. Version {version}.").format(version=__version__))
        subtitle.setWordWrap(True)

        self.new_button = QPushButton(self.tr("New case…"))
        self.new_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder))
        self.new_button.clicked.connect(self.newCaseRequested)
        self.open_button = QPushButton(self.tr("Open case…"))
        self.open_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.open_button.clicked.connect(self.openCaseRequested)
        for button in (self.new_button, self.open_button):
            button.setMinimumHeight(36)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)

        recent_label = QLabel(self.tr("Recent cases"))
        font = recent_label.font()
        font.setBold(True)
        recent_label.setFont(font)
        self.recent_list = QListWidget()
        self.recent_list.setAlternatingRowColors(True)
        self.recent_list.setSpacing(2)
        self.recent_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.recent_list.itemActivated.connect(self._activated)
        forget = QAction(self.tr("Remove from list"), self.recent_list)
        forget.setShortcut(Qt.Key.Key_Delete)
        forget.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        forget.triggered.connect(self._forget_selected)
        self.recent_list.addAction(forget)
        self.empty_label = QLabel(self.tr("No recent cases. Create a new case or open an "
                                          "existing case folder."))
        self.empty_label.setEnabled(False)

        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addSpacing(18)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(recent_label)
        column.addWidget(self.recent_list, 3)
        column.addWidget(self.empty_label)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(640)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(holder, 4)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the recent list; folders that are gone are shown as missing, not hidden."""
        self.recent_list.clear()
        for path in self._recent.paths():
            folder = Path(path)
            present = is_case(folder)  # case.sqlite, or case.toml for a shared case
            text = f"{folder.name}\n{path}" if present else self.tr(
                "{name}  (missing)\n{path}").format(name=folder.name, path=path)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            if not present:
                item.setForeground(self.palette().placeholderText())
            self.recent_list.addItem(item)
        has_any = self.recent_list.count() > 0
        self.recent_list.setVisible(has_any)
        self.empty_label.setVisible(not has_any)
        if has_any:
            self.recent_list.setCurrentRow(0)

    def _activated(self, item: QListWidgetItem) -> None:
        self.recentCaseChosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def _forget_selected(self) -> None:
        item = self.recent_list.currentItem()
        if item is not None:
            self._recent.remove(item.data(Qt.ItemDataRole.UserRole))
            self.refresh()


class NewCaseDialog(QDialog):
    """Case name, where to keep it, and who is examining; the case folder is location/name."""

    def __init__(self, location: str, examiner: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New case"))
        self.setMinimumWidth(520)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. 2024-0117 Operation Lantern"))
        self.location_edit = QLineEdit(location)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_edit, 1)
        location_row.addWidget(browse)
        self.examiner_edit = QLineEdit(examiner)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #b00020")
        self.problem_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Case &name:"), self.name_edit)
        location_label = QLabel(self.tr("&Location:"))
        location_label.setBuddy(self.location_edit)
        form.addRow(location_label, location_row)
        form.addRow(self.tr("&Examiner:"), self.examiner_edit)
        form.addRow(self.tr("Case folder:"), self.folder_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create case"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.location_edit, self.examiner_edit):
            edit.textChanged.connect(self._validate)
        self._validate()

    @property
    def folder(self) -> Path:
        return Path(self.location_edit.text().strip()).expanduser() / self.name_edit.text().strip()

    @property
    def examiner(self) -> str:
        return self.examiner_edit.text().strip()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where to keep the case"),
                                                  self.location_edit.text())
        if folder:
            self.location_edit.setText(folder)

    def _problem(self) -> str:
        name = self.name_edit.text().strip()
        if not name:
            return self.tr("Give the case a name.")
        if "/" in name or "\\" in name or name in (".", ".."):
            return self.tr("A case name cannot contain / or \\.")
        if not self.location_edit.text().strip():
            return self.tr("Choose where to keep the case.")
        if not self.examiner:
            return self.tr("Enter the examiner's name (it is recorded in the audit log).")
        folder = self.folder
        if is_case(folder):
            return self.tr("That folder already holds a case: use Open case instead.")
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            return self.tr("That folder exists and is not empty: choose another name.")
        return ""

    def _validate(self) -> None:
        name = self.name_edit.text().strip()
        self.folder_label.setText(str(self.folder) if name else "")
        problem = self._problem()
        # Say nothing about an empty name until someone has typed one.
        self.problem_label.setText(problem if name or self.name_edit.isModified() else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
