"""The gallery's model and its thumbnail cache.

The model knows how many tiles match the filter and keeps a bounded number
of pages of `GalleryItem`s; `data()` answers from them, and a tile whose
page is missing is painted empty while the reader thread fetches it. The
thumbnail cache holds decoded pictures (bounded in bytes) and the blurred or
greyscale versions painted from them (bounded in count); pictures are read
and decoded on the loader thread only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from triage.review import gallery
from triage.review.gallery import GalleryFilter, GalleryItem, GalleryPage
from triage.gui import formatting
from triage.gui.page_cache import PageCache
from triage.gui.wellbeing import Treatment, treat
from triage.gui.workers import StoreReader, ThumbnailLoader

PAGE_SIZE = 240
MAX_CACHED_PAGES = 40  # about ten thousand tiles' worth of rows
ItemRole = Qt.ItemDataRole.UserRole + 1
MediaIdRole = Qt.ItemDataRole.UserRole + 2


class ThumbnailCache(QObject):
    """Decoded thumbnails by SHA-256 (LRU, bounded in bytes) and their painted forms."""

    ready = Signal(str)  # a picture arrived (or is known to be missing)

    def __init__(self, loader: ThumbnailLoader, max_bytes: int = 96 * 2**20,
                 max_pixmaps: int = 600, max_entries: int = 20_000,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._loader = loader
        self._max_bytes = max_bytes
        self._bytes = 0
        self._images: OrderedDict[tuple[str, str], QImage | None] = OrderedDict()
        self._pixmaps: OrderedDict[tuple[str, str, str], QPixmap] = OrderedDict()
        self._max_pixmaps = max_pixmaps
        self._max_entries = max_entries  # "no thumbnail" answers take no bytes but do count
        loader.loaded.connect(self._arrived)

    def image(self, sha256: str, kind: str = "thumbnail") -> QImage | None:
        """The decoded picture if loaded; else None, and it is asked for."""
        key = (sha256, kind)
        if key in self._images:
            self._images.move_to_end(key)
            return self._images[key]
        self._loader.request(sha256, kind)  # again: it moves to the front of the queue
        return None

    def known(self, sha256: str, kind: str = "thumbnail") -> bool:
        """Whether the store was asked already and answered (with a picture or none)."""
        return (sha256, kind) in self._images

    def pixmap(self, sha256: str, treatment: Treatment,
               kind: str = "thumbnail") -> QPixmap | None:
        key = (sha256, kind, treatment.key)
        found = self._pixmaps.get(key)
        if found is not None:
            self._pixmaps.move_to_end(key)
            return found
        image = self.image(sha256, kind)
        if image is None:
            return None
        pixmap = QPixmap.fromImage(treat(image, treatment))
        self._pixmaps[key] = pixmap
        while len(self._pixmaps) > self._max_pixmaps:
            self._pixmaps.popitem(last=False)
        return pixmap

    def forget_requests(self) -> None:
        self._loader.forget()

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def _arrived(self, sha256: str, kind: str, image: QImage | None) -> None:
        key = (sha256, kind)
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        if image is not None:
            self._bytes += image.sizeInBytes()
        while len(self._images) > 1 and (self._bytes > self._max_bytes
                                         or len(self._images) > self._max_entries):
            _key, evicted = self._images.popitem(last=False)
            if evicted is not None:
                self._bytes -= evicted.sizeInBytes()
        self.ready.emit(sha256)


class GalleryModel(QAbstractListModel):
    """Tiles for one `GalleryFilter`, paged from the case store through a `StoreReader`."""

    loaded = Signal(int)  # the tile count for the filter, after each (re)load
    loadFailed = Signal(str)
    pageArrived = Signal(int)

    def __init__(self, reader: StoreReader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._filter = GalleryFilter()
        self._latest = 0
        self._shown = 0
        self._total = 0
        self._pages: PageCache[GalleryPage] = PageCache(PAGE_SIZE, MAX_CACHED_PAGES,
                                                        lambda page: page.items)
        self._loading = False
        self._counted: int | None = None  # the count for the newest reload, once read
        self._ids = None  # every tile's media id in order, once read (see ordered_ids)

    # -- loading -------------------------------------------------------------------------

    @property
    def filter(self) -> GalleryFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(self, new: GalleryFilter) -> None:
        if new != self._filter:
            self._filter = new
            self.reload()

    def reload(self) -> None:
        """First page, then the count, for the filter; the old tiles stay until the page comes.

        The page is shown the moment it arrives (a million tiles take half a
        second to count); the count then sets the true length, and the
        ordered ids after it make every other page a lookup by id.
        """
        self._latest += 1
        self._loading = True
        self._counted = None
        generation = self._latest
        self._reader.submit(partial(gallery.count_media, f=self._filter),
                            partial(self._on_count, generation),
                            partial(self._on_load_failed, generation))
        self._reader.submit(partial(gallery.gallery_page, f=self._filter, offset=0,
                                    limit=PAGE_SIZE),
                            partial(self._on_first_page, generation),
                            partial(self._on_load_failed, generation))

    @property
    def counting(self) -> bool:
        """Whether the tiles shown are the first page of a length not known yet."""
        return self._shown == self._latest and self._loading

    def _on_first_page(self, generation: int, first: GalleryPage) -> None:
        if generation != self._latest:
            return
        self.beginResetModel()
        self._shown = generation
        self._total = self._counted if self._counted is not None else len(first.items)
        self._pages.clear()
        self._pages.put(0, first)
        self._ids = None
        self.endResetModel()
        if self._counted is not None:
            self._counted_all(generation)
        else:
            self.pageArrived.emit(0)

    def _on_count(self, generation: int, total: int) -> None:
        if generation != self._latest:
            return
        self._counted = total
        if self._shown != generation:  # the first page is still to come: it takes the count
            return
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginResetModel()
            self._total = total
            self.endResetModel()
        self._counted_all(generation)

    def _counted_all(self, generation: int) -> None:
        self._loading = False
        self.loaded.emit(self._total)
        if self._total > PAGE_SIZE:
            self._reader.submit(partial(gallery.ordered_ids, f=self._filter),
                                partial(self._on_ids, generation),
                                partial(self._on_load_failed, generation))

    def _on_ids(self, generation: int, ids) -> None:
        """From now on any page is a lookup by id; a count that moved meanwhile is corrected."""
        if generation != self._shown:
            return
        if len(ids) != self._total:
            self.beginResetModel()
            self._total = len(ids)
            self._pages.clear()
            self._ids = ids
            self.endResetModel()
            self.loaded.emit(self._total)
        else:
            self._ids = ids

    def _on_load_failed(self, generation: int, message: str) -> None:
        if generation == self._latest:
            self._loading = False
            self.loadFailed.emit(message)

    def _request_page(self, page: int) -> None:
        if self._ids is not None:
            ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            self._reader.submit(
                partial(gallery.page_of_ids, media_ids=ids),
                partial(self._on_page, self._shown, page),
                partial(self._on_page_failed, self._shown, page),
                droppable=True, on_dropped=partial(self._pages.forget_request, page))
            return
        before = self._pages.get(page - 1)
        after = before.last_key if before is not None else None
        self._reader.submit(
            partial(gallery.gallery_page, f=self._filter, offset=page * PAGE_SIZE,
                    limit=PAGE_SIZE, after=after),
            partial(self._on_page, self._shown, page),
            partial(self._on_page_failed, self._shown, page),
            droppable=True, on_dropped=partial(self._pages.forget_request, page))

    def _on_page(self, generation: int, page: int, result: GalleryPage) -> None:
        if generation != self._shown:
            return
        rows = self._pages.put(page, result)
        last = min(self._total, rows.stop) - 1
        if last >= rows.start:
            self.dataChanged.emit(self.index(rows.start), self.index(last))
        self.pageArrived.emit(page)

    def _on_page_failed(self, generation: int, page: int, message: str) -> None:
        if generation == self._shown:
            self._pages.forget_request(page)
            self.loadFailed.emit(message)

    def item(self, row: int) -> GalleryItem | None:
        """The tile at `row` if its page is in memory (asking for it otherwise)."""
        if not 0 <= row < self._total:
            return None
        return self._pages.row(row, self._request_page)

    def rows_of(self, media_ids) -> list[int]:
        """Rows in memory that show these media (a stack tile shows its representative)."""
        wanted = set(media_ids)
        rows = []
        for number, page in self._pages.pages():
            for offset, item in enumerate(page.items):
                if item.media_id in wanted:
                    rows.append(number * PAGE_SIZE + offset)
        return rows

    def update_items(self, fresh: dict[int, GalleryItem]) -> None:
        """Put re-read tiles in place (after tagging); the tiles keep their places."""
        for number, page in self._pages.pages():
            changed = False
            items = list(page.items)
            for offset, item in enumerate(items):
                new = fresh.get(item.media_id)
                if new is not None:
                    items[offset] = replace(new, sort_key=item.sort_key)
                    changed = True
            if changed:
                self._pages.replace(number, GalleryPage(tuple(items), page.last_key))
                first = number * PAGE_SIZE
                self.dataChanged.emit(self.index(first),
                                      self.index(min(self._total, first + len(items)) - 1))

    # -- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.item(index.row())
        if item is None:
            return None
        if role == ItemRole:
            return item
        if role == MediaIdRole:
            return item.media_id
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item)
        return None


def tooltip(item: GalleryItem) -> str:
    lines = [item.path or item.name]
    size = f"{item.width}×{item.height}, " if item.width and item.height else ""
    lines.append(f"{item.detected_type or '?'}, {size}{formatting.size(item.size)}")
    if item.instances > 1:
        lines.append(f"found {item.instances} times")
    if item.stack_size > 1:
        lines.append(f"stack of {item.stack_size}")
    if item.category is not None:
        lines.append(f"category {item.category}")
    if item.hashset_category:
        lines.append(f"hash sets: {item.hashset_category}")
    if item.conflicting:
        lines.append("hash sets disagree")
    if item.deleted:
        lines.append("deleted")
    if item.carved:
        lines.append("carved (found where no file entry points)")
    if item.relevance is not None or item.stack_relevance is not None:
        own = "–" if item.relevance is None else f"{item.relevance:.2f}"
        stack = (f" (stack: {item.stack_relevance:.2f})" if item.stack_size > 1
                 and item.stack_relevance is not None else "")
        lines.append(f"relevance {own}{stack}: a suggestion for ordering, not a verdict")
    lines.append(f"MD5 {item.md5}")
    return "\n".join(lines)


def coalesced(parent: QObject, interval_ms: int, slot) -> QTimer:
    """A single-shot timer: many calls to start() within `interval_ms` run `slot` once."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
