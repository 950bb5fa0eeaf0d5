"""Per-media speed: our decode + pHash + dHash + PDQ + thumbnail + EXIF against naive imagehash.

In one run, on two sets of real photographs:

* small: the 500 BSDS500 photographs (481x321) from the shared test data;
* camera-size: one JPEG per Debian ``plasma-workspace-wallpapers`` picture at
  its largest size (2560x1600 to 5120x2880), fetched and cached by
  ``bench/make_media_image.py`` (``apt-get download``; imported, not copied);
  the package's PNG artwork is timed as a third set, for information.

it times

* baseline: one process, ``imagehash.phash(Image.open(path))`` per file, nothing else;
* ours: ``triage.media.analyse.analyse(path, type)`` in a process pool with one
  worker per core (workers started and warmed before timing, as the ingest
  keeps them), which reads the file and returns pHash, dHash, PDQ and its
  quality, the thumbnail JPEG and the EXIF fields.

Each side runs ``--repeat`` times, alternating which goes first (the machine
may be shared); it prints images per second (best and median), the ratio
against the goal, the CPU milliseconds per image of each side (ours summed
over the workers, from /proc) and what that projects to on idle cores, then
per-step CPU milliseconds in one process: our steps and the library paths
they replace. On a machine whose cores are busy with other work the wall
clock ratio understates the pool: each extra worker only gets a share. ``--equivalence`` adds the Hamming
distances between our hashes and imagehash / pdqhash on the full-size decode.

    python bench/hashing.py
    python bench/hashing.py --repeat 5 --equivalence
    python bench/hashing.py --sets small --workers 2
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
import make_media_image  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from triage.hashing.perceptual import DHash, PDQ, PHash, hamming, hash_picture, to_grey  # noqa: E402
from triage.media.analyse import analyse  # noqa: E402
from triage.media.decode import decode_picture  # noqa: E402
from triage.media.exif import read_exif  # noqa: E402
from triage.media.thumbnail import thumbnail_jpeg  # noqa: E402

GOALS = {"small": 1.5, "camera": 3.0}
TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def photo_sets(names: Sequence[str], cache_dir: Path) -> dict[str, list[Path]]:
    sets: dict[str, list[Path]] = {}
    if "small" in names:
        bsds, _ = make_media_image.testdata_photos()
        sets["small"] = bsds
    if "camera" in names or "png" in names:
        wallpapers = make_media_image.wallpaper_sources(cache_dir)
        if "camera" in names:
            sets["camera"] = [p for p in wallpapers if p.suffix.lower() in (".jpg", ".jpeg")]
        if "png" in names:
            sets["png"] = [p for p in wallpapers if p.suffix.lower() == ".png"]
    return sets


# --------------------------------------------------------------------------- the two sides

def baseline(paths: Sequence[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of the naive loop."""
    import imagehash
    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        imagehash.phash(Image.open(path))
    return time.perf_counter() - start, time.process_time() - cpu


def _ours_one(path: str) -> int:
    result = analyse(path, TYPES.get(Path(path).suffix.lower(), "image/jpeg"))
    if result.error:
        raise RuntimeError(f"{path}: {result.error}")
    return len(result.thumbnail or b"")


def _warm(_: int) -> int:
    """Start a worker and import what it needs, as a long-lived ingest worker already has."""
    return os.getpid()


def ours(pool: ProcessPoolExecutor, paths: Sequence[Path], workers: int) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of all workers (Linux /proc; NaN elsewhere)."""
    chunk = max(1, min(16, len(paths) // (workers * 8)))
    pids = list(getattr(pool, "_processes", {}) or {})
    cpu = _cpu_seconds(pids)
    start = time.perf_counter()
    thumb_bytes = sum(pool.map(_ours_one, [str(p) for p in paths], chunksize=chunk))
    elapsed = time.perf_counter() - start
    assert thumb_bytes > 0
    return elapsed, _cpu_seconds(pids) - cpu


def _cpu_seconds(pids: Sequence[int]) -> float:
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")
    return total


# --------------------------------------------------------------------------- per-step times

def cpu_ms(fn: Callable, items: Sequence, rounds: int = 3) -> float:
    """Best of `rounds` CPU milliseconds per item (CPU time, so other users of the machine count less)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, (time.process_time() - start) / len(items) * 1000)
    return best


