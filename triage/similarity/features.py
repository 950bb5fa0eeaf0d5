"""Extra per-picture hashes for near-duplicate stacking, from the same decoded picture.

The global pHash and PDQ of a picture match resized, recompressed, brightened,
greyscale, watermarked and slightly cropped copies. They miss copies that are
mirrored, padded with bars, rotated on a larger canvas, cropped by 10%, or
half-covered by a caption band. Each of those is an *aligned* comparison
between a part or a variant of one picture and another picture, so each gets
a 64-bit hash of its own, all of one family (DCT hash of an area-averaged
32x32 greyscale, like pHash):

- ``anchor``: the whole picture. The other hashes are compared with it.
- ``mirror``: the picture flipped left-right (from the anchor's DCT
  coefficients: flipping negates the odd horizontal frequencies).
- ``content``: the picture inside a uniform background — letterbox or
  pillarbox bars, or the corners of a canvas a picture was rotated on — cut
  out and turned upright; absent when there is no such background.
- ``top``, ``bottom``, ``left``, ``right``: the three quarters of the picture
  away from one edge, where a caption band or banner is not.
- ``w00`` ... ``w22``: nine windows of 90% of the width and height on a 3x3
  grid of offsets (0, 5%, 10%): a copy cropped by about 10% is within 2.5%
  of one of them.

Pairs to compare (see ``triage.similarity.stacks``): anchor~anchor,
mirror~anchor, content~anchor, content~content, region~same region,
window~anchor.

The content box is found on a greyscale of at most 256 pixels a side, the
hashes are averaged from one of at most 128. On the 241x161 working picture
of a BSDS500 photograph it all costs 0.5-1 ms of CPU (twice what
``hash_picture`` costs for pHash, dHash and PDQ together).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

__all__ = [
    "EXTRA_HASH_NAMES",
    "ExtraHashArrays",
    "pack_extra_hashes",
    "unpack_extra_hashes",
    "REGIONS",
    "WINDOWS",
    "ContentBox",
    "content_box",
    "upright_content",
    "dct_hashes",
    "extra_hashes",
    "extra_hashes_from_grey",
    "grey_array",
]

WORKING_SIDE = 256
"""Longest side of the greyscale the hashes are computed from."""

HASH_SIDE = 32
"""Side of the area-averaged square each hash is the DCT of (as pHash)."""

SQUARES_SIDE = 128
"""Longest side the squares are averaged from (the content box is found at `WORKING_SIDE`)."""

# Fractions of width and height: (x0, y0, x1, y1).
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "top": (0.0, 0.0, 1.0, 0.75),
    "bottom": (0.0, 0.25, 1.0, 1.0),
    "left": (0.0, 0.0, 0.75, 1.0),
    "right": (0.25, 0.0, 1.0, 1.0),
}
WINDOW_SCALE = 0.9
WINDOWS: dict[str, tuple[float, float, float, float]] = {
    f"w{j}{i}": (ox, oy, ox + WINDOW_SCALE, oy + WINDOW_SCALE)
    for j, oy in enumerate((0.0, 0.05, 0.1))
    for i, ox in enumerate((0.0, 0.05, 0.1))
}
EXTRA_HASH_NAMES: tuple[str, ...] = ("anchor", "mirror", "content", *REGIONS, *WINDOWS)
"""Every key ``extra_hashes`` returns, in a fixed order (for storing them as one array)."""

# Orthonormal DCT-II rows for the 8 lowest frequencies of a 32-sample signal.
_K = np.arange(8)[:, None]
_N = np.arange(HASH_SIDE)[None, :]
_DCT8 = (np.cos(np.pi * (2 * _N + 1) * _K / (2 * HASH_SIDE)) * np.sqrt(2.0 / HASH_SIDE)).astype(np.float64)
_DCT8[0] /= np.sqrt(2.0)
# Flipping left-right multiplies horizontal frequency v by (-1)**v.
_MIRROR_SIGNS = np.where(np.arange(8) % 2 == 0, 1.0, -1.0)[None, :]
_BIT_VALUES = np.uint64(1) << np.arange(63, -1, -1, dtype=np.uint64)  # first coefficient = top bit


def grey_array(image: Image.Image, side: int = WORKING_SIDE) -> np.ndarray:
    """The picture as uint8 greyscale, area-reduced so its longest side is at most `side`."""
    return _reduced(np.asarray(image if image.mode == "L" else image.convert("L")), side)


def _reduced(grey: np.ndarray, side: int) -> np.ndarray:
    h, w = grey.shape
    if max(h, w) > side:
        scale = side / max(h, w)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(grey)


def _area_squares(grey: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Area averages of each box (fractions x0, y0, x1, y1) over a 32x32 grid: (k, 32, 32).

    Exact box filtering with fractional edges, for all boxes at once: the
    integral image of a piecewise-constant picture is bilinear between pixel
    corners, so interpolating it at the grid lines gives each cell's sum.
    """
    h, w = grey.shape
    integral = cv2.integral(grey, sdepth=cv2.CV_64F).ravel()  # (h + 1) x (w + 1)
    xs = np.clip((boxes[:, 0:1] + (boxes[:, 2:3] - boxes[:, 0:1]) * _STEPS) * w, 0, w)  # (k, 33)
    ys = np.clip((boxes[:, 1:2] + (boxes[:, 3:4] - boxes[:, 1:2]) * _STEPS) * h, 0, h)
    x0 = np.minimum(xs.astype(np.int64), w - 1)
    y0 = np.minimum(ys.astype(np.int64), h - 1)
    fx = (xs - x0)[:, None, :]
    fy = (ys - y0)[:, :, None]
    at = y0[:, :, None] * (w + 1) + x0[:, None, :]
    v = integral.take(at[None] + np.array([0, 1, w + 1, w + 2])[:, None, None, None])
    top = v[0] + (v[1] - v[0]) * fx
    corners = top + (v[2] + (v[3] - v[2]) * fx - top) * fy
    sums = corners[:, 1:, 1:] - corners[:, :-1, 1:] - corners[:, 1:, :-1] + corners[:, :-1, :-1]
    areas = np.diff(ys, axis=1)[:, :, None] * np.diff(xs, axis=1)[:, None, :]
    return sums / np.maximum(areas, 1e-9)


