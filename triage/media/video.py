"""Video: what OpenCV says about it, a PDQ hash a second, and keyframes chosen by scene change.

One decode serves everything: a frame a second (vPDQ's steady rate, see
``triage.hashing.frames``) is hashed with PDQ as it passes, so a still taken
at any moment lands near one of them; up to ``SAMPLE_LIMIT`` frames spread
evenly over the video are kept at working size (longest side 224-448, as a
still is decoded) as keyframe candidates, and a colour histogram of each
says where scenes change. Frames are read one after another (decoding
without colour conversion between wanted frames) unless wanted frames lie a
group of pictures apart or more, where seeking saves work.

Keyframes: one per scene (its middle sample, or the nearest one that is not
near-blank), at most ``MAX_KEYFRAMES`` (the longest scenes win); when there
are fewer than ``MIN_KEYFRAMES`` scenes, each scene gets a share of that
many by its length, spread evenly over it, so a single-scene video gets
evenly spaced keyframes.
The caller hashes each keyframe like a still, so a still taken from the
video lands near one of them.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image

from triage.hashing.frames import FrameHashes
from triage.hashing.perceptual import pdq_from_luma64
from triage.media.decode import MIN_HASH_SIDE, WORKING_SIZE

MIN_KEYFRAMES = 6
MAX_KEYFRAMES = 16
SAMPLE_LIMIT = 120
"""Frames looked at per video, at most."""

FRAME_SECONDS = 1.0
"""Seconds between hashed frames (vPDQ's default rate)."""

MAX_FRAME_HASHES = 14_400
"""Frames hashed per video at most (four hours at one a second); longer videos are hashed sparser."""

SEEK_GAP = 250
"""Seek (rather than read every frame) when wanted frames lie more than this many frames apart
on average: x264's default group of pictures, so a seek decodes less than reading on would.
At a frame a second, reading on wins: on ThreatExchange's 720p H.264 samples a seek per
second took 6-8 times as long as reading every frame (1.2 s against 0.2 s)."""

SCENE_CUT = 0.35
"""Half the L1 distance (0-1) between consecutive samples' 64-bin colour histograms that starts a scene."""

SCENE_CORRELATION = 0.5
"""Correlation of consecutive samples' 16x16 greyscale layouts under which a new scene starts
(catches cuts between scenes of similar colours; panning and zooming keep it high)."""

BLANK_STD = 6.0
"""Grey standard deviation under which a sample counts as near-blank (black fade, flat colour)."""

UNKNOWN_LENGTH_STEP = 15
"""Frames between samples when the container does not say how many frames it holds."""

_cv2_configured = False


class VideoError(Exception):
    """The video cannot be read; the message says why."""


@dataclass
class Frame:
    index: int
    """Frame number from 0."""
    time: float | None
    """Seconds from the start, when the frame rate is known."""
    picture: Image.Image
    """The frame at working size, mode RGB."""
    scene_start: bool = False
    """The frame is the first keyframe of a scene that starts with a cut (not the opening scene)."""


@dataclass
class VideoFrames:
    width: int
    height: int
    fps: float | None
    frame_count: int | None
    duration: float | None
    codec: str | None
    keyframes: list[Frame] = field(default_factory=list)
    scenes: int = 0
    samples: int = 0
    frame_hashes: FrameHashes = field(default_factory=FrameHashes.empty)
    """PDQ of every `frame_step`-th frame (about one a second), in time order."""
    frame_step: int = 1


def read_video(source: bytes | str | os.PathLike | BinaryIO, *,
               min_keyframes: int = MIN_KEYFRAMES, max_keyframes: int = MAX_KEYFRAMES,
               sample_limit: int = SAMPLE_LIMIT, frame_seconds: float = FRAME_SECONDS
               ) -> VideoFrames:
    """Probe a video, hash a frame a second and choose its keyframes, in one decode.

    Raises VideoError when it cannot be decoded.
    """
    _configure_cv2()
    capture, stream = _open(source)
    try:
        fps = _positive(capture.get(cv2.CAP_PROP_FPS))
        count = _positive(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        frame_count = int(count) if count else None
        codec = _fourcc(capture.get(cv2.CAP_PROP_FOURCC))
        reader = _Reader(capture, fps)
        reader.read(frame_count, max(sample_limit, max_keyframes), frame_seconds)
        samples = reader.samples
        if not samples:
            raise VideoError(f"no frame could be decoded (codec {codec or 'unknown'})")
        width, height = samples[0][2]
        chosen, scenes = _choose(samples, min_keyframes, max_keyframes)
        keyframes = [Frame(index=samples[i][0], time=(samples[i][0] / fps if fps else None),
                           picture=samples[i][1], scene_start=starts) for i, starts in chosen]
        duration = frame_count / fps if frame_count and fps else None
        return VideoFrames(width=width, height=height, fps=fps, frame_count=frame_count,
                           duration=duration, codec=codec, keyframes=keyframes,
                           scenes=scenes, samples=len(samples),
                           frame_hashes=reader.frame_hashes(), frame_step=reader.step)
    finally:
        capture.release()
        del stream


def _configure_cv2() -> None:
    """One thread per worker: the ingest runs one worker per core already."""
    global _cv2_configured
    if not _cv2_configured:
        cv2.setNumThreads(1)
        _cv2_configured = True


def _open(source) -> tuple[cv2.VideoCapture, BinaryIO | None]:
    """The capture, and the stream it reads from: the caller keeps that alive until release().

    OpenCV's Python binding does not hold a reference to a stream it reads
    from; a stream garbage-collected under it crashes the process.
    """
    stream = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream = io.BytesIO(bytes(source))
    elif not isinstance(source, (str, os.PathLike)):
        stream = source
    if stream is not None:
        capture = cv2.VideoCapture(stream, cv2.CAP_FFMPEG, [])
    else:
        capture = cv2.VideoCapture(str(Path(source)), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise VideoError("cannot open the video: container or codec not supported, or corrupt data")
    return capture, stream


# A sample: (frame index, working-size RGB picture, full (width, height))
Sample = tuple[int, Image.Image, tuple[int, int]]


class _Reader:
    """One pass over a video: steady frames hashed, keyframe candidates kept as pictures.

    Steady frames are vPDQ's: every `step`-th frame from the first, `step`
    being the frames in `frame_seconds` (whole frames, at least 1), widened
    for very long videos so that at most ``MAX_FRAME_HASHES`` are hashed.
    Frames are read one after another (``grab`` decodes without converting
    colours; only wanted frames are converted) unless wanted frames lie
    more than ``SEEK_GAP`` frames apart: seeking decodes from the keyframe
    before its target, so it only saves work when targets are farther apart
    than a group of pictures.
    """

    def __init__(self, capture: cv2.VideoCapture, fps: float | None) -> None:
        self.capture = capture
        self.fps = fps
        self.step = 1
        self.samples: list[Sample] = []
        self._hashes: list[bytes] = []
        self._quality: list[int] = []
        self._times: list[float] = []
        self._cuts: list[bool] = []
        self._extra: list[bool] = []
        self._previous: tuple[np.ndarray, np.ndarray] | None = None

    def read(self, frame_count: int | None, limit: int, frame_seconds: float) -> None:
        self.step = max(1, int(frame_seconds * self.fps)) if self.fps else UNKNOWN_LENGTH_STEP
        if not frame_count:
            self._read_unknown_length(limit)
            return
        self.step = max(self.step, math.ceil(frame_count / MAX_FRAME_HASHES))
        steady = set(range(0, frame_count, self.step))
        wanted = {int(k * frame_count / min(limit, frame_count)) for k in range(min(limit, frame_count))}
        targets = sorted(steady | wanted)
        if frame_count / len(targets) <= SEEK_GAP:
            self._read_sequential(targets, steady, wanted)
        else:
            self._read_seeking(targets, steady, wanted)
        if not self.samples and targets[0] != 0:
            self.capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._read_sequential([0], {0}, {0})

    def frame_hashes(self) -> FrameHashes:
        return FrameHashes.build(self._hashes, self._quality, self._times, self._cuts, self._extra)

    def _visit(self, index: int, frame: np.ndarray, steady: bool, keep: bool) -> None:
        """Hash every decoded frame (a candidate between steady frames as an extra: it was
        decoded anyway, and a still between two steady frames may match it), keep candidates."""
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        if steady or keep:
            self._hash(index, frame, extra=not steady)
        if keep:
            self.samples.append(_sample(index, frame))

    def _hash(self, index: int, frame: np.ndarray, extra: bool = False) -> None:
        """PDQ of the frame from a 64x64 area average, as a still's (see hashing.perceptual)."""
        small = cv2.resize(frame, (64, 64), interpolation=cv2.INTER_AREA)
        luma = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        bits, quality = pdq_from_luma64(luma)
        histogram = _histogram(small)
        layout = _layout_of(luma.reshape(16, 4, 16, 4).mean(axis=(1, 3)))
        cut = self._previous is not None and (
            0.5 * float(np.abs(histogram - self._previous[0]).sum()) > SCENE_CUT
            or float(np.mean(layout * self._previous[1])) < SCENE_CORRELATION)
        self._previous = (histogram, layout)
        self._hashes.append(np.packbits(bits).tobytes())
        self._quality.append(quality)
        self._times.append(index / self.fps if self.fps else float(index))
        self._cuts.append(cut)
        self._extra.append(extra)

    def _read_sequential(self, targets: list[int], steady: set[int], wanted: set[int]) -> None:
        index = 0
        for target in targets:
            while index < target:
                if not self.capture.grab():
                    return
                index += 1
            ok, frame = self.capture.read()
            if not ok or frame is None:
                return
            self._visit(index, frame, index in steady, index in wanted)
            index += 1

    def _read_seeking(self, targets: list[int], steady: set[int], wanted: set[int]) -> None:
        failures = 0
        for target in targets:
            if not self.capture.set(cv2.CAP_PROP_POS_FRAMES, target):
                failures += 1
            ok, frame = self.capture.read()
            if not ok or frame is None:
                failures += 1
                if failures > 3 and not self.samples:
                    return
                continue
            self._visit(target, frame, target in steady, target in wanted)

    def _read_unknown_length(self, limit: int) -> None:
        """No frame count: every steady frame hashed, the first `limit` of them kept."""
        index = 0
        while len(self._hashes) < MAX_FRAME_HASHES:
            if index % self.step == 0:
                ok, frame = self.capture.read()
                if not ok or frame is None:
                    return
                self._visit(index, frame, True, len(self.samples) < limit)
            elif not self.capture.grab():
                return
            index += 1


def _sample(index: int, frame: np.ndarray) -> Sample:
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    height, width = frame.shape[:2]
    factor = max(1, min(max(width, height) // WORKING_SIZE, min(width, height) // MIN_HASH_SIDE))
    if factor > 1:
        # Whole-factor area average: what Image.reduce does to a still of the same size.
        frame = cv2.resize(frame, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    picture = Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    return index, picture, (width, height)


def _choose(samples: list[Sample], min_keyframes: int,
            max_keyframes: int) -> tuple[list[tuple[int, bool]], int]:
    """Indices into `samples` of the keyframes, in time order, each with whether it opens a cut scene."""
    # A quarter-size copy (every fourth pixel's area average) is plenty for colour
    # statistics and costs a sixteenth; measured in bench/video.py.
    arrays = [np.asarray(p.reduce(4) if min(p.size) >= 64 else p) for _, p, _ in samples]
    hists = [_histogram(a) for a in arrays]
    layouts = [_layout(p) for _, p, _ in samples]
    contrast = [float(a.mean(axis=2).std()) for a in arrays]
    cuts = [0] + [i for i in range(1, len(samples))
                  if 0.5 * float(np.abs(hists[i] - hists[i - 1]).sum()) > SCENE_CUT
                  or float(np.mean(layouts[i] * layouts[i - 1])) < SCENE_CORRELATION]
    scenes = [range(start, end) for start, end in zip(cuts, cuts[1:] + [len(samples)])]
    if len(scenes) > max_keyframes:
        longest = sorted(range(len(scenes)), key=lambda s: (-len(scenes[s]), s))[:max_keyframes]
        scenes = [scenes[s] for s in sorted(longest)]
    shares = _shares([len(scene) for scene in scenes], min(min_keyframes, len(samples)))
    chosen: list[tuple[int, bool]] = []
    for scene, share in zip(scenes, shares):
        # `share` keyframes spread evenly over the scene: the middles of equal parts of it.
        parts = [scene[int(j * len(scene) / share):int((j + 1) * len(scene) / share)] for j in range(share)]
        for j, part in enumerate(parts):
            chosen.append((_representative(part, contrast), j == 0 and scene.start != 0))
    return chosen, len(cuts)


def _shares(lengths: list[int], total: int) -> list[int]:
    """Keyframes per scene: one each, and when that makes fewer than `total`, the rest by length."""
    if len(lengths) >= total:
        return [1] * len(lengths)
    whole = sum(lengths)
    exact = [total * n / whole for n in lengths]
    shares = [min(n, max(1, int(e))) for n, e in zip(lengths, exact)]
    by_remainder = sorted(range(len(lengths)), key=lambda s: (-(exact[s] - int(exact[s])), s))
    while sum(shares) < total and any(shares[s] < lengths[s] for s in range(len(lengths))):
        for s in by_remainder:
            if sum(shares) < total and shares[s] < lengths[s]:
                shares[s] += 1
    return shares


def _representative(part: range, contrast: list[float]) -> int:
    """The middle sample of `part`, or the nearest one to it that is not near-blank."""
    middle = part[len(part) // 2]
    if contrast[middle] >= BLANK_STD:
        return middle
    return max(part, key=lambda i: (contrast[i] >= BLANK_STD, -abs(i - middle), contrast[i]))


def _layout(picture: Image.Image) -> np.ndarray:
    """16x16 greyscale, zero mean and unit variance (all zero for a flat frame: it never correlates)."""
    return _layout_of(np.asarray(picture.convert("L").resize((16, 16), Image.Resampling.BOX)))


def _layout_of(grey16: np.ndarray) -> np.ndarray:
    grey = np.asarray(grey16, dtype=np.float64)
    spread = grey.std()
    return (grey - grey.mean()) / spread if spread > 1.0 else np.zeros_like(grey)


def _histogram(rgb: np.ndarray) -> np.ndarray:
    """Normalised 4x4x4 colour histogram."""
    q = (rgb >> 6).astype(np.int32)
    codes = (q[..., 0] << 4) | (q[..., 1] << 2) | q[..., 2]
    counts = np.bincount(codes.ravel(), minlength=64).astype(np.float64)
    return counts / max(1.0, counts.sum())


def _positive(value: float) -> float | None:
    return float(value) if value and math.isfinite(value) and value > 0 else None


def _fourcc(value: float) -> str | None:
    code = int(value) if value and math.isfinite(value) else 0
    if code <= 0:
        return None
    text = code.to_bytes(4, "little").decode("latin-1").strip("\x00 ")
    return text if text and text.isprintable() else None
