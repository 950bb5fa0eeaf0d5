"""Near-duplicate stacks on real photographs: recall per transform and false pairs per million.

Each of the BSDS500 photographs (read from the shared test data, never copied)
gets 13 copies made here, each saved as a JPEG (quality 90, except the JPEG
35 copy) and put through the same per-media path as ingest
(``triage.media.decode.decode_picture`` at working size, then
``triage.hashing.perceptual.hash_picture``, ``extra_hashes`` and a
256-pixel thumbnail):

easy   half      half width and height (Lanczos)
       jpeg35    re-encoded at JPEG quality 35
       crop3     3% of the width and of the height cut, split at random between the sides
       bright    brightness x1.3
       grey      greyscale
       watermark "(c) example.com", white at 60% opacity, 1/18 of the height, in a random corner
       thumb     longest side 128
hard   crop10    10% of the width and of the height cut, split at random between the sides
       flip      mirrored left-right
       pad15     bars of 15% of the side on both sides (letterbox or pillarbox; black, or white 30%)
       rot5      turned 5 degrees either way on a canvas grown to hold it (black corners)
       band25    an opaque band (black, white, red or blue) with a caption over the top or bottom quarter
       stretch   width or height x1.3

For each transform it prints the recall of the (original, copy) pairs: same
stack for ours, Hamming distance <= 10 of ``imagehash.phash`` on the full
file for the naive baseline. False pairs per million: pairs of pictures of
different photographs put together, per million such pairs (all of them,
and those with a copy of that transform on one side). Ours are stacks, so a
wrong merge of two stacks counts every pair across them.

    python bench/neardup.py                 # 500 photographs, 7,000 pictures, a few minutes on 2 cores
    python bench/neardup.py --photos 100    # quicker
    python bench/neardup.py --thresholds    # also the per-channel table behind the default radii
    python bench/neardup.py --no-verify     # hashes only (no local-feature check)
    python bench/neardup.py --stress        # also harder copies, outside the goals

Goals (issue 10): easy >= 99% and hard >= 90% recall each, at <= 1 false pair per million.

Then the different pictures that must never share a tile (issue 23), each
printed as pictures hidden behind another picture's tile and copies found,
for naive pHash <= 10 groups and for ours, in the same run:

series    100 settings (the last BSDS500 photographs), 4 pictures each: another
          photograph's piece (ellipse or rectangle) pasted over 1/4-1/3 of the
          frame at a random place; each picture also as a half-size and a hard copy
bursts    50 generated MP4s (OpenCV): a subject in 3 poses a quarter of the frame apart,
          2 s each; frames read back 0.5 s apart (one pose: may stack; poses: must not)
graphics  Debian's iso-flags-png-320x240 and oxygen-icon-theme (128-pixel icons),
          one file per distinct picture; each also as a half-size JPEG and padded

    python bench/neardup.py --only-different   # just those two rows, about a minute
    python bench/neardup.py --series 0 --no-graphics   # just the photographs

Goals: series and bursts 0 pictures hidden; graphics < 1 in 100 stacked pairs different.
"""

from __future__ import annotations

import argparse
import glob
import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.similarity.features import extra_hashes  # noqa: E402
from triage.similarity.index import all_pairs, as_hash_array  # noqa: E402
from triage.similarity.stacks import (  # noqa: E402
    CHANNELS, StackInput, StackSettings, _candidates, _pdq_distance, find_stacks)
from triage.similarity.same_picture import LocalFeatureVerifier  # noqa: E402

PHOTOS = Path(os.environ.get("TRIAGE_TESTDATA", "/work/shared/testdata")) / "photos" / "bsds500"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
EASY = ["half", "jpeg35", "crop3", "bright", "grey", "watermark", "thumb"]
HARD = ["crop10", "flip", "pad15", "rot5", "band25", "stretch"]
NAMES = ["orig", *EASY, *HARD]
NAIVE_RADIUS = 10


# ---------------------------------------------------------------------------
# Transforms
# ---------------------------------------------------------------------------


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def crop(im: Image.Image, cut: float, rng) -> Image.Image:
    w, h = im.size
    cw, ch = round(w * (1 - cut)), round(h * (1 - cut))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    return im.crop((x, y, x + cw, y + ch))


