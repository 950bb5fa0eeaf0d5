"""A series (pictures of one setting) is related, shown on request, never stacked (issue 23)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from sqlalchemy import select  # noqa: E402

from triage.case.models import File, Media
from triage.case.store import open_case
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.review import gallery
from triage.review.gallery import GalleryFilter
from triage.similarity.same_picture import LocalFeatureVerifier
from triage.similarity.series import find_series

from guiwindow import TIMEOUT_MS, open_gallery, settings, window  # noqa: F401
from test_similarity_features import picture
from test_similarity_regions import banded, pasted

EDGE_QUARTERS = ((0.0, 0.72, 1.0, 1.0), (0.0, 0.0, 0.28, 1.0))  # another object over an edge


def test_series_join_stacks_through_pairs_of_one_setting():
    stack_of = {1: 1, 2: 1, 3: 3, 4: 4, 5: 5, 6: 6}  # media 1 and 2: one stack
    series = find_series(stack_of, [(2, 3), (3, 4), (5, 5)])
    assert series == {1: 1, 2: 1, 3: 1, 4: 1}
    assert find_series(stack_of, [(1, 2)]) == {}  # one stack is no series
    assert find_series(stack_of, []) == {}


def test_the_verifier_reports_pictures_of_one_setting_and_not_copies():
    setting = picture(47, (400, 300))
    pictures = [setting, pasted(setting, 48, EDGE_QUARTERS[0]), banded(setting),
                picture(90, (400, 300))]
    verifier = LocalFeatureVerifier(pictures.__getitem__)
    same = verifier([0, 0, 0], [1, 2, 3], [False, False, False])
    assert same.tolist() == [False, True, False]
    assert verifier.related == [(0, 1)]  # the pasted picture; not the copy, not a stranger


@pytest.fixture
def series_case(tmp_path):
    """A case of one setting's three pictures, each with a smaller copy, and a stranger."""
    setting = picture(47, (400, 300))
    series = [setting] + [pasted(setting, 48 + k, box) for k, box in enumerate(EDGE_QUARTERS)]
    folder = tmp_path / "evidence"
    folder.mkdir()
    for k, im in enumerate(series):
        im.save(folder / f"series{k}.png")
        im.resize((200, 150)).save(folder / f"series{k}_small.png")
    picture(90, (400, 300)).save(folder / "other.png")

    store = open_case(tmp_path / "case", create=True)
    job = Ingest(store, options=IngestOptions(workers=1))
    job.add(folder)
    job.run()
    yield store
    store.close()


def test_ingest_keeps_a_series_apart_and_the_gallery_shows_it(series_case):
    store = series_case
    with store.reading() as session:
        rows = {name: (stack, series_id) for name, stack, series_id in session.execute(
            select(File.name, Media.stack_id, Media.series_id)
            .join(Media, Media.id == File.media_id))}
        stacks = [rows[f"series{k}.png"][0] for k in range(3)]
        assert len(set(stacks)) == 3, "a series picture is hidden in another's stack"
        for k in range(3):
            assert rows[f"series{k}_small.png"][0] == stacks[k], "a copy left its picture's stack"
        series_ids = {rows[name][1] for name in rows if name.startswith("series")}
        assert len(series_ids) == 1 and None not in series_ids
        assert rows["other.png"][1] is None
        series_id = series_ids.pop()

        tiles = gallery.gallery_page(session, GalleryFilter(series_id=series_id), 0, 100).items
        assert len(tiles) == 3  # one tile per stack of the series
        first = session.scalar(select(Media.id).where(Media.series_id == series_id).limit(1))
        detail = gallery.media_detail(session, first)
        assert detail.series_id == series_id and detail.series_size == 6


def test_ctrl_r_shows_the_series_of_the_selected_picture_and_everything_again(
        qtbot, window, series_case):
    with series_case.reading() as session:
        first = session.scalar(select(Media.id).where(Media.series_id.is_not(None))
                               .order_by(Media.id).limit(1))
    folder = series_case.folder
    series_case.close()
    panel = open_gallery(qtbot, window, folder)
    everything = panel.model.rowCount()
    assert everything == 4  # three series stacks and the stranger
    qtbot.waitUntil(lambda: panel.detail.detail is not None, timeout=TIMEOUT_MS)  # the first tile
    panel.detail.show_media(first)
    qtbot.waitUntil(lambda: panel.detail.detail.item.media_id == first, timeout=TIMEOUT_MS)
    assert "Show the series" in panel.detail.text.toHtml()
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not panel.model.loading and panel.model.rowCount() == 3,
                    timeout=TIMEOUT_MS)
    assert panel.filters.series.isVisibleTo(panel) and panel.series_action.isChecked()
    qtbot.keyClick(panel.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not panel.model.loading and panel.model.rowCount() == everything,
                    timeout=TIMEOUT_MS)
    assert not panel.series_action.isChecked()
