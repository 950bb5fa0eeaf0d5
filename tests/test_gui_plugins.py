"""Plugin results in the gallery, driven offscreen: suggestions in the detail pane (set apart
from verdicts, boxes on an unblurred preview), the confirm key through the undo stack, the
plugin-flag filter and the tile badge. Pictures are generated; categories here are labels on
flat-colour test pictures, nothing more."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QPixmap  # noqa: E402
from sqlalchemy import select  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import noise, red_square, solid, write_plugin  # noqa: E402

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry, Tag, TagSourceKind  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.gui.detail import BOX_COLOUR, _with_boxes  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from triage.pipeline.plugins import run_plugin  # noqa: E402
from triage.plugins.discovery import discover  # noqa: E402
from guiwindow import TIMEOUT_MS, open_gallery, settings, window  # noqa: E402,F401


REDDISH = """
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        size = (16, 16)
        labels = ("red",)

        def run(self, batch):
            return [{"red": float((b[..., 0].astype(int) - b[..., 2]).clip(0).mean() / 255)}
                    for b in batch]
"""
SUGGESTS = """
    [thresholds]
    red = 0.5
    [[suggest]]
    label = "red"
    scheme = "vics-us"
    category = "1"
"""

# Stands in for a face detector: a box around the saturated red patch of a picture.
BOXES = """
    from triage.plugins.api import Box, Kind, Plugin, Result

    class Plug(Plugin):
        kind = Kind.DETECTOR
        size = (32, 32)
        labels = ("face",)

        def run(self, batch):
            answers = []
            for b in batch:
                red = (b[..., 0] > 200) & (b[..., 1] < 60) & (b[..., 2] < 60)
                if red.sum() < 4 or red.all():
                    answers.append(Result({"face": 0.0}))
                    continue
                ys, xs = red.nonzero()
                box = Box("face", xs.min() / 32, ys.min() / 32, (xs.max() - xs.min() + 1) / 32,
                          (ys.max() - ys.min() + 1) / 32, 0.9)
                answers.append(Result({"face": 0.9}, [box]))
            return answers
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gui-plugins")
    evidence = root / "evidence"
    evidence.mkdir()
    solid((250, 10, 10)).save(evidence / "red.png")
    solid((10, 10, 250)).save(evidence / "blue.png")
    red_square().save(evidence / "square.png")
    noise(3).save(evidence / "noise.png")
    plugins = root / "plugins"
    write_plugin(plugins, "reddish", REDDISH, SUGGESTS)
    write_plugin(plugins, "boxes", BOXES, "[thresholds]\nface = 0.5\n")
    write_plugin(plugins, "ranker", REDDISH, 'relevance = ["red"]\n')
    case = root / "case"
    store = open_case(case, create=True, examiner="builder")
    try:
        ingest = Ingest(store, "builder", IngestOptions(workers=1))
        ingest.add(evidence)
        ingest.run()
        catalogue = discover([plugins], entry_points=False)
        for name in ("reddish", "boxes", "ranker"):
            summary = run_plugin(store, name, "builder", workers=0, catalogue=catalogue)
            assert not summary.errors, summary.errors
    finally:
        store.close()
    return case


