"""Carving: Triage against PhotoRec and foremost on one generated disk image, in one run.

The generator builds an MBR disk (FAT32 and ext4 partitions with a few
allocated files, then space no partition holds), fills the file systems' free
blocks (as TSK's `blkls` reports them) and the gap with deleted-looking data:
random blobs, and pictures and videos (JPEG baseline and progressive, PNG,
GIF, BMP, WebP, TIFF, HEIC, MP4, MOV, AVI, MKV, WMV) written whole at
block-aligned offsets, as a file system leaves them. Its manifest says where
each one is.

Each tool then carves the same image: recall is the share of placed files
found byte for byte (by SHA-256), "false" counts what a tool gave that is
neither a placed file nor an allocated one, and MB/s is the image's size over
the wall time. Triage is timed two ways: its carving engine on its own (the
areas of one walk, carved by a pool of worker processes, every candidate
decoded), and `triage ingest` end to end (walk, hashes of every file and of
the image, decodes, thumbnails, the store). Last, Triage's scan and PhotoRec
read two more disks of the same size: one filled with deleted JPEGs (the scan
through entropy-coded data), and a zeroed one (a new, wiped or trimmed drive:
what most of a mostly free terabyte holds).

    python bench/carving.py                    # a 200 MB image
    python bench/carving.py --size-mb 100 --workers 2 --keep /tmp/carving-bench
    python bench/carving.py --no-ingest        # only the engine, PhotoRec and foremost

Needs mtools, dosfstools, e2fsprogs, fdisk, sleuthkit (blkls), testdisk
(photorec) and foremost.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MIB = 1 << 20
BLOCK = 4096


@dataclass
class Placed:
    kind: str
    offset: int
    length: int
    sha256: str


@dataclass
class Disk:
    path: Path
    placed: list[Placed] = field(default_factory=list)
    allocated: set[str] = field(default_factory=set)  # SHA-256 of allocated files


# -- generated media ------------------------------------------------------------------------

def _picture(rnd: random.Random, format: str, **options) -> bytes:
    from PIL import Image, ImageDraw

    width, height = rnd.choice([(320, 240), (640, 480), (800, 600), (1024, 768), (160, 120)])
    picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.ellipse([x, y, x + rnd.randrange(10, 200), y + rnd.randrange(10, 200)],
                     fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    if rnd.random() < 0.4:  # some noise: larger files, many clusters
        noise = Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))
        picture = Image.blend(picture, noise, 0.3)
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return buffer.getvalue()


def _video(rnd: random.Random, suffix: str, fourcc: str) -> bytes:
    import cv2
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clip{suffix}"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (160, 120))
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        for index in range(rnd.randrange(20, 60)):
            frame = np.full((120, 160, 3), index * 4 % 256, np.uint8)
            frame[:, : index * 3 % 160] = colour
            writer.write(frame)
        writer.release()
        return path.read_bytes()


MAKERS = {
    "jpeg": lambda r: _picture(r, "JPEG", quality=r.choice([70, 85, 95])),
    "jpeg-progressive": lambda r: _picture(r, "JPEG", quality=85, progressive=True),
    "png": lambda r: _picture(r, "PNG"),
    "gif": lambda r: _picture(r, "GIF"),
    "bmp": lambda r: _picture(r, "BMP"),
    "webp": lambda r: _picture(r, "WEBP", quality=80),
    "tiff": lambda r: _picture(r, "TIFF"),
    "heic": lambda r: _picture(r, "HEIF"),
    "mp4": lambda r: _video(r, ".mp4", "mp4v"),
    "mov": lambda r: _video(r, ".mov", "mp4v"),
    "avi": lambda r: _video(r, ".avi", "MJPG"),
    "mkv": lambda r: _video(r, ".mkv", "MJPG"),
    "wmv": lambda r: _video(r, ".wmv", "WMV2"),
}
WEIGHTS = {"jpeg": 10, "jpeg-progressive": 3, "png": 3, "gif": 2, "bmp": 1, "webp": 2,
           "tiff": 1, "heic": 2, "mp4": 2, "mov": 1, "avi": 1, "mkv": 1, "wmv": 1}


# -- the disk -------------------------------------------------------------------------------

def _run(*command: str, **options) -> subprocess.CompletedProcess:
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8")
    return subprocess.run(command, check=True, capture_output=True, env=env, **options)


def _free_runs(fs: Path, unit: int) -> list[tuple[int, int]]:
    """Free byte runs of a file system image, from TSK's blkls (not Triage's own reading)."""
    out = _run("blkls", "-l", str(fs)).stdout.decode()
    free = sorted(int(line.split("|")[0]) for line in out.splitlines()
                  if line.endswith("|f") and line.split("|")[0].isdigit())
    runs: list[list[int]] = []
    for address in free:
        if runs and address == runs[-1][0] + runs[-1][1]:
            runs[-1][1] += 1
        else:
            runs.append([address, 1])
    return [(start * unit, count * unit) for start, count in runs]


def _fill(data: bytearray, runs: list[tuple[int, int]], base: int, rnd: random.Random,
          disk: Disk, pool: list[tuple[str, bytes]]) -> None:
    """Deleted-looking content in free runs: random blobs and whole media files, block-aligned;
    about a tenth of the space is left as zeros."""
    for start, length in runs:
        position, end = start, start + length
        while position + BLOCK <= end:
            choice = rnd.random()
            if choice < 0.1:
                position += BLOCK * rnd.randrange(1, 64)
                continue
            if choice < 0.55 and pool:
                kind, content = pool[rnd.randrange(len(pool))]
                if position + len(content) <= end:
                    data[position:position + len(content)] = content
                    disk.placed.append(Placed(kind, base + position, len(content),
                                              hashlib.sha256(content).hexdigest()))
                    position += -(-len(content) // BLOCK) * BLOCK
                    continue
            blob = min(end - position, BLOCK * rnd.randrange(1, 256))
            data[position:position + blob] = rnd.randbytes(blob)
            position += blob


def make_disk(folder: Path, size_mb: int, seed: int = 19) -> Disk:
    rnd = random.Random(seed)
    import pillow_heif

    pillow_heif.register_heif_opener()
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
    pool = [(kind, MAKERS[kind](rnd)) for kind in (rnd.choice(kinds) for _ in range(90))]
    total = size_mb * MIB
    part = (total - 2 * MIB) * 9 // 20 // MIB * MIB
    fat_at, ext_at = MIB, MIB + part
    gap_at = ext_at + part
    disk = Disk(folder / "carving-bench.raw")
    allocated = {f"file{n}.bin": rnd.randbytes(rnd.randrange(10_000, 2 * MIB)) for n in range(20)}
    allocated.update({f"photo{n}.{k}": c for n, (k, c) in enumerate(pool[:10])})
    disk.allocated = {hashlib.sha256(c).hexdigest() for c in allocated.values()}
    source = folder / "allocated"
    source.mkdir()
    for name, content in allocated.items():
        (source / name).write_bytes(content)
    fat, ext = folder / "p1.fat32", folder / "p2.ext4"
    for path in (fat, ext):
        with open(path, "wb") as handle:
            handle.truncate(part)
    _run("mkfs.vfat", "-F", "32", "-s", "1" if part < 260 * MIB else "8", str(fat))
    _run("mcopy", "-i", str(fat), *[str(p) for p in sorted(source.iterdir())], "::/")
    _run("mkfs.ext4", "-q", "-F", "-b", "4096", "-O", "^has_journal", "-d", str(source), str(ext))
    for fs, at, unit in ((fat, fat_at, 512), (ext, ext_at, 4096)):
        data = bytearray(fs.read_bytes())
        _fill(data, _free_runs(fs, unit), at, rnd, disk, pool[10:])
        fs.write_bytes(bytes(data))
    image = bytearray(total)
    image[fat_at:fat_at + part] = fat.read_bytes()
    image[ext_at:ext_at + part] = ext.read_bytes()
    gap = bytearray(total - gap_at)
    _fill(gap, [(0, len(gap))], gap_at, rnd, disk, pool[10:])
    image[gap_at:] = gap
    disk.path.write_bytes(bytes(image))
    _run("sfdisk", "--no-reread", "--no-tell-kernel", "-q", str(disk.path),
         input=(f"label: dos\nunit: sectors\nstart={fat_at // 512}, size={part // 512}, type=c\n"
                f"start={ext_at // 512}, size={part // 512}, type=83\n").encode())
    for path in (fat, ext):
        path.unlink()
    shutil.rmtree(source)
    return disk


# -- the tools ------------------------------------------------------------------------------

def _carve_one(area, path: str) -> list[tuple[int, int, str, str]]:
    from triage.evidence import open_source
    from triage.pipeline import work
    from triage.pipeline.carve import carve_area
    from triage.pipeline.expand import ContainerLimits

    source = open_source("raw", [Path(path)])
    read = partial(work._read_carved, how=work._Reading(True, None, ContainerLimits()))
    result = carve_area(source, area.runs, area.end, ("image", "video"), read)
    return [(i.member.offset, i.member.size, i.member.carved, i.result.sha256)
            for i in result.items]


def triage_engine(disk: Disk, workers: int) -> tuple[float, list[tuple[str, str]]]:
    """The areas of one walk, carved by a pool: (seconds, [(sha256, state)])."""
    from triage.evidence import CarveArea, open_source, walk

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_warm_up, range(workers * 2)))  # as ingest starts them during its walk
        started = time.perf_counter()
        source = open_source("raw", [disk.path])
        areas = [r for r in walk(source) if isinstance(r, CarveArea)]
        found = [item for items in pool.map(partial(_carve_one, path=str(disk.path)), areas)
                 for item in items]
        seconds = time.perf_counter() - started
    return seconds, [(sha, state) for _, _, state, sha in found]


def _warm_up(_) -> None:
    from triage.media import analyse  # the decoders a worker loads on its first picture
    from triage.pipeline import carve

    assert analyse and carve
    time.sleep(0.2)  # each worker gets one


def triage_scan(path: Path, label: str = "Triage scan alone") -> None:
    """The signature scan and structure walks alone, in this process: what carving costs
    where there is nothing to decode (a mostly empty terabyte)."""
    from triage.evidence import CarveArea, open_source, walk
    from triage.evidence.carving import Scanner

    source = open_source("raw", [path])
    areas = [r for r in walk(source) if isinstance(r, CarveArea)]
    started = time.perf_counter()
    scanned = candidates = 0
    for area in areas:
        scanner = Scanner(source, list(area.runs), area.end)
        for candidate in scanner.candidates():
            scanner.skip_to(candidate.offset + candidate.length)
        scanned += scanner.counts.bytes
        candidates += scanner.counts.candidates
    seconds = time.perf_counter() - started
    print(f"{label:26} {scanned / MIB:.0f} MB of free space and gaps, "
          f"{candidates} candidates, no decode, 1 process: {seconds:.2f} s, "
          f"{scanned / MIB / seconds:.0f} MB/s")


def deleted_photos(disk: Disk, folder: Path, workers: int) -> None:
    """A drive of the same size whose free space is all deleted JPEGs, back to back on 4 KiB
    clusters (a phone's card, a photo folder emptied): the scan through entropy-coded data,
    Triage's (scan alone, and the engine with its decodes) against PhotoRec's."""
    rnd = random.Random(1919)
    pool = [_picture(rnd, "JPEG", quality=85, progressive=rnd.random() < 0.3) for _ in range(40)]
    photos = Disk(folder / "photos.raw")
    data = bytearray(disk.path.stat().st_size)
    position = 0
    while True:
        content = pool[rnd.randrange(len(pool))]
        if position + len(content) > len(data):
            break
        data[position:position + len(content)] = content
        photos.placed.append(Placed("jpeg", position, len(content),
                                    hashlib.sha256(content).hexdigest()))
        position += -(-len(content) // BLOCK) * BLOCK
    photos.path.write_bytes(bytes(data))
    score(photos, "Triage engine, photos disk", *triage_engine(photos, workers))
    triage_scan(photos.path, "Triage scan, photos disk")
    score(photos, "PhotoRec, photos disk", *photorec(photos, folder, "photorec-photos"))


def zeroed(disk: Disk, folder: Path) -> None:
    """A never-written (or wiped, or trimmed) drive of the same size: Triage's scan against
    PhotoRec's, both over every byte of it."""
    path = folder / "zeroed.raw"
    with open(path, "wb") as handle:
        handle.truncate(disk.path.stat().st_size)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    empty = Disk(path)
    triage_scan(path, "Triage scan, zeroed disk")
    score(empty, "PhotoRec, zeroed disk", *photorec(empty, folder, "photorec-zeroed"))


def triage_ingest(disk: Disk, workers: int, folder: Path) -> tuple[float, list[tuple[str, str]]]:
    case = folder / "case"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "triage", "ingest", str(case), str(disk.path),
                    "--workers", str(workers)], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    out = subprocess.run([sys.executable, "-m", "triage", "files", str(case), "--csv"],
                         check=True, capture_output=True, text=True).stdout
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["carved"] in ("complete", "partial")]
    return seconds, [(r["sha256"], r["carved"]) for r in rows]


