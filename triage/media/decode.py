"""Decode a picture once, at the smallest scale every value derived from it needs.

The perceptual hashes need a few dozen pixels a side and the thumbnail about
256, so a 12-megapixel JPEG is decoded at 1/8 scale by libjpeg itself
(Pillow's ``draft``: the DCT is scaled, most of the work is never done), and
any other picture still larger than needed is box-reduced by a whole factor
right after decoding. The result, the *working picture*, has its longest side
between ``WORKING_SIZE`` and twice that (smaller only where the original is),
is oriented as its EXIF says, and is in mode RGB or L, transparency laid on
white as viewers show it.

Bad input never escapes as anything but :class:`DecodeError`, whose message
is meant for the item's error column: truncated or corrupt data, a format
Pillow cannot read, or a decompression bomb. The bomb guard is Pillow's own
limit (it raises at twice ``Image.MAX_IMAGE_PIXELS``) applied to the pixels
actually decoded, so a genuine 200-megapixel phone JPEG, decoded at 1/8, is
not refused, while a PNG of the same size is.
"""

from __future__ import annotations

import io
import os
import threading
from contextlib import contextmanager
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageFile, JpegImagePlugin, UnidentifiedImageError

try:  # HEIC/HEIF/AVIF; without it those pictures get a clear "cannot read" error.
    import pillow_heif
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

WORKING_SIZE = 224
"""Longest side the working picture is decoded or reduced to, at least (thumbnails are at most 256)."""

MIN_HASH_SIDE = 64
"""Shortest side kept at least this long, so PDQ's 64x64 average never has to stretch."""

WHITE = 255

# Modes whose samples Image.reduce may average as they are (not palette indexes, not 1-bit).
_REDUCE_AS_STORED = {"L", "LA", "La", "RGB", "RGBA", "RGBa", "CMYK", "YCbCr", "LAB", "I", "F"}

_TRANSPOSE = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}

Source = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO


class DecodeError(Exception):
    """The picture cannot be decoded; the message says why."""


@dataclass
class DecodedPicture:
    picture: Image.Image
    """The working picture: first frame, oriented, mode RGB or L, longest side about 224-448."""
    width: int
    """Full width as displayed, that is after the EXIF orientation (not the working picture's)."""
    height: int
    format: str
    """Pillow's name for the format: JPEG, PNG, GIF, WEBP, HEIF, TIFF, ..."""
    reduction: int
    """How many times smaller the working picture is than the original (1 = full size)."""
    orientation: int
    """The EXIF orientation applied (1 = as stored)."""
    animated: bool
    """The file holds more than one frame (the first one was decoded)."""


def decode_picture(source: Source, *, working_size: int = WORKING_SIZE,
                   max_pixels: int | None = None) -> DecodedPicture:
    """Decode the first frame of a picture at working size; raises DecodeError on bad input.

    `max_pixels` bounds the pixels decoded; the default is Pillow's error threshold,
    ``2 * Image.MAX_IMAGE_PIXELS`` (no bound when that is None).
    """
    if max_pixels is None and Image.MAX_IMAGE_PIXELS:
        max_pixels = 2 * Image.MAX_IMAGE_PIXELS
    fp, close = _open_source(source)
    try:
        return _decode(fp, working_size, max_pixels)
    except DecodeError:
        raise
    except MemoryError:
        raise DecodeError("not enough memory to decode the picture") from None
    except Exception as exc:  # Pillow and its plugins raise many kinds on bad data
        raise DecodeError(_describe(exc)) from exc
    finally:
        if close:
            fp.close()


