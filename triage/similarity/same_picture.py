"""Is a candidate pair the same picture? Local features, a geometric fit, then the pixels.

1. ORB keypoints on both pictures reduced to 256 pixels a side (a thumbnail
   is enough), matched with Lowe's ratio test.
2. RANSAC fits an affine map (crop, scale, stretch, small rotation) to the
   matches; a pair needs `min_inliers` consistent matches.
3. The first picture is warped onto the second with that map and both are
   compared cell by cell on a 4x4 grid (normalised cross-correlation of a
   96-pixel greyscale): most overlapping cells must agree.
4. The differing region is located and classified (``regions``): a
   difference an edit explains (a band, bars, a box, text, a blur) keeps the
   pair, other picture content (an object, a person, another pose over part
   of the same setting) rejects it; graphics must agree in colour too.

Where the features do not fit (too few on flags, icons and signs; unsure
matches on small copies) the two frames are laid on each other instead (a
resized or recompressed copy; or what lies inside bars, for a padded one),
refined by an ECC alignment, then checked by steps 3 (where enough cells
have detail) and 4. Graphics follow the stricter rules of ``regions``, and a
mirrored graphic is another graphic (Mali's flag is Guinea's, mirrored).

Step 3 is what keeps different pictures apart when they share an overlay:
two photographs with the same caption, watermark or rotated-canvas corners
give consistent matches on the overlay alone, but their other cells do not
agree; cells flat in both pictures (bars, canvas corners, a plain band) are
left out of the count. Measured on 1,798 false and 6,000 true candidate
pairs of the BSDS500 benchmark (``bench/neardup.py``): 99.6% of the true
pairs pass, none of the false ones. Step 4 is what keeps a series apart:
with it, no picture of ``bench/neardup.py``'s series row is hidden (11 of
400 without), and 15 of 803 graphics (385 without).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from triage.similarity.features import content_box, upright_content
from triage.similarity.regions import RegionSettings, differing_regions, is_graphic, unexplained_area

__all__ = ["LocalFeatureVerifier", "LocalFeatures", "Match", "VerifySettings", "local_features", "match"]


@dataclass(frozen=True)
class VerifySettings:
    side: int = 256
    """Longest side of the greyscale the features are computed on."""
    features: int = 300
    ratio: float = 0.8
    """Lowe's ratio test on the two nearest descriptors."""
    min_inliers: int = 8
    ransac_threshold: float = 3.0
    """Pixels (at `side`) a match may miss the fitted map by."""
    check_side: int = 96
    """Longest side of the greyscale the cells are compared on."""
    grid: int = 4
    min_cells: int = 4
    """Cells (of grid x grid) the warped picture must cover at least 70% of."""
    cell_correlation: float = 0.5
    min_agreeing: float = 0.6
    """Fraction of covered cells whose correlation must reach `cell_correlation`."""
    colour_side: int = 128
    """Longest side of the colour picture the differing region is looked for on."""
    min_overlap: float = 0.5
    """Share of each frame the other must cover once aligned: a fit on one object that
    moved (a burst) or one shared detail lays a small part of one picture on the other."""
    max_unexplained: float = 0.0
    """Fraction of the overlap that may show other picture content (a region under the
    `regions` floor is already noise, so none beyond it)."""
    regions: RegionSettings = RegionSettings()


@dataclass
class LocalFeatures:
    points: np.ndarray  # (k, 2) float32, x y in `grey`
    descriptors: np.ndarray | None  # (k, 32) uint8
    grey: np.ndarray  # uint8, the reduced picture the points are in
    colour: np.ndarray  # uint8 RGB at `colour_side`, for the differing region
    graphic: bool  # flat enough to follow the graphics' rules (`regions.is_graphic`)


@dataclass
class Match:
    inliers: int
    cells: int
    agreeing: int
    same: bool
    unexplained: float = 0.0  # fraction of the overlap showing other picture content
    aligned_by: str = ""  # "features", "frames" (laid on each other) or "" (not aligned)

    @property
    def related(self) -> bool:
        """Not the same picture, but one laid well on the other with other picture content
        in part of it: the same setting (a series) or the same template."""
        return not self.same and self.unexplained > 0


