"""Where two aligned pictures differ, and whether an edit explains the difference.

A stack shows one tile, so it may hold copies of one picture but never
another picture that shares its setting (a series: the same room, another
pose or object over a quarter of the frame) or its template (flags, signs,
icons, playing cards). Once a candidate pair is aligned (``verify``), the
pixels say which it is:

1. Difference map: after fitting one picture's grey levels to the other's
   (brightness, contrast, greyscale), a pixel differs when it lies outside
   the other picture's 3x3 neighbourhood range *both ways*. Taking the
   smaller of the two ways makes thin marks added on one side (text, a
   watermark, a caption's letters) and edges off by a pixel vanish, so only
   areas that changed as a whole are left.
2. Regions: the differing pixels, closed and split into connected parts;
   parts under `min_region` of the overlap are noise.
3. Each region is explained by an edit when, in either picture, it is
   near-uniform (a band, bars, a box laid over the picture: most pixels
   within a few grey levels) or when both agree once blurred (a blur or
   pixelation keeps the coarse picture). Anything else is other picture
   content — a person, an object, another pose — and the pair is two
   pictures.

Colour counts as well as grey (Lab chroma), except where one side is
greyscale: a greyscale copy has lost its colour, not changed it.

Graphics (flat backgrounds, icons, flags, signs, diagrams) follow stricter
rules when both pictures are graphics: there, a flat area against a drawn
one *is* the difference between two pictures (an icon with or without an
emblem), a grey icon beside a coloured one is a theme's other variant, and a
different label is a different picture. So no region is excused, colour is
compared even against greyscale, thin marks count, and a region counts from
`graphic_min_region` of the overlap.

Measured on ``bench/neardup.py`` (series: BSDS500 photographs with another
photograph's piece over 1/4-1/3 of the frame; graphics: Debian's flags and
Oxygen icons).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["Region", "RegionSettings", "differing_regions", "background_share", "is_graphic", "unexplained_area"]

_K3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class RegionSettings:
    pixel_difference: float = 24.0
    """Grey levels (0-255) a pixel must differ by, beyond its neighbourhood, to count."""
    mark_difference: float = 48.0
    """Grey levels a thin mark must differ by to count, in graphics (a faint outline redrawn
    at another size differs by up to 35; a label's letters by far more)."""
    chroma_difference: float = 18.0
    graphic_chroma_difference: float = 12.0
    """The same for graphics, where a pale blue icon beside a grey one is another icon."""
    """Lab a*/b* units (OpenCV's 0-255 scale) a graphic's pixel must differ by in colour."""
    min_region: float = 0.03
    """Fraction of the overlap under which a differing part of a photograph is noise."""
    graphic_min_region: float = 0.005
    """The same for graphics, where a small emblem or symbol is the whole difference."""
    graphic_mark: float = 0.001
    """Fraction of the overlap from which a graphic's smaller differing part still counts
    towards `graphic_min_region` with the others: scattered marks (rain or snow drops, a
    pattern of digits) over one template are another picture, each mark alone too small.
    On the graphics row of bench/neardup.py: different pairs stacked 1.22% without this
    rule, 0.75% / 0.83% / 1.04% from 0.0005 / 0.001 / 0.002; copies stacked 80.6% without,
    73.6% / 74.5% / 76.7% (a JPEG's ringing round an icon's edges adds up too)."""
    uniform_spread: int = 5
    uniform_share: float = 0.6
    """A region is near-uniform when this share of its pixels is within `uniform_spread` of its median."""
    max_edit: float = 0.45
    """Largest fraction of the overlap an edit may cover (a caption band covers a quarter or a third):
    beyond it, a uniform or blurred region is the picture itself, not something laid over it."""
    blur_sigma: float = 3.0
    blur_difference: float = 10.0
    """Mean grey difference, both blurred by `blur_sigma` pixels, under which a region is a blur of the other."""
    graphic_background: float = 0.6
    """Share of the frame's edge on one background (see `background_share`) from which a
    picture is a graphic (0.7% of BSDS500 photographs, 98.9% of the flags and icons)."""
    graphic_min_level: float = 48.0
    """Grey level the background must reach: a black edge is a photograph's night or shadow."""
    grey_chroma: float = 4.0
    """Mean Lab chroma under which a picture is greyscale (its colour is not compared)."""


@dataclass(frozen=True)
class Region:
    area: float  # fraction of the overlap
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the frame
    kind: str  # "uniform", "blur" (explained by an edit) or "content"


def _ring(grey: np.ndarray) -> np.ndarray:
    return np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]]).astype(np.int16)


def background_share(grey: np.ndarray) -> float:
    """Share of the outermost ring of pixels within 4 grey levels of the ring's median.

    Graphics are drawn on a background (an icon's white, a flag's frame, a
    sign's or a diagram's plain ground): median 98% on Debian's flags and
    Oxygen icons, 5th percentile 76%. The edge of a photograph is the scene
    going on: median 10%, 95th percentile 29% on BSDS500.
    """
    ring = _ring(grey)
    return float(np.mean(np.abs(ring - np.median(ring)) <= 4))


def is_graphic(grey: np.ndarray, settings: RegionSettings = RegionSettings()) -> bool:
    """Drawn on a plain background that is not black.

    The photographs whose edge is one level (6 of BSDS500's 500) are night,
    shadow or a black vignette; under the graphics' rules their greyscale and
    watermarked copies would not stack. So a black ground does not count
    (a graphic on black follows the photographs' rules, which still compare
    colour and find other content).
    """
    if background_share(grey) < settings.graphic_background:
        return False
    return float(np.median(_ring(grey))) >= settings.graphic_min_level


