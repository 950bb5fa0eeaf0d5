"""Everything one worker derives from one media item's bytes, in one call.

:func:`analyse` is what a worker process runs once per media (unique content):
it decodes a picture once and takes the perceptual hashes, the thumbnail and
the size from that decode, reads the EXIF from the same bytes, or, for a
video, probes it and hashes its keyframes like stills. It never raises for
bad input: the reason goes in ``MediaAnalysis.error`` and whatever could
still be read (EXIF of a truncated JPEG, say) stays.

The result is a plain dataclass of strings, numbers and bytes, cheap to
pickle back to the parent (a thumbnail is about 10 kB).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable

from PIL import Image

from triage.hashing.frames import FrameHashes
from triage.hashing.perceptual import hash_picture
from triage.media.decode import DecodeError, decode_picture
from triage.media.exif import read_exif
from triage.media.thumbnail import filmstrip_jpeg, thumbnail_jpeg
from triage.media.video import VideoError, read_video

FEATURELESS_QUALITY = 50
"""PDQ quality under which a picture is near-featureless (flat colour, a blur): it must not stack."""

FILMSTRIP_FRAMES = 6


@dataclass
class Keyframe:
    index: int
    time: float | None
    phash: str
    dhash: str
    pdq: str
    pdq_quality: int
    featureless: bool
    scene_start: bool


@dataclass
class VideoInfo:
    duration: float | None
    fps: float | None
    frame_count: int | None
    codec: str | None
    scenes: int
    keyframes: list[Keyframe] = field(default_factory=list)
    filmstrip: bytes | None = None
    frame_hashes: FrameHashes = field(default_factory=FrameHashes.empty)
    """PDQ of a frame about every second (vPDQ's features), from the same decode."""
    frame_step: int = 1
    """Frames between two hashed frames."""


@dataclass
class MediaAnalysis:
    kind: str
    """"image" or "video"."""
    width: int | None = None
    """Full size as displayed (EXIF orientation applied), not the decode's."""
    height: int | None = None
    format: str | None = None
    """Pillow's format name for pictures (JPEG, PNG, HEIF, ...); None for videos."""
    phash: str | None = None
    """64-bit pHash, 16 hex digits; for a video, None (see ``video.keyframes``)."""
    dhash: str | None = None
    pdq: str | None = None
    """256-bit PDQ, 64 hex digits."""
    pdq_quality: int | None = None
    featureless: bool | None = None
    thumbnail: bytes | None = None
    """JPEG, longest side at most 256; for a video, its first keyframe that is not blank."""
    exif: dict[str, Any] = field(default_factory=dict)
    animated: bool = False
    video: VideoInfo | None = None
    error: str | None = None
    derived: Any = None
    """What the caller's `derive` made of the decoded picture (e.g. extra hashes for stacking)."""


def analyse(source: bytes | str | os.PathLike | BinaryIO, detected_type: str | None,
            derive: Callable[[Image.Image], Any] | None = None,
            on_keyframes: Callable[[list[Image.Image], list[float | None]], None]
            | None = None) -> MediaAnalysis:
    """All per-media values of a picture or video; `detected_type` is the sniffed media type.

    `derive`, if given, is called with a picture's decoded working image, and
    `on_keyframes` with a video's keyframes and their times, so that layers above
    (near-duplicate features, plugins) use the same single decode.
    """
    if detected_type and detected_type.startswith("video/"):
        return analyse_video(source, on_keyframes)
    return analyse_picture(source, derive)


def analyse_picture(source: bytes | str | os.PathLike | BinaryIO,
                    derive: Callable[[Image.Image], Any] | None = None) -> MediaAnalysis:
    result = MediaAnalysis(kind="image")
    try:
        data = _read_all(source)
    except OSError as exc:
        result.error = f"cannot read the file: {exc}"
        return result
    result.exif = read_exif(data)
    try:
        decoded = decode_picture(data)
    except DecodeError as exc:
        result.error = str(exc)
        return result
    hashes = hash_picture(decoded.picture)
    result.width, result.height = decoded.width, decoded.height
    result.format = decoded.format
    result.animated = decoded.animated
    result.phash, result.dhash, result.pdq = hashes.phash, hashes.dhash, hashes.pdq
    result.pdq_quality = hashes.pdq_quality
    result.featureless = hashes.pdq_quality < FEATURELESS_QUALITY
    result.thumbnail = thumbnail_jpeg(decoded.picture)
    if derive is not None:
        result.derived = derive(decoded.picture)
    return result


def analyse_video(source: bytes | str | os.PathLike | BinaryIO,
                  on_keyframes: Callable[[list[Image.Image], list[float | None]], None]
                  | None = None) -> MediaAnalysis:
    result = MediaAnalysis(kind="video")
    try:
        frames = read_video(source)
    except VideoError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # OpenCV raises cv2.error and others on damaged streams
        result.error = f"cannot read the video ({type(exc).__name__}): {exc}"
        return result
    keyframes = []
    for frame in frames.keyframes:
        hashes = hash_picture(frame.picture)
        keyframes.append(Keyframe(
            index=frame.index, time=frame.time, phash=hashes.phash, dhash=hashes.dhash,
            pdq=hashes.pdq, pdq_quality=hashes.pdq_quality,
            featureless=hashes.pdq_quality < FEATURELESS_QUALITY, scene_start=frame.scene_start))
    if on_keyframes is not None and frames.keyframes:
        on_keyframes([frame.picture for frame in frames.keyframes],
                     [frame.time for frame in frames.keyframes])
    informative = [f for f, k in zip(frames.keyframes, keyframes) if not k.featureless] or frames.keyframes
    strip = _evenly(informative, FILMSTRIP_FRAMES)
    result.width, result.height = frames.width, frames.height
    result.thumbnail = thumbnail_jpeg(informative[0].picture) if informative else None
    result.video = VideoInfo(
        duration=frames.duration, fps=frames.fps, frame_count=frames.frame_count,
        codec=frames.codec, scenes=frames.scenes, keyframes=keyframes,
        filmstrip=filmstrip_jpeg([f.picture for f in strip]),
        frame_hashes=frames.frame_hashes, frame_step=frames.frame_step)
    return result


def _evenly(items: list, count: int) -> list:
    if len(items) <= count:
        return list(items)
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def _read_all(source: bytes | str | os.PathLike | BinaryIO) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    return source.read()