def _hashed_outputs(folder: Path) -> list[tuple[str, str]]:
    return [(hashlib.sha256(p.read_bytes()).hexdigest(), "file") for p in folder.rglob("*")
            if p.is_file() and p.suffix not in (".xml", ".txt")]


def photorec(disk: Disk, folder: Path, name: str = "photorec"
             ) -> tuple[float, list[tuple[str, str]]]:
    out = folder / name
    out.mkdir()
    options = "".join(f"{t},enable," for t in ("jpg", "png", "gif", "bmp", "riff", "tif", "mov",
                                                "mkv", "asf"))  # mov: MP4, 3GP, HEIC too
    started = time.perf_counter()
    subprocess.run(["photorec", "/d", str(out / "recup"), "/cmd", str(disk.path),
                    f"partition_none,fileopt,everything,disable,{options}search"],
                   check=True, capture_output=True)
    return time.perf_counter() - started, _hashed_outputs(out)


def foremost(disk: Disk, folder: Path) -> tuple[float, list[tuple[str, str]]]:
    out = folder / "foremost"
    started = time.perf_counter()
    subprocess.run(["foremost", "-t", "jpg,gif,png,bmp,avi,wmv,mov", "-i", str(disk.path),
                    "-o", str(out)], check=True, capture_output=True)
    return time.perf_counter() - started, _hashed_outputs(out)


