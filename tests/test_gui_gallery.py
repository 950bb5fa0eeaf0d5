"""The gallery, driven offscreen with pytest-qt on a real ingested case of generated pictures:
tiles and thumbnails, wellbeing treatment, hotkey tagging with undo/redo, stacks, filters,
the detail pane. Categories here are labels on flat-colour test pictures, nothing more."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry, Media, Tag  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.gui.main_window import MainWindow  # noqa: E402
from triage.gui.wellbeing import PLAIN, Treatment  # noqa: E402
from triage.hashsets import import_hash_set  # noqa: E402
from triage.pipeline.ingest import IngestOptions  # noqa: E402
from guiwindow import TIMEOUT_MS, open_gallery, settings, window  # noqa: E402,F401
from tagcases import PICTURES, built_case, case_dir, picture_ids  # noqa: E402,F401

ALL_PICTURES = PICTURES + 2  # the generated ones, plus "=SUM(1+1).jpg" and the long name


def wait_filter(qtbot, gallery, **changes):
    """Set filter-bar widgets and wait until the model shows that filter."""
    for name, value in changes.items():
        widget = getattr(gallery.filters, name)
        if isinstance(value, bool):
            widget.setChecked(value)
        elif hasattr(widget, "findData"):
            widget.setCurrentIndex(widget.findData(value))
        else:
            widget.setText(value)
    expected = gallery.filters.current()
    qtbot.waitUntil(lambda: gallery.model.filter == expected and not gallery.model.loading,
                    timeout=TIMEOUT_MS)


def wait_writes(qtbot, gallery):
    qtbot.waitUntil(lambda: not gallery.writer.busy, timeout=TIMEOUT_MS)


def examiner_tags(folder) -> dict[int, str]:
    store = open_case(folder)
    try:
        with store.reading() as session:
            return {t.media_id: t.category for t in session.scalars(
                select(Tag).where(Tag.source_name == ""))}
    finally:
        store.close()


def key(qtbot, gallery, which, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(gallery.view, which, modifier)


def make_stack(folder, members: list[int]) -> None:
    """Stack some pictures as clustering would (derived data, set directly for the test)."""
    store = open_case(folder)
    try:
        with store.session() as session:
            session.execute(update(Media).where(Media.id.in_(members))
                            .values(stack_id=members[0], stack_representative=False))
            session.execute(update(Media).where(Media.id == members[0])
                            .values(stack_representative=True))
    finally:
        store.close()


# -- tiles, thumbnails, wellbeing ------------------------------------------------------


def test_gallery_shows_every_picture_with_thumbnails(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    assert gallery.model.rowCount() == ALL_PICTURES
    assert gallery.count_label.text() == f"{ALL_PICTURES} tiles"
    assert gallery.view.current_row() == 0  # the first tile is current, its details shown
    qtbot.waitUntil(lambda: gallery.detail.detail is not None, timeout=TIMEOUT_MS)
    first = gallery.model.item(0)
    assert gallery.detail.detail.item.media_id == first.media_id
    gallery.view.viewport().repaint()  # painting asks the loader for the visible thumbnails
    qtbot.waitUntil(lambda: all(gallery.cache.known(gallery.model.item(r).sha256)
                                for r in range(ALL_PICTURES)), timeout=TIMEOUT_MS)
    image = gallery.cache.image(first.sha256)
    assert image is not None and not image.isNull()
    assert gallery.grid.columns > 1 and gallery.grid.rowCount() < ALL_PICTURES
    assert "0" in gallery.view.hotkeys and gallery.view.hotkeys["1"] == "1"


def test_uncategorised_pictures_are_blurred_and_grey_by_default(qtbot, window, case_dir,
                                                                settings):
    gallery = open_gallery(qtbot, window, case_dir)
    item = gallery.model.item(0)
    policy = gallery.policy
    assert policy.treatment(item.media_id, categorised=False) == Treatment(True, True)
    assert policy.treatment(item.media_id, categorised=True) == Treatment(True, True)

    gallery.blur_action.trigger()  # off
    assert policy.treatment(item.media_id, False) == Treatment(False, True)
    assert settings.value("wellbeing/blur") in (False, "false")
    gallery.protect_action.trigger()
    assert policy.treatment(item.media_id, categorised=True) == PLAIN

    gallery.view.setFocus()
    qtbot.keyPress(gallery.view, Qt.Key.Key_Space)  # held: this one picture shown plainly
    assert policy.treatment(item.media_id, False) == PLAIN
    assert policy.treatment(gallery.model.item(1).media_id, False) != PLAIN
    qtbot.keyRelease(gallery.view, Qt.Key.Key_Space)
    assert policy.treatment(item.media_id, False) == Treatment(False, True)


def test_wellbeing_choices_persist_across_windows(qtbot, case_dir, settings):
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    gallery = open_gallery(qtbot, first, case_dir)
    gallery.greyscale_action.trigger()
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    gallery = open_gallery(qtbot, second, case_dir)
    assert not gallery.greyscale_action.isChecked() and gallery.blur_action.isChecked()
    assert not gallery.policy.greyscale


# -- keyboard categorisation -----------------------------------------------------------


def test_hotkey_tags_advances_and_undo_redo_go_through_the_audit_log(qtbot, window,
                                                                     case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, category="")  # every category, so the tiles stay put
    first = gallery.model.item(0)
    gallery.view.go_to(0)
    gallery.view.setFocus()

    key(qtbot, gallery, Qt.Key.Key_2)
    assert gallery.view.current_row() == 1  # on to the next picture at once
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {first.media_id: "2"}
    assert gallery.model.item(0).category == "2"  # the tile shows its badge

    gallery.view.select_rows([1, 2], current=2)  # a multi-selection, one key
    key(qtbot, gallery, Qt.Key.Key_0)
    wait_writes(qtbot, gallery)
    second, third = gallery.model.item(1), gallery.model.item(2)
    assert examiner_tags(case_dir) == {first.media_id: "2", second.media_id: "0",
                                       third.media_id: "0"}
    assert gallery.view.current_row() == 3

    key(qtbot, gallery, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {first.media_id: "2"}
    assert gallery.model.item(1).category is None
    key(qtbot, gallery, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {}
    key(qtbot, gallery, Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {first.media_id: "2"}

    gallery.view.go_to(0)
    key(qtbot, gallery, Qt.Key.Key_Backspace)  # remove the examiner's tag
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {}

    store = open_case(case_dir)
    with store.reading() as session:
        actions = [a for a in session.scalars(select(AuditEntry.action)) if a.startswith("tag")]
        assert actions == ["tag.set", "tag.set", "tag.set", "tag.undo", "tag.undo",
                           "tag.undo", "tag.redo", "tag.remove"]
        assert verify_chain(session) is None
    store.close()


def test_detail_pane_shows_instances_hashes_and_tag_history(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, search="IMG_0000")
    item = gallery.model.item(0)
    assert item.instances == 2  # IMG_0000.jpg and its copy
    gallery.view.go_to(0)
    gallery.view.setFocus()
    key(qtbot, gallery, Qt.Key.Key_1)
    wait_writes(qtbot, gallery)
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and bool(gallery.detail.detail.history), timeout=TIMEOUT_MS)
    text = gallery.detail.text.toPlainText()
    assert "/IMG_0000.jpg" in text and "/Pictures/copy of IMG_0000.jpg" in text
    assert item.md5 in text and item.sha256 in text
    assert "Tag history" in text and "tag.set" in text and "vics-us 1" in text


# -- stacks ----------------------------------------------------------------------------


def test_a_stack_is_one_tile_and_tagging_it_tags_every_member(qtbot, window, case_dir):
    store = open_case(case_dir)
    ids = picture_ids(store)
    store.close()
    members = ids[1:4]
    make_stack(case_dir, members)
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, category="")
    assert gallery.model.rowCount() == ALL_PICTURES - 2
    rows = [r for r in range(gallery.model.rowCount())
            if gallery.model.item(r).media_id == members[0]]
    assert len(rows) == 1 and gallery.model.item(rows[0]).stack_size == 3

    gallery.view.go_to(rows[0])
    gallery.view.setFocus()
    key(qtbot, gallery, Qt.Key.Key_3)  # the stack's whole copies are read first, then tagged
    qtbot.waitUntil(lambda: examiner_tags(case_dir) == {m: "3" for m in members},
                    timeout=TIMEOUT_MS)
    gallery.view.go_to(rows[0])  # back from the next tile tagging moved on to
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and len(gallery.detail.detail.stack) == 3, timeout=TIMEOUT_MS)
    assert gallery.detail.members.count() == 3  # the stack, expanded in the side panel

    gallery.stacks_action.trigger()  # show every item
    qtbot.waitUntil(lambda: not gallery.model.filter.stacks and not gallery.model.loading,
                    timeout=TIMEOUT_MS)
    assert gallery.model.rowCount() == ALL_PICTURES
    member_row = next(r for r in range(ALL_PICTURES)
                      if gallery.model.item(r).media_id == members[2])
    gallery.view.go_to(member_row)
    key(qtbot, gallery, Qt.Key.Key_0)  # one item only
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {members[0]: "3", members[1]: "3", members[2]: "0"}
    gallery.view.go_to(member_row)
    key(qtbot, gallery, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # the whole stack
    qtbot.waitUntil(lambda: examiner_tags(case_dir) == {m: "4" for m in members},
                    timeout=TIMEOUT_MS)


# -- filters ---------------------------------------------------------------------------


def test_filters_combine_and_known_good_is_hidden_by_default(qtbot, window, case_dir,
                                                             tmp_path):
    store = open_case(case_dir)
    with store.reading() as session:
        md5 = session.scalar(select(Media.md5).order_by(Media.id).limit(1))
    listing = tmp_path / "known.txt"
    listing.write_text(f"{md5}\n")
    import_hash_set(store, listing, "OS files", kind="known-good", examiner="t")
    store.close()

    gallery = open_gallery(qtbot, window, case_dir)
    assert gallery.model.rowCount() == ALL_PICTURES - 1  # the known-good picture is hidden
    wait_filter(qtbot, gallery, known_good=True)
    assert gallery.model.rowCount() == ALL_PICTURES
    wait_filter(qtbot, gallery, hits="known-good")
    assert gallery.model.rowCount() == 1 and gallery.model.item(0).known_good
    wait_filter(qtbot, gallery, hits="any", known_good=False, search="pictures/")
    assert gallery.model.rowCount() == PICTURES // 2 + 1  # odd ones and =SUM, copy is dup
    wait_filter(qtbot, gallery, search="img_000", sort="name")
    names = [gallery.model.item(r).name for r in range(gallery.model.rowCount())]
    assert names == sorted(names, key=str.lower) and len(names) == PICTURES - 1

    gallery.view.go_to(0)
    gallery.view.setFocus()
    key(qtbot, gallery, Qt.Key.Key_1)
    wait_writes(qtbot, gallery)
    wait_filter(qtbot, gallery, search="", category="1")
    assert gallery.model.rowCount() == 1
    wait_filter(qtbot, gallery, category="uncategorised")
    assert gallery.model.rowCount() == ALL_PICTURES - 2


# -- menus: what the CLI does ----------------------------------------------------------


def accept_with(monkeypatch, dialog_class, fill):
    """Make `dialog_class.exec` fill the dialog's fields and accept, as an examiner would."""
    from PySide6.QtWidgets import QDialog

    def exec_(dialog):
        fill(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog_class, "exec", exec_)