def steps(paths: Sequence[Path], limit: int) -> list[tuple[str, float]]:
    import imagehash
    import pdqhash
    paths = list(paths)[:limit]
    datas = [p.read_bytes() for p in paths]
    full = []
    for d in datas:
        im = Image.open(io.BytesIO(d))
        im.load()
        full.append(im)
    decoded = [decode_picture(d).picture for d in datas]
    greys = [to_grey(p) for p in decoded]
    full_rgb = [np.asarray(im.convert("RGB")) for im in full]

    def pillow_thumbnail(im: Image.Image) -> None:
        copy = im.copy()
        copy.thumbnail((256, 256))
        copy.convert("RGB").save(io.BytesIO(), "JPEG", quality=75)

    rows = [
        ("library: Image.open + load (full decode)",
         cpu_ms(lambda d: Image.open(io.BytesIO(d)).load(), datas)),
        ("library: imagehash.phash on full decode", cpu_ms(imagehash.phash, full)),
        ("library: imagehash.dhash on full decode", cpu_ms(imagehash.dhash, full)),
        ("library: pdqhash.compute on full decode", cpu_ms(pdqhash.compute, full_rgb, 1)),
        ("library: Image.thumbnail(256) + JPEG", cpu_ms(pillow_thumbnail, full)),
        ("ours: decode_picture (draft/reduce, orient)", cpu_ms(decode_picture, datas)),
        ("ours: greyscale", cpu_ms(to_grey, decoded)),
        ("ours: pHash", cpu_ms(PHash()._compute, greys)),
        ("ours: dHash", cpu_ms(DHash()._compute, greys)),
        ("ours: PDQ + quality", cpu_ms(PDQ()._compute_with_quality, greys)),
        ("ours: thumbnail JPEG", cpu_ms(thumbnail_jpeg, decoded)),
        ("ours: EXIF (exifread)", cpu_ms(read_exif, datas)),
        ("ours: analyse() all of it", cpu_ms(lambda d: analyse(d, "image/jpeg"), datas)),
    ]
    rows.insert(5, ("  working picture size, e.g.", f"{decoded[0].size[0]}x{decoded[0].size[1]}"))
    return rows