# -- the report -----------------------------------------------------------------------------

def score(disk: Disk, name: str, seconds: float, found: list[tuple[str, str]]) -> None:
    placed = {p.sha256 for p in disk.placed}
    hits = {sha for sha, _ in found if sha in placed}
    false = [sha for sha, _ in found if sha not in placed and sha not in disk.allocated]
    partial_ = sum(1 for _, state in found if state == "partial")
    recall = len(hits) / len(placed) if placed else 1.0
    mb = disk.path.stat().st_size / MIB
    print(f"{name:26} recall {recall:6.1%} ({len(hits)}/{len(placed)})  false {len(false):4}"
          f"  partial {partial_:3}  {seconds:7.1f} s  {mb / seconds:7.1f} MB/s")
    missed: dict[str, int] = {}
    for item in disk.placed:
        if item.sha256 not in hits:
            missed[item.kind] = missed.get(item.kind, 0) + 1
    if missed:
        print(f"{'':26} missed: " + ", ".join(f"{k} {n}" for k, n in sorted(missed.items())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--no-ingest", action="store_true", help="skip `triage ingest`")
    args = parser.parse_args()
    for tool in ("blkls", "photorec", "foremost", "mkfs.vfat", "mcopy", "mkfs.ext4", "sfdisk"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: sleuthkit, testdisk, foremost, ...)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="carving-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        disk = make_disk(folder, args.size_mb)
        kinds: dict[str, int] = {}
        for item in disk.placed:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        print(f"image: {args.size_mb} MB, {len(disk.placed)} files placed in free space and "
              f"the gap ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); built in "
              f"{time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.1f}; "
              f"{args.workers} workers")
        subprocess.run(["cat", str(disk.path)], stdout=subprocess.DEVNULL, check=True)  # cached
        score(disk, "Triage carving engine", *triage_engine(disk, args.workers))
        triage_scan(disk.path)
        if not args.no_ingest:
            score(disk, "Triage ingest (all of it)", *triage_ingest(disk, args.workers, folder))
        score(disk, "PhotoRec (whole disk)", *photorec(disk, folder))
        score(disk, "foremost", *foremost(disk, folder))
        deleted_photos(disk, folder, args.workers)
        zeroed(disk, folder)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
