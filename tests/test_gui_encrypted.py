"""The Add evidence dialog's credentials: typed in, handed to the ingest in memory, used to
open an encrypted volume, and written nowhere in the case."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import diskimages as D  # noqa: E402
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
        pytest.skip(str(exc))
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
