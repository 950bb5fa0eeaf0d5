"""The device time zone from the evidence panel: asked for, set (audited), and the details
then show FAT times converted to UTC."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from guiwindow import TIMEOUT_MS, settings, window  # noqa: E402,F401
from test_gui import open_in  # noqa: E402
from triage.paths import resources_dir  # noqa: E402

DEMO = resources_dir() / "samples" / "demo-usb.img"


def test_set_from_the_evidence_panel(qtbot, window, tmp_path, monkeypatch):
    from triage.case.models import AuditEntry, Evidence
    from triage.gui import case_view

    view = open_in(qtbot, window, tmp_path / "case", create=True)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS):
        assert view.start_ingest([str(DEMO)])
    qtbot.waitUntil(lambda: view.evidence_panel.tree.topLevelItemCount() == 1,
                    timeout=TIMEOUT_MS)
    evidence = view.evidence_panel.tree.topLevelItem(0).data(0, 257)
    assert evidence.time_zone is None
    monkeypatch.setattr(case_view.QInputDialog, "getItem",
                        staticmethod(lambda *args: ("Europe/Berlin", True)))
    view.evidence_panel.timeZoneRequested.emit(evidence.id, evidence.name, "")

    def shown() -> bool:
        item = view.evidence_panel.tree.topLevelItem(0)
        return item is not None and item.data(0, 257).time_zone == "Europe/Berlin"

    qtbot.waitUntil(shown, timeout=TIMEOUT_MS)
    with view.store.reading() as session:
        assert session.get(Evidence, evidence.id).time_zone == "Europe/Berlin"
        assert session.query(AuditEntry).filter_by(action="evidence.time_zone").count() == 1
