"""The Links tab: links found in the evidence, with their block-list hits, in a paged table.

Rows come from `triage.links.queries.query_links` on the case's reader
thread, a page at a time by keyset (the last row's id) as the table scrolls
(`canFetchMore`/`fetchMore`), so a case with millions of links opens at once
and never holds them all. Filters: only block-list hits, what kind of link
(de-obfuscated, shortened, partial, e-mail), and text in the normal form.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triage.gui import formatting
from triage.gui.gallery_model import coalesced
from triage.gui.file_table_model import ERROR_COLOUR, MiddleElideDelegate
from triage.gui.workers import StoreReader
from triage.links.queries import LinkFilter, LinkRow, link_counts, query_links

PAGE_SIZE = 500
TYPING_DELAY_MS = 300
KINDS = ((QT_TRANSLATE_NOOP("LinksPanel", "All links"), {}),
         (QT_TRANSLATE_NOOP("LinksPanel", "De-obfuscated"), {"deobfuscated": True}),
         (QT_TRANSLATE_NOOP("LinksPanel", "Shortened"), {"shortened": True}),
         (QT_TRANSLATE_NOOP("LinksPanel", "Partial (parts left out)"), {"partial": True}),
         (QT_TRANSLATE_NOOP("LinksPanel", "E-mail addresses"), {"kind": "email"}))
"""The kind filter's choices: their LinkFilter fields."""