def run_menu_job(qtbot, window, action):
    with qtbot.waitSignal(window.jobs.finished, timeout=TIMEOUT_MS) as finished:
        action.trigger()
    return finished.args


def test_menus_import_hash_sets_export_and_verify_with_the_cli_functions(
        qtbot, window, case_dir, tmp_path, monkeypatch):
    from triage.gui import case_actions

    gallery = open_gallery(qtbot, window, case_dir)
    item = gallery.model.item(0)
    listing = tmp_path / "alert.md5"
    listing.write_text(f"{item.md5}  x.jpg\n")

    def fill_import(dialog):
        dialog.file_edit.setText(str(listing))
        dialog.name_edit.setText("Seized before")
        dialog.kind.setCurrentIndex(dialog.kind.findData("alert"))

    accept_with(monkeypatch, case_actions.HashSetDialog, fill_import)
    ok, text, changed = run_menu_job(qtbot, window, window.import_hash_set_action)
    assert ok and changed and "1 matches" in text
    assert window.messages.kind == "info"
    qtbot.waitUntil(lambda: not gallery.model.loading and gallery.model.item(0) is not None
                    and gallery.model.item(0).alert, timeout=TIMEOUT_MS)

    out = tmp_path / "report.csv"

    def fill_export(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("csv"))
        dialog.file_edit.setText(str(out))

    accept_with(monkeypatch, case_actions.ExportDialog, fill_export)
    ok, text, _ = run_menu_job(qtbot, window, window.export_action)
    assert ok and out.is_file() and str(out) in text

    ok, text, _ = run_menu_job(qtbot, window, window.verify_action)
    assert ok and "audit chain intact" in text

    ok, text, _ = run_menu_job(qtbot, window, window.stacks_action)
    assert ok and "stacks" in text

    accept_with(monkeypatch, case_actions.HashSetDialog,
                lambda d: (d.file_edit.setText(str(tmp_path / "missing.md5")),
                           d.name_edit.setText("missing")))
    ok, text, _ = run_menu_job(qtbot, window, window.import_hash_set_action)
    assert not ok and window.messages.kind == "error" and "missing.md5" in text

    store = open_case(case_dir)
    with store.reading() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    store.close()
    assert {"hashset.import", "case.export", "stacks.build"} <= actions


