"""The gallery grid knows every tile, whichever of the first page and the count comes first.

The model asks its reader for the count and the first page at once; which
answer arrives first depends on the machine. Here a held reader delivers
them in the order each test chooses, so both orders are tested every run,
and the last tile of the case must then be scrolled to and painted.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QObject, QStringListModel, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from triage.review import gallery  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.gui import gallery_model  # noqa: E402
from triage.gui.gallery_model import GalleryModel, ThumbnailCache  # noqa: E402
from triage.gui.gallery_view import TILE, GalleryView, GridModel, TileDelegate  # noqa: E402
from triage.gui.wellbeing import WellbeingPolicy  # noqa: E402
from guiwindow import settings  # noqa: E402,F401
from tagcases import PICTURES, built_case, case_dir  # noqa: E402,F401

ALL_PICTURES = PICTURES + 2
COLUMNS = 3


class HeldReader:
    """A store reader whose answers wait until the test hands them over, in its order."""

    def __init__(self, store):
        self.store = store
        self.held: list[tuple] = []
        self.between = lambda: None  # what the event loop does between two answers

    def submit(self, fn, on_done, on_error=None, *, droppable=False, on_dropped=None):
        self.held.append((fn, on_done))
        return len(self.held)

    def deliver(self, which) -> None:
        """Answer the first held job whose function is `which` (all jobs if None)."""
        for job in list(self.held):
            fn, on_done = job
            if which is None or fn.func is which:
                self.held.remove(job)
                with self.store.reading() as session:
                    on_done(fn(session))
                self.between()
                if which is not None:
                    return
        assert which is None, f"no {which.__name__} was asked for"

    def deliver_all(self) -> None:
        while self.held:
            self.deliver(None)


class NoThumbnails(QObject):
    """The thumbnail loader's interface, loading nothing (tiles paint as placeholders)."""

    loaded = Signal(str, str, object)

    def request(self, sha256, kind):
        pass

    def forget(self):
        pass


class PaintedRows(TileDelegate):
    """The delegate, noting which grid cells it painted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.painted: set[int] = set()

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        if index.data(gallery_model.ItemRole) is not None:
            self.painted.add(index.model().to_item(index))


@pytest.fixture
def grid_view(qtbot, case_dir, settings, monkeypatch):
    """A view of the test case with pages of three tiles, three columns, four rows tall."""
    monkeypatch.setattr(gallery_model, "PAGE_SIZE", 3)
    store = open_case(case_dir)
    reader = HeldReader(store)
    model = GalleryModel(reader)
    grid = GridModel(model)
    view = GalleryView()
    qtbot.addWidget(view)
    view.setModel(grid)
    cache = ThumbnailCache(NoThumbnails())
    delegate = PaintedRows(cache, WellbeingPolicy(settings))
    view.setItemDelegate(delegate)
    view.resize(COLUMNS * TILE.width() + view.verticalScrollBar().sizeHint().width() + 4,
                2 * TILE.height())
    view.show()
    qtbot.waitExposed(view)
    grid.set_columns(COLUMNS)

    def lay_out_and_paint():  # as the event loop would between two answers
        QApplication.processEvents()
        view.viewport().repaint()

    reader.between = lay_out_and_paint
    yield view, model, reader, delegate
    store.close()


def assert_every_tile_reachable(qtbot, view, model, reader, delegate) -> None:
    grid = view.grid
    assert model.rowCount() == ALL_PICTURES
    assert grid.rowCount() == -(-ALL_PICTURES // COLUMNS)
    assert view.verticalHeader().count() == grid.rowCount()
    view.setFocus()
    view.go_to(0)
    view.go_to(ALL_PICTURES - 1)  # as Ctrl+End would
    assert view.current_row() == ALL_PICTURES - 1
    last = grid.to_cell(ALL_PICTURES - 1)
    assert view.viewport().rect().contains(view.visualRect(last))
    # the pages asked for by painting and scrolling come in; the last tile is then painted
    for _ in range(10):
        reader.deliver_all()
        if ALL_PICTURES - 1 in delegate.painted:
            break
    assert ALL_PICTURES - 1 in delegate.painted


def test_count_after_the_first_page_adds_the_rows_past_it(qtbot, grid_view):
    view, model, reader, delegate = grid_view
    model.reload()
    reader.deliver(gallery.gallery_page)
    assert model.rowCount() == 3 and view.grid.rowCount() == 1  # only the first page so far
    reader.deliver(gallery.count_media)
    assert_every_tile_reachable(qtbot, view, model, reader, delegate)


def test_count_before_the_first_page_is_taken_by_it(qtbot, grid_view):
    view, model, reader, delegate = grid_view
    model.reload()
    reader.deliver(gallery.count_media)
    assert model.rowCount() == 0  # nothing shown until the first page
    reader.deliver(gallery.gallery_page)
    assert_every_tile_reachable(qtbot, view, model, reader, delegate)


def test_rows_taken_off_the_source_leave_the_grid(qtmodeltester):
    """Any list model's length changes reach the view as whole grid rows (Qt's model checks)."""
    source = QStringListModel([str(i) for i in range(10)])
    grid = GridModel(source)
    grid.set_columns(COLUMNS)
    qtmodeltester.check(grid, force_py=True)
    assert grid.rowCount() == 4
    source.removeRows(6, 4)
    assert grid.rowCount() == 2
    source.insertRows(6, 1)
    assert grid.rowCount() == 3
    assert grid.flags(grid.index(2, 0)) and not grid.flags(grid.index(2, 1))
