"""Progress events: what a progress bar (CLI or GUI) needs, and nothing about how to draw it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Progress:
    stage: str
    items_done: int
    items_total: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    rate_bytes: float  # bytes per second, smoothed
    eta: float | None  # seconds left, None until there is a rate
    message: str = ""

    @property
    def fraction(self) -> float:
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        return min(1.0, self.items_done / self.items_total) if self.items_total else 1.0


ProgressCallback = Callable[[Progress], None]


class ProgressTracker:
    """Counts work done, smooths the rate, and emits at most a few events a second."""

    def __init__(self, stage: str, items_total: int, bytes_total: int,
                 callback: ProgressCallback | None, interval: float = 0.25,
                 bytes_done: int = 0):
        """`bytes_done`: what was done before the tracking began (not counted in the rate)."""
        self.stage, self.items_total, self.bytes_total = stage, items_total, bytes_total
        self.items_done, self.bytes_done = 0, bytes_done
        self._callback, self._interval = callback, interval
        self._start = self._last_emit = self._last_sample = time.monotonic()
        self._first_bytes = self._last_bytes = bytes_done
        self._rate = 0.0

    def advance(self, items: int, nbytes: int, message: str = "") -> None:
        self.items_done += items
        self.bytes_done += nbytes
        now = time.monotonic()
        if now - self._last_sample >= 1.0:
            instant = (self.bytes_done - self._last_bytes) / (now - self._last_sample)
            self._rate = instant if not self._rate else 0.7 * self._rate + 0.3 * instant
            self._last_sample, self._last_bytes = now, self.bytes_done
        if now - self._last_emit >= self._interval:
            self._last_emit = now
            self.emit(message)

    def emit(self, message: str = "") -> None:
        if not self._callback:
            return
        elapsed = time.monotonic() - self._start
        rate = self._rate or ((self.bytes_done - self._first_bytes) / elapsed if elapsed > 0
                              else 0.0)
        left = self.bytes_total - self.bytes_done
        eta = left / rate if rate > 0 else None
        self._callback(Progress(self.stage, self.items_done, self.items_total, self.bytes_done,
                                self.bytes_total, elapsed, rate, eta, message))
