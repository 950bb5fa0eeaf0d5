"""The gallery grid: tiles laid out as a table whose cells are the list's items, row by row.

A QListView in icon or wrapping mode lays out every item before it shows
one (1.5 s for a million); a table of fixed-size cells needs no layout at
all, so the grid opens at once whatever the count. `GridModel` folds the
gallery's list into rows of `columns` cells; `GalleryView` keeps the list's
feel (arrow keys wrap, Shift selects a run of tiles, not a rectangle) and
turns the working scheme's hotkeys into tagging requests.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from triage.review.gallery import GalleryItem
from triage.gui.gallery_model import GalleryModel, ItemRole, ThumbnailCache
from triage.gui.wellbeing import ExposureMeter, WellbeingPolicy

translate = QCoreApplication.translate
TILE = QSize(172, 196)
PICTURE = 156  # the square a thumbnail is fitted into
ALERT_COLOUR = QColor("#c0392b")
KNOWN_GOOD_COLOUR = QColor("#2e7d32")
CONFLICT_COLOUR = QColor("#e67e22")
STACK_COLOUR = QColor(30, 30, 30, 210)
UNKNOWN_CATEGORY_COLOUR = QColor("#555555")
PLUGIN_COLOUR = QColor("#6c3483")  # plugin flags: suggestions, drawn outlined like hints
RELEVANCE_COLOUR = QColor("#5d6d7e")  # a neutral grey: a level for ordering, not a finding
RELEVANCE_LEVELS = (0.5, 0.8, 0.95)
"""Relevance scores at which a tile's badge shows one, two or three dots."""


class GridModel(QAbstractTableModel):
    """`source`'s rows folded into rows of `columns` cells; cell (r, c) is item r*columns+c.

    Every change of the source's length is passed on as rows of the grid
    inserted or removed: a view learns its length only from those signals,
    so a count that arrives after the first page (rows appended to the
    source) must reach it as inserted grid rows, or the tiles past the
    first page can never be scrolled to.
    """

    def __init__(self, source: GalleryModel, parent: QObject | None = None):
        super().__init__(parent)
        self.source = source
        self.columns = 1
        self._rows = self._rows_for(source.rowCount())  # what the view was told
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._source_reset)
        source.rowsInserted.connect(self._source_length_changed)
        source.rowsRemoved.connect(self._source_length_changed)
        source.dataChanged.connect(self._source_changed)

    def set_columns(self, columns: int) -> None:
        columns = max(1, columns)
        if columns != self.columns:
            self.beginResetModel()
            self.columns = columns
            self._rows = self._rows_for(self.source.rowCount())
            self.endResetModel()

    def to_item(self, index: QModelIndex) -> int:
        """The list row a cell shows (may be past the end in the last grid row)."""
        return index.row() * self.columns + index.column()

    def to_cell(self, item_row: int) -> QModelIndex:
        row, column = divmod(item_row, self.columns)
        return self.index(row, column)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.columns

    def flags(self, index: QModelIndex):
        if not index.isValid() or self.to_item(index) >= self.source.rowCount():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.to_item(index)
        if not index.isValid() or row >= self.source.rowCount():
            return None
        return self.source.data(self.source.index(row), role)

    def _rows_for(self, items: int) -> int:
        return -(-items // self.columns)

    def _source_reset(self) -> None:
        self._rows = self._rows_for(self.source.rowCount())
        self.endResetModel()

    def _source_length_changed(self, _parent: QModelIndex, first: int, _last: int) -> None:
        """Grid rows added or taken off the end; the cells from `first` on show other items."""
        old, new = self._rows, self._rows_for(self.source.rowCount())
        if new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._rows = new
            self.endInsertRows()
        elif new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self._rows = new
            self.endRemoveRows()
        top, bottom = first // self.columns, min(old, new) - 1
        if top <= bottom:
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, self.columns - 1))

    def _source_changed(self, first: QModelIndex, last: QModelIndex, _roles=()) -> None:
        top, bottom = first.row() // self.columns, last.row() // self.columns
        self.dataChanged.emit(self.index(top, 0), self.index(bottom, self.columns - 1))


