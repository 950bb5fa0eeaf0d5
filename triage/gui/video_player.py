"""Playing a video of the case: blurred and grey like a still until revealed, never a sound.

Frames come from OpenCV on a thread of their own and are painted by us, so the
wellbeing treatment applies to every frame exactly as to a thumbnail (Qt's
multimedia module would paint through the platform, where we could not blur,
and is not in PySide6-Essentials). OpenCV decodes no audio: the player is
mute by construction, and says so.

The video's bytes are read out of the evidence once (by SHA-256, from the
first instance read whole) into the case folder's `.playback/`, readable by
this user only, and removed when the player closes.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
)

from triage.case.store import CaseStore
from triage.gui.wellbeing import ExposureMeter, WellbeingPolicy, treat
from triage.gui.workers import BackgroundCall

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
SHOWN_SIDE = 960  # frames are scaled to fit this before they leave the decoder
KEYFRAME_ICON = QSize(96, 64)


@dataclass(frozen=True)
class VideoInfo:
    frames: int
    fps: float

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps else 0.0


def copy_for_playback(store: CaseStore, sha256: str) -> Path:
    """The video's bytes in the case folder, for this user only (the decoder needs a file)."""
    from triage.pipeline.content import media_reader

    path = playback_path(store, sha256)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    if not path.exists():
        partial = path.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            for chunk in media_reader(store)(sha256):
                out.write(chunk)
        partial.replace(path)
    return path


def playback_path(store: CaseStore, sha256: str) -> Path:
    return store.folder / ".playback" / f"{sha256}.video"