def test_help_opens_the_demo_case(qtbot, window, case_dir, monkeypatch):
    import triage.demo

    monkeypatch.setattr(triage.demo, "ensure_demo_case", lambda *a, **k: case_dir)
    with qtbot.waitSignal(window.caseOpened, timeout=TIMEOUT_MS):
        window.demo_action.trigger()
    assert window.case_folder == str(case_dir)


def test_qt_calls_that_return_nothing_keep_none_alive():
    """PySide6 6.12.0 lost a reference to None per void call on Python 3.11 (pinned out in
    pyproject.toml); a long session must not end in none_dealloc."""
    import sys

    from PySide6.QtCore import QObject

    thing = QObject()
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(20_000):  # several times None's whole count, had it leaked
        thing.setObjectName("x")
        thing.blockSignals(False)
    after = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(a >= b - 100 for a, b in zip(after, before))


def test_unblurred_pictures_are_counted_and_a_break_is_offered(qtbot, window, case_dir,
                                                               settings):
    gallery = open_gallery(qtbot, window, case_dir)
    meter = window.exposure
    gallery.view.viewport().repaint()
    qtbot.waitUntil(lambda: gallery.cache.known(gallery.model.item(0).sha256),
                    timeout=TIMEOUT_MS)
    gallery.view.viewport().repaint()
    assert not meter.pictures  # blurred pictures are not counted
    gallery.blur_action.trigger()
    gallery.view.viewport().repaint()
    assert gallery.model.item(0).media_id in meter.pictures
    settings.setValue("wellbeing/breakMinutes", 1)
    meter.seconds = 59
    with qtbot.waitSignal(meter.breakDue, timeout=TIMEOUT_MS):
        meter.shown(gallery.model.item(0).media_id)
        meter._tick()
    assert window.messages.kind == "info" and "break" in window.messages.text
    assert "Unblurred:" in window.exposure_label.text()
    summary = window.exposure_summary()
    assert f"you saw {len(meter.pictures)} pictures unblurred" in summary
    assert "every 1 minutes" in summary
    window.exposure.break_minutes = 0  # as View ▸ Break reminder with 0
    assert settings.value("wellbeing/breakMinutes") in (0, "0")
    assert "(off)" in window.exposure_summary()


