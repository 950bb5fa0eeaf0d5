"""The file table's model: the whole listing's length, its rows fetched a page at a time.

The model knows how many rows match the filter (one count on the reader
thread) and keeps a bounded cache of pages. `data()` answers from the cache;
a row whose page is not there shows a placeholder and asks the reader for
that page, and the row is repainted when the page arrives. The scroll bar
is true to the whole listing and memory stays bounded, whatever its length.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QStyledItemDelegate

from triage.time_zones import DEVICE_LOCAL
from triage.review.queries import FileListing
from triage.gui import formatting
from triage.gui.data import FilePage, count_and_first_page, file_page
from triage.gui.detail import clock_text
from triage.gui.page_cache import PageCache
from triage.gui.workers import StoreReader

PAGE_SIZE = 500
MAX_CACHED_PAGES = 40

ERROR_COLOUR = QColor(176, 0, 32)
WARNING_COLOUR = QColor(156, 90, 0)
PLACEHOLDER = "…"


class FileTableModel(QAbstractTableModel):
    """Rows of `FileListing`, paged from the case store through a `StoreReader`."""

    COLUMNS = ("Path", "Kind", "Deleted", "Size", "Type", "MD5", "Error", "Evidence", "SHA-1",
               "SHA-256", "Created", "Modified", "Accessed", "Changed")
    (PATH, KIND, DELETED, SIZE, TYPE, MD5, ERROR, EVIDENCE, SHA1, SHA256, CREATED, MODIFIED,
     ACCESSED, CHANGED) = range(len(COLUMNS))
    DIGESTS = (MD5, SHA1, SHA256)
    TIMES = {CREATED: "crtime", MODIFIED: "mtime", ACCESSED: "atime", CHANGED: "ctime"}

    loaded = Signal(int)  # the row count for the current filter, after each (re)load
    loadFailed = Signal(str)

    def __init__(self, reader: StoreReader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._filter = ""
        self._latest = 0  # generation of the newest reload asked for
        self._shown = 0  # generation of what the rows show now
        self._total = 0
        self._pages: PageCache[FilePage] = PageCache(PAGE_SIZE, MAX_CACHED_PAGES,
                                                     lambda page: page.rows)
        self._loading = False
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- loading -----------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text != self._filter:
            self._filter = text
            self.reload()

    def reload(self) -> None:
        """Count and first page for the current filter; the old rows stay until they arrive."""
        self._latest += 1
        generation, text = self._latest, self._filter
        self._loading = True
        self._reader.submit(
            partial(_count_and_first_page, text=text),
            partial(self._on_loaded, generation, text),
            partial(self._on_load_failed, generation),
        )

    def _on_loaded(self, generation: int, text: str, result: tuple[int, FilePage]) -> None:
        if generation != self._latest:
            return
        total, first = result
        self.beginResetModel()
        self._shown, self._total = generation, total
        self._pages.clear()
        self._pages.put(0, first)
        self.endResetModel()
        self._loading = False
        self.loaded.emit(total)

    def _on_load_failed(self, generation: int, message: str) -> None:
        if generation == self._latest:
            self._loading = False
            self.loadFailed.emit(message)

    def _request_page(self, page: int) -> None:
        before = self._pages.get(page - 1)
        after_id = before.last_id if before is not None else None
        generation = self._shown
        self._reader.submit(
            partial(file_page, text=self._filter, offset=page * PAGE_SIZE, limit=PAGE_SIZE,
                    after_id=after_id),
            partial(self._on_page, generation, page),
            partial(self._on_page_failed, generation, page),
            droppable=True,
            on_dropped=partial(self._pages.forget_request, page),
        )

    def _on_page(self, generation: int, page: int, result: FilePage) -> None:
        if generation != self._shown:
            return
        rows = self._pages.put(page, result)
        last = min(self._total, rows.stop) - 1
        if last >= rows.start:
            self.dataChanged.emit(self.index(rows.start, 0),
                                  self.index(last, len(self.COLUMNS) - 1))

    def _on_page_failed(self, generation: int, page: int, message: str) -> None:
        if generation == self._shown:
            self._pages.forget_request(page)
            self.loadFailed.emit(message)

    def row(self, row: int) -> FileListing | None:
        """The listing at `row` if its page is in memory (asking for it otherwise)."""
        return self._pages.row(row, self._request_page)

    # -- Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.row(index.row())
        column = index.column()
        if item is None:
            if role == Qt.ItemDataRole.DisplayRole and column == self.PATH:
                return PLACEHOLDER
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if item.error and column in (self.ERROR, self.PATH):
                return QBrush(ERROR_COLOUR)
            if column == self.ERROR and item.analysis_error:
                return QBrush(WARNING_COLOUR)
            if column == self.TYPE and item.extension_mismatch:
                return QBrush(WARNING_COLOUR)
        if role == Qt.ItemDataRole.FontRole:
            if column in self.DIGESTS:
                return self._mono
            if item.deleted and column in (self.PATH, self.DELETED):
                return self._italic
        return None

    def _display(self, item: FileListing, column: int) -> str:
        if column == self.PATH:
            return item.path
        if column == self.KIND:
            return item.kind
        if column == self.DELETED:
            if item.carved == "partial":
                return self.tr("carved (partial)")
            if item.carved == "complete":
                return self.tr("carved")
            if item.deleted and item.note:
                return self.tr("deleted (clusters reused)")
            return self.tr("deleted") if item.deleted else ""
        if column == self.SIZE:
            return formatting.count(item.size)
        if column == self.TYPE:
            kind = item.detected_type or ""
            if item.extension_mismatch:
                return self.tr("{type} (misnamed)").format(type=kind)
            return kind
        if column == self.MD5:
            return item.md5 or ""
        if column == self.SHA1:
            return item.sha1 or ""
        if column == self.SHA256:
            return item.sha256 or ""
        if column in self.TIMES:
            value = getattr(item, self.TIMES[column])
            if value is None:
                return ""
            local = self.tr(" local") if item.time_zone == DEVICE_LOCAL else ""
            return f"{value:%Y-%m-%d %H:%M:%S}{local}"
        if column == self.EVIDENCE:
            return evidence_label(item)
        if column == self.ERROR:
            if item.error:
                return item.error.replace("\n", " ")
            if item.analysis_error:
                return self.tr("not decoded: {m}").format(m=item.analysis_error.replace("\n", " "))
            return ""
        return ""

    def _tooltip(self, item: FileListing, column: int) -> str | None:
        if column == self.PATH:
            return f"{evidence_label(item)}\n{item.path}"
        if column == self.SIZE and item.size is not None:
            return formatting.exact_size(item.size)
        if column == self.TYPE and item.extension_mismatch:
            return self.tr("The file name's extension does not match its content ({type})").format(
                type=item.detected_type)
        if column == self.MD5 and item.md5:
            return f"MD5 {item.md5}\nSHA-1 {item.sha1}\nSHA-256 {item.sha256}"
        if column == self.ERROR and (item.error or item.analysis_error):
            return item.error or self.tr("Read, but not decoded as the {type} it is: {m}").format(
                type=item.detected_type, m=item.analysis_error)
        if column == self.EVIDENCE:
            return evidence_label(item)
        if column in self.TIMES:
            return clock_text(item.time_zone)
        if column == self.DELETED and item.note:
            return item.note
        return None


class MiddleElideDelegate(QStyledItemDelegate):
    """Elide in the middle, so a long path still shows its file name."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def evidence_label(item: FileListing) -> str:
    if item.partition_offset is None:
        return item.evidence
    return f"{item.evidence} @ {item.partition_offset:,}"


def _count_and_first_page(session, text: str):
    return count_and_first_page(session, text, PAGE_SIZE)
