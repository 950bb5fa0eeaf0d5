"""The desktop application, driven offscreen with pytest-qt: open a case, page and filter
the file table, add evidence through the ingest worker, cancel and resume, clear errors."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from triage import __version__  # noqa: E402
from triage.case.models import EntryKind, Evidence, File, WorkStatus  # noqa: E402
from triage.case.clock import utcnow  # noqa: E402
from triage.review.queries import iter_files  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.gui import formatting  # noqa: E402
from triage.gui.main_window import MainWindow, about_text  # noqa: E402
from triage.gui.file_table_model import PAGE_SIZE, PLACEHOLDER  # noqa: E402
from triage.gui.start import NewCaseDialog, RecentCases  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from guiwindow import TIMEOUT_MS, settings, window  # noqa: E402,F401
from testdata import IMAGES, missing

SHARED_IMAGES = IMAGES


@pytest.fixture(scope="module")
def image_dd() -> Path:
    path = SHARED_IMAGES / "image.dd"
    if not path.exists():
        missing(f"third-party test image {path} not present")
    return path


ENTRIES = 11  # image.dd's 10 entries and the area of its free space (nothing carved from it)


@pytest.fixture(scope="module")
def ingested_case(tmp_path_factory, image_dd) -> Path:
    """A case holding image.dd (ext2, 10 entries and the area of its free space, carved),
    made once with the pipeline itself."""
    folder = tmp_path_factory.mktemp("gui") / "ext2 case"
    store = open_case(folder, create=True, examiner="test-examiner")
    ingest = Ingest(store, "test-examiner", IngestOptions(workers=1))
    ingest.add(image_dd)
    summary = ingest.run()
    assert not summary.cancelled and summary.files_hashed
    store.close()
    return folder


def open_in(qtbot, window: MainWindow, folder: Path, create: bool = False):
    with qtbot.waitSignal(window.caseOpened, timeout=TIMEOUT_MS) as opened:
        assert window.open_case(str(folder), create=create)
    view = opened.args[0]
    qtbot.waitUntil(lambda: view.snapshot is not None and not view.model.loading,
                    timeout=TIMEOUT_MS)
    return view


def listing(folder: Path):
    store = open_case(folder)
    try:
        with store.session() as session:
            return list(iter_files(session))
    finally:
        store.close()


# -- opening a case --------------------------------------------------------------------


def test_open_case_shows_evidence_summary_and_files(qtbot, window, ingested_case):
    rows = listing(ingested_case)
    view = open_in(qtbot, window, ingested_case)

    assert window.windowTitle() == "Triage — ext2 case"
    assert view.model.rowCount() == len(rows) == ENTRIES
    first = view.model.row(0)
    assert (first.path, first.md5) == (rows[0].path, rows[0].md5)
    assert view.model.data(view.model.index(0, view.model.PATH)) == rows[0].path
    assert view.evidence_panel.tree.topLevelItemCount() == 1
    evidence = view.evidence_panel.tree.topLevelItem(0)
    assert evidence.text(0) == "image.dd" and evidence.text(1) == "raw"
    assert evidence.childCount() == 1 and evidence.child(0).text(1) == "ext2"
    assert view.snapshot.evidence[0].sha256 in view.evidence_panel.details.toPlainText()
    assert view.summary_panel.labels["deleted"].text() == str(sum(r.deleted for r in rows))
    assert view.count_label.text() == f"{ENTRIES} entries"
    assert window.recent.paths() == [str(ingested_case)]
    assert window.add_evidence_action.isEnabled()

    view.table.selectRow(1)
    view.copy_selection()
    copied = QApplication.clipboard().text().rstrip("\n").split("\t")
    assert copied[view.model.PATH] == rows[1].path and copied[view.model.MD5] == (rows[1].md5 or "")


def test_file_table_columns_are_chosen_and_remembered_and_a_file_shows_whole(
        qtbot, window, ingested_case, settings):
    rows = listing(ingested_case)
    view = open_in(qtbot, window, ingested_case)
    model, header = view.model, view.table.horizontalHeader()
    hashed = next(i for i, r in enumerate(rows) if r.sha256)
    assert model.data(model.index(hashed, model.SHA256)) == rows[hashed].sha256
    assert model.data(model.index(hashed, model.MODIFIED)) == \
        f"{rows[hashed].mtime:%Y-%m-%d %H:%M:%S}"
    assert header.isSectionHidden(model.SHA256) and not header.isSectionHidden(model.MD5)
    header.showSection(model.SHA256)  # as the header's menu does
    header.sectionResized.emit(model.SHA256, 0, header.sectionSize(model.SHA256))

    view.table.selectRow(hashed)
    detail = view.file_detail
    text = detail.toPlainText()
    assert rows[hashed].sha256 in text and rows[hashed].sha1 in text and "Created" in text
    assert rows[hashed].path in text

    window.close_case()
    again = open_in(qtbot, window, ingested_case)  # the columns shown are remembered
    assert not again.table.horizontalHeader().isSectionHidden(model.SHA256)


def test_filter_on_path_name_and_md5(qtbot, window, ingested_case):
    rows = listing(ingested_case)
    view = open_in(qtbot, window, ingested_case)

    expected = [r.path for r in rows if "another" in r.path.lower()]
    assert 0 < len(expected) < len(rows)
    view.filter_edit.setText("ANOTHER")  # case-insensitive
    qtbot.waitUntil(lambda: view.model.filter_text == "ANOTHER" and not view.model.loading,
                    timeout=TIMEOUT_MS)
    assert [view.model.row(i).path for i in range(view.model.rowCount())] == expected
    assert view.count_label.text() == f"{len(expected)} of {ENTRIES} entries"

    md5 = next(r.md5 for r in rows if r.md5 and r.size)
    view.filter_edit.setText(md5.upper())
    qtbot.waitUntil(lambda: view.model.filter_text == md5.upper() and not view.model.loading,
                    timeout=TIMEOUT_MS)
    assert view.model.rowCount() == sum(r.md5 == md5 for r in rows)
    assert view.model.row(0).md5 == md5

    view.filter_edit.setText("100%_no_such_name")  # % and _ are literal, not wildcards
    qtbot.waitUntil(lambda: view.model.filter_text.startswith("100%") and not view.model.loading,
                    timeout=TIMEOUT_MS)
    assert view.model.rowCount() == 0


def test_opening_a_folder_that_is_not_a_case_is_shown_in_the_window(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.caseOpenFailed, timeout=TIMEOUT_MS):
        window.open_case(str(tmp_path))
    assert window.case_view is None
    assert window.messages.isVisible() and window.messages.kind == "error"
    assert "not a Triage case" in window.messages.text
    assert "Traceback" not in window.messages.text


# -- paging ----------------------------------------------------------------------------


def test_large_listing_is_read_a_page_at_a_time(qtbot, window, tmp_path):
    """Rows are fetched as they are shown; memory holds a bounded number of pages."""
    folder = tmp_path / "big case"
    store = open_case(folder, create=True, examiner="test-examiner")
    total = PAGE_SIZE * 5 + 7
    with store.session() as session:
        evidence = Evidence(name="synthetic", format="folder", paths=["/nowhere"],
                            added_at=utcnow(), added_by="test-examiner",
                            walk_status=WorkStatus.DONE, hash_status=WorkStatus.SKIPPED)
        session.add(evidence)
        session.flush()
        session.execute(File.__table__.insert(), [
            {"evidence_id": evidence.id, "path": f"/dir/file{i:05d}.jpg",
             "name": f"file{i:05d}.jpg", "kind": EntryKind.FILE, "deleted": False, "size": i,
             "status": WorkStatus.SKIPPED, "extension_mismatch": False}
            for i in range(total)
        ])
    store.close()

    view = open_in(qtbot, window, folder)
    model = view.model
    assert model.rowCount() == total
    assert len(model._pages) == 1  # only the first page came with the count
    last = total - 1
    assert model.data(model.index(last, model.PATH)) == PLACEHOLDER  # asks for the page
    qtbot.waitUntil(lambda: model.row(last) is not None, timeout=TIMEOUT_MS)
    assert model.row(last).path == f"/dir/file{last:05d}.jpg"
    assert model.data(model.index(last, model.SIZE)) == formatting.count(last)
    # The page after a known page is found by keyset, and gives the same rows.
    qtbot.waitUntil(lambda: model.row(PAGE_SIZE) is not None, timeout=TIMEOUT_MS)
    assert model.row(PAGE_SIZE).path == f"/dir/file{PAGE_SIZE:05d}.jpg"
    assert len(model._pages) <= 3

    view.filter_edit.setText("file0001")
    qtbot.waitUntil(lambda: model.filter_text == "file0001" and not model.loading,
                    timeout=TIMEOUT_MS)
    assert model.rowCount() == 10


# -- ingest from the window ------------------------------------------------------------


def test_add_evidence_runs_ingest_on_a_worker_and_refreshes(qtbot, window, tmp_path, image_dd):
    view = open_in(qtbot, window, tmp_path / "new case", create=True)
    assert view.model.rowCount() == 0
    progress = []
    view.progress_panel.update_progress = lambda event, _f=view.progress_panel.update_progress: (
        progress.append(event), _f(event))

    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        assert window.add_evidence([str(image_dd)])
        assert view.ingesting and view.progress_panel.isVisible()
        assert not window.add_evidence_action.isEnabled()
        assert window.cancel_action.isEnabled()
    outcome = finished.args[0]
    assert outcome.error is None and not outcome.cancelled and not outcome.add_errors
    assert outcome.summary.files_hashed > 0

    qtbot.waitUntil(lambda: view.model.rowCount() == ENTRIES and view.snapshot.entries == ENTRIES,
                    timeout=TIMEOUT_MS)
    assert {e.stage for e in progress} >= {"walk", "hash"}
    assert not view.progress_panel.isVisible()
    assert window.messages.kind == "info" and "Ingest finished" in window.messages.text
    assert window.add_evidence_action.isEnabled() and not window.cancel_action.isEnabled()
    assert view.evidence_panel.tree.topLevelItem(0).text(0) == "image.dd"


def test_cancelled_ingest_is_resumed(qtbot, window, tmp_path, image_dd):
    view = open_in(qtbot, window, tmp_path / "resumed case", create=True)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        window.add_evidence([str(image_dd)])
        window.cancel_action.trigger()  # long before the first file is hashed
    assert finished.args[0].cancelled
    assert window.messages.kind == "warning" and "Resume" in window.messages.text
    qtbot.waitUntil(lambda: view.snapshot is not None and view.snapshot.unfinished
                    and window.resume_action.isEnabled(), timeout=TIMEOUT_MS)

    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        window.resume_action.trigger()
    assert not finished.args[0].cancelled
    qtbot.waitUntil(lambda: view.snapshot.entries == ENTRIES and not view.snapshot.unfinished,
                    timeout=TIMEOUT_MS)
    assert not window.resume_action.isEnabled()


def test_evidence_that_cannot_be_added_is_reported_not_raised(qtbot, window, tmp_path):
    view = open_in(qtbot, window, tmp_path / "case", create=True)
    with qtbot.waitSignal(view.ingestFinished, timeout=TIMEOUT_MS) as finished:
        window.add_evidence([str(tmp_path / "no such image.dd")])
    outcome = finished.args[0]
    assert outcome.error is None and len(outcome.add_errors) == 1
    assert window.messages.kind == "error" and "no such image.dd" in window.messages.text


# -- start page, dialogs, menus --------------------------------------------------------


def test_recent_cases_newest_first_without_duplicates(settings, tmp_path):
    recent = RecentCases(settings)
    for name in ("a", "b", "a", "c"):
        recent.add(tmp_path / name)
    assert recent.paths() == [str(tmp_path / n) for n in ("c", "a", "b")]
    recent.remove(str(tmp_path / "a"))
    assert recent.paths() == [str(tmp_path / n) for n in ("c", "b")]
    for i in range(20):
        recent.add(tmp_path / f"case{i}")
    assert len(recent.paths()) == 10


def test_new_case_dialog_checks_the_folder(qtbot, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("x")
    dialog = NewCaseDialog(str(tmp_path), "examiner-a")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.name_edit.setText("2024-0117")
    assert ok.isEnabled() and dialog.folder == tmp_path / "2024-0117"
    dialog.name_edit.setText("taken")
    assert not ok.isEnabled() and "not empty" in dialog.problem_label.text()
    dialog.name_edit.setText("a/b")
    assert not ok.isEnabled()
    dialog.name_edit.setText("fine")
    dialog.examiner_edit.setText("")
    assert not ok.isEnabled()


def test_shortcuts_title_and_about(window):
    shortcuts = {a.shortcut().toString() for a in (
        window.new_action, window.open_action, window.add_evidence_action, window.quit_action)}
    assert shortcuts == {"Ctrl+N", "Ctrl+O", "Ctrl+E", "Ctrl+Q"}
    assert window.windowTitle() == "Triage"
    assert not window.add_evidence_action.isEnabled()  # no case open
    assert __version__ in about_text()


def test_formatting():
    assert formatting.size(512) == "512 bytes"
    assert formatting.size(1536) == "1.50 KiB"
    assert formatting.size(62_915_072) == "60.0 MiB"
    assert formatting.exact_size(1024) == "1,024 bytes (1.00 KiB)"
    assert formatting.rate(2 * 1024 * 1024) == "2.00 MiB/s"
    assert formatting.duration(42) == "42 s"
    assert formatting.duration(150) == "3 min"
    assert formatting.duration(3900) == "1 h 05 min"
    assert formatting.duration(None) == ""
