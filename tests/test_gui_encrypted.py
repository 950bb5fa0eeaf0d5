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


def test_carved_offsets_say_which_layer_they_count_in(qapp, tmp_path):
    """A carved item's offset counts in the evidence, an unlocked volume's decrypted content
    or a VSS snapshot: the file pane and the detail pane say which, in English and French."""
    from PySide6.QtCore import QSettings

    from triage.gui import i18n
    from triage.gui.detail import _carved_at
    from triage.gui.file_detail import carved_text
    from triage.review.gallery import Instance

    def instance(layer):
        return Instance("disk.raw", "0", "/$Unallocated » carved/x.jpg", 10, True,
                        None, None, None, None, carved="complete", carved_offset=5,
                        carved_in=layer)

    assert "byte 5 of the evidence, 10 bytes" in carved_text("complete", 5, 10, "evidence")
    assert "byte 5 of the decrypted volume, 10 bytes" in carved_text(
        "complete", 5, 10, "decrypted volume")
    assert "byte 5 of VSS snapshot 2, 10 bytes" in carved_text("partial", 5, 10,
                                                                "VSS snapshot 2")
    assert _carved_at(instance("evidence")) == "carved at byte 5, 10 bytes"
    assert _carved_at(instance("decrypted volume")) == \
        "carved at byte 5 of the decrypted volume, 10 bytes"
    assert _carved_at(instance("VSS snapshot 1")) == "carved at byte 5 of VSS snapshot 1, 10 bytes"
    settings = QSettings(str(tmp_path / "fr.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "fr")
    i18n.remove_translators()
    try:
        assert i18n.install_translators(settings) == "fr"
        assert "octet 5 du volume déchiffré, 10 octets" in carved_text(
            "complete", 5, 10, "decrypted volume")
        assert _carved_at(instance("VSS snapshot 1")) == \
            "récupérée à l’octet 5 de l’instantané VSS 1, 10 octets"
    finally:
        i18n.remove_translators()