@pytest.fixture
def case_dir(built, tmp_path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(built, target)
    return target


def show(qtbot, gallery, name: str):
    """Make the tile of `name` current and wait for its details (suggestions included)."""
    row = next(r for r in range(gallery.model.rowCount()) if gallery.model.item(r).name == name)
    gallery.view.go_to(row)
    gallery.view.setFocus()
    qtbot.waitUntil(lambda: gallery.detail.detail is not None
                    and gallery.detail.detail.item.name == name, timeout=TIMEOUT_MS)
    return gallery.model.item(row)


def examiner_tags(folder) -> dict[int, str]:
    store = open_case(folder)
    try:
        with store.reading() as session:
            return {t.media_id: t.category for t in session.scalars(
                select(Tag).where(Tag.source_kind == TagSourceKind.EXAMINER))}
    finally:
        store.close()


def test_detail_pane_shows_each_plugins_suggestion_apart_from_the_verdict(qtbot, window,
                                                                          case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    item = show(qtbot, gallery, "red.png")
    text = gallery.detail.text.toPlainText()
    assert "Plugin suggestions" in text and "Not a verdict" in text
    assert "reddish 0.1" in text and "red 0." in text and "no model file" in text
    assert "Suggests category 1 (vics-us): press C to confirm" in text
    assert "Category\tuncategorised" in text or "uncategorised" in text.split("MD5")[0]
    assert gallery.detail.suggested.plugin == "reddish" and item.flags == {"reddish:red"}
    assert "C</b> confirm a proposal" in gallery.keys_label.text()

    show(qtbot, gallery, "square.png")
    text = gallery.detail.text.toPlainText()
    assert "boxes 0.1" in text and "face 0.90" in text and "1 face(s)" in text
    assert gallery.detail.suggested is None  # the detector flags, but suggests no category


def _has_box_colour(pixmap: QPixmap) -> bool:
    image = pixmap.toImage()
    return any(QColor(image.pixel(x, y)) == BOX_COLOUR
               for y in range(0, image.height(), 2) for x in range(image.width()))


def test_detector_boxes_are_drawn_only_on_an_unblurred_preview(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    show(qtbot, gallery, "square.png")
    preview = gallery.detail.preview
    qtbot.waitUntil(lambda: preview.pixmap() is not None and not preview.pixmap().isNull(),
                    timeout=TIMEOUT_MS)
    assert gallery.policy.blur and not _has_box_colour(preview.pixmap())
    gallery.blur_action.setChecked(False)
    gallery.greyscale_action.setChecked(False)
    qtbot.waitUntil(lambda: _has_box_colour(preview.pixmap()), timeout=TIMEOUT_MS)

    drawn = _with_boxes(QPixmap(100, 50), [{"x": 0.5, "y": 0.2, "w": 0.2, "h": 0.4},
                                           {"x": "garbage"}])
    assert QColor(drawn.toImage().pixel(50, 20)) == BOX_COLOUR


def test_the_confirm_key_tags_through_the_undo_stack(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    red = show(qtbot, gallery, "red.png")
    qtbot.keyClick(gallery.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: gallery.undo_stack.count() == 1 and not gallery.writer.busy,
                    timeout=TIMEOUT_MS)
    assert examiner_tags(case_dir) == {red.media_id: "1"}
    assert "confirm reddish's suggestion 1" in gallery.undo_stack.undoText()
    store = open_case(case_dir)
    try:
        with store.reading() as session:
            tagged = session.scalars(select(AuditEntry).where(
                AuditEntry.target == f"media:{red.media_id}")).all()
            assert tagged and verify_chain(session) is None
            plugin_tag = session.scalars(select(Tag).where(
                Tag.source_kind == TagSourceKind.PLUGIN, Tag.media_id == red.media_id)).one()
            assert plugin_tag.category == "1"  # the suggestion stays on record beside it
    finally:
        store.close()
    gallery.undo_stack.undo()
    qtbot.waitUntil(lambda: not gallery.writer.busy, timeout=TIMEOUT_MS)
    assert examiner_tags(case_dir) == {}


def test_the_confirm_key_without_a_suggestion_says_so_and_changes_nothing(qtbot, window,
                                                                          case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    show(qtbot, gallery, "blue.png")
    qtbot.keyClick(gallery.view, Qt.Key.Key_C)
    assert "No plugin suggests" in window.messages.text
    assert gallery.undo_stack.count() == 0 and examiner_tags(case_dir) == {}


def test_plugin_flag_filter_and_tile_badge(qtbot, window, case_dir):
    gallery = open_gallery(qtbot, window, case_dir)
    combo = gallery.filters.plugin_flag
    qtbot.waitUntil(lambda: combo.count() == 3, timeout=TIMEOUT_MS)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Any plugin result", "face (boxes): 1", "red (reddish): 1"]
    combo.setCurrentIndex(combo.findData("boxes:face"))
    expected = gallery.filters.current()
    assert expected.plugin_flag == ("boxes", "face")
    qtbot.waitUntil(lambda: gallery.model.filter == expected and not gallery.model.loading,
                    timeout=TIMEOUT_MS)
    assert gallery.model.rowCount() == 1
    item = gallery.model.item(0)
    assert item.name == "square.png" and "boxes:face" in item.flags
    gallery.view.viewport().repaint()  # the badge paints without error


def test_likely_relevant_first_score_filter_level_badge_and_detail(qtbot, window, case_dir):
    from triage.gui.gallery_view import relevance_level

    gallery = open_gallery(qtbot, window, case_dir)
    sort = gallery.filters.sort
    sort.setCurrentIndex(sort.findData("relevance"))
    qtbot.waitUntil(lambda: gallery.model.filter.sort == "relevance"
                    and not gallery.model.loading, timeout=TIMEOUT_MS)
    names = [gallery.model.item(r).name for r in range(gallery.model.rowCount())]
    assert names[0] == "red.png" and names[-1] == "blue.png"  # red first, no red last
    scores = [gallery.model.item(r).stack_relevance for r in range(gallery.model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert relevance_level(scores[0]) == 2 and relevance_level(None) == 0  # 0.94
    gallery.view.viewport().repaint()  # the level badge paints without error
    item = show(qtbot, gallery, "red.png")
    text = gallery.detail.text.toPlainText()
    assert f"Relevance {item.relevance:.3f}: orders the review, not a verdict" in text
    assert "Scores: red 0.9" in text
    gallery.filters.min_relevance.setValue(0.5)
    qtbot.waitUntil(lambda: gallery.model.filter.min_relevance == 0.5
                    and not gallery.model.loading, timeout=TIMEOUT_MS)
    assert [gallery.model.item(r).name for r in range(gallery.model.rowCount())] == ["red.png"]


def test_a_picture_over_the_blur_score_stays_blurred_until_revealed_and_counts_apart(
        qtbot, window, case_dir, settings):
    from triage.gui.wellbeing import Treatment

    gallery = open_gallery(qtbot, window, case_dir)
    policy, meter = gallery.policy, window.exposure
    gallery.blur_action.trigger()  # blur off for the rest
    gallery.greyscale_action.trigger()
    policy.protect_above = 0.5
    assert settings.value("wellbeing/protectAbove") in (0.5, "0.5")
    red = show(qtbot, gallery, "red.png")  # the ranker's 0.94
    blue = next(gallery.model.item(r) for r in range(gallery.model.rowCount())
                if gallery.model.item(r).name == "blue.png")
    assert policy.treatment(red.media_id, False, red.relevance) == Treatment(True, False)
    assert policy.treatment(red.media_id, True, red.relevance).blur  # categorised or not
    assert policy.treatment(blue.media_id, False, blue.relevance) == Treatment(False, False)
    gallery.view.viewport().repaint()
    assert red.media_id not in meter.pictures and blue.media_id in meter.pictures

    qtbot.keyPress(gallery.view, Qt.Key.Key_Space)  # revealed on purpose: shown, counted apart
    assert policy.treatment(red.media_id, False, red.relevance) == Treatment(False, False)
    gallery.view.viewport().repaint()
    qtbot.waitUntil(lambda: red.media_id in meter.protected, timeout=TIMEOUT_MS)
    assert blue.media_id not in meter.protected
    assert "revealed above the blur score" in window.exposure_label.text()
    assert "above the always-blur score" in window.exposure_summary()
    qtbot.keyRelease(gallery.view, Qt.Key.Key_Space)
    assert policy.treatment(red.media_id, False, red.relevance).blur
