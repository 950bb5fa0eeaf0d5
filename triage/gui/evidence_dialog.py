"""Choose evidence to add: disk image files (first segment of a split set) and folders, with
the credentials of their encrypted volumes (kept in memory for this ingest only)."""

from __future__ import annotations

import os
from typing import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from triage.pipeline.ingest import VolumeKeys

IMAGE_FILTER = ("Disk images (*.E01 *.e01 *.Ex01 *.dd *.raw *.img *.bin *.iso *.000 *.001 *.aff "
                "*.vhd *.vhdx *.vmdk *.qcow2 *.qcow *.dmg *.sparseimage);;All files (*)")


class CredentialsBox(QGroupBox):
    """Password, recovery key and key file for BitLocker, LUKS, FileVault and APFS volumes."""

    def __init__(self, start_folder: Callable[[], str], parent: QWidget | None = None):
        super().__init__(self.tr("Encrypted volumes (BitLocker, LUKS, FileVault, APFS): never stored"),
                         parent)
        self._start_folder = start_folder
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery_edit = QLineEdit()
        self.recovery_edit.setPlaceholderText("000000-000000-000000-000000-000000-000000-"
                                              "000000-000000")
        self.key_file_edit = QLineEdit()
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_key_file)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file_edit, 1)
        key_row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow(self.tr("&Recovery key:"), self.recovery_edit)
        form.addRow(self.tr("&Key file:"), key_row)

    def _choose_key_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Startup key or key file"),
                                              self._start_folder())
        if path:
            self.key_file_edit.setText(path)

    @property
    def volume_keys(self) -> VolumeKeys:
        password = self.password_edit.text()
        recovery = self.recovery_edit.text().strip()
        key_file = self.key_file_edit.text().strip()
        return VolumeKeys((password,) if password else (), (recovery,) if recovery else (),
                          (os.path.abspath(key_file),) if key_file else ())


class UnlockDialog(QDialog):
    """Credentials for the locked volumes of one evidence (`triage unlock` in the GUI)."""

    def __init__(self, evidence_name: str, start_folder: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unlock encrypted volume"))
        intro = QLabel(self.tr("Unlock the encrypted volumes of {name}; their files are then "
                               "hashed. The rest of the evidence is not read again.").format(
                                   name=evidence_name))
        intro.setWordWrap(True)
        self.credentials = CredentialsBox(lambda: start_folder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Unlock"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.credentials)
        layout.addWidget(self.buttons)

    @property
    def volume_keys(self) -> VolumeKeys:
        return self.credentials.volume_keys


class AddEvidenceDialog(QDialog):
    """A list of evidence paths built from file and folder choosers; accepted when not empty."""

    def __init__(self, start_folder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add evidence"))
        self.setMinimumSize(600, 340)
        self._start_folder = start_folder
        intro = QLabel(self.tr(
            "Add disk images (raw/dd, split raw, E01: choose the first segment, the others are "
            "found; VMDK, VHD, VHDX, QCOW2, DMG) or folders of extracted files. Evidence is only "
            "ever opened for reading."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        add_files = QPushButton(self.tr("Add image files…"))
        add_files.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon))
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton(self.tr("Add folder…"))
        add_folder.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon))
        add_folder.clicked.connect(self._add_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove)
        side = QVBoxLayout()
        side.addWidget(add_files)
        side.addWidget(add_folder)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add and process"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        self.credentials = CredentialsBox(lambda: self._start_folder)
        layout.addWidget(self.credentials)
        layout.addWidget(self.buttons)
        self.list.itemSelectionChanged.connect(self._update)
        self._update()

    @property
    def password_edit(self) -> QLineEdit:
        return self.credentials.password_edit

    @property
    def recovery_edit(self) -> QLineEdit:
        return self.credentials.recovery_edit

    @property
    def volume_keys(self) -> VolumeKeys:
        """The credentials typed in, for this ingest only (memory, never the case)."""
        return self.credentials.volume_keys

    @property
    def paths(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add_paths(self, paths: list[str]) -> None:
        known = set(self.paths)
        for path in paths:
            path = os.path.abspath(path)
            if path not in known:
                self.list.addItem(path)
                known.add(path)
                self._start_folder = os.path.dirname(path)
        self._update()

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Disk images"), self._start_folder,
                                                self.tr(IMAGE_FILTER))
        self.add_paths(files)

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of files"),
                                                  self._start_folder)
        if folder:
            self.add_paths([folder])

    def _remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update()

    def _update(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.list.count() > 0)

    @property
    def start_folder(self) -> str:
        return self._start_folder

