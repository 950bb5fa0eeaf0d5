"""Pictures inside archives: `triage ingest` against extract-everything + `hashdeep`.

One run builds (and caches) an ext4 image whose pictures are mostly inside
archives: ZIPs (deflated and stored, some with a ZIP inside), a tar.gz, a
7z, and a few loose files, from the BSDS500 photographs in the shared test
data, re-encoded so every archive holds distinct content. Then it times:

* baseline, the examiner's usual script: ``tsk_recover -e IMAGE OUT``, then
  every archive extracted beside itself (``unzip``, ``tar xzf``, ``7z x``,
  again for archives found inside, until none is left), then
  ``hashdeep -r -c md5,sha1,sha256 OUT``;
* ours: ``python -m triage ingest --hashes-only CASE IMAGE`` (the same digests,
  every item typed by content) and, unless ``--no-full``, the full ingest.

Each side runs ``--repeat`` times, alternating which goes first. It prints
seconds (best, median), pictures found by each, and the ratio; the goal
(issue 18) is a hashes-only ingest at least as fast as the baseline.

    python bench/containers.py                 # 5,000 photos in 50 archives
    python bench/containers.py --copies 2      # quick check
    python bench/containers.py --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
PHOTOS = Path(os.environ.get("TRIAGE_PHOTOS", REPO.parent / "shared/testdata/photos/bsds500"))
CACHE = Path(os.environ.get("TRIAGE_BENCH_CACHE", "/tmp/triage-bench-containers"))
EXTRACTORS = {".zip": ["unzip", "-qq", "-o", "{a}", "-d", "{d}"],
              ".tgz": ["tar", "xzf", "{a}", "-C", "{d}"],
              ".7z": ["7z", "x", "-bd", "-y", "-o{d}", "{a}"]}


def encoded(photo: Path, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.open(photo).convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def build(copies: int) -> Path:
    """The image (cached): per copy, 3 ZIPs (one with a ZIP inside), a tar.gz and a 7z."""
    image = CACHE / f"archives-{copies}.ext4"
    if image.exists():
        return image
    photos = sorted(PHOTOS.glob("*.jpg"))
    if not photos:
        sys.exit(f"no photographs in {PHOTOS} (set TRIAGE_PHOTOS)")
    tree = CACHE / f"tree-{copies}"
    shutil.rmtree(tree, ignore_errors=True)
    (tree / "Users/x/Downloads").mkdir(parents=True)
    groups = [photos[i::5] for i in range(5)]
    for copy in range(copies):
        quality = 50 + (copy * 7) % 46  # distinct content in every copy
        pictures = [{f"{p.stem}.jpg": encoded(p, quality) for p in group} for group in groups]
        base = tree / "Users/x/Downloads"
        _zip(base / f"pack{copy}.zip", pictures[0], zipfile.ZIP_DEFLATED)
        _zip(base / f"stored{copy}.zip", pictures[1], zipfile.ZIP_STORED)
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as archive:
            for name, data in pictures[2].items():
                archive.writestr(name, data)
        _zip(base / f"nested{copy}.zip", {"inner.zip": inner.getvalue()}, zipfile.ZIP_STORED)
        with tarfile.open(base / f"backup{copy}.tgz", "w:gz") as archive:
            for name, data in pictures[3].items():
                info = tarfile.TarInfo(f"DCIM/{name}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        staging = CACHE / "staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for name, data in pictures[4].items():
            (staging / name).write_bytes(data)
        subprocess.run(["7z", "a", "-bd", "-mx=1", str(base / f"album{copy}.7z"), "."],
                       cwd=staging, check=True, capture_output=True)
        shutil.rmtree(staging)
        for name, data in list(pictures[0].items())[:5]:  # a few loose ones
            (tree / "Users/x" / f"{copy}-{name}").write_bytes(data)
    size_mb = sum(f.stat().st_size for f in tree.rglob("*") if f.is_file()) // (1 << 20) * 2 + 32
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), str(image), f"{size_mb}M"],
                   check=True, capture_output=True)
    shutil.rmtree(tree)
    return image


def _zip(path: Path, members: dict[str, bytes], method: int) -> None:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def baseline(image: Path, work: Path) -> tuple[float, int]:
    """tsk_recover, extract every archive (and archives found inside), hashdeep."""
    out = work / "recovered"
    start = time.perf_counter()
    subprocess.run(["tsk_recover", "-e", str(image), str(out)], check=True, capture_output=True)
    done: set[Path] = set()
    while todo := [p for p in out.rglob("*") if p.suffix in EXTRACTORS and p not in done]:
        for archive in todo:
            target = archive.with_name(archive.name + ".d")
            target.mkdir(exist_ok=True)
            command = [a.format(a=archive, d=target) for a in EXTRACTORS[archive.suffix]]
            subprocess.run(command, check=True, capture_output=True)
            done.add(archive)
    listing = subprocess.run(["hashdeep", "-r", "-c", "md5,sha1,sha256", str(out)],
                             check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - start
    return seconds, sum(1 for line in listing.splitlines() if line.lower().endswith(".jpg"))


def ours(image: Path, work: Path, *extra: str) -> tuple[float, int]:
    case = work / "case"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "triage", "ingest", str(case), str(image), *extra],
                   check=True, capture_output=True, env=env)
    seconds = time.perf_counter() - start
    listing = subprocess.run([sys.executable, "-m", "triage", "files", str(case), "--csv"],
                             check=True, capture_output=True, text=True, env=env).stdout
    rows = csv.DictReader(io.StringIO(listing))
    return seconds, sum(1 for row in rows if row["detected_type"] == "image/jpeg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="archive sets of 500 photos")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-full", action="store_true", help="skip the full ingest")
    args = parser.parse_args()
    for tool in ("tsk_recover", "hashdeep", "unzip", "7z", "mkfs.ext4"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (Debian: sleuthkit hashdeep unzip p7zip-full e2fsprogs)")
    CACHE.mkdir(parents=True, exist_ok=True)
    image = build(args.copies)
    print(f"image {image} ({image.stat().st_size >> 20} MB), {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    sides = {"baseline (tsk_recover + unzip/tar/7z + hashdeep)": lambda w: baseline(image, w),
             "triage ingest --hashes-only": lambda w: ours(image, w, "--hashes-only")}
    if not args.no_full:
        sides["triage ingest (full: decode, thumbnails, EXIF)"] = lambda w: ours(image, w)
    times: dict[str, list[float]] = {name: [] for name in sides}
    found: dict[str, int] = {}
    for run in range(args.repeat):
        order = list(sides) if run % 2 == 0 else list(reversed(sides))
        for name in order:
            work = CACHE / "work"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            seconds, found[name] = sides[name](work)
            times[name].append(seconds)
            shutil.rmtree(work)
    base = list(sides)[0]
    for name, values in times.items():
        ratio = statistics.median(times[base]) / statistics.median(values)
        print(f"{name:52} best {min(values):6.2f} s  median {statistics.median(values):6.2f} s"
              f"  {found[name]:5} JPEGs  {ratio:4.2f}× the baseline's speed")
    print("goal: hashes-only at least 1.0× the baseline's speed")


if __name__ == "__main__":
    main()
