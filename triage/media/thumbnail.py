"""Thumbnails (JPEG bytes) from an already decoded working picture, and video filmstrips."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

THUMBNAIL_SIZE = 256
"""Longest side of a thumbnail; a smaller working picture is kept as it is, never enlarged."""

THUMBNAIL_QUALITY = 75
"""JPEG quality: about 8-12 kB for a 256 px photograph."""

FILMSTRIP_CELL = (160, 120)
"""Box each filmstrip frame is fitted into."""

FILMSTRIP_FRAMES = 6


def fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down, aspect kept, to fit inside `box` (never up)."""
    width, height = size
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shrink(picture: Image.Image, box: tuple[int, int]) -> Image.Image:
    """`picture` fitted into `box`; bicubic as Pillow's own thumbnail() uses."""
    size = fit(picture.size, box)
    if size == picture.size:
        return picture
    return picture.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)


def thumbnail_jpeg(picture: Image.Image, size: int = THUMBNAIL_SIZE,
                   quality: int = THUMBNAIL_QUALITY) -> bytes:
    """JPEG bytes of `picture` (mode RGB or L) with its longest side at most `size`."""
    return _jpeg(shrink(picture, (size, size)), quality)


def filmstrip_jpeg(frames: Sequence[Image.Image], cell: tuple[int, int] = FILMSTRIP_CELL,
                   quality: int = THUMBNAIL_QUALITY) -> bytes | None:
    """One JPEG of the frames side by side, each fitted into `cell`, on black."""
    if not frames:
        return None
    shrunk = [shrink(f.convert("RGB"), cell) for f in frames]
    height = max(f.height for f in shrunk)
    strip = Image.new("RGB", (sum(f.width for f in shrunk), height))
    x = 0
    for f in shrunk:
        strip.paste(f, (x, (height - f.height) // 2))
        x += f.width
    return _jpeg(strip, quality)


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
