"""The Add evidence dialog's credentials: typed in, handed to the ingest in memory, used to
open an encrypted volume, and written nowhere in the case."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import diskimages as D  # noqa: E402
from testdata import missing  # noqa: E402
from guiwindow import TIMEOUT_MS, settings, window  # noqa: E402,F401
from test_gui import open_in  # noqa: E402
from triage.gui.evidence_dialog import AddEvidenceDialog  # noqa: E402


def test_dialog_gives_the_typed_credentials(qtbot, tmp_path):
    dialog = AddEvidenceDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    assert not dialog.volume_keys
    dialog.password_edit.setText("pw")
    dialog.recovery_edit.setText(" 111111-222222 ")
    keys = dialog.volume_keys
    assert keys.passwords == ("pw",) and keys.recovery_keys == ("111111-222222",)
    assert "pw" not in repr(keys)


def test_ingest_with_a_password_opens_the_volume(qtbot, window, tmp_path, image_dir):
    try:
        disk = D.make_luks1_fat(image_dir)
    except D.MissingTool as exc:
        missing(str(exc))
    view = open_in(qtbot, window, tmp_path / "luks case", create=True)
    dialog = AddEvidenceDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.password_edit.setText(D.LUKS_PASSWORD)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        assert view.start_ingest([str(disk.path)], dialog.volume_keys)
    outcome = finished.args[0]
    assert outcome.error is None and outcome.summary.files_hashed > 5
    for path in (tmp_path / "luks case").rglob("*"):
        if path.is_file():
            assert D.LUKS_PASSWORD.encode() not in path.read_bytes(), path


def test_unlock_a_locked_volume_from_the_evidence_panel(qtbot, window, tmp_path, image_dir,
                                                        monkeypatch):
    """Ingested without a password, the LUKS volume is locked; its partition's context menu
    asks for the credentials and the volume's files are then hashed."""
    from PySide6.QtWidgets import QDialog

    from triage.gui import case_view
    from triage.gui.case_view import is_locked

    try:
        disk = D.make_luks1_fat(image_dir)
    except D.MissingTool as exc:
        missing(str(exc))
    view = open_in(qtbot, window, tmp_path / "locked case", create=True)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS):
        assert view.start_ingest([str(disk.path)])
    qtbot.waitUntil(lambda: view.evidence_panel.tree.topLevelItemCount() == 1,
                    timeout=TIMEOUT_MS)
    evidence, partition = view.evidence_panel.tree.topLevelItem(0).child(0).data(0, 257)
    assert is_locked(partition)

    class Typed(case_view.UnlockDialog):
        def exec(self):
            self.credentials.password_edit.setText(D.LUKS_PASSWORD)
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(case_view, "UnlockDialog", Typed)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        view.evidence_panel.unlockRequested.emit(evidence.id, evidence.name)
    outcome = finished.args[0]
    assert outcome.error is None and not outcome.add_errors, outcome
    assert outcome.summary.files_hashed > 5
