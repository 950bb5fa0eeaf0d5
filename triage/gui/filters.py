"""The gallery's filter bar: widgets in, one `GalleryFilter` out (the SQL is in case/gallery)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from triage.review.gallery import CONFLICTING, UNCATEGORISED, GalleryFilter
from triage.gui.gallery_model import coalesced

TYPING_DELAY_MS = 300
ALL = ""


def _combo(choices: list[tuple[str, str]], tip: str) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    combo.setToolTip(tip)
    # As wide as the choice it shows, so that it is never cut at the usual window width;
    # the popup shows every choice whole.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.currentTextChanged.connect(lambda text: _fit(combo, text))
    _fit(combo, combo.currentText())
    return combo


def _fit(combo: QComboBox, text: str) -> None:
    metrics = combo.fontMetrics()
    combo.setMinimumContentsLength(
        max(6, -(-metrics.horizontalAdvance(text) // metrics.horizontalAdvance("x")) + 1))


def _select(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class FilterBar(QWidget):
    """Search, category, hash-set hits, type and sort on one row; the rest behind "More"."""

    changed = Signal(object)  # GalleryFilter

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._stacks = True
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, path or hash"))
        self.search.setClearButtonEnabled(True)
        # Wide enough to read what is typed (and the placeholder, whatever the language).
        metrics = self.search.fontMetrics()
        self.search.setMinimumWidth(max(metrics.horizontalAdvance("0" * 16),
                                        metrics.horizontalAdvance(self.search.placeholderText()))
                                    + 36)
        self.category = _combo([(self.tr("Needs a person"), UNCATEGORISED),
                                (self.tr("All categories"), ALL),
                                (self.tr("Conflicting / to review"), CONFLICTING)],
                               self.tr("Category in the working scheme"))
        self.hits = _combo([(self.tr("Any hash-set result"), "any"),
                            (self.tr("Alert hits"), "alert"),
                            (self.tr("Known-good hits"), "known-good"),
                            (self.tr("Any hit"), "hit"), (self.tr("No hit"), "no-hit"),
                            (self.tr("Near a hash-set entry"), "near")],
                           self.tr("Hash-set matches"))
        self.known_good = QCheckBox(self.tr("Show known-good"))
        self.known_good.setToolTip(self.tr("Content matched only by known-good hash sets is "
                                           "hidden unless this is on"))
        self.media_type = _combo([(self.tr("Pictures and videos"), "all"),
                                  (self.tr("Pictures"), "image"), (self.tr("Videos"), "video")],
                                 self.tr("Media type"))
        self.sort = _combo([(self.tr("Order found"), "found"), (self.tr("Largest first"), "size"),
                            (self.tr("Biggest stacks first"), "stack"),
                            (self.tr("File name"), "name"),
                            (self.tr("Likely relevant first"), "relevance")],
                           self.tr("Sort order of the tiles"))
        self.sort.setItemData(0, self.tr("Where each was first found: evidence by evidence, "
                                         "partition by partition, then by path"),
                              Qt.ItemDataRole.ToolTipRole)
        self.sort.setItemData(4, self.tr(
            "By the classifiers' relevance score (the highest any of them gave; a stack: its "
            "highest member's); items no classifier scored come last. A suggestion for what "
            "to look at first, never a verdict"), Qt.ItemDataRole.ToolTipRole)
        self.more = QToolButton()
        self.more.setText(self.tr("More filters"))
        self.more.setCheckable(True)
        self._series: int | None = None
        self.series = QToolButton()  # shown while one series is shown; a click clears it
        self.series.setText(self.tr("Series ✕"))
        self.series.setToolTip(self.tr(
            "Showing only pictures of one setting (a series), whatever their category. "
            "Click or press Ctrl+R to show everything again"))
        self.series.clicked.connect(lambda: self.set_series(None))
        self.series.hide()

        self.deleted = _combo([(self.tr("Deleted or not"), "any"),
                               (self.tr("Deleted"), "deleted"),
                               (self.tr("Not deleted"), "not-deleted"),
                               (self.tr("Carved"), "carved")],
                              self.tr("Whether an instance is a deleted entry, or was carved "
                                      "from free space"))
        self.inside = _combo([(self.tr("Anywhere"), "any"),
                              (self.tr("Inside a container"), "inside"),
                              (self.tr("Not inside one"), "not-inside")],
                             self.tr("Whether an instance was found inside an archive, "
                                     "document, mail or database"))
        self.stack_size = QSpinBox()
        self.stack_size.setRange(1, 100000)
        self.stack_size.setPrefix(self.tr("stack ≥ "))
        self.stack_size.setToolTip(self.tr("Only stacks of at least this many near-duplicates"))
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Path contains"))
        self.path.setClearButtonEnabled(True)
        self.camera = QLineEdit()
        self.camera.setPlaceholderText(self.tr("EXIF camera"))
        self.camera.setClearButtonEnabled(True)
        self.plugin_flag = _combo([(self.tr("Any plugin result"), ALL)],
                                  self.tr("Items a plugin flagged (a suggestion, not a "
                                          "verdict), e.g. has faces"))
        self._flag_choices: dict[str, tuple[str, str]] = {}
        self.evidence = _combo([(self.tr("All evidence"), ALL)],
                               self.tr("Only items found in this evidence or partition"))
        self._evidence_choices: dict[str, tuple[int | None, int | None]] = {}
        self.min_relevance = QDoubleSpinBox()
        self.min_relevance.setRange(0.0, 1.0)
        self.min_relevance.setSingleStep(0.05)
        self.min_relevance.setDecimals(2)
        self.min_relevance.setPrefix(self.tr("score ≥ "))
        self.min_relevance.setSpecialValueText(self.tr("Any score"))
        self.min_relevance.setToolTip(self.tr(
            "Only items a classifier gave at least this relevance score (0 to 1): a "
            "suggestion for ordering the review, never a verdict"))
        self.gps = QCheckBox(self.tr("Has GPS"))
        self.dated = QCheckBox(self.tr("Modified"))
        self.date_from = QDateEdit(QDate.currentDate().addYears(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.search, 3)
        for widget in (self.series, self.category, self.hits, self.media_type, self.sort,
                       self.more):
            first.addWidget(widget)
        self.second = QWidget()  # two rows: where and what first, then text and dates
        second = QVBoxLayout(self.second)
        second.setContentsMargins(0, 0, 0, 0)
        where = QHBoxLayout()
        for widget, stretch in ((self.evidence, 2), (self.plugin_flag, 2),
                                (self.min_relevance, 0), (self.deleted, 1), (self.inside, 1),
                                (self.stack_size, 0), (self.known_good, 0)):
            where.addWidget(widget, stretch)
        text = QHBoxLayout()
        text.addWidget(self.path, 2)
        text.addWidget(self.camera, 1)
        for widget in (self.gps, self.dated, self.date_from, QLabel("–"), self.date_to):
            text.addWidget(widget)
        second.addLayout(where)
        second.addLayout(text)
        self.second.hide()
        self.more.toggled.connect(self.second.setVisible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addWidget(self.second)

        self._typing = coalesced(self, TYPING_DELAY_MS, self._emit)
        for edit in (self.search, self.path, self.camera):
            edit.textChanged.connect(self._typing.start)
        for combo in (self.category, self.hits, self.media_type, self.sort, self.deleted,
                      self.inside, self.plugin_flag, self.evidence):
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.known_good, self.gps, self.dated):
            box.toggled.connect(self._emit)
        self.stack_size.valueChanged.connect(self._typing.start)
        self.min_relevance.valueChanged.connect(self._typing.start)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._typing.start() if self.dated.isChecked()
                                     else None)

    def set_categories(self, categories: list[tuple[str, str]]) -> None:
        """The working scheme's (code, label), offered after the fixed choices."""
        current = self.category.currentData()
        self.category.blockSignals(True)
        while self.category.count() > 3:
            self.category.removeItem(3)
        for code, label in categories:
            self.category.addItem(f"{code} — {label}", code)
        _select(self.category, current)
        self.category.blockSignals(False)

    def set_plugin_flags(self, counts: list[tuple[str, str, int]]) -> None:
        """(plugin, label, media flagged) from `triage.plugins.results.flag_counts`."""
        current = self.plugin_flag.currentData()
        self.plugin_flag.blockSignals(True)
        while self.plugin_flag.count() > 1:
            self.plugin_flag.removeItem(1)
        self._flag_choices = {}
        for plugin, label, count in counts:
            key = f"{plugin}:{label}"
            self._flag_choices[key] = (plugin, label)
            self.plugin_flag.addItem(self.tr("{label} ({plugin}): {n}").format(
                label=label, plugin=plugin, n=count), key)
        _select(self.plugin_flag, current)
        self.plugin_flag.blockSignals(False)
        if self.plugin_flag.currentData() != current:
            self._emit()  # the flag chosen is gone (a plugin's results were removed)

    def set_evidence(self, choices) -> None:
        """The case's evidence and their partitions (`gallery.evidence_choices`)."""
        current = self.evidence.currentData()
        self.evidence.blockSignals(True)
        while self.evidence.count() > 1:
            self.evidence.removeItem(1)
        self._evidence_choices = {}
        for evidence in choices:
            key = f"e{evidence.id}"
            self._evidence_choices[key] = (evidence.id, None)
            self.evidence.addItem(evidence.name, key)
            for partition_id, label in evidence.partitions:
                key = f"p{partition_id}"
                self._evidence_choices[key] = (None, partition_id)
                self.evidence.addItem("    " + self.tr("{evidence} ▸ partition {p}").format(
                    evidence=evidence.name, p=label), key)
        _select(self.evidence, current)
        self.evidence.blockSignals(False)
        if self.evidence.currentData() != current:
            self._emit()

    @property
    def series_id(self) -> int | None:
        return self._series

    def set_series(self, series_id: int | None) -> None:
        """Show only the pictures of one series (None: everything again)."""
        self._series = series_id
        self.series.setVisible(series_id is not None)
        self._emit()

    def set_stacks(self, stacks: bool) -> None:
        self._stacks = stacks
        self._emit()

    def set_text(self, text: str) -> None:
        self.search.setText(text)
        self._typing.stop()
        self._emit()

    def current(self) -> GalleryFilter:
        category = self.category.currentData()
        evidence, partition = self._evidence_choices.get(self.evidence.currentData() or "",
                                                         (None, None))
        return GalleryFilter(
            stacks=self._stacks, hash_hits=self.hits.currentData(),
            show_known_good=self.known_good.isChecked(),
            categories=(category,) if category and self._series is None else (),
            min_stack_size=self.stack_size.value(), media_type=self.media_type.currentData(),
            deleted=self.deleted.currentData(), inside=self.inside.currentData(),
            path=self.path.text(),
            camera=self.camera.text(), has_gps=self.gps.isChecked(),
            date_from=_day(self.date_from) if self.dated.isChecked() else None,
            date_to=_day(self.date_to) if self.dated.isChecked() else None,
            text=self.search.text(),
            plugin_flag=self._flag_choices.get(self.plugin_flag.currentData() or ""),
            min_relevance=self.min_relevance.value() or None,
            evidence_id=evidence, partition_id=partition, series_id=self._series,
            sort=self.sort.currentData())

    def _emit(self) -> None:
        self.changed.emit(self.current())


def _day(edit: QDateEdit) -> date:
    return edit.date().toPython()

