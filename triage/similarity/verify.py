"""Is a candidate pair the same picture? Local features, a geometric fit, then the pixels.

1. ORB keypoints on both pictures reduced to 256 pixels a side (a thumbnail
   is enough), matched with Lowe's ratio test.
2. RANSAC fits an affine map (crop, scale, stretch, small rotation) to the
   matches; a pair needs `min_inliers` consistent matches.
3. The first picture is warped onto the second with that map and both are
   compared cell by cell on a 4x4 grid (normalised cross-correlation of a
   96-pixel greyscale): most overlapping cells must agree.

Step 3 is what keeps different pictures apart when they share an overlay:
two photographs with the same caption, watermark or rotated-canvas corners
give consistent matches on the overlay alone, but their other cells do not
agree; cells flat in both pictures (bars, canvas corners, a plain band) are
left out of the count. Measured on 1,798 false and 6,000 true candidate
pairs of the BSDS500 benchmark (``bench/neardup.py``): 99.6% of the true
pairs pass, none of the false ones.
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


@dataclass
class LocalFeatures:
    points: np.ndarray  # (k, 2) float32, x y in `grey`
    descriptors: np.ndarray | None  # (k, 32) uint8
    grey: np.ndarray  # uint8, the reduced picture the points are in


@dataclass
class Match:
    inliers: int
    cells: int
    agreeing: int
    same: bool


_local = threading.local()


def _orb(settings: VerifySettings):
    key = (settings.features,)
    if getattr(_local, "key", None) != key:
        _local.orb = cv2.ORB_create(nfeatures=settings.features, scaleFactor=1.2, nlevels=6,
                                    edgeThreshold=15, patchSize=15, fastThreshold=12)
        _local.matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
        _local.key = key
    return _local.orb, _local.matcher


def _grey(picture, side: int) -> np.ndarray:
    if isinstance(picture, Image.Image):
        picture = np.asarray(picture if picture.mode == "L" else picture.convert("L"))
    grey = np.asarray(picture)
    if grey.ndim == 3:
        grey = cv2.cvtColor(grey, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    if max(h, w) > side:
        scale = side / max(h, w)
        grey = cv2.resize(grey, (max(8, round(w * scale)), max(8, round(h * scale))),
                          interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(grey, dtype=np.uint8)


def local_features(picture, *, mirrored: bool = False, settings: VerifySettings = VerifySettings()) -> LocalFeatures:
    """Keypoints and descriptors of a picture (PIL image or array), optionally flipped left-right."""
    grey = _grey(picture, settings.side)
    if mirrored:
        grey = np.ascontiguousarray(grey[:, ::-1])
    orb, _ = _orb(settings)
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return LocalFeatures(points, descriptors, grey)


def match(a: LocalFeatures, b: LocalFeatures, settings: VerifySettings = VerifySettings()) -> Match:
    """Whether `a` and `b` show the same picture (up to crop, scale, stretch, small rotation)."""
    none = Match(0, 0, 0, False)
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
        return Match(count, 0, 0, False)
    cells, agreeing = _cells_agreeing(a.grey, b.grey, fitted, settings)
    same = cells >= settings.min_cells and agreeing >= settings.min_agreeing * cells
    return Match(count, cells, agreeing, same)


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
        return match(self.features(a), self.features(b, mirrored), self.settings)

    def __call__(self, ids_a: np.ndarray, ids_b: np.ndarray, mirrored: np.ndarray) -> np.ndarray:
        pairs = list(zip(np.asarray(ids_a).tolist(), np.asarray(ids_b).tolist(),
                         np.asarray(mirrored, bool).tolist()))
        self.pairs += len(pairs)
        if self.threads > 1 and len(pairs) > 16:
            with ThreadPoolExecutor(self.threads) as pool:
                found = list(pool.map(self._one, pairs, chunksize=32))
        else:
            found = [self._one(p) for p in pairs]
        return np.array([m.same for m in found], bool)
