"""How pictures are shown, to protect the person looking at them.

By default a picture nobody has categorised yet is shown blurred and in
greyscale; the examiner turns either off (toolbar, Ctrl+B / Ctrl+G), and the
choice is kept in QSettings. Categorised pictures are shown the same way
unless the examiner chooses to see them plainly. A picture a classifier
scored at or above a chosen relevance (`protect_above`, View ▸ Always blur
above score) stays blurred even when blur is off for the rest, whether
categorised or not. One picture can be revealed on purpose (hold Space);
nothing else reveals a picture, and the exposure meter counts the reveals
of such pictures apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QImage

BLUR_FACTOR = 14
"""A picture is shrunk this many times and enlarged again: shapes stay, details go."""


@dataclass(frozen=True)
class Treatment:
    blur: bool
    greyscale: bool

    @property
    def key(self) -> str:
        return ("b" if self.blur else "") + ("g" if self.greyscale else "")


PLAIN = Treatment(False, False)


def treat(image: QImage, treatment: Treatment) -> QImage:
    """`image` blurred and/or in greyscale (a new image; the cached one is untouched)."""
    if treatment.blur:
        small = image.scaled(max(1, image.width() // BLUR_FACTOR),
                             max(1, image.height() // BLUR_FACTOR),
                             Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        image = small.scaled(image.width(), image.height(),
                             Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    if treatment.greyscale:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return image


class WellbeingPolicy(QObject):
    """The examiner's choices, persisted; `changed` tells every view to repaint."""

    changed = Signal()

    KEYS = {"blur": ("wellbeing/blur", True), "greyscale": ("wellbeing/greyscale", True),
            "protect_categorised": ("wellbeing/protectCategorised", True)}
    PROTECT_ABOVE = ("wellbeing/protectAbove", 0.8)
    """Relevance score from which a picture is always blurred (above 1: never)."""

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        self.revealed: int | None = None  # the one media shown plainly on purpose

    def _get(self, name: str) -> bool:
        key, default = self.KEYS[name]
        value = self._settings.value(key, default)
        return value in (True, "true", "1", 1) if not isinstance(value, bool) else value

    def _set(self, name: str, value: bool) -> None:
        self._settings.setValue(self.KEYS[name][0], bool(value))
        self.changed.emit()

    @property
    def blur(self) -> bool:
        return self._get("blur")

    @blur.setter
    def blur(self, value: bool) -> None:
        self._set("blur", value)

    @property
    def greyscale(self) -> bool:
        return self._get("greyscale")

    @greyscale.setter
    def greyscale(self, value: bool) -> None:
        self._set("greyscale", value)

    @property
    def protect_categorised(self) -> bool:
        return self._get("protect_categorised")

    @protect_categorised.setter
    def protect_categorised(self, value: bool) -> None:
        self._set("protect_categorised", value)

    @property
    def protect_above(self) -> float:
        key, default = self.PROTECT_ABOVE
        try:
            return float(self._settings.value(key, default))
        except (TypeError, ValueError):
            return default

    @protect_above.setter
    def protect_above(self, score: float) -> None:
        self._settings.setValue(self.PROTECT_ABOVE[0], float(score))
        self.changed.emit()

    def protects(self, relevance: float | None) -> bool:
        """Whether a classifier scored this picture high enough that it is always blurred."""
        return relevance is not None and relevance >= self.protect_above

    def reveal(self, media_id: int | None) -> None:
        if media_id != self.revealed:
            self.revealed = media_id
            self.changed.emit()

    def treatment(self, media_id: int, categorised: bool,
                  relevance: float | None = None) -> Treatment:
        """How this picture is shown now (`relevance`: the classifiers' score, if any)."""
        if media_id == self.revealed:
            return PLAIN
        if self.protects(relevance):
            return Treatment(True, self.greyscale)
        if categorised and not self.protect_categorised:
            return PLAIN
        return Treatment(self.blur, self.greyscale)


class ExposureMeter(QObject):
    """How many pictures this session showed unblurred, and for how long; break reminders.

    Views call `shown(media_id)` whenever they paint a picture plainly (not
    blurred). Time counts in whole seconds in which something plain was on
    screen. After `break_minutes` of such time (a setting; 0 turns it off)
    `breakDue` is emitted, once per interval.
    """

    changed = Signal()
    breakDue = Signal(int)  # minutes of unblurred viewing so far

    TICK_MS = 1000

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)

        self._settings = settings
        self.started = datetime.now()
        self.pictures: set[int] = set()
        self.protected: set[int] = set()  # of those, pictures revealed over the blur-above score
        self.seconds = 0
        self._plain_now = False
        self._reminded = 0
        self._timer = QTimer(self)
        self._timer.setInterval(self.TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    @property
    def break_minutes(self) -> int:
        return int(self._settings.value("wellbeing/breakMinutes", 45) or 0)

    @break_minutes.setter
    def break_minutes(self, minutes: int) -> None:
        self._settings.setValue("wellbeing/breakMinutes", max(0, int(minutes)))
        self._reminded = self.seconds // (minutes * 60) if minutes else 0

    def shown(self, media_id: int, protected: bool = False) -> None:
        """`protected`: a picture always blurred for its score, shown because revealed."""
        self._plain_now = True
        if media_id not in self.pictures or (protected and media_id not in self.protected):
            self.pictures.add(media_id)
            if protected:
                self.protected.add(media_id)
            self.changed.emit()

    def _tick(self) -> None:
        if not self._plain_now:
            return
        self._plain_now = False
        self.seconds += 1
        self.changed.emit()
        interval = self.break_minutes * 60
        if interval and self.seconds // interval > self._reminded:
            self._reminded = self.seconds // interval
            self.breakDue.emit(self.seconds // 60)