def test_pages_past_the_first_are_read_by_id_once_the_order_is_known(qtbot, window, case_dir,
                                                                      monkeypatch):
    """With pages of three tiles, every page but the first comes from the ordered ids."""
    from triage.gui import gallery_model

    monkeypatch.setattr(gallery_model, "PAGE_SIZE", 3)
    gallery = open_gallery(qtbot, window, case_dir)
    model = gallery.model
    qtbot.waitUntil(lambda: model._ids is not None, timeout=TIMEOUT_MS)
    assert len(model._ids) == model.rowCount() == ALL_PICTURES
    last = model.rowCount() - 1
    model.item(last)  # asks for its page, unless the view painted it already
    qtbot.waitUntil(lambda: model.item(last) is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: all(model.item(r) is not None for r in range(last + 1)),
                    timeout=TIMEOUT_MS)
    assert [model.item(r).media_id for r in range(last + 1)] == list(model._ids)
    assert len(model._pages) <= gallery_model.MAX_CACHED_PAGES


def test_grid_keys_wrap_and_shift_selects_a_run_of_tiles(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    view, grid = gallery.view, gallery.grid
    columns = grid.columns
    assert 1 < columns < ALL_PICTURES
    view.go_to(columns - 1)  # the last tile of the first row
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.current_row() == columns  # on to the next row
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.current_row() == columns - 1
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    end = min(2 * columns - 1, ALL_PICTURES - 1)  # a shorter last row: its last tile
    assert view.selected_rows() == list(range(columns - 1, end + 1))  # a run, not a box
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.current_row() == ALL_PICTURES - 1
    view.resize(view.width() // 2, view.height())  # fewer columns: the current tile stays
    qtbot.waitUntil(lambda: grid.columns < columns, timeout=TIMEOUT_MS)
    assert view.current_row() == ALL_PICTURES - 1


def test_refresh_comes_back_to_the_same_tile(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, category="")
    gallery.view.go_to(5)
    gallery.refresh_action.trigger()
    qtbot.waitUntil(lambda: not gallery.model.loading, timeout=TIMEOUT_MS)
    assert gallery.view.current_row() == 5
    wait_filter(qtbot, gallery, search="IMG")  # a new filter starts at the top
    assert gallery.view.current_row() == 0


def test_french_interface_and_scheme_labels(qtbot, case_dir, tmp_path):
    from triage.gui import i18n

    settings = QSettings(str(tmp_path / "fr.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "fr")
    i18n.remove_translators()
    try:
        window = MainWindow(settings=settings)
        qtbot.addWidget(window)
        assert i18n.language() == "fr"
        assert [m.title() for m in (a.menu() for a in window.menuBar().actions())][:2] == [
            "&Fichier", "&Dossier"]
        gallery = open_gallery(qtbot, window, case_dir)
        assert gallery.filters.category.itemText(0) == "À examiner"
        assert "Non pertinent" in gallery.keys_label.text()  # vics-us 0, in French
        window.close()
    finally:
        i18n.remove_translators()
    assert i18n.language() == "en"


def test_another_examiners_tags_appear_in_place(qtbot, window, case_dir):
    from triage.review.commands import History, TagMedia

    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, category="")
    first = gallery.model.item(0)
    other = open_case(case_dir)  # another session on the same case: another examiner
    try:
        History(other, "bob").run(TagMedia([first.media_id], "vics-us", "4"))
    finally:
        other.close()
    qtbot.waitUntil(lambda: gallery.model.item(0).category == "4", timeout=TIMEOUT_MS)
    assert gallery.model.rowCount() == ALL_PICTURES  # updated in place, nothing reloaded


def add_near_matches(folder, media_id: int) -> None:
    """Perceptual near matches as `triage.hashsets.perceptual` records them (set directly)."""
    from datetime import datetime

    from triage.case.models import HashSet, HashSetEntry, HashSetKind, HashSetNearMatch

    store = open_case(folder)
    try:
        with store.session() as session:
            hash_set = HashSet(name="lab pdq", kind=HashSetKind.ALERT, scheme="vics-us",
                               format="csv", source_name="lab.csv", source_sha256="0" * 64,
                               source_size=1, entry_count=2, imported_at=datetime(2026, 1, 1),
                               examiner="ann", merkle_root="0" * 64)
            session.add(hash_set)
            session.flush()
            entries = [HashSetEntry(hash_set_id=hash_set.id, record=r, sha1=f"{r:040x}",
                                    category="2") for r in (7, 9)]
            session.add_all(entries)
            session.flush()
            session.add_all([
                HashSetNearMatch(media_id=media_id, hash_set_id=hash_set.id,
                                 entry_id=entries[0].id, algorithm="pdq", distance=31),
                HashSetNearMatch(media_id=media_id, hash_set_id=hash_set.id,
                                 entry_id=entries[1].id, algorithm="phash", distance=6)])
    finally:
        store.close()


def test_near_matches_are_listed_apart_and_filtered(qtbot, window, case_dir):
    store = open_case(case_dir)
    near = picture_ids(store)[3]
    store.close()
    add_near_matches(case_dir, near)
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, hits="near")
    assert gallery.model.rowCount() == 1 and gallery.model.item(0).media_id == near
    assert not gallery.model.item(0).alert  # a lead, not a match: no verdict, no category
    gallery.view.go_to(0)
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and gallery.detail.detail.item.media_id == near, timeout=TIMEOUT_MS)
    text = gallery.detail.text.toPlainText()
    assert "Near hash-set entries (perceptual)" in text and "Hash-set matches" not in text
    assert text.index("pHash distance 6") < text.index("PDQ distance 31")  # closest first
    assert "category 2, record 9" in text and "uncategorised" in text


def test_evidence_filter_search_width_and_window_icon(qtbot, window, case_dir, tmp_path):
    from PIL import Image

    from triage.pipeline.ingest import Ingest

    second = tmp_path / "second-card"
    second.mkdir()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(second / "green.jpg")
    store = open_case(case_dir)
    try:
        ingest = Ingest(store, "ann", IngestOptions(workers=1))
        ingest.add(second)
        ingest.run()
    finally:
        store.close()
    gallery = open_gallery(qtbot, window, case_dir)
    combo = gallery.filters.evidence
    qtbot.waitUntil(lambda: combo.findText("second-card") >= 0, timeout=TIMEOUT_MS)
    wait_filter(qtbot, gallery, evidence=combo.itemData(combo.findText("second-card")))
    assert [gallery.model.item(r).name for r in range(gallery.model.rowCount())] == ["green.jpg"]
    wait_filter(qtbot, gallery, evidence="")
    assert gallery.model.rowCount() == ALL_PICTURES + 1

    search = gallery.filters.search
    assert search.placeholderText() and search.width() >= search.fontMetrics(
    ).horizontalAdvance(search.placeholderText())
    assert not window.windowIcon().isNull()


def test_open_case_starts_beside_the_last_case_with_recent_cases_at_hand(qtbot, window,
                                                                       case_dir):
    open_gallery(qtbot, window, case_dir)
    window.settings.remove("lastCaseLocation")  # the demo case was opened, never browsed to
    dialog = window.case_folder_dialog()
    assert dialog.directory().absolutePath() == str(case_dir.parent)
    assert str(case_dir) in [url.toLocalFile() for url in dialog.sidebarUrls()]


def test_keys_go_to_the_gallery_again_after_a_dialog(qtbot, window, case_dir):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    gallery = open_gallery(qtbot, window, case_dir)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT_MS)
    focused = QApplication.focusWidget()
    if focused is not None:
        focused.clearFocus()
    dialog = QDialog(window)
    QTimer.singleShot(50, dialog.accept)
    dialog.exec()
    window.activateWindow()  # what the window manager does when the dialog goes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is gallery.view, timeout=TIMEOUT_MS)