def _qimage(frame) -> QImage:
    import cv2  # on the decoder thread; OpenCV stays out of the application's start-up

    height, width = frame.shape[:2]
    scale = min(1.0, SHOWN_SIDE / max(width, height))
    if scale < 1.0:
        frame = cv2.resize(frame, (round(width * scale), round(height * scale)),
                           interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class FrameDecoder(QThread):
    """Decodes the frame asked for last (older requests are dropped), seeking only when
    the frame is not the next one."""

    opened = Signal(object)  # VideoInfo
    decoded = Signal(int, QImage)
    keyframe = Signal(int, QImage)  # the keyframe's place in `keyframe_times`, its picture
    failed = Signal(str)

    def __init__(self, path: Path, keyframe_times: list[float] = (), parent=None):
        super().__init__(parent)
        self._path = path
        self._keyframe_times = list(keyframe_times)
        self._cond = threading.Condition()
        self._wanted: int | None = None
        self._stopping = False

    def request(self, frame: int) -> None:
        with self._cond:
            self._wanted = frame
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self.wait()

    def run(self) -> None:
        import cv2  # here, on this thread: OpenCV stays out of the application's start-up

        capture = cv2.VideoCapture(str(self._path))
        try:
            if not capture.isOpened():
                self.failed.emit(self.tr("OpenCV cannot decode this video"))
                return
            frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            fps = float(capture.get(cv2.CAP_PROP_FPS) or 25.0)
            self.opened.emit(VideoInfo(frames, fps))
            self._decode_keyframes(capture, fps)
            position = -1  # the frame the next read() gives: unknown after the keyframes
            while True:
                with self._cond:
                    while self._wanted is None and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    wanted, self._wanted = self._wanted, None
                if wanted != position:
                    capture.set(cv2.CAP_PROP_POS_FRAMES, wanted)
                ok, frame = capture.read()
                position = wanted + 1
                if ok:
                    self.decoded.emit(wanted, _qimage(frame))
        finally:
            capture.release()

    def _decode_keyframes(self, capture, fps: float) -> None:
        """The keyframe strip's pictures, small, before anything else is asked for."""
        import cv2

        for place, seconds in enumerate(self._keyframe_times):
            if self._stopping:
                return
            capture.set(cv2.CAP_PROP_POS_FRAMES, round(seconds * fps))
            ok, frame = capture.read()
            if ok:
                small = _qimage(frame).scaled(KEYFRAME_ICON, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation)
                self.keyframe.emit(place, small)


class VideoPlayer(QDialog):
    """One video: play and pause (P), step a frame (, and .), speed, the keyframes to seek
    by, hold Space to see it clearly. The working scheme's keys tag the whole video, or,
    with a stretch marked ([ where it starts, ] where it ends), that stretch: a segment."""

    tagRequested = Signal(int, str)  # media id, category code
    segmentRequested = Signal(int, float, float, str)  # media id, start, end, category code
    segmentRemoveRequested = Signal(int)  # segment id

    def __init__(self, media_id: int, name: str, categorised: bool, policy: WellbeingPolicy,
                 keyframe_times: list[float], hotkeys: dict[str, str],
                 exposure: ExposureMeter | None = None, parent=None,
                 relevance: float | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Video: {name}").format(name=name))
        self.relevance = relevance  # the classifiers' score: always blurred above the policy's
        self.resize(1000, 760)
        self.media_id, self._categorised, self._policy = media_id, categorised, policy
        self._hotkeys, self._exposure = hotkeys, exposure
        self._keyframe_times = keyframe_times
        self._keyframe_images: dict[int, QImage] = {}
        self.info: VideoInfo | None = None
        self.frame_number = -1
        self.image: QImage | None = None
        self._decoder: FrameDecoder | None = None
        self._copying: BackgroundCall | None = None
        self._path: Path | None = None
        self._closed = False
        self._speed = 1.0
        self.picture = QLabel(self.tr("Reading the video out of the evidence…"))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(480, 320)
        self.picture.setStyleSheet("background: #202020; color: #dddddd")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(self._slider_moved)
        self.time = QLabel()
        self.play_button = QPushButton(self.tr("Play (P)"))
        self.play_button.clicked.connect(self.toggle_play)
        back, forward = QPushButton(self.tr("◀ frame (,)")), QPushButton(self.tr("frame ▶ (.)"))
        back.clicked.connect(lambda: self.step(-1))
        forward.clicked.connect(lambda: self.step(1))
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(lambda _i: self._speed_changed())
        sound = QLabel(self.tr("No sound: Triage plays videos muted"))
        sound.setStyleSheet("color: #777777")
        self.keyframes = QListWidget()
        self.keyframes.setViewMode(QListView.ViewMode.IconMode)
        self.keyframes.setFlow(QListView.Flow.LeftToRight)
        self.keyframes.setWrapping(False)
        self.keyframes.setIconSize(KEYFRAME_ICON)
        self.keyframes.setFixedHeight(KEYFRAME_ICON.height() + 40)
        self.keyframes.itemClicked.connect(self._keyframe_chosen)
        self.keyframes.setToolTip(self.tr("Keyframes: click one to go there"))
        self.mark: list[float | None] = [None, None]  # the stretch [ and ] marked, in seconds
        self.mark_label = QLabel()
        self.segments = QListWidget()
        self.segments.setFixedHeight(72)
        self.segments.setToolTip(self.tr("Stretches categorised on their own; Delete removes "
                                         "the selected one"))
        self.segments.itemClicked.connect(lambda item: self.seek_time(
            item.data(Qt.ItemDataRole.UserRole).start))
        self._update_mark()
        controls = QHBoxLayout()
        for widget in (self.play_button, back, forward, QLabel(self.tr("Speed:")), self.speed,
                       self.time):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(sound)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.slider)
        layout.addLayout(controls)
        layout.addWidget(self.keyframes)
        layout.addWidget(self.mark_label)
        layout.addWidget(self.segments)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        policy.changed.connect(self._paint)
        policy.changed.connect(self._paint_keyframes)

    # -- opening ---------------------------------------------------------------------------

    def open_content(self, store: CaseStore, sha256: str) -> None:
        """Read the video out of the evidence off the GUI thread, then play from it."""
        self._path = playback_path(store, sha256)  # removed on closing, even mid-copy
        call = BackgroundCall(lambda: copy_for_playback(store, sha256), self)
        call.succeeded.connect(self.open_file)
        call.failed.connect(lambda message: self.picture.setText(
            self.tr("The video could not be read: {m}").format(m=message)))
        self._copying = call  # a child: deleted with the player, after `done` waited for it
        call.start()

    def open_file(self, path: Path, remove_when_closed: bool = True) -> None:
        if self._closed:  # the copy finished after the player (or its case) was closed
            if remove_when_closed:
                path.unlink(missing_ok=True)
            return
        self._path = path if remove_when_closed else None
        self._decoder = FrameDecoder(path, self._keyframe_times, self)
        self._decoder.opened.connect(self._opened)
        self._decoder.decoded.connect(self._decoded)
        self._decoder.keyframe.connect(self._keyframe_decoded)
        self._decoder.failed.connect(self.picture.setText)
        self._decoder.start()

    def _opened(self, info: VideoInfo) -> None:
        self.info = info
        self.slider.setRange(0, max(0, info.frames - 1))
        self.slider.setEnabled(True)
        self._speed_changed()
        for number, seconds in enumerate(self._keyframe_times, 1):
            item = QListWidgetItem(f"{number} · {_clock(seconds)}")
            item.setData(Qt.ItemDataRole.UserRole, seconds)
            self.keyframes.addItem(item)
        self.seek(0)

    # -- moving ----------------------------------------------------------------------------

    def seek(self, frame: int) -> None:
        if self.info is None or self._decoder is None:
            return
        frame = max(0, min(frame, self.info.frames - 1))
        self._decoder.request(frame)

    def seek_time(self, seconds: float) -> None:
        if self.info is not None:
            self.seek(round(seconds * self.info.fps))

    def step(self, frames: int) -> None:
        self.pause()
        self.seek(self.frame_number + frames)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        elif self.info is not None:
            if self.frame_number >= self.info.frames - 1:
                self.seek(0)
            self._timer.start()
            self.play_button.setText(self.tr("Pause (P)"))

    def pause(self) -> None:
        self._timer.stop()
        self.play_button.setText(self.tr("Play (P)"))

    def _speed_changed(self) -> None:
        self._speed = float(self.speed.currentData())
        if self.info is not None:
            self._timer.setInterval(max(5, round(1000 / (self.info.fps * self._speed))))

    def _tick(self) -> None:
        if self.info is None or self.frame_number >= self.info.frames - 1:
            self.pause()
            return
        self.seek(self.frame_number + 1)

    def _slider_moved(self, value: int) -> None:
        if value != self.frame_number:
            self.seek(value)

    def _keyframe_chosen(self, item: QListWidgetItem) -> None:
        self.pause()
        self.seek_time(float(item.data(Qt.ItemDataRole.UserRole)))

    # -- showing ---------------------------------------------------------------------------

    def _decoded(self, frame: int, image: QImage) -> None:
        self.frame_number, self.image = frame, image
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        if self.info is not None:
            self.time.setText(f"{_clock(frame / self.info.fps)} / {_clock(self.info.duration)}")
        self._paint()

    def _keyframe_decoded(self, place: int, image: QImage) -> None:
        self._keyframe_images[place] = image
        self._paint_keyframes()

    def _paint_keyframes(self) -> None:
        """The strip is treated like the frame: blurred and grey unless revealed."""
        treatment = self.treatment
        for place, image in self._keyframe_images.items():
            item = self.keyframes.item(place)
            if item is not None:
                item.setIcon(QPixmap.fromImage(treat(image, treatment)))

    @property
    def treatment(self):
        return self._policy.treatment(self.media_id, self._categorised, self.relevance)

    def _paint(self) -> None:
        if self.image is None:
            return
        treatment = self.treatment
        shown = treat(self.image, treatment)
        if self._exposure is not None and not treatment.blur:
            self._exposure.shown(self.media_id, self._policy.protects(self.relevance))
        self.picture.setPixmap(QPixmap.fromImage(shown).scaled(
            self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    # -- keys ------------------------------------------------------------------------------

    # -- segments ----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.frame_number / self.info.fps if self.info and self.info.fps else 0.0

    def set_mark(self, end: bool) -> None:
        self.mark[int(end)] = self.now
        self._update_mark()

    def clear_mark(self) -> None:
        self.mark = [None, None]
        self._update_mark()

    @property
    def stretch(self) -> tuple[float, float] | None:
        start, end = self.mark
        if start is None or end is None or start == end:
            return None
        return (min(start, end), max(start, end))

    def _update_mark(self) -> None:
        stretch = self.stretch
        if stretch:
            self.mark_label.setText(self.tr(
                "Marked {start}–{end}: a category key tags this stretch; Esc clears it").format(
                start=_clock(stretch[0]), end=_clock(stretch[1])))
        else:
            self.mark_label.setText(self.tr("A category key tags the whole video; [ and ] mark "
                                            "a stretch to tag on its own"))

    def set_segments(self, segments, labels: dict[str, str]) -> None:
        """`segments`: this video's, in time order; `labels` by "scheme:code"."""
        self.segments.clear()
        for segment in segments:
            label = labels.get(f"{segment.scheme}:{segment.category}", "")
            item = QListWidgetItem(f"{_clock(segment.start)}–{_clock(segment.end)} · "
                                   f"{segment.scheme} {segment.category} {label} · "
                                   f"{segment.examiner}")
            item.setData(Qt.ItemDataRole.UserRole, segment)
            self.segments.addItem(item)

    # -- keys ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text().lower()
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._policy.reveal(self.media_id)
            return
        if text == "p":
            self.toggle_play()
        elif text in (",", "."):
            self.step(-1 if text == "," else 1)
        elif text in ("[", "]"):
            self.set_mark(text == "]")
        elif key == Qt.Key.Key_Escape and self.stretch:
            self.clear_mark()
        elif key == Qt.Key.Key_Delete and self.segments.currentItem() is not None:
            segment = self.segments.currentItem().data(Qt.ItemDataRole.UserRole)
            self.segmentRemoveRequested.emit(segment.id)
        elif text in self._hotkeys and self.stretch:
            self.segmentRequested.emit(self.media_id, *self.stretch, self._hotkeys[text])
            self.clear_mark()
        elif text in self._hotkeys:
            self.tagRequested.emit(self.media_id, self._hotkeys[text])
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._policy.reveal(None)
            return
        super().keyReleaseEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._paint()

    def done(self, result: int) -> None:
        """Closing (also when the case closes): no thread of the player outlives it, and the
        copy of the video read out of the evidence is removed."""
        self._closed = True
        self.pause()
        self._policy.reveal(None)
        if self._copying is not None:
            self._copying.wait()  # a copy cannot be interrupted; it is one video's bytes
        if self._decoder is not None:
            self._decoder.stop()
        if self._path is not None:
            self._path.unlink(missing_ok=True)
        super().done(result)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"