_STEPS = np.linspace(0.0, 1.0, HASH_SIDE + 1)[None, :]
_PATCH_BOXES = np.array([(0.0, 0.0, 1.0, 1.0), *REGIONS.values(), *WINDOWS.values()], dtype=np.float64)
_WHOLE = _PATCH_BOXES[:1]


def _bits(low: np.ndarray) -> np.ndarray:
    """64-bit hashes from (k, 8, 8) low-frequency blocks: coefficient above the block's median."""
    flat = low.reshape(len(low), 64)
    above = flat > np.median(flat, axis=1, keepdims=True)
    return (above * _BIT_VALUES).sum(axis=1, dtype=np.uint64)


def dct_hashes(patches: np.ndarray) -> np.ndarray:
    """The hash of each (32, 32) patch of a (k, 32, 32) stack, as uint64."""
    low = _DCT8 @ patches @ _DCT8.T
    return _bits(low)


@dataclass(frozen=True)
class ContentBox:
    """Where the picture lies inside a uniform background: a rectangle turned by `angle` degrees."""

    center: tuple[float, float]
    size: tuple[float, float]  # width, height
    angle: float
    background: int  # the background's grey level


def content_box(grey: np.ndarray, *, tolerance: int = 14, min_border: float = 0.3,
                min_area: float = 0.3, min_fill: float = 0.5, min_outside: float = 0.95) -> ContentBox | None:
    """The rectangle of picture inside bars or rotated-canvas corners, if there is one.

    The background colour is what at least two corners agree on; it must make
    up `min_border` of the outermost pixels. Background is the near-colour
    area connected to the edge; the picture is the smallest rotated rectangle
    holding the rest. It must cover `min_area` of the frame and leave at
    least 2% of it, the frame outside it must be background (`min_outside`),
    and inside it at least `min_fill` must not be: dark parts of a picture
    on black bars join the background, so the inside need not be full.
    """
    h, w = grey.shape
    if h < 16 or w < 16:
        return None
    corners = np.array([grey[:3, :3].mean(), grey[:3, -3:].mean(), grey[-3:, :3].mean(), grey[-3:, -3:].mean()])
    colour = int(round(float(np.median(corners))))
    if np.count_nonzero(np.abs(corners - colour) <= tolerance) < 2:
        return None
    ring = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]]).astype(np.int16)
    if np.mean(np.abs(ring - colour) <= tolerance) < min_border:
        return None
    near = (np.abs(grey.astype(np.int16) - colour) <= tolerance).astype(np.uint8)
    count, labels = cv2.connectedComponents(near, connectivity=4)  # label 0: not near the colour
    touches_edge = np.zeros(count, bool)
    touches_edge[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = True
    touches_edge[0] = False
    background = touches_edge[labels]
    foreground = (~background).astype(np.uint8)
    filled = int(foreground.sum())
    if filled < min_area * h * w:
        return None
    contours, _ = cv2.findContours(foreground, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(np.concatenate(contours))
    while angle > 45:
        angle -= 90
        rw, rh = rh, rw
    while angle < -45:
        angle += 90
        rw, rh = rh, rw
    area = rw * rh
    if area < min_area * h * w or area > 0.98 * h * w or filled < min_fill * area:
        return None
    inside = np.zeros_like(foreground)
    cv2.fillConvexPoly(inside, np.round(cv2.boxPoints(((cx, cy), (rw, rh), angle))).astype(np.int32), 1)
    outside = inside == 0
    if outside.sum() == 0 or background[outside].mean() < min_outside:
        return None
    return ContentBox((float(cx), float(cy)), (float(rw), float(rh)), float(angle), colour)


def upright_content(grey: np.ndarray, box: ContentBox) -> np.ndarray:
    """The part of `grey` inside `box`, turned upright (bars and canvas corners cut away)."""
    (cx, cy), (rw, rh) = box.center, box.size
    if abs(box.angle) < 0.5:
        x0, y0 = int(round(cx - rw / 2)), int(round(cy - rh / 2))
        return grey[max(0, y0):y0 + int(round(rh)), max(0, x0):x0 + int(round(rw))]
    matrix = cv2.getRotationMatrix2D((cx, cy), box.angle, 1.0)
    matrix[0, 2] += rw / 2 - cx
    matrix[1, 2] += rh / 2 - cy
    return cv2.warpAffine(grey, matrix, (max(1, int(round(rw))), max(1, int(round(rh)))),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def extra_hashes_from_grey(grey: np.ndarray) -> dict[str, int | float | None]:
    """`extra_hashes` of an already reduced uint8 greyscale array (see `grey_array`)."""
    stack = _area_squares(_reduced(grey, SQUARES_SIDE), _PATCH_BOXES)
    box = content_box(grey)
    content = None
    if box is not None:
        inside = upright_content(grey, box)
        if inside.shape[0] >= 8 and inside.shape[1] >= 8:
            content = _area_squares(_reduced(inside, SQUARES_SIDE), _WHOLE)
            stack = np.concatenate([stack, content])
    low = _DCT8 @ stack @ _DCT8.T
    mirrored = low[:1] * _MIRROR_SIGNS
    values = _bits(np.concatenate([low, mirrored]))
    n_regions, n_windows = len(REGIONS), len(WINDOWS)
    out: dict[str, int | float | None] = {"anchor": int(values[0]), "mirror": int(values[-1])}
    out["content"] = int(values[1 + n_regions + n_windows]) if content is not None else None
    for k, name in enumerate(REGIONS):
        out[name] = int(values[1 + k])
    for k, name in enumerate(WINDOWS):
        out[name] = int(values[1 + n_regions + k])
    result: dict[str, int | float | None] = {name: out[name] for name in EXTRA_HASH_NAMES}
    h, w = grey.shape
    result["content_area"] = 1.0 if box is None else min(1.0, box.size[0] * box.size[1] / (h * w))
    return result


def extra_hashes(image: Image.Image) -> dict[str, int | float | None]:
    """The extra hashes of a decoded picture.

    Returns each of `EXTRA_HASH_NAMES` -> unsigned 64-bit int (``content``
    None when the picture has no uniform background), and ``content_area``:
    the fraction of the frame that is picture (1.0 without bars or corners;
    the stacks rank copies by the pixels of picture they hold).

    Call it on the working picture the other perceptual hashes come from
    (any mode; it is converted to greyscale and reduced to 256 pixels a side).
    `pack_extra_hashes` turns the result into 134 bytes for the case store.
    """
    return extra_hashes_from_grey(grey_array(image))


_PACKED = struct.Struct(">H16Qf")
PACKED_SIZE = _PACKED.size
"""Bytes of one packed record: presence bits, 16 hashes, content area."""


def pack_extra_hashes(hashes: dict) -> bytes:
    """`extra_hashes`' result as 134 bytes (big-endian; absent hashes are 0 with their bit clear)."""
    present = 0
    values = []
    for k, name in enumerate(EXTRA_HASH_NAMES):
        value = hashes.get(name)
        if value is not None:
            present |= 1 << k
        values.append(int(value or 0))
    return _PACKED.pack(present, *values, float(hashes.get("content_area", 1.0)))


@dataclass
class ExtraHashArrays:
    """Extra hashes of many pictures: ``hashes[:, k]`` is `EXTRA_HASH_NAMES[k]`."""

    hashes: np.ndarray  # (n, 16) uint64
    present: np.ndarray  # (n, 16) bool
    content_area: np.ndarray  # (n,) float

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        k = EXTRA_HASH_NAMES.index(name)
        return self.hashes[:, k], self.present[:, k]

    def take(self, rows: np.ndarray) -> "ExtraHashArrays":
        return ExtraHashArrays(self.hashes[rows], self.present[rows], self.content_area[rows])


def unpack_extra_hashes(records) -> ExtraHashArrays:
    """Arrays from packed records (bytes) or from `extra_hashes` dicts, one per picture."""
    records = list(records)
    n = len(records)
    hashes = np.zeros((n, len(EXTRA_HASH_NAMES)), np.uint64)
    present = np.zeros((n, len(EXTRA_HASH_NAMES)), bool)
    area = np.ones(n, np.float64)
    if n and isinstance(records[0], (bytes, bytearray, memoryview)):
        raw = np.frombuffer(b"".join(bytes(r) for r in records), dtype=np.dtype([
            ("present", ">u2"), ("hashes", ">u8", (len(EXTRA_HASH_NAMES),)), ("area", ">f4")]))
        hashes[:] = raw["hashes"]
        present[:] = (raw["present"][:, None].astype(np.int64) >> np.arange(len(EXTRA_HASH_NAMES))) & 1
        area[:] = raw["area"]
        return ExtraHashArrays(hashes, present, area)
    for row, record in enumerate(records):
        for k, name in enumerate(EXTRA_HASH_NAMES):
            value = record.get(name)
            if value is not None:
                hashes[row, k] = value
                present[row, k] = True
        area[row] = record.get("content_area", 1.0)
    return ExtraHashArrays(hashes, present, area)