def test_the_gallery_has_the_keys_as_soon_as_a_case_opens(qtbot, window, case_dir):
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    gallery = open_gallery(qtbot, window, case_dir)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is gallery.view, timeout=TIMEOUT_MS)


def alert_set_categorises(folder, tmp_path, media_id: int, category: int) -> None:
    """A VICS 2.0 alert set that gives one picture a category (a label on a flat colour)."""
    import json

    store = open_case(folder)
    with store.reading() as session:
        picture = session.get(Media, media_id)
        record = {"MediaID": 1, "Category": category, "MD5": picture.md5.upper(),
                  "SHA1": picture.sha1.upper(), "MediaSize": picture.size}
    context = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"
    body = {"@odata.context": context, "value": [record]}
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(body))
    import_hash_set(store, path, "Alert set", kind="alert", examiner="t")
    store.close()


def test_an_alert_sets_category_is_proposed_until_confirmed_with_one_key(qtbot, window,
                                                                         case_dir, tmp_path):
    store = open_case(case_dir)
    first, second = picture_ids(store)[:2]
    store.close()
    alert_set_categorises(case_dir, tmp_path, first, 2)
    make_stack(case_dir, [second, first])  # the hit is a member, not the stack's tile
    gallery = open_gallery(qtbot, window, case_dir)
    wait_filter(qtbot, gallery, hits="alert", category="")  # pre-categorised: all categories
    assert gallery.model.rowCount() == 1
    tile = gallery.model.item(0)
    assert tile.stack_alert and not tile.alert  # marked on the stack's tile all the same
    gallery.stacks_action.trigger()
    qtbot.waitUntil(lambda: not gallery.model.filter.stacks and not gallery.model.loading,
                    timeout=TIMEOUT_MS)
    assert gallery.model.rowCount() == 1
    hit = gallery.model.item(0)
    assert hit.media_id == first and hit.hashset_category == "vics-us:2" and hit.category is None
    gallery.view.go_to(0)
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and gallery.detail.detail.item.media_id == first, timeout=TIMEOUT_MS)
    text = gallery.detail.text.toPlainText()
    assert "proposed by an alert hash set: 2 – Child Exploitive" in text and "not confirmed" in text

    gallery.view.setFocus()
    key(qtbot, gallery, Qt.Key.Key_C)
    wait_writes(qtbot, gallery)
    assert examiner_tags(case_dir) == {first: "2"}
    assert gallery.undo_action.text() == "Undo"  # short; the detail is the tooltip
    assert "1 item" in gallery.undo_action.toolTip()
    gallery.view.go_to(0)
    qtbot.waitUntil(lambda: "2 – Child Exploitive" in gallery.detail.text.toPlainText()
                    and "proposed" not in gallery.detail.text.toPlainText(), timeout=TIMEOUT_MS)