class TileDelegate(QStyledItemDelegate):
    """Paints a tile: picture (treated per the wellbeing policy), name, and its marks."""

    def __init__(self, cache: ThumbnailCache, policy: WellbeingPolicy,
                 exposure: ExposureMeter | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.cache = cache
        self.policy = policy
        self.exposure = exposure
        self.colours: dict[str, QColor] = {}  # working-scheme category code -> colour
        self.stacks = True  # one tile per stack: a tile's relevance is its stack's
        self._small = QFont()
        self._small.setPointSizeF(max(6.0, self._small.pointSizeF() * 0.85))
        self._bold = QFont(self._small)
        self._bold.setBold(True)

    def sizeHint(self, option, index) -> QSize:
        return TILE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item: GalleryItem | None = index.data(ItemRole)
        painter.save()
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.fillRect(rect, palette.highlight() if selected else palette.alternateBase())
        if index.flags() == Qt.ItemFlag.NoItemFlags:
            painter.restore()
            return
        picture = QRect(rect.left() + (rect.width() - PICTURE) // 2, rect.top() + 4,
                        PICTURE, PICTURE)
        if item is None:
            painter.fillRect(picture, palette.mid())
        else:
            self._paint_picture(painter, picture, item, palette)
            self._paint_marks(painter, rect, picture, item)
            caption = QRect(rect.left() + 4, picture.bottom() + 4, rect.width() - 8,
                            rect.bottom() - picture.bottom() - 4)
            painter.setFont(self._small)
            painter.setPen(palette.highlightedText().color() if selected
                           else palette.text().color())
            name = QFontMetrics(self._small).elidedText(item.name, Qt.TextElideMode.ElideMiddle,
                                                        caption.width())
            painter.drawText(caption, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             name)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(palette.highlight().color(), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def _paint_picture(self, painter: QPainter, box: QRect, item: GalleryItem, palette) -> None:
        relevance = self.tile_relevance(item)
        treatment = self.policy.treatment(item.media_id, item.categorised, relevance)
        pixmap = self.cache.pixmap(item.sha256, treatment)
        if pixmap is None:
            painter.fillRect(box, palette.mid())
            if self.cache.known(item.sha256):
                painter.setPen(palette.text().color())
                painter.setFont(self._small)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter,
                                 translate("TileDelegate", "video") if item.is_video
                                 else translate("TileDelegate", "no preview"))
            return
        size = pixmap.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > pixmap.width():  # never enlarge a small picture
            size = pixmap.size()
        target = QRect(box.left() + (box.width() - size.width()) // 2,
                       box.top() + (box.height() - size.height()) // 2,
                       size.width(), size.height())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, pixmap)
        if self.exposure is not None and not treatment.blur:
            self.exposure.shown(item.media_id, self.policy.protects(relevance))

    def _paint_marks(self, painter: QPainter, tile: QRect, box: QRect, item: GalleryItem) -> None:
        if item.stack_alert:  # dashed: the alert hit is another member of the stack
            painter.setPen(QPen(ALERT_COLOUR, 3, Qt.PenStyle.SolidLine if item.alert
                                else Qt.PenStyle.DashLine))
            painter.drawRect(tile.adjusted(1, 1, -2, -2))
        x = box.left() + 3
        if item.category is not None:
            colour = self.colours.get(item.category, UNKNOWN_CATEGORY_COLOUR)
            x = self._badge(painter, x, box.top() + 3, item.category, colour, filled=True)
        elif item.tag_state == "review":
            x = self._badge(painter, x, box.top() + 3, "?", CONFLICT_COLOUR, filled=True)
        if item.hashset_category and item.category is None:  # proposed, not yet confirmed
            code = item.hashset_category.split(";")[0].rpartition(":")[2]
            x = self._badge(painter, x, box.top() + 3, f"H{code}?", ALERT_COLOUR, filled=False)
        elif item.alert and item.category is None:
            x = self._badge(painter, x, box.top() + 3, translate("TileDelegate", "alert"),
                            ALERT_COLOUR, filled=False)
        elif item.stack_alert and not item.alert:
            x = self._badge(painter, x, box.top() + 3, translate("TileDelegate", "alert in stack"),
                            ALERT_COLOUR, filled=False)
        if item.known_good:
            x = self._badge(painter, x, box.top() + 3, "KG", KNOWN_GOOD_COLOUR, filled=True)
        if item.conflicting:
            self._badge(painter, x, box.top() + 3, "≠", CONFLICT_COLOUR, filled=True)
        if item.stack_size > 1:
            text = translate("TileDelegate", "stack {n}").format(n=item.stack_size)
            width = QFontMetrics(self._bold).horizontalAdvance(text) + 10
            self._badge(painter, box.right() - width - 2, box.top() + 3, text, STACK_COLOUR,
                        filled=True)
        bottom = box.bottom() - 18
        if item.carved:
            self._badge(painter, box.left() + 3, bottom, translate("TileDelegate", "carved"),
                        ALERT_COLOUR, filled=True)
        elif item.deleted:
            self._badge(painter, box.left() + 3, bottom, translate("TileDelegate", "deleted"),
                        ALERT_COLOUR, filled=True)
        if item.is_video:
            self._badge(painter, box.right() - 26, bottom, "▶", STACK_COLOUR, filled=True)
        if item.flags:
            self._badge(painter, box.left() + 3, bottom - 20, _flags_text(item.flags),
                        PLUGIN_COLOUR, filled=False)
        level = relevance_level(self.tile_relevance(item))
        if level:
            self._badge(painter, box.right() - 30 - 10 * level, bottom - 20, "●" * level,
                        RELEVANCE_COLOUR, filled=False)

    def tile_relevance(self, item: GalleryItem) -> float | None:
        """The tile's score: in stack view a stack's is its highest member's."""
        return item.stack_relevance if self.stacks else item.relevance

    def _badge(self, painter: QPainter, x: int, y: int, text: str, colour: QColor,
               filled: bool) -> int:
        """A small rounded label; returns the x where the next one goes."""
        painter.setFont(self._bold)
        width = QFontMetrics(self._bold).horizontalAdvance(text) + 10
        rect = QRect(x, y, width, 16)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 1.5))
        painter.setBrush(QBrush(colour) if filled else QBrush(QColor(255, 255, 255, 220)))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(_text_on(colour) if filled else colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return x + width + 3


def relevance_level(score: float | None) -> int:
    """0 to 3: how many of `RELEVANCE_LEVELS` the score reaches (a level, never the labels)."""
    return 0 if score is None else sum(score >= level for level in RELEVANCE_LEVELS)


def _flags_text(flags: frozenset[str]) -> str:
    """A plugin flag's label ("face"), and how many more: a hint, not a verdict."""
    labels = sorted({flag.rpartition(":")[2] for flag in flags})
    text = labels[0][:10]
    return text + (f" +{len(labels) - 1}" if len(labels) > 1 else "")


def _text_on(colour: QColor) -> QColor:
    return QColor("black") if colour.lightnessF() > 0.6 else QColor("white")


class GalleryView(QTableView):
    """The grid. Hotkeys ask for tagging; holding Space reveals the current picture."""

    tagRequested = Signal(str, bool)  # category code, whole stack
    untagRequested = Signal(bool)  # whole stack
    revealRequested = Signal(bool)  # held down / let go
    confirmRequested = Signal()  # confirm the plugin suggestion (a scheme hotkey wins)

    CONFIRM_KEY = "c"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hotkeys: dict[str, str] = {}  # key text -> category code
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        for header, size in ((self.horizontalHeader(), TILE.width()),
                             (self.verticalHeader(), TILE.height())):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(size)
            header.setMinimumSectionSize(1)
        self.setShowGrid(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(TILE.height() // 4)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)

    @property
    def grid(self) -> GridModel:
        return self.model()

    # -- layout --------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """As many columns as fit; the selection and current tile survive the change."""
        grid = self.grid
        if grid is None:
            return
        width = self.viewport().width()
        columns = max(1, width // TILE.width())
        self.horizontalHeader().setDefaultSectionSize(max(TILE.width(), width // columns))
        if columns == grid.columns:
            return
        rows = self.selected_rows()
        current = self.current_row()
        grid.set_columns(columns)
        self.select_rows(rows, current)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    # -- selection in list terms ----------------------------------------------------------

    def current_row(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        row = self.grid.to_item(index)
        return row if row < self.grid.source.rowCount() else None

    def selected_rows(self) -> list[int]:
        total = self.grid.source.rowCount()
        rows = {self.grid.to_item(i) for i in self.selectionModel().selectedIndexes()}
        return sorted(r for r in rows if r < total)

    def select_rows(self, rows, current: int | None = None) -> None:
        selection = QItemSelection()
        for row in rows:
            cell = self.grid.to_cell(row)
            selection.select(cell, cell)
        model = self.selectionModel()
        if current is not None:
            model.setCurrentIndex(self.grid.to_cell(current),
                                  QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def go_to(self, row: int) -> None:
        """Make `row` the current and only selected tile, and show it."""
        total = self.grid.source.rowCount()
        if not total:
            return
        row = max(0, min(row, total - 1))
        cell = self.grid.to_cell(row)
        self.selectionModel().setCurrentIndex(cell,
                                              QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(cell)

    def setSelection(self, rect: QRect, command) -> None:
        """A run of tiles from the anchor to the cell under the other corner (as in a list)."""
        anchor = self.indexAt(rect.topLeft())
        end = self.indexAt(rect.bottomRight())
        if not anchor.isValid() or not end.isValid():
            super().setSelection(rect, command)
            return
        total = self.grid.source.rowCount()
        first, last = sorted((self.grid.to_item(anchor), self.grid.to_item(end)))
        last = min(last, total - 1)
        self.selectionModel().select(self._run(first, last), command)

    def _run(self, first: int, last: int) -> QItemSelection:
        grid, columns = self.grid, self.grid.columns
        selection = QItemSelection()
        (top, left), (bottom, right) = divmod(first, columns), divmod(last, columns)
        if top == bottom:
            selection.select(grid.index(top, left), grid.index(top, right))
            return selection
        selection.select(grid.index(top, left), grid.index(top, columns - 1))
        if bottom - top > 1:
            selection.select(grid.index(top + 1, 0), grid.index(bottom - 1, columns - 1))
        selection.select(grid.index(bottom, 0), grid.index(bottom, right))
        return selection

    def moveCursor(self, action, modifiers) -> QModelIndex:
        """Left and right wrap to the row before or after; nothing moves past the last tile."""
        current = self.current_row()
        total = self.grid.source.rowCount()
        if current is None or not total:
            return super().moveCursor(action, modifiers)
        Action = QAbstractItemView.CursorAction
        if action in (Action.MoveRight, Action.MoveNext):
            return self.grid.to_cell(min(current + 1, total - 1))
        if action in (Action.MoveLeft, Action.MovePrevious):
            return self.grid.to_cell(max(current - 1, 0))
        if action == Action.MoveDown:  # into the last, shorter row: its last tile
            return self.grid.to_cell(min(current + self.grid.columns, total - 1))
        if action == Action.MoveUp:
            return self.grid.to_cell(max(current - self.grid.columns, current % self.grid.columns))
        if action == Action.MoveEnd and modifiers & Qt.KeyboardModifier.ControlModifier:
            return self.grid.to_cell(total - 1)
        index = super().moveCursor(action, modifiers)
        if index.isValid() and self.grid.to_item(index) >= total:
            return self.grid.to_cell(total - 1)
        return index

    # -- keys ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        alt = modifiers == Qt.KeyboardModifier.AltModifier
        key = _key_text(event)
        if (modifiers == Qt.KeyboardModifier.NoModifier or alt) and key in self.hotkeys:
            self.tagRequested.emit(self.hotkeys[key], alt)
            return
        if modifiers == Qt.KeyboardModifier.NoModifier and key == self.CONFIRM_KEY:
            self.confirmRequested.emit()
            return
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and (
                modifiers == Qt.KeyboardModifier.NoModifier or alt):
            self.untagRequested.emit(alt)
            return
        if event.key() == Qt.Key.Key_Space and modifiers == Qt.KeyboardModifier.NoModifier:
            if not event.isAutoRepeat():
                self.revealRequested.emit(True)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.revealRequested.emit(False)
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self.revealRequested.emit(False)  # a reveal never outlives the key being held
        super().focusOutEvent(event)


def _key_text(event: QKeyEvent) -> str:
    """The key's character regardless of Alt (which may change or empty event.text())."""
    key = event.key()
    if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 or Qt.Key.Key_A <= key <= Qt.Key.Key_Z:
        return chr(key).lower()
    return event.text().lower()
