"""The Links tab, driven offscreen on an ingested case of generated text files: the table of
links (normal form, raw text, rules, confidence, source, block-list hits), its filters, jumping
to a link's source file, and the menu commands that import a URL block list and export links
with the same functions as `triage links …`."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402
from sqlalchemy import select  # noqa: E402

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.gui import case_actions  # noqa: E402
from triage.gui.links_view import LinksModel  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from guiwindow import TIMEOUT_MS, settings, window  # noqa: E402,F401



@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gui-links")
    evidence = root / "evidence"
    evidence.mkdir()
    (evidence / "chat.txt").write_text(
        "hello\nvisit hxxp://bad[.]site/content/1 now\nand bit.ly/abc123 and "
        "www.other.org/page\n", encoding="utf-8")
    (evidence / "page.html").write_text('<a href="http://good.org/x">x</a>',
                                        encoding="utf-8")
    case = root / "case"
    store = open_case(case, create=True, examiner="builder")
    try:
        ingest = Ingest(store, "builder", IngestOptions(workers=1))
        ingest.add(evidence)
        ingest.run()
    finally:
        store.close()
    return case


@pytest.fixture
def case_dir(built, tmp_path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(built, target)
    return target


def open_links(qtbot, window, folder):
    with qtbot.waitSignal(window.caseOpened, timeout=TIMEOUT_MS) as opened:
        assert window.open_case(str(folder))
    view = opened.args[0]
    view.tabs.setCurrentWidget(view.links)
    qtbot.waitUntil(lambda: view.links.model.complete and view.links.model.rowCount() > 0,
                    timeout=TIMEOUT_MS)
    return view


def cells(model: LinksModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def wait_loaded(qtbot, links):
    qtbot.waitUntil(lambda: links.model.filter == links.current() and links.model.complete,
                    timeout=TIMEOUT_MS)


def test_links_tab_lists_links_with_rules_confidence_and_source(qtbot, window, case_dir):
    view = open_links(qtbot, window, case_dir)
    model = view.links.model
    urls = cells(model, LinksModel.URL)
    assert "http://bad.site/content/1" in urls
    row = urls.index("http://bad.site/content/1")
    link = model.row(row)
    assert model.data(model.index(row, LinksModel.RAW)) == link.raw
    assert "hxxp" in link.raw and link.confidence == "decoded"
    assert model.data(model.index(row, LinksModel.RULES)) == ", ".join(link.rules)
    assert model.data(model.index(row, LinksModel.SOURCE)).endswith("chat.txt")
    assert model.data(model.index(row, LinksModel.HITS)) == ""
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "URL (normalised)", "Raw text", "Rules applied", "Confidence", "Source file",
        "Block-list hits"]
    qtbot.waitUntil(lambda: "in the case: " in view.links.counts.text(),  # counted apart
                    timeout=TIMEOUT_MS)


def test_filters_search_and_kind(qtbot, window, case_dir):
    links = open_links(qtbot, window, case_dir).links
    everything = links.model.rowCount()
    links.search.setText("bad.site")
    wait_loaded(qtbot, links)
    assert cells(links.model, LinksModel.URL) == ["http://bad.site/content/1"]
    links.search.clear()
    links.kind.setCurrentIndex(2)  # shortened
    wait_loaded(qtbot, links)
    assert links.model.rowCount() == 1 and "bit.ly" in cells(links.model, LinksModel.URL)[0]
    links.kind.setCurrentIndex(0)
    wait_loaded(qtbot, links)
    assert links.model.rowCount() == everything
    links.domain.setText("Bad.Site")  # the registrable domain, any host under it
    wait_loaded(qtbot, links)
    urls = cells(links.model, LinksModel.URL)
    assert "http://bad.site/content/1" in urls and all("bad.site" in url for url in urls)
    assert links.model.rowCount() < everything


def test_block_list_import_and_link_export_from_the_menus(qtbot, window, case_dir, tmp_path,
                                                          monkeypatch):
    view = open_links(qtbot, window, case_dir)
    links = view.links
    listing = tmp_path / "hotline.txt"
    listing.write_text("# a hotline's list\nbad[.]site\n")

    def fill(dialog):
        dialog.file_edit.setText(str(listing))
        dialog.name_edit.setText("hotline")
        dialog.category.setText("CSAM-host")

    monkeypatch.setattr(case_actions.LinkListDialog, "exec",
                        lambda dialog: (fill(dialog), QDialog.DialogCode.Accepted)[1])
    with qtbot.waitSignal(window.jobs.finished, timeout=TIMEOUT_MS) as finished:
        window.import_link_list_action.trigger()
    ok, text, changed = finished.args
    assert ok and changed and "URL list 'hotline'" in text, text

    links.only_hits.setChecked(True)
    wait_loaded(qtbot, links)
    qtbot.waitUntil(lambda: links.model.rowCount() == 1, timeout=TIMEOUT_MS)
    hits = cells(links.model, LinksModel.HITS)[0]
    assert "hotline" in hits and "CSAM-host" in hits

    out = tmp_path / "links.csv"
    with qtbot.waitSignal(window.jobs.finished, timeout=TIMEOUT_MS) as finished:
        window.export_links(str(out))
    ok, text, _ = finished.args
    assert ok and "Wrote 1 links" in text
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["url"] for r in rows] == ["http://bad.site/content/1"]
    assert "hotline" in rows[0]["domain_matches"] + rows[0]["exact_matches"] + \
        rows[0]["prefix_matches"]

    store = open_case(case_dir)
    try:
        with store.reading() as session:
            actions = set(session.scalars(select(AuditEntry.action)))
            assert {"linklist.import", "links.export"} <= actions
            assert verify_chain(session) is None
    finally:
        store.close()


def test_a_link_leads_to_its_source_file(qtbot, window, case_dir):
    view = open_links(qtbot, window, case_dir)
    model = view.links.model
    row = cells(model, LinksModel.URL).index("http://good.org/x")
    view.links.table.doubleClicked.emit(model.index(row, 0))
    assert view.tabs.currentWidget() is view.splitter
    assert view.filter_edit.text().endswith("page.html")
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() == 1,
                    timeout=TIMEOUT_MS)