def _tolerant_difference(a: np.ndarray, b: np.ndarray, thin: bool = False) -> np.ndarray:
    """Per pixel, how far each picture lies outside the other's 3x3 range.

    The smaller of the two ways, so that a thin mark on one side (text, a
    watermark) does not count; the larger with `thin`, for graphics, where a
    different label or symbol is the difference between two pictures.
    """
    def outside(x, y):
        return np.maximum(0, np.maximum(y - cv2.dilate(x, _K3), cv2.erode(x, _K3) - y))

    return (np.maximum if thin else np.minimum)(outside(a, b), outside(b, a))


def _fit_levels(a: np.ndarray, b: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """`a`'s grey levels mapped linearly onto `b`'s (brightness, contrast, greyscale).

    Least squares twice, the second time on the 60% of pixels the first fit
    explains best, so that a band or a pasted object does not bend the fit.
    """
    use = covered & (a > 4) & (a < 251) & (b > 4) & (b < 251)
    for _ in range(2):
        if use.sum() < 32 or a[use].std() < 1.0:
            return a
        gain, offset = np.polyfit(a[use], b[use], 1)
        residual = np.abs(a * gain + offset - b)
        use &= residual <= np.percentile(residual[use], 60)
    if not 0.3 < gain < 3.0:
        return a
    return np.clip(a * gain + offset, 0, 255)


def _chroma(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    return lab[:, :, 1:] - 128.0


def differing_regions(a_rgb: np.ndarray, b_rgb: np.ndarray, covered: np.ndarray, graphic: bool,
                      settings: RegionSettings = RegionSettings()) -> list[Region]:
    """The parts of `b`'s frame where `a` (already warped onto it, uint8 RGB) shows something else.

    `covered` marks where the warped `a` has pixels; only there is anything compared.
    """
    covered = cv2.erode(covered.astype(np.uint8), _K3) > 0
    if covered.sum() < 64:
        return []
    a = cv2.cvtColor(a_rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    b = cv2.cvtColor(b_rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    a = _fit_levels(a, b, covered).astype(np.float32)
    differs = _tolerant_difference(a, b) > settings.pixel_difference
    if graphic:  # a different label or symbol: strong thin marks count too
        differs |= _tolerant_difference(a, b, thin=True) > settings.mark_difference
    ca, cb = _chroma(a_rgb), _chroma(b_rgb)
    coloured = min(np.abs(ca[covered]).sum(1).mean(), np.abs(cb[covered]).sum(1).mean()) >= settings.grey_chroma
    # A greyscale copy of a photograph has lost its colour, not changed it; a grey icon
    # beside a coloured one is another icon (a theme's disabled or plain variant).
    if coloured or graphic:
        for k in range(2):
            limit = settings.graphic_chroma_difference if graphic else settings.chroma_difference
            differs |= _tolerant_difference(ca[:, :, k], cb[:, :, k], graphic) > limit
    differs = (differs & covered).astype(np.uint8)
    differs = cv2.morphologyEx(differs, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)) & covered
    count, labels, stats, _ = cv2.connectedComponentsWithStats(differs.astype(np.uint8), connectivity=8)
    total = float(covered.sum())
    floor = settings.graphic_min_region if graphic else settings.min_region
    h, w = b.shape
    regions = []
    marks = []  # a graphic's parts under the floor, which count together
    for k in range(1, count):
        area = stats[k, cv2.CC_STAT_AREA] / total
        if area < floor:
            if graphic and area >= settings.graphic_mark:
                marks.append(k)
            continue
        x, y, bw, bh = stats[k, :4]
        inside = labels == k
        kind = "content" if graphic or area > settings.max_edit else _explained(a, b, inside, settings)
        regions.append(Region(float(area), (x / w, y / h, (x + bw) / w, (y + bh) / h), kind))
    marked = stats[marks, cv2.CC_STAT_AREA].sum() / total if marks else 0.0
    if marked >= floor:
        x0, y0 = stats[marks, 0].min(), stats[marks, 1].min()
        x1 = (stats[marks, 0] + stats[marks, 2]).max()
        y1 = (stats[marks, 1] + stats[marks, 3]).max()
        regions.append(Region(float(marked), (x0 / w, y0 / h, x1 / w, y1 / h), "content"))
    return regions


def _explained(a: np.ndarray, b: np.ndarray, inside: np.ndarray, settings: RegionSettings) -> str:
    """Why a differing region of two photographs differs: an edit ("uniform", "blur") or "content"."""
    for side in (a, b):
        values = side[inside]
        if np.mean(np.abs(values - np.median(values)) <= settings.uniform_spread) >= settings.uniform_share:
            return "uniform"
    blur_a = cv2.GaussianBlur(a, (0, 0), settings.blur_sigma)
    blur_b = cv2.GaussianBlur(b, (0, 0), settings.blur_sigma)
    if float(np.abs(blur_a - blur_b)[inside].mean()) <= settings.blur_difference:
        return "blur"
    return "content"


def unexplained_area(regions: list[Region]) -> float:
    """Fraction of the overlap showing other picture content (0 when edits explain every difference)."""
    return float(sum(r.area for r in regions if r.kind == "content"))