def test_the_examiner_set_in_the_window_is_kept_in_the_case(qtbot, window, case_dir,
                                                            monkeypatch):
    from triage.case.store import current_examiner

    monkeypatch.delenv("TRIAGE_EXAMINER", raising=False)
    gallery = open_gallery(qtbot, window, case_dir)
    window.set_examiner("Det. Ada Smith")
    wait_writes(qtbot, gallery)
    store = open_case(case_dir)
    try:
        assert current_examiner(store) == "Det. Ada Smith"
    finally:
        store.close()


def test_f1_opens_the_manual_and_ctrl_slash_every_shortcut(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window.isVisible() and help_window.tabs.currentIndex() == 0
    manual = help_window.manual.toPlainText()
    assert "Categorising" in manual and "could not be read" not in manual
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    assert help_window.tabs.currentIndex() == 1
    sheet = help_window.shortcuts.toPlainText()
    for text in ("Ctrl+Z", "Undo", "F1", "Ctrl+O", "hold Space",
                 f"tag as 2 {gallery.scheme.category('2').label_in('en')}"):
        assert text in sheet, text


def test_audit_log_viewer_filters_checks_the_chain_and_saves_csv(qtbot, window, case_dir,
                                                                 tmp_path):
    import csv

    gallery = open_gallery(qtbot, window, case_dir)
    gallery.view.go_to(0)
    gallery.view.setFocus()
    key(qtbot, gallery, Qt.Key.Key_1)
    wait_writes(qtbot, gallery)
    dialog = window.show_audit_log()
    qtbot.waitUntil(lambda: "intact" in dialog.chain.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 1, timeout=TIMEOUT_MS)
    assert dialog.model.rows[-1][3] == "tag.set"
    qtbot.waitUntil(lambda: dialog.actions.findData("tag") >= 0, timeout=TIMEOUT_MS)
    dialog.actions.setCurrentIndex(dialog.actions.findData("tag"))
    qtbot.waitUntil(lambda: [r[3] for r in dialog.model.rows] == ["tag.set"],
                    timeout=TIMEOUT_MS)
    out = tmp_path / "audit.csv"
    dialog.export_csv(str(out))
    wait_writes(qtbot, gallery)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["action"] for r in rows] == ["tag.set"] and len(rows[0]["hash"]) == 64
    store = open_case(case_dir)
    with store.reading() as session:
        assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())
                               ).first() == "audit.export"
        assert verify_chain(session) is None
    store.close()


def test_filter_choices_are_never_cut_at_1300_pixels(qtbot, window, case_dir):
    """Every fixed choice fits its box (a scheme's long category labels may elide)."""
    window.resize(1300, 850)
    gallery = open_gallery(qtbot, window, case_dir)
    filters = gallery.filters
    for combo, fixed in ((filters.category, 3), (filters.hits, None),
                         (filters.media_type, None), (filters.sort, None)):
        for index in range(combo.count() if fixed is None else fixed):
            combo.setCurrentIndex(index)
            text = combo.fontMetrics().horizontalAdvance(combo.currentText())
            qtbot.waitUntil(lambda: combo.width() >= text + 20, timeout=2000)