def watermark(im: Image.Image, rng) -> Image.Image:
    im = im.convert("RGBA")
    w, h = im.size
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(8, h // 18))
    text = "\u00a9 example.com"
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    margin = h // 30
    corner = int(rng.integers(0, 4))
    x = margin if corner % 2 == 0 else w - (right - left) - margin
    y = margin if corner < 2 else h - (bottom - top) - margin - top
    draw.text((x, y), text, font=font, fill=(255, 255, 255, 150))
    return Image.alpha_composite(im, layer).convert("RGB")


def pad(im: Image.Image, frac: float, rng) -> Image.Image:
    w, h = im.size
    colour = (0, 0, 0) if rng.random() < 0.7 else (255, 255, 255)
    if rng.random() < 0.5:
        bar = round(h * frac)
        out = Image.new("RGB", (w, h + 2 * bar), colour)
        out.paste(im, (0, bar))
    else:
        bar = round(w * frac)
        out = Image.new("RGB", (w + 2 * bar, h), colour)
        out.paste(im, (bar, 0))
    return out


def rotate(im: Image.Image, degrees: float, rng) -> Image.Image:
    sign = 1 if rng.random() < 0.5 else -1
    return im.rotate(sign * degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))


def band(im: Image.Image, frac: float, rng) -> Image.Image:
    im = im.copy()
    w, h = im.size
    height = round(h * frac)
    y0 = 0 if rng.random() < 0.5 else h - height
    colours = [(0, 0, 0), (255, 255, 255), (200, 30, 30), (20, 40, 120)]
    colour = colours[int(rng.integers(0, len(colours)))]
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, y0, w, y0 + height), fill=colour)
    ink = (255, 255, 255) if sum(colour) < 400 else (0, 0, 0)
    captions = ["when you see it", "monday mood", "caption here", "lol", "no way"]
    draw.text((w // 20, y0 + height // 4), captions[int(rng.integers(0, len(captions)))],
              font=_font(max(8, height // 3)), fill=ink)
    return im


def stretch(im: Image.Image, factor: float, rng) -> Image.Image:
    w, h = im.size
    size = (round(w * factor), h) if rng.random() < 0.5 else (w, round(h * factor))
    return im.resize(size, Image.Resampling.LANCZOS)


TRANSFORMS = {
    "half": lambda im, r: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
    "jpeg35": None,
    "crop3": lambda im, r: crop(im, 0.03, r),
    "bright": lambda im, r: ImageEnhance.Brightness(im).enhance(1.3),
    "grey": lambda im, r: im.convert("L"),
    "watermark": watermark,
    "thumb": lambda im, r: ImageOps.contain(im, (128, 128), Image.Resampling.LANCZOS),
    "crop10": lambda im, r: crop(im, 0.10, r),
    "flip": lambda im, r: ImageOps.mirror(im),
    "pad15": lambda im, r: pad(im, 0.15, r),
    "rot5": lambda im, r: rotate(im, 5, r),
    "band25": lambda im, r: band(im, 0.25, r),
    "stretch": lambda im, r: stretch(im, 1.3, r),
}


STRESS = {
    "crop5": lambda im, r: crop(im, 0.05, r),
    "crop20": lambda im, r: crop(im, 0.20, r),
    "rot2": lambda im, r: rotate(im, 2, r),
    "rot15": lambda im, r: rotate(im, 15, r),
    "flipcrop": lambda im, r: ImageOps.mirror(crop(im, 0.10, r)),
    "padhalf": lambda im, r: pad(im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS), 0.15, r),
    "band40": lambda im, r: band(im, 0.40, r),
    "thumb64": lambda im, r: ImageOps.contain(im, (64, 64), Image.Resampling.LANCZOS),
}
"""Harder or combined copies, outside the issue's goals (``--stress``): where the method ends."""


def _jpeg(im: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def copies(path: str, seed: int, stress: bool = False) -> list[tuple[str, bytes]]:
    """The original file's bytes and each transform's JPEG."""
    raw = Path(path).read_bytes()
    base = Image.open(io.BytesIO(raw)).convert("RGB")
    key = int(Path(path).stem) if Path(path).stem.isdigit() else abs(hash(Path(path).stem)) % 2**31
    out = [("orig", raw)]
    transforms = {**TRANSFORMS, **(STRESS if stress else {})}
    for k, (name, fn) in enumerate(transforms.items()):
        rng = np.random.default_rng([seed, key, k])
        out.append((name, _jpeg(base, 35) if fn is None else _jpeg(fn(base, rng), 90)))
    return out


# ---------------------------------------------------------------------------
# Per-picture work (as ingest does it)
# ---------------------------------------------------------------------------


@dataclass
class Picture:
    photo: int
    transform: str
    naive: int  # imagehash.phash of the full file, as the naive loop computes it
    phash: str
    pdq: str
    quality: int
    width: int
    height: int
    extra: dict
    thumbnail: bytes


def _picture(photo: int, name: str, data: bytes) -> Picture:
    """One file through the ingest path (decode at working size, hashes, thumbnail) and naive pHash."""
    import imagehash

    from triage.hashing.perceptual import hash_picture
    from triage.media.decode import decode_picture
    from triage.media.thumbnail import thumbnail_jpeg

    naive = int(str(imagehash.phash(Image.open(io.BytesIO(data)))), 16)
    decoded = decode_picture(data)
    hashes = hash_picture(decoded.picture)
    return Picture(photo, name, naive, hashes.phash, hashes.pdq, hashes.pdq_quality,
                   decoded.width, decoded.height, extra_hashes(decoded.picture),
                   thumbnail_jpeg(decoded.picture))


def _analyse(job: tuple[int, str, int, bool]) -> list[Picture]:
    photo, path, seed, stress = job
    return [_picture(photo, name, data) for name, data in copies(path, seed, stress)]


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


class Truth:
    def __init__(self, pictures: list[Picture]):
        self.photo = np.array([p.photo for p in pictures])
        self.transform = np.array([p.transform for p in pictures])
        self.names = list(dict.fromkeys(p.transform for p in pictures))
        self.n = len(pictures)
        self.orig = {int(ph): i for i, (ph, t) in enumerate(zip(self.photo, self.transform)) if t == "orig"}
        counts = np.bincount(self.photo)
        self.false_total = self.n * (self.n - 1) // 2 - int((counts * (counts - 1) // 2).sum())
        # Pairs of different photographs with a copy of transform t on at least one side.
        self.false_with = {}
        for t in self.names[1:]:
            is_t = self.transform == t
            others = ~is_t
            m_t = int(is_t.sum())
            # pairs (t, any) of different photos minus those counted twice (t, t)
            all_with_t = m_t * (self.n - 1) - m_t * (m_t - 1) // 2
            same_photo_with_t = int(sum(np.count_nonzero(self.photo[others] == self.photo[i]) for i in np.flatnonzero(is_t)))
            same_photo_t_t = 0  # one copy of each transform per photograph
            self.false_with[t] = all_with_t - same_photo_with_t - same_photo_t_t

    def pair_recall(self, together) -> dict[str, float]:
        """Recall of (original, copy) per transform; `together(i, j) -> bool array`."""
        out = {}
        for t in self.names[1:]:
            copies_ = np.flatnonzero(self.transform == t)
            origs = np.array([self.orig[int(self.photo[i])] for i in copies_])
            out[t] = float(np.mean(together(origs, copies_)))
        return out

    def false_pairs_from_pairs(self, left, right) -> tuple[int, dict[str, int]]:
        wrong = self.photo[left] != self.photo[right]
        left, right = left[wrong], right[wrong]
        per = {t: int(np.count_nonzero((self.transform[left] == t) | (self.transform[right] == t)))
               for t in self.names[1:]}
        return int(wrong.sum()), per

    def false_pairs_from_stacks(self, stack: np.ndarray) -> tuple[int, dict[str, int]]:
        total = 0
        per = {t: 0 for t in self.names[1:]}
        order = np.argsort(stack, kind="stable")
        bounds = np.flatnonzero(np.diff(stack[order])) + 1
        for members in np.split(order, bounds):
            if len(members) < 2:
                continue
            photos = self.photo[members]
            total += _mixed_pairs(photos)
            for t in self.names[1:]:
                is_t = self.transform[members] == t
                if is_t.any():
                    per[t] += _mixed_pairs(photos) - _mixed_pairs(photos[~is_t])
        return total, per


def _mixed_pairs(photos: np.ndarray) -> int:
    n = len(photos)
    counts = np.unique(photos, return_counts=True)[1]
    return n * (n - 1) // 2 - int((counts * (counts - 1) // 2).sum())


def _row(label: str, names: list[str], recall: dict[str, float], false_total: int, truth: Truth) -> str:
    cells = " ".join(f"{recall[t] * 100:6.1f}" for t in names)
    return f"{label:<22} {cells}   {false_total / truth.false_total * 1e6:7.2f} ({false_total})"


def _false_row(label: str, names: list[str], per: dict[str, int], truth: Truth) -> str:
    cells = " ".join(f"{per[t] / truth.false_with[t] * 1e6:6.1f}" for t in names)
    return f"{label:<22} {cells}"


# ---------------------------------------------------------------------------
# Threshold table
# ---------------------------------------------------------------------------


def threshold_table(data: StackInput, truth: Truth, settings: StackSettings) -> None:
    """False pairs and (original, copy) recall per channel around the default radii.

    pHash distances are even (each hash sets 32 of its 64 bits, as the median
    splits the coefficients), so radii go in steps of two.
    """
    rows = np.arange(len(data))
    _, extra = _candidates(data, rows, settings, slack=4, threads=None)
    targets = {"mirror": ["flip"], "content": ["pad15", "rot5"], "region": ["band25", "crop3"],
               "window": ["crop10"], "main": ["crop3", "bright", "watermark"]}
    print(f"\nPer channel: pairs of different photographs within the radius (of {truth.false_total:,}),")
    print("and recall of the transforms the channel is for (default marked *):")

    def show(label, left, right, ok, channel):
        wrong = int(np.count_nonzero(ok & (truth.photo[left] != truth.photo[right])))
        keep = set(_pair_lookup(left[ok], right[ok], truth.n).tolist())
        rec = truth.pair_recall(lambda a, b: np.array([_key(x, y, truth.n) in keep for x, y in zip(a, b)]))
        shown = " ".join(f"{t}:{rec[t] * 100:.1f}" for t in targets[channel])
        print(f"  {label:<28} false {wrong:5d}   {shown}")

    main = all_pairs(data.phash, settings.phash_radius + 4)
    pdq_d = _pdq_distance(data, main.left, main.right)
    for r in range(settings.phash_radius - 4, settings.phash_radius + 5, 2):
        for q in sorted({settings.pdq_radius - 10, settings.pdq_radius, settings.pdq_radius + 20, 256}):
            mark = "*" if (r, q) == (settings.phash_radius, settings.pdq_radius) else " "
            show(f"main pHash<={r:<2d} PDQ<={q:<3d}{mark}", main.left, main.right,
                 (main.distance <= r) & (pdq_d <= q), "main")
    for channel in ("mirror", "content", "region", "window"):
        c = CHANNELS.index(channel)
        sel = extra.where(extra.channel == c)
        base = settings.radius(c)
        for r in range(max(0, base - 4), base + 5, 2):
            mark = "*" if r == base else " "
            show(f"{channel} <={r}{mark}", sel.left, sel.right, sel.distance <= r, channel)


def _key(a, b, n):
    return min(a, b) * n + max(a, b)


def _pair_lookup(left, right, n):
    return np.minimum(left, right).astype(np.int64) * n + np.maximum(left, right)


# ---------------------------------------------------------------------------
# Series and graphics: different pictures that must not stack
# ---------------------------------------------------------------------------

GRAPHICS = Path(os.environ.get("TRIAGE_GRAPHICS", Path.home() / ".cache" / "graphics" / "x"))
"""Debian's iso-flags-png-320x240 and oxygen-icon-theme unpacked here (``dpkg -x``), see bench/README.md."""
SERIES_PER_SETTING = 4


def paste_object(setting: Image.Image, source: Image.Image, rng) -> Image.Image:
    """`setting` with a piece of `source` pasted over 1/4 to 1/3 of the frame at a random place.

    The piece is an ellipse (soft edge) or a rectangle of random aspect, cut
    at a random place of `source` scaled to the setting's size: another
    object, person or pose in the same room, as a series is.
    """
    w, h = setting.size
    area = rng.uniform(0.25, 1 / 3) * w * h
    aspect = rng.uniform(0.6, 1.6)
    ellipse = rng.random() < 0.5
    box_area = area * (4 / np.pi if ellipse else 1.0)
    bw = int(min(w - 2, round(np.sqrt(box_area * aspect))))
    bh = int(min(h - 2, round(box_area / bw)))
    x, y = int(rng.integers(0, w - bw + 1)), int(rng.integers(0, h - bh + 1))
    src = source.resize((w, h), Image.Resampling.LANCZOS)
    sx, sy = int(rng.integers(0, w - bw + 1)), int(rng.integers(0, h - bh + 1))
    piece = src.crop((sx, sy, sx + bw, sy + bh))
    mask = Image.new("L", (bw, bh), 0 if ellipse else 255)
    if ellipse:
        ImageDraw.Draw(mask).ellipse((0, 0, bw - 1, bh - 1), fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(2))
    out = setting.copy()
    out.paste(piece, (x, y), mask)
    return out


SERIES_COPIES = {
    "half": lambda im, r: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
    "hard": lambda im, r: TRANSFORMS[HARD[int(r.integers(0, len(HARD)))]](im, r),
}
"""Copies of each picture of a series (one easy, one hard transform at random): they must still stack."""


def _series(job: tuple[int, str, list[str], int]) -> list[Picture]:
    """A setting's 4 pictures (each another object pasted) and 2 copies of each."""
    setting_no, path, sources, seed = job
    setting = Image.open(path).convert("RGB")
    out = []
    for k, source in enumerate(sources):
        rng = np.random.default_rng([seed, 7, setting_no, k])
        im = paste_object(setting, Image.open(source).convert("RGB"), rng)
        picture_no = setting_no * SERIES_PER_SETTING + k
        out.append(_picture(picture_no, "orig", _jpeg(im, 90)))
        for name, fn in SERIES_COPIES.items():
            out.append(_picture(picture_no, name, _jpeg(fn(im, rng), 90)))
    return out


BURST_POSES = 3
BURST_SECONDS_PER_POSE = 2
BURST_FPS = 10


def _burst_frames(setting: Image.Image, source: Image.Image, rng) -> list[np.ndarray]:
    """Frames (BGR) of a still camera: a subject holds a pose for 2 s, then moves elsewhere, 3 times.

    The subject is a piece of another photograph (an ellipse over 1/6 to 1/4
    of the frame); while it holds a pose it sways by a pixel and the sensor
    adds noise, so those frames are near-identical; each new pose puts it at
    least a quarter of the frame away.
    """
    w, h = setting.size
    area = rng.uniform(1 / 6, 1 / 4) * w * h * 4 / np.pi
    bw = int(min(w * 0.45, round(np.sqrt(area * 0.8))))
    bh = int(min(h * 0.9, round(area / bw)))
    piece = source.resize((w, h), Image.Resampling.LANCZOS).crop((0, 0, bw, bh))
    mask = Image.new("L", (bw, bh), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, bw - 1, bh - 1), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(2))
    # Left, middle and right thirds of the free width, in random order: each pose a quarter away.
    free = w - bw
    xs = [int(free * (k / 2)) for k in range(BURST_POSES)]
    places = [(xs[k], int(rng.integers(0, h - bh + 1))) for k in rng.permutation(BURST_POSES)]
    frames = []
    for x, y in places:
        for _ in range(BURST_SECONDS_PER_POSE * BURST_FPS):
            im = setting.copy()
            im.paste(piece, (x + int(rng.integers(-1, 2)), y + int(rng.integers(-1, 2))), mask)
            noisy = np.asarray(im, np.float32) + rng.normal(0, 3, (h, w, 3))
            frames.append(np.clip(noisy, 0, 255).astype(np.uint8)[:, :, ::-1])
    return frames


def _burst(job: tuple[int, str, str, int]) -> list[Picture]:
    """A generated MP4 (OpenCV, mp4v) and frames read back from it half a second apart.

    Frames of one pose are one picture (near-identical: they may stack);
    frames of different poses are different pictures (the subject moved).
    """
    import tempfile

    import cv2

    number, path, source, seed = job
    rng = np.random.default_rng([seed, 13, number])
    frames = _burst_frames(Image.open(path).convert("RGB"), Image.open(source).convert("RGB"), rng)
    h, w = frames[0].shape[:2]
    with tempfile.TemporaryDirectory() as folder:
        video = str(Path(folder) / "burst.mp4")
        writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"mp4v"), BURST_FPS, (w, h))
        for frame in frames:
            writer.write(frame)
        writer.release()
        capture = cv2.VideoCapture(video)
        out = []
        for pose in range(BURST_POSES):
            for k, offset in enumerate((0.5, 1.0, 1.5)):
                capture.set(cv2.CAP_PROP_POS_MSEC, (pose * BURST_SECONDS_PER_POSE + offset) * 1000)
                ok, frame = capture.read()
                if not ok:
                    continue
                data = _jpeg(Image.fromarray(frame[:, :, ::-1]), 90)
                out.append(_picture(number * BURST_POSES + pose, "orig" if k == 0 else "frame", data))
        capture.release()
    return out


def burst_pictures(paths: list[str], count: int, seed: int, workers: int) -> list[Picture]:
    """Settings from the middle of the photograph list (not the series'), subjects from others."""
    rng = np.random.default_rng([seed, 17])
    middle = len(paths) // 2
    jobs = []
    for k, path in enumerate(paths[middle:middle + count]):
        others = [p for p in paths if p != path]
        jobs.append((k, path, others[int(rng.integers(0, len(others)))], seed))
    with ProcessPoolExecutor(workers) as pool:
        return [p for batch in pool.map(_burst, jobs, chunksize=2) for p in batch]


def graphics_files(root: Path = GRAPHICS, patterns: list[str] | None = None) -> list[str]:
    """The flags (320x240) and the 128-pixel Oxygen icons, one file per distinct picture.

    Files that look the same are one picture: the theme ships some icons
    under several names, and several countries share a flag (France and
    Saint Martin, Indonesia and Monaco): within a mean of 4 grey levels a
    channel at 32x32, only the first is kept.
    """
    patterns = patterns or [str(root / "usr/share/iso-flags-png-320x240/*.png"),
                            str(root / "usr/share/icons/oxygen/base/128x128/*/*.png")]
    files = [p for pattern in patterns for p in sorted(glob.glob(pattern)) if not os.path.islink(p)]
    kept: list[str] = []
    small: list[np.ndarray] = []
    for path in files:
        pixels = np.asarray(_on_white(Image.open(path)).resize((32, 32), Image.Resampling.BOX), np.float32)
        if small and np.abs(np.stack(small) - pixels).mean(axis=(1, 2, 3)).min() < 4:
            continue
        kept.append(path)
        small.append(pixels)
    return kept


def _on_white(im: Image.Image) -> Image.Image:
    im = im.convert("RGBA")
    back = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(back, im).convert("RGB")


GRAPHIC_COPIES = {
    "half": lambda im, r: _jpeg(im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS), 85),
    "pad": lambda im, r: _jpeg(pad(im, 0.15, r), 90),
}


