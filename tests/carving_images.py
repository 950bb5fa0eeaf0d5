"""A disk with pictures and videos where no file entry points to them, and its manifest.

MBR disk: p1 FAT16 (8 MiB at 1 MiB) and p2 ext4 (8 MiB, no journal), then 2 MiB
no partition holds. Each file system has one allocated picture; generated
pictures and videos are written straight into free blocks (checked free with
the file system's own tools) and into the gap after the last partition. The
manifest says, for every placed item, its byte offset in the disk and its
bytes; `expect` says whether carving must find it whole, in part, or not at all.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from diskimages import MIB, SECTOR, Payload, _jpeg, _noise_jpeg, _place, _png, _run, _sfdisk, \
    _sparse, make_fat_fs, require


@dataclass
class Placed:
    name: str
    offset: int  # in the disk
    data: bytes
    expect: str  # "complete", "partial" or "none"


@dataclass
class CarvingDisk:
    path: Path
    placed: list[Placed] = field(default_factory=list)
    allocated: dict[str, bytes] = field(default_factory=dict)  # file-system path -> bytes


def gif(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("P", (40, 30), seed % 200)
    ImageDraw.Draw(picture).rectangle([5, 5, 20, 20], fill=(seed * 7) % 256)
    buffer = io.BytesIO()
    picture.save(buffer, "GIF")
    return buffer.getvalue()


def webp(seed: int) -> bytes:
    from PIL import Image

    picture = Image.linear_gradient("L").convert("RGB").resize((64, 48)).rotate(seed * 30)
    buffer = io.BytesIO()
    picture.save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def bmp(seed: int) -> bytes:
    from PIL import Image

    picture = Image.radial_gradient("L").resize((40, 30)).point(lambda v: (v + seed * 40) % 256)
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "BMP")
    return buffer.getvalue()


def mp4(seed: int) -> bytes:
    """A real, decodable MPEG-4 movie (OpenCV's writer, moov at the end)."""
    import cv2
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 48))
        for index in range(20):
            frame = np.full((48, 64, 3), (seed * 50) % 256, np.uint8)
            frame[:, : (index * 3) % 64] = (40, 160, 220)
            writer.write(frame)
        writer.release()
        return path.read_bytes()


def pictures(seed: int) -> list[tuple[str, bytes]]:
    return [("jpeg", _jpeg(seed, size=(120, 90))), ("png", _png(seed, size=(60, 50))),
            ("gif", gif(seed)), ("webp", webp(seed)), ("bmp", bmp(seed)), ("mp4", mp4(seed))]


def _ext4_no_journal(path: Path, size: int, payload: Payload) -> Path:
    from diskimages import write_payload

    require("mkfs.ext4", "debugfs")
    _sparse(path, size)
    source = write_payload(payload, path.parent / (path.name + ".d"))
    _run(["mkfs.ext4", "-q", "-F", "-b", "1024", "-N", "64", "-O", "^has_journal",
          "-d", str(source), str(path)], env={"E2FSPROGS_FAKE_TIME": "1700000000"})
    return path


def _ext4_free(path: Path, offset: int, length: int) -> bool:
    first, last = offset // 1024, (offset + length - 1) // 1024
    out = subprocess.run(["debugfs", "-R", f"testb {first} {last - first + 1}", str(path)],
                         capture_output=True, text=True).stdout
    return "marked in use" not in out