def equivalence(paths: Sequence[Path], limit: int) -> list[str]:
    """Hamming distances of our hashes against imagehash / pdqhash on the full-size decode."""
    import imagehash
    import pdqhash
    from triage.hashing.perceptual import bits_to_hex
    dist: dict[str, list[int]] = {"pHash": [], "dHash": [], "PDQ": []}
    quality_diff: list[int] = []
    for path in list(paths)[:limit]:
        data = path.read_bytes()
        ours_h = hash_picture(decode_picture(data).picture)
        im = Image.open(io.BytesIO(data)).convert("RGB")
        dist["pHash"].append(hamming(ours_h.phash, str(imagehash.phash(im))))
        dist["dHash"].append(hamming(ours_h.dhash, str(imagehash.dhash(im))))
        vector, quality = pdqhash.compute(np.asarray(im))
        dist["PDQ"].append(hamming(ours_h.pdq, bits_to_hex(vector.astype(bool))))
        quality_diff.append(abs(ours_h.pdq_quality - quality))
    lines = []
    for name, values in dist.items():
        a = np.array(values)
        lines.append(f"  {name:5s} vs {'pdqhash' if name == 'PDQ' else 'imagehash'} full size: "
                     f"identical {np.mean(a == 0):6.1%}  mean {a.mean():5.2f}  "
                     f"p95 {np.percentile(a, 95):5.1f}  max {a.max():3d} bits")
    lines.append(f"  PDQ quality |ours - pdqhash|: mean {np.mean(quality_diff):.1f}  max {max(quality_diff)}")
    return lines


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="small,camera,png", help="comma-separated: small, camera, png")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, alternating (default 3)")
    parser.add_argument("--rounds", type=int, default=0,
                        help="times each set is gone through per run (default: enough for ~300 files)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--steps-limit", type=int, default=100, help="files per set for per-step times")
    parser.add_argument("--no-steps", action="store_true")
    parser.add_argument("--equivalence", action="store_true",
                        help="also print hash distances to the libraries")
    parser.add_argument("--cache-dir", type=Path, default=make_media_image.DEFAULT_CACHE)
    args = parser.parse_args(argv)

    sets = photo_sets([s.strip() for s in args.sets.split(",") if s.strip()], args.cache_dir)
    print(f"cores {os.cpu_count()}, workers {args.workers}, load average {os.getloadavg()[0]:.2f} "
          f"(a shared machine makes every figure noisier)")
    status = 0
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(_warm, range(args.workers * 4)))
        for name, paths in sets.items():
            rounds = args.rounds or max(1, -(-300 // len(paths)))
            work = list(paths) * rounds
            megapixels = statistics.mean(_pixels(p) for p in paths) / 1e6
            progressive = sum(_progressive(p) for p in paths)
            note = f", {progressive} progressive JPEG (1/8 decoding saves little)" if progressive else ""
            print(f"\n== {name}: {len(paths)} files x {rounds} rounds, mean {megapixels:.1f} MP{note}")
            for path in paths[:2]:  # page cache and imports, untimed
                baseline([path])
            list(pool.map(_ours_one, [str(p) for p in paths[: args.workers * 2]]))
            base_rates, our_rates, base_cpu, our_cpu = [], [], [], []
            for i in range(args.repeat):
                order = ("base", "ours") if i % 2 == 0 else ("ours", "base")
                for side in order:
                    if side == "base":
                        wall, cpu = baseline(work)
                        base_rates.append(len(work) / wall)
                        base_cpu.append(cpu / len(work) * 1000)
                    else:
                        wall, cpu = ours(pool, work, args.workers)
                        our_rates.append(len(work) / wall)
                        our_cpu.append(cpu / len(work) * 1000)
            ratio_best = max(our_rates) / max(base_rates)
            ratio_median = statistics.median(our_rates) / statistics.median(base_rates)
            print(f"  baseline imagehash.phash(Image.open(p)), 1 process: "
                  f"best {max(base_rates):8.1f} img/s, median {statistics.median(base_rates):8.1f}; "
                  f"CPU {statistics.median(base_cpu):7.2f} ms/img")
            print(f"  ours analyse(), {args.workers} processes:            "
                  f"best {max(our_rates):8.1f} img/s, median {statistics.median(our_rates):8.1f}; "
                  f"CPU {statistics.median(our_cpu):7.2f} ms/img")
            goal = GOALS.get(name)
            verdict = "" if goal is None else \
                f"  goal >= {goal}x: " + ("met" if ratio_median >= goal else "NOT met")
            print(f"  ours / baseline, wall clock: {ratio_median:.2f}x (median), "
                  f"{ratio_best:.2f}x (best){verdict}")
            per_core = statistics.median(base_cpu) / statistics.median(our_cpu)
            print(f"  CPU per image, baseline / ours: {per_core:.2f}x; on {args.workers} otherwise idle "
                  f"cores that projects to {per_core * args.workers:.2f}x "
                  f"(load average now {os.getloadavg()[0]:.2f})")
            if goal is not None and ratio_median < goal:
                status = 1
            if not args.no_steps:
                print(f"  per-step CPU ms per file, one process, {min(len(paths), args.steps_limit)} files:")
                for label, value in steps(paths, args.steps_limit):
                    shown = f"{value:8.3f}" if isinstance(value, float) else f"{value:>8s}"
                    print(f"    {label:46s} {shown}")
            if args.equivalence:
                print("  hash equivalence (ours from the working picture):")
                for line in equivalence(paths, args.steps_limit * 5):
                    print(line)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return status


def _progressive(path: Path) -> bool:
    with Image.open(path) as im:
        return bool(im.format == "JPEG" and (im.info.get("progressive") or im.info.get("progression")))


def _pixels(path: Path) -> int:
    with Image.open(path) as im:
        return im.size[0] * im.size[1]


if __name__ == "__main__":
    sys.exit(main())
