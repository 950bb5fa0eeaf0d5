"""The open case: the gallery, links, evidence and partitions, summary counts, the file table,
and ingest."""

from __future__ import annotations

import html
from dataclasses import replace
from functools import partial
from zoneinfo import available_timezones

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFontDatabase, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage.case.store import CaseStore, record_examiner
from triage.review.device_time import set_device_time_zone
from triage.gui import formatting
from triage.gui.evidence_dialog import UnlockDialog
from triage.gui.file_detail import FileDetailPane
from triage.gui.gallery_panel import GalleryPanel
from triage.gui.links_view import LinksPanel
from triage.gui.data import (
    CaseSnapshot,
    ContainerView,
    EvidenceView,
    PartitionView,
    load_snapshot,
)
from triage.gui.file_table_model import ERROR_COLOUR, FileTableModel, MiddleElideDelegate
from triage.gui.widgets import MessageBar, ProgressPanel
from triage.gui.workers import IngestOutcome, IngestThread, StoreReader
from triage.pipeline.ingest import IngestOptions, VolumeKeys
from triage.pipeline.progress import Progress

FILTER_DELAY_MS = 250
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
TYPES_SHOWN = 5


class EvidencePanel(QWidget):
    """Evidence with their partitions as a tree, and everything about the selected one below."""

    unlockRequested = Signal(int, str)  # evidence id, name: a locked volume's context menu
    timeZoneRequested = Signal(int, str, str)  # evidence id, name, its device time zone or ""

    COLUMNS = ("Evidence / partition", "Format", "Size", "Entries", "SHA-256", "Status")
    NAME, FORMAT, SIZE, ENTRIES, SHA256, STATUS = range(len(COLUMNS))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column, width in ((self.NAME, 300), (self.FORMAT, 64), (self.SIZE, 80),
                              (self.ENTRIES, 64), (self.SHA256, 140)):
            self.tree.setColumnWidth(column, width)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText(self.tr("Select an evidence, partition or container "
                                                "for details."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.tree.currentItemChanged.connect(self._show_details)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, position) -> None:
        """On an evidence or its partitions: Device time zone…; on a locked encrypted volume,
        Unlock volume… too (the Menu key or Shift+F10 opens it on the current row)."""
        item = self.tree.itemAt(position) or self.tree.currentItem()
        value = item.data(0, Qt.ItemDataRole.UserRole + 1) if item else None
        evidence = value[0] if isinstance(value, tuple) else value
        if not isinstance(evidence, EvidenceView):
            return
        menu = QMenu(self.tree)
        if isinstance(value, tuple) and is_locked(value[1]):
            menu.addAction(self.tr("Unlock volume…"),
                           lambda: self.unlockRequested.emit(evidence.id, evidence.name))
        menu.addAction(self.tr("Device time zone…"), lambda: self.timeZoneRequested.emit(
            evidence.id, evidence.name, evidence.time_zone or ""))
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def show_snapshot(self, snapshot: CaseSnapshot) -> None:
        current = self.tree.currentItem()
        selected = current.data(0, Qt.ItemDataRole.UserRole) if current else None
        self.tree.clear()
        restore = None
        for evidence in snapshot.evidence:
            item = self._evidence_item(evidence)
            self.tree.addTopLevelItem(item)
            for partition in evidence.partitions:
                child = self._partition_item(evidence, partition)
                item.addChild(child)
                if selected == ("partition", partition.id):
                    restore = child
            item.setExpanded(True)
            if selected == ("evidence", evidence.id):
                restore = item
        if restore is None and self.tree.topLevelItemCount():
            restore = self.tree.topLevelItem(0)
        if restore is not None:
            self.tree.setCurrentItem(restore, 0, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self.details.clear()

    def _evidence_item(self, e: EvidenceView) -> QTreeWidgetItem:
        status, problem = evidence_status(e)
        item = QTreeWidgetItem([e.name, e.format, evidence_size(e),
                                formatting.count(sum(p.entries for p in e.partitions)),
                                e.sha256 or "", status])
        item.setData(0, Qt.ItemDataRole.UserRole, ("evidence", e.id))
        item.setData(0, Qt.ItemDataRole.UserRole + 1, e)
        item.setToolTip(self.NAME, "\n".join(e.paths))
        item.setToolTip(self.SIZE, formatting.exact_size(e.size))
        item.setToolTip(self.SHA256, e.sha256 or "")
        item.setToolTip(self.STATUS, status)
        item.setFont(self.SHA256, self._mono)
        font = item.font(self.NAME)
        font.setBold(True)
        item.setFont(self.NAME, font)
        for column in (self.SIZE, self.ENTRIES):
            item.setTextAlignment(column, RIGHT)
        if problem:
            item.setIcon(self.STATUS, self._warning_icon)
            item.setForeground(self.STATUS, QBrush(ERROR_COLOUR))
        return item

    def _partition_item(self, e: EvidenceView, p: PartitionView) -> QTreeWidgetItem:
        name = self.tr("Partition {index}").format(index=p.index)
        if p.description:
            name += f" · {p.description}"
        status = self.tr("Error: {error}").format(error=p.error) if p.error else self.tr("Read")
        if p.note and not p.error:
            status += f" ({p.note})"
        item = QTreeWidgetItem([name, p.fs_type or "—", formatting.size(p.length),
                                formatting.count(p.entries), "", status])
        item.setData(0, Qt.ItemDataRole.UserRole, ("partition", p.id))
        item.setData(0, Qt.ItemDataRole.UserRole + 1, (e, p))
        item.setToolTip(self.NAME, name)
        item.setToolTip(self.STATUS, status)
        for column in (self.SIZE, self.ENTRIES):
            item.setTextAlignment(column, RIGHT)
        if p.error:
            item.setIcon(self.STATUS, self._warning_icon)
            item.setForeground(self.STATUS, QBrush(ERROR_COLOUR))
        self._add_containers(item, p.containers)
        return item

    def _add_containers(self, partition: QTreeWidgetItem,
                        containers: tuple[ContainerView, ...]) -> None:
        """Files holding items under their partition, nested ones under their container."""
        nodes: dict[int, QTreeWidgetItem] = {}
        for container in containers:
            node = QTreeWidgetItem([container.name, container.kind or "",
                                    "", formatting.count(container.items), "", ""])
            node.setData(0, Qt.ItemDataRole.UserRole, ("container", container.id))
            node.setData(0, Qt.ItemDataRole.UserRole + 1, container)
            node.setToolTip(self.NAME, container.path)
            node.setTextAlignment(self.ENTRIES, RIGHT)
            nodes[container.id] = node
            nodes.get(container.parent_id, partition).addChild(node)

    def _show_details(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            self.details.clear()
            return
        value = item.data(0, Qt.ItemDataRole.UserRole + 1)
        if isinstance(value, EvidenceView):
            self.details.setHtml(evidence_details(value))
        elif isinstance(value, ContainerView):
            self.details.setHtml(container_details(value))
        else:
            self.details.setHtml(partition_details(*value))


def evidence_size(e: EvidenceView) -> str:
    """A folder has no size of its own (the core records 0), so none is shown."""
    return "" if e.format == "folder" else formatting.size(e.size)


def evidence_status(e: EvidenceView) -> tuple[str, bool]:
    """One line for the tree's status column, and whether it reports a problem."""
    if e.md5_mismatch:
        return "MD5 DOES NOT MATCH the acquisition MD5", True
    if e.error:
        return f"Error: {e.error}", True
    if e.walk_status == "pending":
        return "Not read yet: resume ingest", False
    failed = sum(1 for p in e.partitions if p.error)
    if failed:
        return f"{failed} of {len(e.partitions)} partitions unreadable", True
    if e.hash_status == "pending":
        return "Read; image hash pending", False
    if e.stored_md5:
        return "Read; MD5 matches acquisition", False
    return "Read", False


def _rows(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td style='padding-right:12px'><b>{html.escape(k)}</b></td>"
                    f"<td>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing='2'>{cells}</table>"


def _mono(text: str | None) -> str:
    return f"<code>{html.escape(text)}</code>" if text else "—"


def _error(text: str) -> str:
    return f"<span style='color:#b00020'><b>{html.escape(text)}</b></span>"


def evidence_details(e: EvidenceView) -> str:
    rows = [("Evidence", html.escape(e.name)), ("Format", html.escape(e.format)),
            ("Size", html.escape(formatting.exact_size(e.size)) if e.format != "folder"
             else "—"),
            ("Source", "<br>".join(html.escape(p) for p in e.paths) or "—"),
            ("SHA-256", _mono(e.sha256)), ("MD5", _mono(e.md5))]
    if e.stored_md5:
        verdict = _error("does not match") if e.md5_mismatch else "matches"
        rows.append(("Acquisition MD5", f"{_mono(e.stored_md5)} ({verdict})"))
    rows.append(("Added", html.escape(f"{e.added_at:%Y-%m-%d %H:%M:%S} UTC by {e.added_by}")))
    rows.append(("Device time zone", html.escape(e.time_zone) if e.time_zone else
                 "not set: FAT, exFAT and ZIP times are shown as the device's clock read "
                 "(right-click ▸ Device time zone…)"))
    if e.error:
        rows.append(("Error", _error(e.error)))
    return _rows(rows)


def container_details(c: ContainerView) -> str:
    return _rows([("Container", _mono(c.path)), ("Kind", html.escape(c.kind or "—")),
                  ("Items inside", formatting.count(c.items))])


def partition_details(e: EvidenceView, p: PartitionView) -> str:
    where = f"{p.offset:,} bytes" if p.offset is not None else "—"
    rows = [("Evidence", html.escape(e.name)), ("Partition", str(p.index)),
            ("Description", html.escape(p.description or "—")), ("Offset", where),
            ("Length", html.escape(formatting.exact_size(p.length)) if p.length else "—"),
            ("File system", html.escape(p.fs_type or "none found")),
            ("Entries", formatting.count(p.entries))]
    if p.error:
        rows.append(("Error", _error(p.error)))
    if p.note:
        rows.append(("Note", html.escape(p.note)))
    return _rows(rows)


class SummaryPanel(QWidget):
    """The counts `triage info` prints, as a form."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.labels: dict[str, QLabel] = {}
        for key, text in (("created", "Created"), ("evidence", "Evidence"),
                          ("entries", "Entries"), ("deleted", "Deleted"),
                          ("hashed", "Hashed"), ("contents", "Distinct contents"),
                          ("types", "Types"), ("inside", "Inside containers"),
                          ("carved", "Carved"), ("misnamed", "Misnamed"), ("errors", "Errors"),
                          ("pending", "Pending")):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            self.form.addRow(self.tr(text) + ":", label)

    def show_snapshot(self, s: CaseSnapshot) -> None:
        c = formatting.count
        counts = s.counts
        kinds = counts["kinds"]
        status = counts["status"]
        errors_in_evidence = sum(e.has_error for e in s.evidence)
        self.labels["created"].setText(f"{s.created_at:%Y-%m-%d %H:%M} UTC by {s.created_by}")
        self.labels["evidence"].setText(
            c(len(s.evidence)) + (self.tr(" ({n} with errors)").format(n=errors_in_evidence)
                                  if errors_in_evidence else ""))
        detail = ", ".join(f"{c(n)} {k}" for k, n in sorted(kinds.items()))
        self.labels["entries"].setText(f"{c(s.entries)}" + (f"\n{detail}" if detail else ""))
        self.labels["deleted"].setText(c(counts["deleted"]))
        hashable = status.get("done", 0) + status.get("error", 0) + status.get("pending", 0)
        self.labels["hashed"].setText(self.tr("{done} of {total} files").format(
            done=c(status.get("done", 0)), total=c(hashable)))
        self.labels["contents"].setText(c(counts["contents"]))
        types = [f"{c(n)} {t}" for t, n in sorted(counts["types"].items(), key=lambda kv: -kv[1])]
        shown = types[:TYPES_SHOWN]
        if len(types) > TYPES_SHOWN:
            shown.append(self.tr("{n} more types").format(n=len(types) - TYPES_SHOWN))
        self.labels["types"].setText("\n".join(shown) or "—")
        self.labels["types"].setToolTip("\n".join(types))
        inside = counts.get("containers", {})
        self._set_row_visible("inside", bool(inside))
        self.labels["inside"].setText("\n".join(
            f"{c(n)} in {kind}" for kind, n in sorted(inside.items(), key=lambda kv: -kv[1])))
        self.labels["inside"].setToolTip(self.tr(
            "Items found inside archives, documents, mail, databases and caches, by kind; "
            "{n} need a password").format(n=c(counts.get("encrypted", 0))))
        carved = counts.get("carved", {})
        areas, area_bytes = counts.get("carve_areas", (0, 0))
        self._set_row_visible("carved", bool(areas))
        self.labels["carved"].setText(self.tr("{complete} complete, {partial} partial").format(
            complete=c(carved.get("complete", 0)), partial=c(carved.get("partial", 0))))
        self.labels["carved"].setToolTip(self.tr(
            "Pictures and videos found where no file entry points, in {size} of free and "
            "unpartitioned space").format(size=formatting.size(area_bytes)))
        self.labels["misnamed"].setText(c(counts["extension_mismatch"]))
        self.labels["misnamed"].setToolTip(self.tr("Files whose name's extension disagrees "
                                                   "with their content"))
        errors, undecoded = counts["errors"], counts.get("decode_errors", 0)
        self.labels["errors"].setText(self.tr("{n} entries").format(n=c(errors)) + (
            self.tr("\n{n} not decoded").format(n=c(undecoded)) if undecoded else ""))
        self.labels["errors"].setStyleSheet(
            "color: #b00020; font-weight: bold" if errors or undecoded else "")
        pending = counts["pending"]
        self._set_row_visible("pending", s.unfinished)
        self.labels["pending"].setText(
            self.tr("{n} files not hashed yet").format(n=c(pending)) if pending
            else self.tr("evidence not fully read yet"))
        self.labels["pending"].setToolTip(self.tr("Case ▸ Resume ingest finishes them"))
        self.labels["pending"].setStyleSheet("color: #9c5a00" if s.unfinished else "")

    def _set_row_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self.labels[key], visible)


class CaseView(QWidget):
    """Everything about one open case. Owns the case's reader thread and any ingest run."""

    snapshotLoaded = Signal(object)  # CaseSnapshot
    ingestStarted = Signal()
    ingestFinished = Signal(object)  # IngestOutcome
    busyChanged = Signal(bool)

    def __init__(self, store: CaseStore, examiner: str, messages: MessageBar,
                 ingest_options: IngestOptions | None = None, parent: QWidget | None = None,
                 settings: QSettings | None = None, exposure=None):
        super().__init__(parent)
        self.store = store
        self._examiner = examiner
        self.ingest_options = ingest_options
        self.snapshot: CaseSnapshot | None = None
        self._messages = messages
        self._ingest: IngestThread | None = None
        self._stage: str | None = None
        self.reader = StoreReader(store, self)
        self.reader.start()

        self.evidence_panel = EvidencePanel()
        self.evidence_panel.unlockRequested.connect(self.unlock_evidence)
        self.evidence_panel.timeZoneRequested.connect(self.set_device_time_zone)
        evidence_box = _group(self.tr("Evidence"), self.evidence_panel)
        self.summary_panel = SummaryPanel()
        summary_scroll = QScrollArea()
        summary_scroll.setWidget(self.summary_panel)
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QFrame.Shape.NoFrame)
        summary_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        summary_box = _group(self.tr("Summary"), summary_scroll)
        summary_box.setMinimumWidth(320)

        self.model = FileTableModel(self.reader, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self._path_delegate = MiddleElideDelegate(self.table)
        self.table.setItemDelegateForColumn(FileTableModel.PATH, self._path_delegate)
        self.table.setItemDelegateForColumn(FileTableModel.EVIDENCE, self._path_delegate)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.activated.connect(self.copy_selection)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        mono = QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        for column, width in ((FileTableModel.PATH, 300), (FileTableModel.KIND, 50),
                              (FileTableModel.DELETED, 60), (FileTableModel.SIZE, 84),
                              (FileTableModel.TYPE, 90),
                              (FileTableModel.MD5, mono.horizontalAdvance("0" * 32) + 16),
                              (FileTableModel.SHA1, mono.horizontalAdvance("0" * 40) + 16),
                              (FileTableModel.SHA256, mono.horizontalAdvance("0" * 64) + 16),
                              (FileTableModel.ERROR, 190)):
            self.table.setColumnWidth(column, width)
        self._settings = settings if settings is not None else QSettings()
        remember_columns(self.table, self._settings, "files/header",
                         hidden_at_first=(FileTableModel.SHA1, FileTableModel.SHA256,
                                          FileTableModel.CREATED, FileTableModel.ACCESSED,
                                          FileTableModel.CHANGED))
        self.file_detail = FileDetailPane(self.reader)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.file_detail.show(
                self.model.row(current.row()) if current.isValid() else None))
        self.model.modelReset.connect(lambda: self.file_detail.show(None))

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter by path, name or MD5"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self._focus_filter)
        self.count_label = QLabel()
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("Filter:")))
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.count_label)
        files_widget = QWidget()
        files_layout = QVBoxLayout(files_widget)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.addLayout(filter_row)
        table_and_detail = QSplitter(Qt.Orientation.Horizontal)
        table_and_detail.addWidget(self.table)
        table_and_detail.addWidget(self.file_detail)
        table_and_detail.setStretchFactor(0, 3)
        table_and_detail.setStretchFactor(1, 1)
        files_layout.addWidget(table_and_detail, 1)
        files_box = _group(self.tr("Files"), files_widget)
        self.model.loaded.connect(self._files_loaded)
        self.model.loadFailed.connect(self._files_failed)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(evidence_box)
        top.addWidget(summary_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        top.setSizes([860, 340])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(files_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 450])

        self.gallery = GalleryPanel(store, messages,
                                    self._settings,
                                    lambda: self.examiner, exposure)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.gallery, self.tr("&Gallery"))
        self.tabs.addTab(self.splitter, self.tr("&Evidence and files"))
        self.links = LinksPanel(self.reader)
        self.links.sourceChosen.connect(self.show_file)
        self.links.model.loadFailed.connect(lambda message: self._messages.error(
            self.tr("Could not read the links: {m}").format(m=message)))
        self.tabs.addTab(self.links, self.tr("&Links"))

        self.progress_panel = ProgressPanel()
        self.progress_panel.cancelRequested.connect(self.cancel_ingest)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress_panel)
        self._read_overview()  # the gallery reads its own first page
        self._record_examiner()

    @property
    def examiner(self) -> str:
        return self._examiner

    @examiner.setter
    def examiner(self, name: str) -> None:
        self._examiner = name
        self._record_examiner()

    def _record_examiner(self) -> None:
        """The case keeps the name, so that the command line signs reports and tags with it."""
        name = self._examiner
        self.gallery.writer.submit(lambda session: record_examiner(session, name),
                                   lambda _none: None,
                                   lambda message: self._messages.warning(self.tr(
                                       "Could not record the examiner: {m}").format(m=message)))

    # -- reading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read evidence, counts, the file list and the gallery (filters are kept)."""
        self._read_overview()
        self.gallery.refresh()
        self.links.refresh()

    def show_file(self, link) -> None:
        """The file a link was found in, in the file table (filtered to its path)."""
        self.tabs.setCurrentWidget(self.splitter)
        self.filter_edit.setText(link.path)
        self._filter_timer.stop()
        self._apply_filter()
        self.table.setFocus()

    def _read_overview(self) -> None:
        self.reader.submit(load_snapshot, self._show_snapshot, self._snapshot_failed)
        self.model.reload()
        self._update_count_label()

    def _show_snapshot(self, snapshot: CaseSnapshot) -> None:
        self.snapshot = snapshot
        self.evidence_panel.show_snapshot(snapshot)
        self.summary_panel.show_snapshot(snapshot)
        self._update_count_label()
        self.snapshotLoaded.emit(snapshot)

    def _snapshot_failed(self, message: str) -> None:
        self._messages.error(self.tr("Could not read the case: {m}").format(m=message),
                             self.tr("Retry"), self.refresh)

    def _filter_changed(self) -> None:
        self._filter_timer.start()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter_edit.text())
        self._update_count_label()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _files_loaded(self, _count: int) -> None:
        self._update_count_label()

    def _files_failed(self, message: str) -> None:
        self._update_count_label()
        self._messages.error(self.tr("Could not read the file list: {m}").format(m=message),
                             self.tr("Retry"), self.refresh)

    def _update_count_label(self) -> None:
        if self.model.loading:
            self.count_label.setText(self.tr("Reading…"))
            return
        shown = self.model.rowCount()
        total = self.snapshot.entries if self.snapshot else None
        if self.model.filter_text and total is not None:
            text = self.tr("{shown} of {total} entries").format(
                shown=formatting.count(shown), total=formatting.count(total))
        else:
            text = self.tr("{n} entries").format(n=formatting.count(shown))
        self.count_label.setText(text)

    def copy_selection(self) -> None:
        """Selected rows as tab-separated text (what is loaded; a row still loading is skipped)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})
        lines = []
        for row in rows:
            if self.model.row(row) is None:
                continue
            lines.append("\t".join(
                str(self.model.data(self.model.index(row, column)) or "")
                for column in range(self.model.columnCount())))
        if lines:
            QApplication.clipboard().setText("\n".join(lines) + "\n")

    # -- ingest ------------------------------------------------------------------------

    @property
    def ingesting(self) -> bool:
        return self._ingest is not None

    def start_ingest(self, paths: list[str], keys: VolumeKeys | None = None,
                     unlock: int | None = None) -> bool:
        """Add `paths` (none: only resume what is unfinished) and process them on a thread;
        `keys` open their encrypted volumes (this run only), and first those of evidence
        `unlock`, recorded as locked."""
        if self._ingest is not None:
            self._messages.warning(self.tr("An ingest is already running in this case."))
            return False
        self._messages.clear()
        options = self.ingest_options
        if keys:
            options = replace(options or IngestOptions(), volume_keys=keys)
        thread = IngestThread(self.store, self.examiner, paths, options, self, unlock)
        thread.progress.connect(self._ingest_progress)
        thread.completed.connect(self._ingest_completed)
        self._ingest, self._stage = thread, None
        what = (self.tr("Adding {n} evidence…").format(n=len(paths)) if paths
                else self.tr("Resuming ingest…"))
        self.progress_panel.start(what)
        thread.start()
        self.ingestStarted.emit()
        self.busyChanged.emit(True)
        return True

    def unlock_evidence(self, evidence_id: int, name: str) -> bool:
        """Ask for the credentials of an evidence's locked volumes, then open and hash them."""
        dialog = UnlockDialog(name, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.volume_keys:
            return False
        return self.start_ingest([], dialog.volume_keys, unlock=evidence_id)

    def set_device_time_zone(self, evidence_id: int, name: str, current: str) -> None:
        """Ask for the zone the evidence's device kept its clock in; FAT, exFAT and ZIP times
        are then shown in UTC (audited; nothing recorded changes)."""
        not_set = self.tr("Not set: show the device's clock as read")
        zones = [not_set, *sorted(available_timezones())]
        zone, chosen = QInputDialog.getItem(
            self, self.tr("Device time zone"),
            self.tr("The time zone {name}'s device kept its clock in (its settings, a registry "
                    "hive, a phone's configuration). FAT, exFAT and ZIP record that clock with "
                    "no zone; with it, their times are shown in UTC.").format(name=name),
            zones, zones.index(current) if current in zones else 0, True)
        if not chosen or zone == (current or not_set):
            return
        zone = None if zone == not_set else zone.strip()
        self.gallery.writer.submit(
            lambda session: set_device_time_zone(session, evidence_id, zone, self.examiner),
            lambda _before: self.refresh(),
            lambda message: self._messages.warning(
                self.tr("The time zone was not set: {m}").format(m=message)))

    def cancel_ingest(self) -> None:
        if self._ingest is not None and not self._ingest.cancelling:
            self._ingest.cancel()
            self.progress_panel.cancelling()

    def _ingest_progress(self, event: Progress) -> None:
        if event.stage != self._stage:
            if self._stage == "walk":
                self.refresh()  # the walk is committed: show the entries while they are hashed
            self._stage = event.stage
        self.progress_panel.update_progress(event)

    def _ingest_completed(self, outcome: IngestOutcome) -> None:
        thread, self._ingest = self._ingest, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        self.progress_panel.finish()
        self._report(outcome)
        self.refresh()
        self.busyChanged.emit(False)
        self.ingestFinished.emit(outcome)

    def _report(self, outcome: IngestOutcome) -> None:
        if outcome.error:
            self._messages.error(self.tr("Ingest stopped: {e}. What was recorded is kept; "
                                         "resume to finish.").format(e=outcome.error),
                                 self.tr("Resume"), lambda: self.start_ingest([]))
            return
        s = outcome.summary
        problems = outcome.add_errors + s.evidence_errors + [
            self.tr("Plugin {name} stopped: {error}").format(name=name, error=error)
            for name, error in s.plugin_errors.items()]
        if s.cancelled:
            text = self.tr("Ingest cancelled after {n} files. Resume to finish; nothing is "
                           "done twice.").format(n=formatting.count(s.files_hashed))
        else:
            text = self.tr("Ingest finished: {n} files hashed, {e} file errors.").format(
                n=formatting.count(s.files_hashed), e=formatting.count(s.file_errors))
        if problems:
            text += "\n" + "\n".join(problems)
        if s.cancelled:
            self._messages.warning(text, self.tr("Resume"), lambda: self.start_ingest([]))
        elif problems:
            self._messages.error(text)
        else:
            self._messages.info(text)

    # -- closing -----------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the reader and close the store; only when no ingest runs (callers check)."""
        self._filter_timer.stop()
        self.gallery.shutdown()
        self.reader.stop()


def is_locked(partition: PartitionView) -> bool:
    """An encrypted volume the last run could not open (see triage.evidence.walk)."""
    return bool(partition.error and "-encrypted volume, locked" in partition.error)


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


def remember_columns(table: QTableView, settings: QSettings, key: str,
                     hidden_at_first: tuple[int, ...] = ()) -> None:
    """The header's right-click menu shows or hides columns; their order, widths and which
    are shown are kept in `settings` under `key` and given back next time."""
    header = table.horizontalHeader()
    state = settings.value(key)
    if state is None or not header.restoreState(state):
        for column in hidden_at_first:
            header.hideSection(column)
    save = lambda *_args: settings.setValue(key, header.saveState())  # noqa: E731
    header.sectionMoved.connect(save)
    header.sectionResized.connect(save)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu(position) -> None:
        choices = QMenu(header)
        model = table.model()
        for column in range(model.columnCount()):
            action = choices.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(partial(_show_column, header, column, save))
        choices.exec(header.mapToGlobal(position))

    header.customContextMenuRequested.connect(menu)


def _show_column(header, column: int, save, shown: bool) -> None:
    header.setSectionHidden(column, not shown)
    save()