def _fat_free(path: Path, offset: int) -> bool:
    """Whether the FAT cluster holding fs byte `offset` is free (its FAT entry is 0)."""
    boot = path.read_bytes()[:512]
    sector, per_cluster, reserved, copies, root_entries = struct.unpack("<HBHBH", boot[11:19])
    fat_sectors = struct.unpack("<H", boot[22:24])[0]
    first_data = reserved + copies * fat_sectors + root_entries * 32 // sector
    cluster = (offset // sector - first_data) // per_cluster + 2
    with open(path, "rb") as handle:
        handle.seek(reserved * sector + cluster * 2)
        return handle.read(2) == b"\0\0"


def make_carving_disk(folder: Path) -> CarvingDisk:
    folder = Path(folder)
    work = folder / "carving.work"
    work.mkdir(parents=True, exist_ok=True)
    size = 8 * MIB
    fat_at, ext_at = 1 * MIB, 9 * MIB
    gap_at, total = 17 * MIB, 19 * MIB
    kept = _jpeg(7, size=(150, 100))
    fat = make_fat_fs(work / "p1.fat16", size, 16, Payload({"keep.jpg": kept}))
    ext = _ext4_no_journal(work / "p2.ext4", size, Payload({"keep.png": _png(8)}))
    disk = CarvingDisk(_sparse(folder / "carving.raw", total),
                       allocated={"keep.jpg": kept, "keep.png": _png(8)})
    fs_bytes = {fat: bytearray(fat.read_bytes()), ext: bytearray(ext.read_bytes())}

    def put(fs: Path | None, at: int, name: str, data: bytes, expect: str) -> None:
        if fs is None:
            disk.placed.append(Placed(name, gap_at + at, data, expect))
            return
        free = _fat_free(fs, at) and _fat_free(fs, at + len(data) - 1) if fs == fat \
            else _ext4_free(fs, at, len(data))
        assert free, f"{name} would overwrite allocated blocks at {at}"
        fs_bytes[fs][at:at + len(data)] = data
        disk.placed.append(Placed(name, (fat_at if fs == fat else ext_at) + at, data, expect))

    for fs, seed in ((fat, 11), (ext, 21)):
        for number, (kind, data) in enumerate(pictures(seed)):
            put(fs, 3 * MIB + number * 256 * 1024 + 3 * SECTOR, f"{fs.suffix[1:]}-{kind}", data,
                "complete")
    put(fat, 5 * MIB, "fat-stale-copy", kept, "complete")
    truncated = _noise_jpeg(31)
    put(fat, 5 * MIB + 512 * 1024, "fat-truncated-jpeg", truncated[:len(truncated) * 6 // 10],
        "partial")
    garbage = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(5).randbytes(20000)
    put(ext, 6 * MIB, "ext-random-after-jpeg-header", garbage, "none")
    for number, (kind, data) in enumerate(pictures(41)[:3] + pictures(41)[-1:]):
        put(None, 100 * 1024 + number * 200 * 1024 + number * 7, f"gap-{kind}", data, "complete")

    for fs, data in fs_bytes.items():
        fs.write_bytes(bytes(data))
    _sfdisk(disk.path, "label: dos\nlabel-id: 0x0badcafe\nunit: sectors\n"
                       f"start={fat_at // SECTOR}, size={size // SECTOR}, type=6\n"
                       f"start={ext_at // SECTOR}, size={size // SECTOR}, type=83\n")
    _place(disk.path, fat, fat_at)
    _place(disk.path, ext, ext_at)
    with open(disk.path, "r+b") as handle:
        for item in disk.placed:
            if item.offset >= gap_at:
                handle.seek(item.offset)
                handle.write(item.data)
    shutil.rmtree(work)
    return disk


def cli_ingest(case: Path, evidence: Path, *options: str) -> subprocess.Popen:
    """`triage ingest` in a process group of its own (two workers), to be killed whole."""
    return subprocess.Popen([sys.executable, "-m", "triage", "ingest", str(case), str(evidence),
                             *options, "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def ingest_killed_while_carving(case: Path, evidence: Path, *options: str) -> None:
    """Ingest killed (SIGKILL, workers too) three times once its files are pending, at
    growing delays, then run to the end: what a resumed run must make whole."""
    for delay in (0.0, 0.1, 0.3):
        process = cli_ingest(case, evidence, *options)
        while process.poll() is None and not pending_files(case):
            time.sleep(0.005)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert cli_ingest(case, evidence, *options).wait(timeout=240) == 0
    assert pending_files(case) == 0


def pending_files(case: Path) -> int:
    """File rows still pending in a SQLite case being ingested (0 before it has a database):
    how the kill-and-resume tests know the carving has started."""
    database = case / "case.sqlite"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database) as connection:
            return connection.execute(
                "SELECT count(*) FROM file WHERE status = 'PENDING'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