class LinksModel(QAbstractTableModel):
    """`LinkRow`s for one `LinkFilter`, read a page at a time as the view scrolls."""

    COLUMNS = (QT_TRANSLATE_NOOP("LinksModel", "URL (normalised)"),
               QT_TRANSLATE_NOOP("LinksModel", "Raw text"),
               QT_TRANSLATE_NOOP("LinksModel", "Rules applied"),
               QT_TRANSLATE_NOOP("LinksModel", "Confidence"),
               QT_TRANSLATE_NOOP("LinksModel", "Source file"),
               QT_TRANSLATE_NOOP("LinksModel", "Block-list hits"))
    URL, RAW, RULES, CONFIDENCE, SOURCE, HITS = range(len(COLUMNS))

    loaded = Signal(int)  # rows read so far, after each page
    loadFailed = Signal(str)

    def __init__(self, reader: StoreReader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self.filter = LinkFilter()
        self._rows: list[LinkRow] = []
        self._generation = 0
        self._exhausted = True
        self.loading = False
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_filter(self, where: LinkFilter) -> None:
        """Show `where`'s links from the first (answers for an older filter are dropped)."""
        self.filter = where
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._rows, self._exhausted, self.loading = [], False, False
        self.endResetModel()
        self.fetchMore()

    def row(self, row: int) -> LinkRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- paging --------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self.loading

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self.loading = True
        after = self._rows[-1].id if self._rows else 0
        self._reader.submit(partial(query_links, where=self.filter, limit=PAGE_SIZE,
                                    after_id=after),
                            partial(self._arrived, self._generation),
                            partial(self._failed, self._generation))

    def _arrived(self, generation: int, rows: list[LinkRow]) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self._exhausted = len(rows) < PAGE_SIZE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit(len(self._rows))

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.loading, self._exhausted = False, True
            self.loadFailed.emit(message)

    @property
    def complete(self) -> bool:
        """Every link the filter lets through has been read."""
        return self._exhausted and not self.loading

    # -- the table -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        link = self.row(index.row()) if index.isValid() else None
        if link is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(link, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(link, column)
        if role == Qt.ItemDataRole.UserRole:
            return link
        if role == Qt.ItemDataRole.ForegroundRole and link.matches and column in (
                self.URL, self.HITS):
            return QBrush(ERROR_COLOUR)
        if role == Qt.ItemDataRole.FontRole:
            if column == self.RAW:
                return self._mono
            if column == self.HITS and link.matches:
                return self._bold
        return None

    def _text(self, link: LinkRow, column: int) -> str:
        if column == self.URL:
            return link.display_url + ("  ⤷" if link.shortened else "")
        if column == self.RAW:
            return link.raw
        if column == self.RULES:
            return ", ".join(link.rules) or "—"
        if column == self.CONFIDENCE:
            return link.confidence
        if column == self.SOURCE:
            return source_text(link)
        return "; ".join(m.describe() for m in link.matches)

    def _tooltip(self, link: LinkRow, column: int) -> str:
        if column == self.URL:
            extra = self.tr(" (a shortener: it cannot be expanded offline)") if link.shortened \
                else ""
            return link.url + extra
        if column == self.SOURCE:
            where = link.location or (f"line {link.line}" if link.line else "")
            if link.offset is not None:
                where = f"{where}, byte {link.offset}" if where else f"byte {link.offset}"
            return f"{source_text(link)}\n{link.extractor} {where}\n… {link.context} …"
        if column == self.HITS:
            return "\n".join(m.describe() for m in link.matches)
        return self._text(link, column)


def source_text(link: LinkRow) -> str:
    return f"{link.evidence}: {link.path}" if link.path else (link.evidence or "—")


class LinksPanel(QWidget):
    """Filter row, the links table, and a line of counts; `sourceChosen` on a double-click."""

    sourceChosen = Signal(object)  # the LinkRow whose source file the examiner wants

    def __init__(self, reader: StoreReader, parent: QWidget | None = None):
        super().__init__(parent)
        self._reader = reader
        self.model = LinksModel(reader, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search the normalised URL"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.domain = QLineEdit()
        self.domain.setPlaceholderText(self.tr("Domain (e.g. example.com)"))
        self.domain.setToolTip(self.tr("Only links to this registrable domain or any host "
                                       "under it"))
        self.domain.setClearButtonEnabled(True)
        self.domain.setMinimumWidth(self.domain.fontMetrics().horizontalAdvance(
            self.domain.placeholderText()) + 40)
        self.only_hits = QCheckBox(self.tr("Only block-list hits"))
        self.kind = QComboBox()
        for text, _fields in KINDS:
            self.kind.addItem(self.tr(text))
        self.kind.setToolTip(self.tr("Which links: de-obfuscated ones had to be decoded "
                                     "(hxxp, [.], (dot), …)"))
        self.counts = QLabel()
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self._elide = MiddleElideDelegate(self.table)
        for column in (LinksModel.URL, LinksModel.SOURCE):
            self.table.setItemDelegateForColumn(column, self._elide)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((LinksModel.URL, 320), (LinksModel.RAW, 220),
                              (LinksModel.RULES, 150), (LinksModel.CONFIDENCE, 80),
                              (LinksModel.SOURCE, 260)):
            self.table.setColumnWidth(column, width)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.domain)
        row.addWidget(self.kind)
        row.addWidget(self.only_hits)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts)

        self._typing = coalesced(self, TYPING_DELAY_MS, self._apply)
        self.search.textChanged.connect(self._typing.start)
        self.domain.textChanged.connect(self._typing.start)
        self.only_hits.toggled.connect(self._apply)
        self.kind.currentIndexChanged.connect(self._apply)
        self.table.doubleClicked.connect(self._chosen)
        self.model.loaded.connect(lambda _n: self._show_counts())
        self._totals: dict[str, int] | None = None
        self.refresh()

    def current(self) -> LinkFilter:
        fields = dict(KINDS[max(0, self.kind.currentIndex())][1])
        if self.only_hits.isChecked():
            fields["matched"] = True
        return LinkFilter(text=self.search.text().strip() or None,
                          domain=self.domain.text().strip().lower() or None, **fields)

    def refresh(self) -> None:
        """Read the counts and the links again (after a scan or a block-list import)."""
        self._reader.submit(link_counts, self._counted)
        self.model.set_filter(self.current())

    def _apply(self) -> None:
        self.model.set_filter(self.current())

    def _counted(self, totals: dict[str, int]) -> None:
        self._totals = totals
        self._show_counts()

    def _show_counts(self) -> None:
        shown = self.model.rowCount()
        text = (self.tr("{n} shown").format(n=formatting.count(shown)) if self.model.complete
                else self.tr("{n} shown so far (scroll for more)").format(
                    n=formatting.count(shown)))
        t = self._totals
        if t is not None:
            text += "  ·  " + self.tr(
                "in the case: {links} links, {hits} with block-list hits, {decoded} "
                "de-obfuscated, {short} shortened, {emails} e-mail addresses").format(
                links=formatting.count(t["links"]), hits=formatting.count(t["matched"]),
                decoded=formatting.count(t["decoded"]), short=formatting.count(t["shortened"]),
                emails=formatting.count(t["emails"]))
        self.counts.setText(text)

    def _chosen(self, index: QModelIndex) -> None:
        link = self.model.row(index.row())
        if link is not None and link.path:
            self.sourceChosen.emit(link)
