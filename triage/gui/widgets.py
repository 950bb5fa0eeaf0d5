"""Small widgets shared by the windows: an in-window message bar and the ingest progress panel."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from triage.gui import formatting
from triage.pipeline.progress import Progress

_MESSAGE_STYLES = {
    "error": ("#fdecea", "#b00020", QStyle.StandardPixmap.SP_MessageBoxCritical),
    "warning": ("#fff4e0", "#9c5a00", QStyle.StandardPixmap.SP_MessageBoxWarning),
    "info": ("#e8f1fb", "#1a4f8b", QStyle.StandardPixmap.SP_MessageBoxInformation),
}


class MessageBar(QFrame):
    """A coloured strip at the top of the window for errors and outcomes, with an optional action.

    Messages stay until closed or replaced, and their text can be selected and
    copied: an examiner may need to quote an error in the case notes.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._icon = QLabel()
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._action = QPushButton()
        self._action.clicked.connect(self._run_action)
        self._on_action = None
        self._action.hide()
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._action, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    def show_message(self, kind: str, text: str, action: str | None = None,
                     on_action: Callable[[], None] | None = None) -> None:
        """Show `text`; with `action`, a button of that name that calls `on_action` and closes."""
        background, foreground, icon = _MESSAGE_STYLES[kind]
        self.kind = kind
        self.setStyleSheet(
            f"#MessageBar {{ background: {background}; border: 1px solid {foreground}; "
            f"border-radius: 4px; }} #MessageBar QLabel {{ color: {foreground}; }}")
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        self._text.setText(text)
        self._action.setVisible(bool(action))
        self._action.setText(action or "")
        self._on_action = on_action
        self.show()

    def error(self, text: str, action: str | None = None, on_action=None) -> None:
        self.show_message("error", text, action, on_action)

    def warning(self, text: str, action: str | None = None, on_action=None) -> None:
        self.show_message("warning", text, action, on_action)

    def info(self, text: str, action: str | None = None, on_action=None) -> None:
        self.show_message("info", text, action, on_action)

    def clear(self) -> None:
        self.kind = ""
        self._on_action = None
        self._text.clear()
        self.hide()

    def _run_action(self) -> None:
        on_action = self._on_action
        self.clear()
        if on_action is not None:
            on_action()


class ProgressPanel(QFrame):
    """Ingest progress: stage, a bar, items, bytes, rate, time left, and Cancel."""

    cancelRequested = Signal()

    STAGES = {"walk": "Reading file systems", "hash": "Hashing files"}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ProgressPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.stage_label = QLabel()
        font = self.stage_label.font()
        font.setBold(True)
        self.stage_label.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.detail_label = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Stop after the current batch; adding evidence or resuming later goes on "
                    "from where it stopped"))
        self.cancel_button.clicked.connect(self.cancelRequested)
        top = QHBoxLayout()
        top.addWidget(self.stage_label)
        top.addStretch(1)
        top.addWidget(self.detail_label)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addLayout(top)
        layout.addLayout(row)
        self.hide()

    def start(self, text: str) -> None:
        self.stage_label.setText(text)
        self.detail_label.clear()
        self.bar.setRange(0, 0)  # busy until the first event says how much there is
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.show()

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling…"))
        self.stage_label.setText(self.tr("Cancelling after the current batch…"))

    def finish(self) -> None:
        self.hide()

    def update_progress(self, event: Progress) -> None:
        if not self.cancel_button.isEnabled():
            return  # keep saying "cancelling" until the run has stopped
        stage = self.tr(self.STAGES.get(event.stage, event.stage.capitalize()))
        if event.stage == "hash" and event.items_total and event.items_done >= event.items_total:
            # Every file is hashed; the run may still be hashing the images themselves.
            self.stage_label.setText(self.tr("Finishing: checking evidence image hashes"))
            self.bar.setRange(0, 0)
            self.detail_label.setText(self.tr("{done} files").format(
                done=formatting.count(event.items_done)))
            return
        self.stage_label.setText(stage)
        if event.items_total or event.bytes_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(event.fraction * 1000))
        else:
            self.bar.setRange(0, 0)
        parts = []
        if event.items_total:
            parts.append(self.tr("{done} of {total} files").format(
                done=formatting.count(event.items_done), total=formatting.count(event.items_total)))
        elif event.items_done:
            parts.append(self.tr("{done} entries").format(done=formatting.count(event.items_done)))
        if event.bytes_total:
            parts.append(f"{formatting.size(event.bytes_done)} / "
                         f"{formatting.size(event.bytes_total)}")
        if event.rate_bytes > 0 and event.bytes_total:
            parts.append(formatting.rate(event.rate_bytes))
        if event.bytes_total:
            parts.append(self.tr("about {left} left").format(left=formatting.duration(event.eta))
                         if event.eta is not None else self.tr("estimating time left…"))
        self.detail_label.setText("   ·   ".join(parts))