_local = threading.local()


def _orb(settings: VerifySettings):
    key = (settings.features,)
    if getattr(_local, "key", None) != key:
        _local.orb = cv2.ORB_create(nfeatures=settings.features, scaleFactor=1.2, nlevels=6,
                                    edgeThreshold=15, patchSize=15, fastThreshold=12)
        _local.matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
        _local.key = key
    return _local.orb, _local.matcher


def _rgb(picture) -> np.ndarray:
    if isinstance(picture, Image.Image):
        picture = np.asarray(picture if picture.mode == "RGB" else picture.convert("RGB"))
    rgb = np.asarray(picture)
    if rgb.ndim == 2:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_GRAY2RGB)
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def _reduced(picture: np.ndarray, side: int) -> np.ndarray:
    h, w = picture.shape[:2]
    if max(h, w) > side:
        scale = side / max(h, w)
        picture = cv2.resize(picture, (max(8, round(w * scale)), max(8, round(h * scale))),
                             interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(picture)


def _enlarged(picture: np.ndarray, side: int) -> np.ndarray:
    """A small picture enlarged so its longest side is `side`: the differing region's
    neighbourhood tolerance is in pixels, and at 48 an icon's emblem is one or two wide."""
    h, w = picture.shape[:2]
    if max(h, w) >= side:
        return picture
    scale = side / max(h, w)
    return cv2.resize(picture, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)


def local_features(picture, *, mirrored: bool = False, settings: VerifySettings = VerifySettings()) -> LocalFeatures:
    """Keypoints and descriptors of a picture (PIL image or array), optionally flipped left-right."""
    rgb = _reduced(_rgb(picture), settings.side)
    if mirrored:
        rgb = np.ascontiguousarray(rgb[:, ::-1])
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    colour = _enlarged(_reduced(rgb, settings.colour_side), settings.colour_side // 4 * 3)
    orb, _ = _orb(settings)
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return LocalFeatures(points, descriptors, grey, colour, _graphic(colour, settings))


def _graphic(colour: np.ndarray, settings: VerifySettings) -> bool:
    """Whether the picture, or what lies inside bars it was padded with, is drawn on a plain background.

    An icon on white is a picture inside a uniform background to `content_box`
    too: the frame's edge says graphic there, the content's edge after padding.
    """
    grey = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY)
    if is_graphic(grey, settings.regions):
        return True
    box = content_box(grey)
    if box is None:
        return False
    inside = upright_content(grey, box)[2:-2, 2:-2]  # the box's edge rows are blurred into the bars
    return min(inside.shape) >= 8 and is_graphic(inside, settings.regions)


def match(a: LocalFeatures, b: LocalFeatures, settings: VerifySettings = VerifySettings()) -> Match:
    """Whether `a` and `b` show the same picture (up to crop, scale, stretch, small rotation).

    Aligned by local features where they fit, else (too few, or a fit the
    pixels do not bear out) by laying the frames on each other; either way
    the differing region must be one an edit explains.
    """
    found = _match_features(a, b, settings)
    if found.same:
        found = _Fit(_judge(a, b, _fitted_to_colour(a, b, found.fitted), found.match, "features", settings))
        if found.same:
            return found.match
    # Few features, or a fit the pixels do not bear out (flat pictures give a few unsure
    # matches): the frames laid on each other get a chance, judged by the same rules.
    framed = _match_frames(a, b, settings)
    return framed if framed.same else found.match


@dataclass
class _Fit:
    match: Match
    fitted: np.ndarray | None = None

    @property
    def same(self) -> bool:
        return self.match.same


def _match_features(a: LocalFeatures, b: LocalFeatures, settings: VerifySettings) -> _Fit:
    """ORB matches, a RANSAC affine fit and the 4x4 cell check (steps 1-3)."""
    none = _Fit(Match(0, 0, 0, False))
    if a.descriptors is None or b.descriptors is None or len(a.points) < 8 or len(b.points) < 8:
        return none
    _, matcher = _orb(settings)
    knn = matcher.knnMatch(a.descriptors, b.descriptors, k=2)
    good = [m[0] for m in knn if len(m) == 2 and m[0].distance < settings.ratio * m[1].distance]
    if len(good) < settings.min_inliers:
        return none
    src = a.points[[m.queryIdx for m in good]]
    dst = b.points[[m.trainIdx for m in good]]
    fitted, inliers = cv2.estimateAffine2D(src, dst, method=cv2.RANSAC,
                                           ransacReprojThreshold=settings.ransac_threshold,
                                           maxIters=1000, confidence=0.99)
    count = 0 if fitted is None else int(inliers.sum())
    if count < settings.min_inliers:
        return _Fit(Match(count, 0, 0, False))
    cells, agreeing = _cells_agreeing(a.grey, b.grey, fitted, settings)
    same = cells >= settings.min_cells and agreeing >= settings.min_agreeing * cells
    return _Fit(Match(count, cells, agreeing, same), fitted)


def _colour_scale(f: LocalFeatures) -> np.ndarray:
    return np.diag([f.colour.shape[1] / f.grey.shape[1], f.colour.shape[0] / f.grey.shape[0], 1.0])


def _fitted_to_colour(a: LocalFeatures, b: LocalFeatures, fitted: np.ndarray) -> np.ndarray:
    """The affine map from `a.grey` to `b.grey`, rewritten from `a.colour` to `b.colour`."""
    return (_colour_scale(b) @ np.vstack([fitted, [0, 0, 1]]) @ np.linalg.inv(_colour_scale(a)))[:2]


def _fitted_to_grey(a: LocalFeatures, b: LocalFeatures, to_b: np.ndarray) -> np.ndarray:
    return (np.linalg.inv(_colour_scale(b)) @ np.vstack([to_b, [0, 0, 1]]) @ _colour_scale(a))[:2]


def _judge(a: LocalFeatures, b: LocalFeatures, to_b: np.ndarray, found: Match, aligned_by: str,
           settings: VerifySettings) -> Match:
    """`found` kept as the same picture only if every region where the two differ is an edit.

    The sharper picture is laid onto the coarser one (a small copy's detail
    is gone, not different), then the regions are looked for.
    """
    if abs(np.linalg.det(to_b[:, :2])) > 1.0:
        a, b, to_b = b, a, cv2.invertAffineTransform(to_b)
    h, w = b.colour.shape[:2]
    warped = cv2.warpAffine(a.colour, to_b, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    covered = cv2.warpAffine(np.ones(a.colour.shape[:2], np.uint8), to_b, (w, h), flags=cv2.INTER_NEAREST) > 0
    if min(covered.mean(), _share_covered(b, a, to_b)) < settings.min_overlap:
        return Match(found.inliers, found.cells, found.agreeing, False, 0.0, aligned_by)
    regions = differing_regions(warped, b.colour, covered, a.graphic and b.graphic, settings.regions)
    unexplained = unexplained_area(regions)
    same = found.same and unexplained <= settings.max_unexplained
    return Match(found.inliers, found.cells, found.agreeing, same, unexplained, aligned_by)


def _share_covered(b: LocalFeatures, a: LocalFeatures, to_b: np.ndarray) -> float:
    """Share of `a`'s frame that `b` covers once the fit is undone."""
    h, w = a.colour.shape[:2]
    back = cv2.invertAffineTransform(to_b)
    return float((cv2.warpAffine(np.ones(b.colour.shape[:2], np.uint8), back, (w, h),
                                 flags=cv2.INTER_NEAREST) > 0).mean())


def _match_frames(a: LocalFeatures, b: LocalFeatures, settings: VerifySettings) -> Match:
    """The frames laid on each other, or what lies inside bars on either side (a padded copy).

    The first arrangement whose frames have one shape and whose pixels agree wins.
    """
    found = Match(0, 0, 0, False)
    for fa in _framings(a):
        for fb in _framings(b):
            found = _match_frame(fa, fb, settings)
            if found.same:
                return found
    return found


def _framings(f: LocalFeatures) -> list[LocalFeatures]:
    """The picture, and the picture inside its bars when it has upright ones."""
    out = [f]
    grey = cv2.cvtColor(f.colour, cv2.COLOR_RGB2GRAY)
    box = content_box(grey)
    if box is not None and abs(box.angle) < 0.5:
        (cx, cy), (bw, bh) = box.center, box.size
        x0, y0 = max(0, int(round(cx - bw / 2))), max(0, int(round(cy - bh / 2)))
        x1, y1 = min(grey.shape[1], x0 + int(round(bw))), min(grey.shape[0], y0 + int(round(bh)))
        if x1 - x0 >= 16 and y1 - y0 >= 16:
            sx, sy = f.grey.shape[1] / grey.shape[1], f.grey.shape[0] / grey.shape[0]
            inner_grey = f.grey[round(y0 * sy):round(y1 * sy), round(x0 * sx):round(x1 * sx)]
            out.append(LocalFeatures(f.points[:0], None, np.ascontiguousarray(inner_grey),
                                     np.ascontiguousarray(f.colour[y0:y1, x0:x1]), f.graphic))
    return out


def _match_frame(a: LocalFeatures, b: LocalFeatures, settings: VerifySettings) -> Match:
    """Two frames laid on each other (a resized copy), refined by ECC, then judged by their pixels."""
    (ha, wa), (hb, wb) = a.colour.shape[:2], b.colour.shape[:2]
    if abs(np.log((wa / ha) / (wb / hb))) > 0.1:
        return Match(0, 0, 0, False)  # not the same frame shape: nothing to lay on each other
    sx, sy = wb / wa, hb / ha
    to_b = np.array([[sx, 0, (sx - 1) / 2], [0, sy, (sy - 1) / 2]], np.float64)  # pixel centres onto centres
    to_b = _refined(a, b, to_b)
    cells, agreeing = _cells_agreeing(a.grey, b.grey, _fitted_to_grey(a, b, to_b), settings)
    # Flat pictures have few cells with detail: the cells decide only where there are enough.
    same = cells < settings.min_cells or agreeing >= settings.min_agreeing * cells
    return _judge(a, b, to_b, Match(0, cells, agreeing, same), "frames", settings)


def _refined(a: LocalFeatures, b: LocalFeatures, to_b: np.ndarray) -> np.ndarray:
    """`to_b` improved by ECC (a shift or a crop of a few percent), or as it was if ECC fails."""
    ga = cv2.cvtColor(a.colour, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gb = cv2.cvtColor(b.colour, cv2.COLOR_RGB2GRAY).astype(np.float32)
    # ECC maps template (b) coordinates onto the input (a): start from the inverse.
    start = cv2.invertAffineTransform(to_b).astype(np.float32)
    try:
        _, warp = cv2.findTransformECC(gb, ga, start, cv2.MOTION_AFFINE,
                                       (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 1e-4), None, 3)
    except cv2.error:
        return to_b
    refined = cv2.invertAffineTransform(warp).astype(np.float64)
    scale = np.linalg.svd(refined[:, :2] @ np.linalg.inv(to_b[:, :2]), compute_uv=False)
    if scale.max() > 1.1 or scale.min() < 0.9 or np.abs(refined[:, 2] - to_b[:, 2]).max() > 0.1 * max(b.colour.shape):
        return to_b  # ECC wandered off: keep the plain overlay
    return refined


def _cells_agreeing(grey_a: np.ndarray, grey_b: np.ndarray, fitted: np.ndarray,
                    settings: VerifySettings) -> tuple[int, int]:
    """Warp a onto b (both reduced to `check_side`); count covered cells and agreeing ones."""
    hb, wb = grey_b.shape
    scale = min(1.0, settings.check_side / max(hb, wb))
    size = (max(8, round(wb * scale)), max(8, round(hb * scale)))
    b = cv2.resize(grey_b, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    to_b = np.diag([scale, scale, 1.0]) @ np.vstack([fitted, [0, 0, 1]])
    a = cv2.warpAffine(grey_a.astype(np.float32), to_b[:2], size, flags=cv2.INTER_AREA)
    covered = cv2.warpAffine(np.ones(grey_a.shape, np.uint8), to_b[:2], size, flags=cv2.INTER_NEAREST) > 0
    a = cv2.GaussianBlur(a, (3, 3), 0)
    b = cv2.GaussianBlur(b, (3, 3), 0)
    h, w = b.shape
    ys = np.linspace(0, h, settings.grid + 1).astype(int)
    xs = np.linspace(0, w, settings.grid + 1).astype(int)
    cells = agreeing = 0
    for y0, y1 in zip(ys[:-1], ys[1:]):
        for x0, x1 in zip(xs[:-1], xs[1:]):
            inside = covered[y0:y1, x0:x1]
            if inside.mean() < 0.7:
                continue
            pa, pb = a[y0:y1, x0:x1][inside], b[y0:y1, x0:x1][inside]
            sa, sb = float(pa.std()), float(pb.std())
            if sa < 2.0 and sb < 2.0:
                continue  # flat on both sides (bars, canvas corners, a plain band): no evidence either way
            cells += 1
            if sa < 2.0 or sb < 2.0:
                continue  # flat against detail: disagrees
            correlation = float(((pa - pa.mean()) * (pb - pb.mean())).mean() / (sa * sb))
            agreeing += correlation >= settings.cell_correlation
    return cells, agreeing


class LocalFeatureVerifier:
    """A `triage.similarity.stacks.Verifier` over pictures fetched by id (thumbnails will do).

    `load(id)` returns a PIL image or an array; features are computed once
    per (id, mirrored) and kept for the `cache_size` most recent.
    """

    def __init__(self, load: Callable[[int], object], settings: VerifySettings = VerifySettings(), *,
                 cache_size: int = 20_000, threads: int = 1) -> None:
        self.load = load
        self.settings = settings
        self.cache_size = cache_size
        self.threads = threads
        self._cache: OrderedDict[tuple[int, bool], LocalFeatures] = OrderedDict()
        self._lock = threading.Lock()
        self.pairs = 0
        self.related: list[tuple[int, int]] = []  # pairs found to be of one setting (`Match.related`)

    def features(self, media_id: int, mirrored: bool = False) -> LocalFeatures:
        key = (int(media_id), bool(mirrored))
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        feats = local_features(self.load(key[0]), mirrored=key[1], settings=self.settings)
        with self._lock:
            self._cache[key] = feats
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return feats

    def _one(self, pair) -> Match:
        a, b, mirrored = pair
        fa, fb = self.features(a), self.features(b, mirrored)
        if mirrored and fa.graphic and fb.graphic:
            return Match(0, 0, 0, False)  # a flag or a sign mirrored is another one (Mali and Guinea)
        return match(fa, fb, self.settings)

    def __call__(self, ids_a: np.ndarray, ids_b: np.ndarray, mirrored: np.ndarray) -> np.ndarray:
        pairs = list(zip(np.asarray(ids_a).tolist(), np.asarray(ids_b).tolist(),
                         np.asarray(mirrored, bool).tolist()))
        self.pairs += len(pairs)
        if self.threads > 1 and len(pairs) > 16:
            with ThreadPoolExecutor(self.threads) as pool:
                found = list(pool.map(self._one, pairs, chunksize=32))
        else:
            found = [self._one(p) for p in pairs]
        self.related += [(a, b) for (a, b, _), m in zip(pairs, found) if m.related]
        return np.array([m.same for m in found], bool)
