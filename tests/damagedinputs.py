"""Builders for the damaged-input corpus (tests/test_damaged_corpus.py): each makes, from
generated content, one kind of input a hostile tester would give Triage.

Seeded, so a failure reproduces. The FAT editing is by hand (a few fields at
fixed offsets of the boot sector and the FAT): no library writes *broken*
file systems on purpose, and these are tests, never evidence handling.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image

import diskimages as D


# -- E01 ----------------------------------------------------------------------------------


def truncated_e01(segment: Path, folder: Path) -> Path:
    """The first half of an E01 segment (a copy cut short)."""
    out = folder / "truncated.E01"
    data = segment.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


def bit_flipped_e01(segment: Path, folder: Path, seed: int, flips: int = 6,
                    start: float = 0.0, end: float = 1.0) -> Path:
    """A copy with `flips` random bits flipped between the fractions `start` and `end` of
    the file (headers near the start; chunk data and tables after)."""
    data = bytearray(segment.read_bytes())
    rnd = random.Random(seed)
    low, high = int(len(data) * start), int(len(data) * end)
    for _ in range(flips):
        data[rnd.randrange(low, high)] ^= 1 << rnd.randrange(8)
    out = folder / f"flipped{seed}.E01"
    out.write_bytes(bytes(data))
    return out


# -- FAT loops ----------------------------------------------------------------------------


def _fat16_geometry(image: bytes) -> dict[str, int]:
    sector, per_cluster, reserved, fats, root_entries = struct.unpack_from("<HBHBH", image, 11)
    fat_sectors = struct.unpack_from("<H", image, 22)[0]
    fat = reserved * sector
    root = fat + fats * fat_sectors * sector
    return {"cluster": per_cluster * sector, "fat": fat, "fat_bytes": fat_sectors * sector,
            "fats": fats, "root": root, "root_entries": root_entries,
            "data": root + root_entries * 32}


def _entries(image: bytes, start: int, count: int) -> dict[str, tuple[int, int]]:
    """Short name -> (offset of the entry, first cluster), long-name entries left out."""
    found = {}
    for offset in range(start, start + 32 * count, 32):
        entry = image[offset:offset + 32]
        if entry[0] in (0, 0xE5) or entry[11] == 0x0F:
            continue
        name = entry[:8].decode("ascii").strip()
        extension = entry[8:11].decode("ascii").strip()
        found[f"{name}.{extension}" if extension else name] = (
            offset, struct.unpack_from("<H", entry, 26)[0])
    return found


def fat_with_loops(folder: Path) -> tuple[Path, D.Payload]:
    """FAT16 where C.JPG's cluster chain loops back to its first cluster, and DIR/SUB's
    entry points at DIR itself (a directory cycle). OK.PNG and DIR/A.JPG are intact."""
    payload = D.Payload(dirs=["DIR", "DIR/SUB"])
    payload.files["DIR/a.jpg"] = D._noise_jpeg(1, (128, 128))
    payload.files["DIR/SUB/b.jpg"] = D._jpeg(2)
    payload.files["c.jpg"] = D._noise_jpeg(3, (128, 128))
    payload.files["ok.png"] = D._png(4)
    path = D.make_fat_fs(folder / "loops.raw", 8 * D.MIB, 16, payload)
    image = bytearray(path.read_bytes())
    geometry = _fat16_geometry(image)
    root = _entries(image, geometry["root"], geometry["root_entries"])
    looped = root["C.JPG"][1]
    for copy in range(geometry["fats"]):  # the second cluster of c.jpg leads back to its first
        struct.pack_into("<H", image, geometry["fat"] + copy * geometry["fat_bytes"]
                         + 2 * (looped + 1), looped)
    parent = root["DIR"][1]
    listing = geometry["data"] + (parent - 2) * geometry["cluster"]
    sub_entry, _ = _entries(image, listing, geometry["cluster"] // 32)["SUB"]
    struct.pack_into("<H", image, sub_entry + 26, parent)
    path.write_bytes(bytes(image))
    return path, payload


LOOPS_CHUNK_FILE = "DIR/a.jpg"  # its tail shares a 32 KiB E01 chunk only with later files


# -- bombs and broken pictures --------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bombs(folder: Path) -> Path:
    """A folder: a ZIP of 100 MiB of zeros, ZIPs nested 12 deep, a PNG whose header claims
    60000x60000 16-bit pixels, a JPEG cut in half, and one sound PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "zeros.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("zeros.bin", bytes(100 << 20))
    inner = b"innermost"
    for depth in range(12):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(f"level{depth}.zip" if depth else "x.txt", inner)
        inner = buffer.getvalue()
    (folder / "deep.zip").write_bytes(inner)
    header = struct.pack(">IIBBBBB", 60000, 60000, 16, 2, 0, 0, 0)
    (folder / "huge.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(2 << 20), 9)) + _png_chunk(b"IEND", b""))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "JPEG")
    (folder / "cut.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    Image.new("RGB", (32, 32), (200, 2, 3)).save(folder / "fine.png")
    return folder


# -- hash sets ------------------------------------------------------------------------------


def bad_hash_sets(folder: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Hash-set files that must each be refused with a clear error, by what is wrong, with
    the options they are imported with."""
    folder.mkdir(parents=True, exist_ok=True)
    md5s = [f"{random.Random(i).getrandbits(128):032x}" for i in range(30)]
    files = {
        "unterminated quote": ("unterminated.csv", "md5,note\n" + "".join(
            f'{m},{chr(34) if i == 1 else ""}x\n' for i, m in enumerate(md5s))),
        "NSRL with an odd header, no --kind": ("NSRLFile.txt", '"SHA-1","MD5","Nonsense"\n' + "".join(
            f'"{"0" * 40}","{m.upper()}","x"\n' for m in md5s)),
        "binary garbage": ("garbage.hash", random.Random(5).randbytes(4096)),
        "empty": ("empty.txt", b""),
        "truncated VICS": ("cut.json", json.dumps({
            "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/CASE",
            "value": [{"Media": [{"MD5": m, "Category": 1} for m in md5s]}]})[:700]),
    }
    paths = {}
    for label, (name, content) in files.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, "utf-8")
        else:
            path.write_bytes(content)
        paths[label] = (path, () if "no --kind" in label else ("--kind", "alert"))
    return paths