def _decode(fp: BinaryIO, working_size: int, max_pixels: int | None) -> DecodedPicture:
    with _declared_size_unchecked():
        try:
            im = Image.open(fp)
        except UnidentifiedImageError:
            raise DecodeError("not a picture format that can be decoded") from None
    width, height = im.size
    animated = bool(getattr(im, "is_animated", False))
    if animated:
        im.seek(0)

    reduction = 1
    if isinstance(im, JpegImagePlugin.JpegImageFile):
        scale = _jpeg_scale(width, height, working_size)
        if scale > 1 and im.draft(im.mode, (width // scale, height // scale)):
            reduction = scale
    if max_pixels and im.size[0] * im.size[1] > max_pixels:
        raise DecodeError(
            f"decompression bomb: {width}x{height} pixels, more than the limit of "
            f"{max_pixels:,} decoded pixels")
    needed = im.size[0] * im.size[1] * _bytes_per_pixel(im.mode)
    if needed > MAX_DECODED_BYTES:
        raise DecodeError(
            f"too large to decode: {width}x{height} pixels ({im.mode}) would take "
            f"{needed / 2**20:,.0f} MiB, more than the limit of "
            f"{MAX_DECODED_BYTES / 2**20:,.0f} MiB ($TRIAGE_MAX_DECODE_MB)")
    im.load()

    orientation = _orientation(im)
    # Reduce before flattening where averaging the stored values is right (Pillow averages
    # RGBA premultiplied), so transparency is laid on white over a few pixels, not millions.
    picture = im if im.mode in _REDUCE_AS_STORED else _flatten(im)
    factor = _box_factor(*picture.size, working_size)
    if factor > 1:
        picture = picture.reduce(factor)
        reduction *= factor
    picture = _flatten(picture)
    for step in _TRANSPOSE.get(orientation, ()):
        picture = picture.transpose(step)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return DecodedPicture(picture=picture, width=width, height=height, format=im.format or "",
                          reduction=reduction, orientation=orientation, animated=animated)


@contextmanager
def truncated_allowed():
    """Decode what a cut-short picture holds (the rest left grey) instead of failing: for
    carved pictures, whose end may be lost. Pillow keeps this as a global setting; a worker
    decodes one picture at a time."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


MAX_DECODED_BYTES = int(os.environ.get("TRIAGE_MAX_DECODE_MB", "256")) * 2**20
"""The memory one picture may take once decoded (at decode size), so that a worker stays
within a few hundred MB whatever a file's header claims; $TRIAGE_MAX_DECODE_MB sets it."""


def _bytes_per_pixel(mode: str) -> int:
    """What Pillow holds per pixel in `mode`, and what flattening it costs: deep modes (16-bit,
    32-bit, float) are scaled through a float64 array on their way to 8 bits."""
    if mode in ("1", "L", "P"):
        return 1
    if mode in ("LA", "La", "PA"):
        return 4
    if mode.startswith(("I", "F")):
        return 4 + 8
    return 4  # RGB, RGBA, CMYK, YCbCr… are 4 bytes a pixel in Pillow


def _jpeg_scale(width: int, height: int, working_size: int) -> int:
    """Largest libjpeg scale (8, 4, 2) that keeps the working picture big enough, else 1."""
    for scale in (8, 4, 2):
        if (-(-max(width, height) // scale) >= working_size
                and -(-min(width, height) // scale) >= MIN_HASH_SIDE):
            return scale
    return 1


def _box_factor(width: int, height: int, working_size: int) -> int:
    """Whole factor to box-reduce a decoded picture by, keeping it at least working size."""
    return max(1, min(max(width, height) // working_size, min(width, height) // MIN_HASH_SIDE))


def _orientation(im: Image.Image) -> int:
    try:
        value = int(im.getexif().get(0x0112, 1))
    except Exception:  # a broken EXIF block must not lose the picture
        return 1
    return value if value in _TRANSPOSE else 1


def _flatten(im: Image.Image) -> Image.Image:
    """Mode RGB or L: transparency laid on white, 16-bit and float scaled to 8 bits, CMYK etc. to RGB."""
    mode = im.mode
    if mode in ("RGB", "L"):
        return im
    if mode == "1":
        return im.convert("L")
    if mode in ("I", "F") or mode.startswith("I;16"):
        return _grey_from_wide(im)
    if mode in ("LA", "La"):
        im, base_mode = im.convert("LA"), "L"
    elif mode in ("RGBA", "RGBa", "PA") or (mode == "P" and "transparency" in im.info):
        im, base_mode = im.convert("RGBA"), "RGB"
    else:
        return im.convert("RGB")
    base = Image.new(base_mode, im.size, WHITE if base_mode == "L" else (WHITE,) * 3)
    base.paste(im.convert(base_mode), mask=im.getchannel("A"))
    return base


def _grey_from_wide(im: Image.Image) -> Image.Image:
    """8-bit greyscale from 16/32-bit integer or float samples, scaled to their nominal range."""
    values = np.asarray(im).astype(np.float64)
    if im.mode == "F":
        top = 1.0 if values.size and np.nanmax(values) <= 1.0 else 255.0
    elif im.mode.startswith("I;16") or (values.size and values.max() > 255):
        top = 65535.0
    else:
        top = 255.0
    scaled = np.nan_to_num(values * (255.0 / top), nan=0.0)
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), "L")


def _declared_size_unchecked() -> "_DeclaredSizeUnchecked":
    """Let Image.open accept any declared size; the bound is applied to the decode size instead."""
    return _DeclaredSizeUnchecked()


class _DeclaredSizeUnchecked:
    # Pillow reads its limit from a module global when opening; worker processes
    # decode one picture at a time, and the lock covers threads within one process.
    _lock = threading.Lock()

    def __enter__(self) -> "_DeclaredSizeUnchecked":
        self._lock.acquire()
        self._saved = Image.MAX_IMAGE_PIXELS
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = None
        return self

    def __exit__(self, *exc) -> bool:
        Image.MAX_IMAGE_PIXELS = self._saved
        self._warnings.__exit__(*exc)
        self._lock.release()
        return False


def _open_source(source: Source) -> tuple[BinaryIO, bool]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source), True
    if isinstance(source, (str, os.PathLike)):
        return open(Path(source), "rb"), True
    return source, False


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "truncated" in lowered or isinstance(exc, EOFError):
        return f"truncated picture: {text}"
    if isinstance(exc, Image.DecompressionBombError):
        return f"decompression bomb: {text}"
    return f"corrupt picture ({type(exc).__name__}): {text}"