def _graphic(job: tuple[int, str, int]) -> list[Picture]:
    """A graphic as shipped (PNG) and two copies: half size as JPEG, and in bars."""
    number, path, seed = job
    raw = Path(path).read_bytes()
    im = _on_white(Image.open(io.BytesIO(raw)))
    rng = np.random.default_rng([seed, 11, number])
    out = [_picture(number, "orig", raw)]
    out += [_picture(number, name, fn(im, rng)) for name, fn in GRAPHIC_COPIES.items()]
    return out


def _stack_input(pictures: list[Picture]) -> StackInput:
    return StackInput.build(
        ids=np.arange(len(pictures)), phash=[p.phash for p in pictures], pdq=[p.pdq for p in pictures],
        extra=[p.extra for p in pictures], width=[p.width for p in pictures],
        height=[p.height for p in pictures], quality=[p.quality for p in pictures],
        featureless=[p.quality < 50 for p in pictures])


def _naive_groups(pictures: list[Picture]) -> np.ndarray:
    """What a naive tool shows as one group: connected components of pHash <= 10 pairs."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    naive = as_hash_array(np.array([p.naive for p in pictures], dtype=np.uint64))
    pairs = all_pairs(naive, NAIVE_RADIUS)
    n = len(pictures)
    graph = coo_matrix((np.ones(len(pairs), np.int8), (pairs.left, pairs.right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


@dataclass
class Hiding:
    pictures: int  # distinct pictures in the set
    hidden: int  # pictures in a stack whose representative is another picture
    stacked_pairs: int  # (member, representative) pairs of different files
    different_pairs: int  # of those, pairs of different pictures
    copies_found: float  # copies in the same stack as their picture's original


def hiding(pictures: list[Picture], stack: np.ndarray, representative: np.ndarray | None = None) -> Hiding:
    """How many pictures a grouping hides behind another picture's tile, and how many copies it finds.

    A stack shows its representative; every other distinct picture in it is
    hidden. Without representatives (the naive groups), the picture with
    most files in the group is taken as the one shown.
    """
    picture = np.array([p.photo for p in pictures])
    is_orig = np.array([p.transform == "orig" for p in pictures])
    hidden = stacked = different = 0
    order = np.argsort(stack, kind="stable")
    for members in np.split(order, np.flatnonzero(np.diff(stack[order])) + 1):
        if len(members) < 2:
            continue
        if representative is not None and representative[members].any():
            shown = picture[members[representative[members]][0]]
        else:
            values, counts = np.unique(picture[members], return_counts=True)
            shown = values[np.argmax(counts)]
        hidden += len(np.unique(picture[members])) - 1
        stacked += len(members) - 1
        different += int(np.count_nonzero(picture[members] != shown))
    orig_of = {int(picture[i]): i for i in np.flatnonzero(is_orig)}
    copies_ = np.flatnonzero(~is_orig)
    found = np.mean([stack[i] == stack[orig_of[int(picture[i])]] for i in copies_]) if len(copies_) else 0.0
    return Hiding(int(is_orig.sum()), hidden, stacked, different, float(found))


def different_pictures_rows(label: str, pictures: list[Picture], settings: StackSettings,
                            workers: int, verify: bool) -> list[str]:
    """Rows of the series or graphics table: pictures hidden and copies found, naive and ours."""
    data = _stack_input(pictures)
    rows = []

    def line(name: str, h: Hiding) -> str:
        share = h.different_pairs / h.stacked_pairs * 100 if h.stacked_pairs else 0.0
        return (f"{label:<9} {name:<22} {h.hidden:5d} of {h.pictures:<5d} {h.copies_found * 100:8.1f}%"
                f"   {h.different_pairs:5d} of {h.stacked_pairs:<6d} ({share:.1f}%)")

    rows.append(line(f"pHash<={NAIVE_RADIUS} groups", hiding(pictures, _naive_groups(pictures))))
    stacks = find_stacks(data, settings)
    rows.append(line("ours: hashes", hiding(pictures, stacks.stack, stacks.representative)))
    if verify:
        thumbs = [p.thumbnail for p in pictures]
        verifier = LocalFeatureVerifier(lambda i: Image.open(io.BytesIO(thumbs[i])), threads=workers)
        stacks = find_stacks(data, settings, verifier=verifier)
        rows.append(line("ours: hashes+verified", hiding(pictures, stacks.stack, stacks.representative)))
    return rows


def series_pictures(paths: list[str], settings_count: int, seed: int, workers: int) -> list[Picture]:
    """Settings from the end of the photograph list, pasted objects from the others."""
    rng = np.random.default_rng([seed, 5])
    chosen = paths[::-1][:settings_count]
    jobs = []
    for k, path in enumerate(chosen):
        others = [p for p in paths if p != path]
        sources = [others[i] for i in rng.choice(len(others), SERIES_PER_SETTING, replace=False)]
        jobs.append((k, path, sources, seed))
    with ProcessPoolExecutor(workers) as pool:
        return [p for batch in pool.map(_series, jobs, chunksize=2) for p in batch]


def graphics_pictures(limit: int, seed: int, workers: int, patterns: list[str] | None = None) -> list[Picture]:
    files = graphics_files(patterns=patterns)
    files = files[:limit] if limit else files
    with ProcessPoolExecutor(workers) as pool:
        jobs = [(k, path, seed) for k, path in enumerate(files)]
        return [p for batch in pool.map(_graphic, jobs, chunksize=8) for p in batch]


def print_different_pictures(args, paths: list[str], settings: StackSettings) -> None:
    """The series and graphics table (issue 23)."""
    lines = []
    if args.series:
        started = time.perf_counter()
        pictures = series_pictures(paths, args.series, args.seed, args.workers)
        print(f"series: {args.series} settings x {SERIES_PER_SETTING} pictures x 3 files "
              f"({time.perf_counter() - started:.0f} s)")
        lines += different_pictures_rows("series", pictures, settings, args.workers, not args.no_verify)
    if args.bursts:
        started = time.perf_counter()
        pictures = burst_pictures(paths, args.bursts, args.seed, args.workers)
        print(f"bursts: {args.bursts} videos x {BURST_POSES} poses x 3 frames read back "
              f"({time.perf_counter() - started:.0f} s)")
        lines += different_pictures_rows("bursts", pictures, settings, args.workers, not args.no_verify)
    if args.graphics:
        if not graphics_files(patterns=args.graphics_glob):
            print(f"graphics: none under {GRAPHICS} (see bench/README.md)")
        else:
            started = time.perf_counter()
            pictures = graphics_pictures(args.graphics_limit, args.seed, args.workers, args.graphics_glob)
            print(f"graphics: {sum(p.transform == 'orig' for p in pictures)} pictures x 3 files "
                  f"({time.perf_counter() - started:.0f} s)")
            lines += different_pictures_rows("graphics", pictures, settings, args.workers, not args.no_verify)
    if lines:
        print(f"\n{'set':<9} {'':<22} {'hidden':>14} {'copies':>9}   different (member, representative) pairs")
        print("\n".join(lines))
        print("goal: series and bursts 0 hidden; graphics < 1% different pairs; copies stacked as before")


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=500, help="how many BSDS500 photographs (default all 500)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-verify", action="store_true", help="skip the run with local-feature checks")
    parser.add_argument("--thresholds", action="store_true", help="print the per-channel threshold table")
    parser.add_argument("--stress", action="store_true",
                        help="add harder copies outside the goals: crop 5%%/20%%, turn 2/15 degrees, mirrored "
                             "crop, half size in bars, 40%% band, 64-pixel thumbnail")
    parser.add_argument("--series", type=int, default=100, metavar="N",
                        help="series row: N settings x 4 pictures with pasted objects (0: none; default 100)")
    parser.add_argument("--bursts", type=int, default=50, metavar="N",
                        help="bursts row: N generated videos, a subject in 3 poses, frames 0.5 s apart "
                             "(0: none; default 50)")
    parser.add_argument("--graphics", action=argparse.BooleanOptionalAction, default=True,
                        help="graphics row: flags and icons under $TRIAGE_GRAPHICS (default on)")
    parser.add_argument("--graphics-glob", action="append", metavar="PATTERN",
                        help="graphics from these PNG files instead (repeatable), e.g. another icon theme "
                             "held out from the tuning")
    parser.add_argument("--graphics-limit", type=int, default=0, help="at most this many graphics (0: all)")
    parser.add_argument("--only-different", action="store_true",
                        help="only the series and graphics rows, not the photographs' recall table")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a StackSettings field, e.g. --set window_radius=8")
    args = parser.parse_args()
    overrides = {k: int(v) for k, v in (item.split("=", 1) for item in args.set)}

    all_paths = sorted(glob.glob(str(PHOTOS / "*.jpg")))
    paths = all_paths[: args.photos]
    if not paths:
        sys.exit(f"no photographs in {PHOTOS}")
    if args.only_different:
        print_different_pictures(args, all_paths, StackSettings(**overrides))
        return
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = [(k, path, args.seed, args.stress) for k, path in enumerate(paths)]
        pictures = [p for batch in pool.map(_analyse, jobs, chunksize=4) for p in batch]
    prep = time.perf_counter() - started
    truth = Truth(pictures)
    print(f"{len(paths)} photographs x {len(truth.names)} = {truth.n:,} pictures, "
          f"{truth.false_total:,} pairs of different photographs; copies made and analysed in {prep:.0f} s "
          f"on {args.workers} workers (load average {os.getloadavg()[0]:.1f})")

    data = StackInput.build(
        ids=np.arange(truth.n), phash=[p.phash for p in pictures], pdq=[p.pdq for p in pictures],
        extra=[p.extra for p in pictures], width=[p.width for p in pictures],
        height=[p.height for p in pictures], quality=[p.quality for p in pictures],
        featureless=[p.quality < 50 for p in pictures])
    settings = StackSettings(**overrides)
    if overrides:
        print(f"settings: {settings}")
    header = f"{'':<22} " + " ".join(f"{t[:6]:>6}" for t in NAMES[1:]) + "   false pairs/M (all)"
    results = []

    naive = as_hash_array(np.array([p.naive for p in pictures], dtype=np.uint64))
    pairs = all_pairs(naive, NAIVE_RADIUS)
    key = set(_pair_lookup(pairs.left, pairs.right, truth.n).tolist())
    recall = truth.pair_recall(lambda a, b: np.array([_key(x, y, truth.n) in key for x, y in zip(a, b)]))
    wrong, per = truth.false_pairs_from_pairs(pairs.left, pairs.right)
    results.append((f"naive pHash<={NAIVE_RADIUS} pairs", recall, wrong, per))

    t0 = time.perf_counter()
    hashes_only = find_stacks(data, settings)
    t_hash = time.perf_counter() - t0
    recall = truth.pair_recall(lambda a, b: hashes_only.stack[a] == hashes_only.stack[b])
    wrong, per = truth.false_pairs_from_stacks(hashes_only.stack)
    results.append(("ours: hashes", recall, wrong, per))

    timings = [f"stacks from hashes {t_hash:.1f} s ({hashes_only.candidates:,} extra-channel pairs)"]
    if not args.no_verify:
        thumbs = [p.thumbnail for p in pictures]
        verifier = LocalFeatureVerifier(lambda i: Image.open(io.BytesIO(thumbs[i])), threads=args.workers)
        t0 = time.perf_counter()
        checked = find_stacks(data, settings, verifier=verifier)
        t_ver = time.perf_counter() - t0
        recall = truth.pair_recall(lambda a, b: checked.stack[a] == checked.stack[b])
        wrong, per = truth.false_pairs_from_stacks(checked.stack)
        results.append(("ours: hashes+verified", recall, wrong, per))
        timings.append(f"with verification {t_ver:.1f} s ({checked.verified:,} pairs verified)")

    print("\nRecall (%) of (original, copy) pairs" + " " * 60 + "and false pairs per million")
    print(header)
    for label, recall, wrong, per in results:
        print(_row(label, NAMES[1:], recall, wrong, truth))
    print(f"{'goal':<22} " + " ".join(f"{(99 if t in EASY else 90):6d}" for t in NAMES[1:]) + f"   {1.0:7.2f}")
    print("\nFalse pairs per million, pairs with that transform's copy on one side")
    for label, recall, wrong, per in results:
        print(_false_row(label, NAMES[1:], per, truth))
    if args.stress:
        names = list(STRESS)
        print("\nBeyond the goals (--stress), recall (%) of (original, copy) pairs:")
        print(f"{'':<22} " + " ".join(f"{t[:6]:>6}" for t in names))
        for label, recall, wrong, per in results:
            print(_row(label, names, recall, wrong, truth))
    print("\n" + "; ".join(timings))
    if args.thresholds:
        threshold_table(data, truth, settings)
    print()
    print_different_pictures(args, all_paths, settings)


if __name__ == "__main__":
    main()
