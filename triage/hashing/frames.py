"""A video's frame hashes: PDQ of one frame a second (vPDQ's features), kept compactly.

vPDQ (Meta's video PDQ) describes a video as the PDQ hashes of its frames
taken at a steady rate, each with its quality and time. Triage stores the
same thing for every video, so that a still from any moment of it, a
vPDQ list exchanged by another agency and a cut of it can all be matched.
One hour at one frame a second is 3,600 frames; stored as rows that would
be 3,600 database rows per video, so the frames of one video are packed
into one blob (38 bytes a frame: 137 kB per video-hour).

Imports nothing else of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FrameHashes", "PACKED_FORMAT"]

PACKED_FORMAT = 1
"""Layout of `FrameHashes.pack`: times (float32 LE), qualities (uint8), flags (uint8: 1 scene
start, 2 extra frame), PDQs (32 bytes)."""

_SCENE_START, _EXTRA = 1, 2


@dataclass(frozen=True)
class FrameHashes:
    """Frames of one video in time order: PDQ hash (256 bits), quality (0-100), time (s)."""

    pdq: np.ndarray
    """(n, 32) uint8: each hash big-endian, as its hex string reads."""
    quality: np.ndarray
    """(n,) uint8."""
    time: np.ndarray
    """(n,) float32, seconds from the start."""
    scene_start: np.ndarray
    """(n,) bool: the frame opens a scene that starts with a cut."""
    extra: np.ndarray | None = None
    """(n,) bool: a frame decoded anyway (a keyframe candidate) between the steady ones;
    it helps stills match but is not one of vPDQ's (see `steady`). None: no extras."""

    def __post_init__(self) -> None:
        if self.extra is None:
            object.__setattr__(self, "extra", np.zeros(len(self.pdq), bool))

    def __len__(self) -> int:
        return int(self.pdq.shape[0])

    @classmethod
    def empty(cls) -> "FrameHashes":
        return cls.build([], [], [])

    @classmethod
    def build(cls, pdq, quality, time, scene_start=None, extra=None) -> "FrameHashes":
        """From hex strings or 32-byte values, qualities and times (lists or arrays)."""
        rows = [bytes.fromhex(h) if isinstance(h, str) else bytes(h) for h in pdq]
        if any(len(r) != 32 for r in rows):
            raise ValueError("a PDQ hash is 256 bits (64 hex digits)")
        hashes = (np.frombuffer(b"".join(rows), np.uint8).reshape(len(rows), 32)
                  if rows else np.empty((0, 32), np.uint8))
        count = len(rows)
        flags = np.zeros(count, bool) if scene_start is None else np.asarray(scene_start, bool)
        extras = np.zeros(count, bool) if extra is None else np.asarray(extra, bool)
        return cls(hashes, np.asarray(quality, np.uint8).reshape(count),
                   np.asarray(time, np.float32).reshape(count), flags.reshape(count),
                   extras.reshape(count))

    def hex(self, row: int) -> str:
        return self.pdq[row].tobytes().hex()

    def pack(self) -> bytes:
        flags = (self.scene_start.astype(np.uint8) * _SCENE_START
                 | self.extra.astype(np.uint8) * _EXTRA)
        return b"".join([self.time.astype("<f4").tobytes(), self.quality.tobytes(),
                         flags.tobytes(), self.pdq.tobytes()])

    @classmethod
    def unpack(cls, data: bytes, count: int) -> "FrameHashes":
        """The inverse of `pack`; raises ValueError when `data` does not hold `count` frames."""
        if len(data) != 38 * count:
            raise ValueError(f"packed frame hashes: {len(data)} bytes do not hold {count} frames")
        raw = np.frombuffer(data, np.uint8)
        time = raw[:4 * count].view("<f4").astype(np.float32)
        quality = raw[4 * count:5 * count].copy()
        flags = raw[5 * count:6 * count]
        pdq = raw[6 * count:].reshape(count, 32).copy()
        return cls(pdq, quality, time, (flags & _SCENE_START) > 0, (flags & _EXTRA) > 0)

    def rows(self, rows) -> "FrameHashes":
        return FrameHashes(self.pdq[rows], self.quality[rows], self.time[rows],
                           self.scene_start[rows], self.extra[rows])

    def steady(self) -> "FrameHashes":
        """Only the frames at the steady rate: what vPDQ would have hashed."""
        return self if not self.extra.any() else self.rows(~self.extra)

    def usable(self, min_quality: int) -> np.ndarray:
        """Rows whose quality is at least `min_quality` (vPDQ's quality filter)."""
        return np.flatnonzero(self.quality >= min_quality)
