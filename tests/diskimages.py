"""Builders for small disk images used as test evidence.

Every builder is a plain function that takes a target folder, writes its
image(s) there and returns the path(s).  They use only Debian command-line
tools (mtools, dosfstools, e2fsprogs, fdisk, ntfs-3g, genisoimage, ewf-tools)
and never need root or a mount: each file system is built in its own file,
filled with mtools / ``mkfs.ext4 -d`` / ``ntfscp`` / ``debugfs``, and then
copied into place behind a partition table written by ``sfdisk``.

The content is generated (gradients, noise, text), never photographs of
people.  Builders are deterministic in content (seeded) so failures
reproduce; timestamps are whatever the tools write.

``MISSING_TOOL`` is raised (a RuntimeError subclass) when a Debian tool is
not installed, so that fixtures can turn it into ``pytest.skip``.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SECTOR = 512
MIB = 1024 * 1024

#: Name used for the non-ASCII file in every populated file system.
UNICODE_NAME = "Ünïcødé_日本.jpg"

#: Files that are deleted after population, per file system family.  The
#: paths are relative to the file-system root.
DELETED_FAT = ("04_del.jpg", "DCIM/100TEST/gone.png")
DELETED_EXT = ("04_del.jpg", "DCIM/100TEST/gone.png")

#: Misleading names: (path, detected type that content sniffing must report).
MISLEADING = {
    "Documents/report.dat": "image/jpeg",  # a JPEG with a non-image extension
    "Documents/x.jpg": "image/png",  # a PNG named .jpg
}

#: Files whose name and content agree (no mismatch expected).
HONEST_MEDIA = {
    "DCIM/100TEST/IMG_0001.jpg": "image/jpeg",
    "DCIM/100TEST/IMG_0002.png": "image/png",
    "Videos/clip.mp4": "video/mp4",
}


class MissingTool(RuntimeError):
    """A Debian tool needed to build an image is not installed."""


MISSING_TOOL = MissingTool


def require(*tools: str) -> None:
    """Raise MissingTool naming the first tool not on PATH."""
    for tool in tools:
        if shutil.which(tool) is None:
            raise MissingTool(f"{tool} not installed")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "MTOOLS_SKIP_CHECK": "1"})
    env.update(kw.pop("env", {}))
    proc = subprocess.run(cmd, capture_output=True, env=env, **kw)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}): "
            f"{proc.stderr.decode(errors='replace').strip()}"
        )
    return proc


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


def _jpeg(seed: int, size=(96, 64), quality=85) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    px = img.load()
    a, b, c = rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)
    for y in range(h):
        for x in range(w):
            px[x, y] = ((a + x * 3) % 256, (b + y * 4) % 256, (c + x + y) % 256)
    ImageDraw.Draw(img).text((4, 4), f"#{seed}", fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _noise_jpeg(seed: int, size=(256, 256)) -> bytes:
    """A JPEG of random noise: large (tens of KB) so it spans many clusters."""
    from PIL import Image

    rnd = random.Random(seed)
    img = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def _png(seed: int, size=(48, 48)) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), 40))
    d = ImageDraw.Draw(img)
    for i in range(6):
        x0, y0 = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.rectangle([x0, y0, x0 + 10, y0 + 8], fill=(rnd.randrange(256), 0, 200))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _gif(seed: int) -> bytes:
    from PIL import Image

    img = Image.new("P", (16, 16), seed % 256)
    buf = io.BytesIO()
    img.save(buf, "GIF")
    return buf.getvalue()


def _mp4(seed: int) -> bytes:
    """A minimal ISO-BMFF file: an ``ftyp`` box and a ``free`` box.

    Enough for signature sniffing (``....ftypisom``); no decodable video."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41"
    ftyp = struct.pack(">I", len(ftyp) + 4) + ftyp
    payload = random.Random(seed).randbytes(2000)
    free = struct.pack(">I", len(payload) + 8) + b"free" + payload
    return ftyp + free


@dataclass
class Payload:
    """The files put into a generated file system: relative path -> bytes."""

    files: dict[str, bytes] = field(default_factory=dict)
    dirs: list[str] = field(default_factory=list)

    def md5(self, rel: str) -> str:
        return hashlib.md5(self.files[rel]).hexdigest()


def standard_payload(seed: int = 1, *, unicode_name: bool = True) -> Payload:
    """Pictures, a fake video, misleading names, nesting, text, an empty file."""
    p = Payload()
    p.dirs = [
        "DCIM",
        "DCIM/100TEST",
        "Documents",
        "Videos",
        "Pictures",
        "Pictures/holiday",
        "Pictures/holiday/beach",
        "Pictures/holiday/beach/day1",
    ]
    f = p.files
    f["DCIM/100TEST/IMG_0001.jpg"] = _jpeg(seed * 10 + 1)
    f["DCIM/100TEST/IMG_0002.png"] = _png(seed * 10 + 2)
    f["DCIM/100TEST/gone.png"] = _png(seed * 10 + 3)  # deleted later
    f["04_del.jpg"] = _jpeg(seed * 10 + 4)  # deleted later
    f["Documents/report.dat"] = _jpeg(seed * 10 + 5)  # JPEG, misleading name
    f["Documents/x.jpg"] = _png(seed * 10 + 6)  # PNG named .jpg
    f["Documents/notes.txt"] = b"Plain text, nothing to see.\n" * 20
    f["Documents/empty.txt"] = b""
    f["Videos/clip.mp4"] = _mp4(seed)
    f["Pictures/holiday/beach/day1/big_noise.jpg"] = _noise_jpeg(seed * 10 + 7)
    f["Pictures/holiday/anim.gif"] = _gif(seed)
    if unicode_name:
        f[UNICODE_NAME] = _jpeg(seed * 10 + 8)
    return p


def write_payload(p: Payload, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for d in p.dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for rel, data in p.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


# --------------------------------------------------------------------------
# File systems (each in its own file, starting at byte 0)
# --------------------------------------------------------------------------


def _sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def make_fat_fs(
    path: Path,
    size: int,
    fat_bits: int,
    payload: Payload | None,
    deleted: tuple[str, ...] = (),
    label: str = "TRIAGE",
) -> Path:
    """A FAT12/16/32 file system filled with mtools; ``deleted`` are mdel'ed.

    FAT32 needs at least 65525 clusters for TSK to call it FAT32, so with
    512-byte clusters ``size`` must be >= ~34 MiB (the file stays sparse)."""
    require("mkfs.vfat", "mmd", "mcopy", "mdel")
    _sparse(path, size)
    cmd = ["mkfs.vfat", "-F", str(fat_bits), "-n", label, "-i", "12345678"]
    if fat_bits in (16, 32):
        cmd += ["-s", "1"]
    _run(cmd + [str(path)])
    if payload is None:
        return path
    img = str(path)
    for d in payload.dirs:
        _run(["mmd", "-i", img, "::/" + d])
    for rel, data in payload.files.items():
        src = path.parent / (path.name + ".src")
        src.write_bytes(data)
        _run(["mcopy", "-i", img, str(src), "::/" + rel])
        src.unlink()
    for rel in deleted:
        _run(["mdel", "-i", img, "::/" + rel])
    return path


def make_ext4_fs(
    path: Path,
    size: int,
    payload: Payload | None,
    deleted: tuple[str, ...] = (),
    label: str = "triage",
) -> Path:
    """An ext4 file system populated by ``mkfs.ext4 -d``; ``deleted`` are
    removed with ``debugfs -w -R rm`` (their block pointers usually stay, so
    TSK can often still read them)."""
    require("mkfs.ext4", "debugfs")
    _sparse(path, size)
    cmd = ["mkfs.ext4", "-q", "-F", "-b", "1024", "-N", "128", "-L", label,
           "-U", "12345678-1234-1234-1234-123456789abc",
           "-E", "root_owner=0:0"]
    if payload is not None:
        src = write_payload(payload, path.parent / (path.name + ".d"))
        cmd += ["-d", str(src)]
    _run(cmd + [str(path)], env={"E2FSPROGS_FAKE_TIME": "1700000000"})
    if payload is not None:
        shutil.rmtree(src)
    for rel in deleted:
        _run(["debugfs", "-w", "-R", f"rm /{rel}", str(path)])
    return path


def make_ntfs_fs(path: Path, size: int, payload: Payload | None) -> Path:
    """An NTFS file system; files are written with ``ntfscp`` (no mount).

    ``ntfscp`` cannot make directories, so only the root-level part of the
    payload is copied (flattened names for nested files), plus one named
    stream (``photo.jpg:hidden``, holding a PNG)."""
    require("mkntfs", "ntfscp")
    _sparse(path, size)
    _run(["mkntfs", "-F", "-Q", "-q", "-L", "TRIAGE", "-s", "512", str(path)])
    if payload is None:
        return path
    src = path.parent / (path.name + ".src")
    for rel, data in payload.files.items():
        name = rel.replace("/", "_")
        src.write_bytes(data)
        _run(["ntfscp", "-f", str(path), str(src), "/" + name])
    src.write_bytes(_jpeg(99))
    _run(["ntfscp", "-f", str(path), str(src), "/photo.jpg"])
    src.write_bytes(_png(99))
    _run(["ntfscp", "-f", "-N", "hidden", str(path), str(src), "/photo.jpg"])
    src.unlink()
    return path


# --------------------------------------------------------------------------
# Disks
# --------------------------------------------------------------------------


def _place(disk: Path, fs: Path, byte_offset: int) -> None:
    """Copy a file-system image into ``disk`` at ``byte_offset``, keeping
    runs of zeros sparse."""
    chunk = 64 * 1024
    zero = bytes(chunk)
    with open(fs, "rb") as src, open(disk, "r+b") as dst:
        pos = byte_offset
        while True:
            buf = src.read(chunk)
            if not buf:
                break
            if buf != zero[: len(buf)]:
                dst.seek(pos)
                dst.write(buf)
            pos += len(buf)


def _sfdisk(disk: Path, script: str) -> None:
    require("sfdisk")
    _run(["sfdisk", "--no-reread", "--no-tell-kernel", "-q", str(disk)],
         input=script.encode())


@dataclass
class Disk:
    """A built disk image and what was put in it."""

    path: Path
    #: byte offset of each partition -> (fs kind, payload, deleted paths)
    partitions: dict[int, tuple[str, Payload | None, tuple[str, ...]]]


def make_mbr_fat32_ext4(folder: Path) -> Disk:
    """MBR disk: p1 FAT32 (36 MiB at 1 MiB), p2 ext4 (4 MiB), both with the
    standard payload and deleted files."""
    folder = Path(folder)
    fat_size, ext_size = 36 * MIB, 4 * MIB
    fat_off = 1 * MIB
    ext_off = fat_off + fat_size
    total = ext_off + ext_size + 1 * MIB
    work = folder / "mbr.work"
    work.mkdir(parents=True, exist_ok=True)
    p1, p2 = standard_payload(1), standard_payload(2)
    fat = make_fat_fs(work / "p1.fat32", fat_size, 32, p1, DELETED_FAT)
    ext = make_ext4_fs(work / "p2.ext4", ext_size, p2, DELETED_EXT)
    disk = _sparse(folder / "mbr_fat32_ext4.raw", total)
    _sfdisk(disk, "label: dos\nlabel-id: 0x12345678\nunit: sectors\n"
                  f"start={fat_off // SECTOR}, size={fat_size // SECTOR}, type=c\n"
                  f"start={ext_off // SECTOR}, size={ext_size // SECTOR}, type=83\n")
    _place(disk, fat, fat_off)
    _place(disk, ext, ext_off)
    shutil.rmtree(work)
    return Disk(disk, {fat_off: ("fat32", p1, DELETED_FAT),
                       ext_off: ("ext4", p2, DELETED_EXT)})


def make_gpt_fat16_ntfs(folder: Path) -> Disk:
    """GPT disk: p1 FAT16 (4 MiB), p2 NTFS (4 MiB, with a named stream)."""
    folder = Path(folder)
    fat_size, ntfs_size = 4 * MIB, 4 * MIB
    fat_off = 1 * MIB
    ntfs_off = fat_off + fat_size
    total = ntfs_off + ntfs_size + 1 * MIB
    work = folder / "gpt.work"
    work.mkdir(parents=True, exist_ok=True)
    p1, p2 = standard_payload(3), standard_payload(4, unicode_name=True)
    fat = make_fat_fs(work / "p1.fat16", fat_size, 16, p1, DELETED_FAT)
    ntfs = make_ntfs_fs(work / "p2.ntfs", ntfs_size, p2)
    disk = _sparse(folder / "gpt_fat16_ntfs.raw", total)
    _sfdisk(disk, "label: gpt\nlabel-id: 12345678-AAAA-BBBB-CCCC-123456789ABC\n"
                  "unit: sectors\n"
                  f"start={fat_off // SECTOR}, size={fat_size // SECTOR}, "
                  "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, "
                  "uuid=11111111-2222-3333-4444-555555555555\n"
                  f"start={ntfs_off // SECTOR}, size={ntfs_size // SECTOR}, "
                  "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, "
                  "uuid=11111111-2222-3333-4444-666666666666\n")
    _place(disk, fat, fat_off)
    _place(disk, ntfs, ntfs_off)
    shutil.rmtree(work)
    return Disk(disk, {fat_off: ("fat16", p1, DELETED_FAT),
                       ntfs_off: ("ntfs", p2, ())})


def make_bare_fat12(folder: Path) -> Disk:
    """A 1.44 MB floppy-style FAT12 file system with no partition table."""
    p = standard_payload(5)
    del p.files["Pictures/holiday/beach/day1/big_noise.jpg"]  # keep it small
    path = make_fat_fs(Path(folder) / "fat12.raw", 1440 * 1024, 12, p, DELETED_FAT)
    return Disk(path, {0: ("fat12", p, DELETED_FAT)})


def make_bare_ext4(folder: Path) -> Disk:
    p = standard_payload(6)
    path = make_ext4_fs(Path(folder) / "ext4.raw", 4 * MIB, p, DELETED_EXT)
    return Disk(path, {0: ("ext4", p, DELETED_EXT)})


def make_bare_ntfs(folder: Path) -> Disk:
    p = standard_payload(7)
    path = make_ntfs_fs(Path(folder) / "ntfs.raw", 4 * MIB, p)
    return Disk(path, {0: ("ntfs", p, ())})


def make_iso9660(folder: Path) -> Disk:
    """ISO 9660 with Rock Ridge and Joliet from the standard payload (no
    non-ASCII name: TSK's ISO names depend on which extension it reads)."""
    require("genisoimage")
    folder = Path(folder)
    p = standard_payload(8, unicode_name=False)
    src = write_payload(p, folder / "iso.src")
    path = folder / "payload.iso"
    _run(["genisoimage", "-quiet", "-R", "-J", "-V", "TRIAGE", "-o", str(path), str(src)])
    shutil.rmtree(src)
    return Disk(path, {0: ("iso9660", p, ())})


def make_folder_evidence(folder: Path) -> Path:
    """A plain folder holding the standard payload (folder evidence)."""
    return write_payload(standard_payload(9), Path(folder) / "folder_evidence")


# --------------------------------------------------------------------------
# Container formats
# --------------------------------------------------------------------------


def make_e01(raw: Path, target_base: Path, segment_size: int | None = None,
             compression: str = "deflate:fast") -> list[Path]:
    """Convert a raw image into EWF (EnCase 6) with ``ewfacquire -u``.

    ``target_base`` is the name without extension; returns the segment
    files in order (.E01, .E02, ...)."""
    require("ewfacquire")
    target_base = Path(target_base)
    target_base.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ewfacquire", "-u", "-q", "-t", str(target_base), "-f", "encase6",
           "-c", compression, "-C", "case", "-D", "triage test", "-e", "tester",
           "-E", "1", "-N", "generated by tests/diskimages.py", "-m", "fixed",
           "-M", "physical"]
    if segment_size:
        cmd += ["-S", str(segment_size)]
    _run(cmd + [str(raw)])
    segs = sorted(target_base.parent.glob(target_base.name + ".E[0-9][0-9]"))
    if not segs:
        raise RuntimeError(f"ewfacquire wrote no segment for {raw}")
    return segs


def make_split_raw(raw: Path, target_base: Path, segment_size: int = MIB) -> list[Path]:
    """Split a raw image into ``NAME.000``, ``NAME.001``, ... (``split -b``)."""
    require("split")
    target_base = Path(target_base)
    target_base.parent.mkdir(parents=True, exist_ok=True)
    _run(["split", "-b", str(segment_size), "-d", "-a", "3",
          str(raw), str(target_base) + "."])
    return sorted(target_base.parent.glob(target_base.name + ".[0-9][0-9][0-9]"))


# --------------------------------------------------------------------------
# Bad evidence
# --------------------------------------------------------------------------


def make_random_bytes(folder: Path, size: int = 256 * 1024) -> Path:
    path = Path(folder) / "random.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(1234).randbytes(size))
    return path


def make_fabricated_core_storage(folder: Path, name: str = "corestorage.raw",
                                 garbage: bool = False) -> Path:
    """A volume that starts like a Core Storage (FileVault 2) physical volume header:
    version 1, block type 0x10, "CS" at byte 88, then zeros (or random bytes). No FileVault
    volume can be made on Linux; libfvde rejects this one (its checksum fields are empty),
    which is what the locked and wrong-credential paths need."""
    rng = random.Random(88)
    data = bytearray(rng.randbytes(MIB) if garbage else bytes(MIB))
    data[8:12] = b"\x01\x00\x10\x00"
    data[64:72] = MIB.to_bytes(8, "little")  # physical volume size
    data[88:90] = b"CS"
    data[96:100] = (4096).to_bytes(4, "little")  # block size
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(data))
    return path


VSS_IDENTIFIER = bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")


def make_ntfs_with_vss_header(folder: Path, name: str, header: bytes) -> Disk:
    """A bare NTFS volume with `header` written where Windows keeps its VSS volume header
    (byte 0x1E00, inside $Boot's unused sectors). No real shadow copy can be made on
    Linux: these fabricated headers exercise recognition and the damaged-catalogue paths."""
    disk = make_bare_ntfs(Path(folder) / name)
    data = bytearray(disk.path.read_bytes())
    data[0x1E00:0x1E00 + len(header)] = header
    disk.path.write_bytes(bytes(data))
    return disk


def make_empty_file(folder: Path) -> Path:
    path = Path(folder) / "empty.raw"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def make_truncated_e01(e01: Path, folder: Path, keep: float = 0.5) -> Path:
    """The first ``keep`` fraction of an E01 segment (tail sections missing)."""
    data = Path(e01).read_bytes()
    path = Path(folder) / "truncated.E01"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: max(1, int(len(data) * keep))])
    return path


def make_zeroed_superblock_ext4(folder: Path) -> Path:
    """A bare ext4 whose primary superblock (bytes 1024-2047) is zeroed:
    nothing readable (TSK does not fall back to backup superblocks)."""
    p = Payload(files={"a.jpg": _jpeg(77)})
    path = make_ext4_fs(Path(folder) / "zeroed_sb.ext4", 2 * MIB, p)
    with open(path, "r+b") as fh:
        fh.seek(1024)
        fh.write(bytes(1024))
    return path


def make_mbr_one_bad_partition(folder: Path) -> Disk:
    """MBR disk: p1 a good FAT16, p2 an ext4 whose superblock is zeroed.
    Something is readable, so ingest must succeed and record the error."""
    folder = Path(folder)
    work = folder / "onebad.work"
    work.mkdir(parents=True, exist_ok=True)
    p1 = standard_payload(10, unicode_name=False)
    del p1.files["Pictures/holiday/beach/day1/big_noise.jpg"]
    fat = make_fat_fs(work / "p1.fat16", 4 * MIB, 16, p1)
    ext = make_ext4_fs(work / "p2.ext4", 2 * MIB, Payload(files={"a.jpg": _jpeg(3)}))
    with open(ext, "r+b") as fh:
        fh.seek(1024)
        fh.write(bytes(1024))
    fat_off, ext_off = MIB, 5 * MIB
    disk = _sparse(folder / "mbr_one_bad_partition.raw", 8 * MIB)
    _sfdisk(disk, "label: dos\nunit: sectors\n"
                  f"start={fat_off // SECTOR}, size={4 * MIB // SECTOR}, type=6\n"
                  f"start={ext_off // SECTOR}, size={2 * MIB // SECTOR}, type=83\n")
    _place(disk, fat, fat_off)
    _place(disk, ext, ext_off)
    shutil.rmtree(work)
    return Disk(disk, {fat_off: ("fat16", p1, ()), ext_off: ("bad-ext4", None, ())})


def make_mbr_past_end(folder: Path) -> Disk:
    """MBR disk whose p1 is a good FAT12 and whose p2 starts past the end of
    the image (the table was written for a 16 MiB disk, the file is then
    truncated to 3 MiB).  TSK (mmls, pytsk3.Volume_Info) rejects the whole
    table because of p2, so a TSK-based reader may find nothing here."""
    folder = Path(folder)
    work = folder / "pastend.work"
    work.mkdir(parents=True, exist_ok=True)
    p1 = Payload(files={"kept.jpg": _jpeg(41), "kept.png": _png(42)})
    fat = make_fat_fs(work / "p1.fat12", 1 * MIB, 12, p1)
    disk = _sparse(folder / "mbr_past_end.raw", 16 * MIB)
    _sfdisk(disk, "label: dos\nunit: sectors\n"
                  f"start=2048, size={1 * MIB // SECTOR}, type=1\n"
                  f"start={8 * MIB // SECTOR}, size={4 * MIB // SECTOR}, type=83\n")
    _place(disk, fat, MIB)
    with open(disk, "r+b") as fh:
        fh.truncate(3 * MIB)
    shutil.rmtree(work)
    return Disk(disk, {MIB: ("fat12", p1, ()), 8 * MIB: ("past-end", None, ())})


def make_mbr_truncated_partition(folder: Path) -> Disk:
    """MBR disk: p1 a good FAT12; p2 a FAT12 that starts inside the image
    but whose table entry (and file system) run past the end of the file,
    which is cut in the middle of p2's data area: files there cannot be read
    (read errors on those files, the rest of the evidence is fine)."""
    folder = Path(folder)
    work = folder / "truncpart.work"
    work.mkdir(parents=True, exist_ok=True)
    p1 = Payload(files={"good.jpg": _jpeg(51)})
    p2 = Payload(files={
        "first.jpg": _jpeg(52),  # near the start of the data area: readable
        "padding.bin": random.Random(53).randbytes(600 * 1024),  # crosses the cut
        "lost.jpg": _jpeg(54),  # entirely past the cut
        "lost.png": _png(55),
    })
    fat1 = make_fat_fs(work / "p1.fat12", 1 * MIB, 12, p1)
    fat2 = make_fat_fs(work / "p2.fat12", 1 * MIB, 12, p2)
    disk = _sparse(folder / "mbr_truncated_partition.raw", 4 * MIB)
    _sfdisk(disk, "label: dos\nunit: sectors\n"
                  f"start=2048, size={1 * MIB // SECTOR}, type=1\n"
                  f"start=4096, size={1 * MIB // SECTOR}, type=1\n")
    _place(disk, fat1, 1 * MIB)
    _place(disk, fat2, 2 * MIB)
    with open(disk, "r+b") as fh:
        fh.truncate(2 * MIB + 512 * 1024)
    shutil.rmtree(work)
    return Disk(disk, {MIB: ("fat12", p1, ()), 2 * MIB: ("fat12-truncated", p2, ())})


def make_mbr_only_past_end(folder: Path) -> Path:
    """MBR disk whose only partition lies entirely past the end of the file."""
    folder = Path(folder)
    disk = _sparse(folder / "mbr_only_past_end.raw", 16 * MIB)
    _sfdisk(disk, "label: dos\nunit: sectors\n"
                  f"start={8 * MIB // SECTOR}, size={4 * MIB // SECTOR}, type=83\n")
    with open(disk, "r+b") as fh:
        fh.truncate(1 * MIB)
    return disk


def make_e01_missing_segment(segments: list[Path], folder: Path, drop: int) -> list[Path]:
    """A copy of a multi-segment E01 set without segment number ``drop``
    (1-based: 5 drops .E05).  Returns the segments kept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for i, seg in enumerate(segments, start=1):
        if i == drop:
            continue
        dst = folder / seg.name
        if dst.exists():
            dst.unlink()
        try:
            os.link(seg, dst)
        except OSError:
            shutil.copyfile(seg, dst)
        kept.append(dst)
    return kept


def make_corrupted_e01(raw: Path, folder: Path, needle: bytes) -> Path:
    """An uncompressed single-segment E01 of ``raw`` with one byte flipped
    inside the chunk that stores ``needle`` (bytes of one file's content):
    that chunk's checksum no longer matches, and neither does the image MD5
    stored at acquisition."""
    folder = Path(folder)
    (seg,) = make_e01(raw, folder / "work" / "uncompressed", compression="none")
    data = bytearray(seg.read_bytes())
    at = data.find(needle)
    if at < 0 or data.find(needle, at + 1) >= 0:
        raise RuntimeError("needle not found exactly once in the E01")
    data[at + len(needle) // 2] ^= 0xFF
    out = folder / "corrupted_chunk.E01"
    out.write_bytes(bytes(data))
    shutil.rmtree(folder / "work")
    return out


# --------------------------------------------------------------------------
# Virtual disks (qemu-img, Debian qemu-utils)
# --------------------------------------------------------------------------

#: id -> (qemu-img output format, its options, file extension)
VIRTUAL_FORMATS = {
    "vmdk-sparse": ("vmdk", [], "vmdk"),
    "vmdk-stream": ("vmdk", ["-o", "subformat=streamOptimized"], "vmdk"),
    "vmdk-split": ("vmdk", ["-o", "subformat=twoGbMaxExtentFlat"], "vmdk"),
    "vhd-dynamic": ("vpc", ["-o", "subformat=dynamic,force_size=on"], "vhd"),
    "vhd-fixed": ("vpc", ["-o", "subformat=fixed,force_size=on"], "vhd"),
    "vhdx": ("vhdx", [], "vhdx"),
    "qcow2": ("qcow2", [], "qcow2"),
    "qcow2-compressed": ("qcow2", ["-c"], "qcow2"),
}


def make_virtual_disk(raw: Path, folder: Path, kind: str) -> Path:
    """`raw` converted by qemu-img into the virtual disk format `kind` (VIRTUAL_FORMATS)."""
    require("qemu-img")
    fmt, options, ext = VIRTUAL_FORMATS[kind]
    target = Path(folder) / kind / f"{Path(raw).stem}-{kind}.{ext}"
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["qemu-img", "convert", "-q", "-f", "raw", "-O", fmt, *options, str(raw), str(target)])
    return target


def make_child_image(base: Path, folder: Path, fmt: str,
                     changes: dict[int, tuple[int, int]]) -> Path:
    """A QCOW2 overlay or VMDK delta (`fmt`) on `base` (its parent, named relatively), with
    `changes` (offset -> (byte value, length)) written through it."""
    require("qemu-img", "qemu-io")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    child = folder / (Path(base).stem + f"-child.{fmt}")
    _run(["qemu-img", "create", "-q", "-f", fmt, "-F", fmt, "-b", Path(base).name,
          str(child)], cwd=folder)
    for offset, (value, length) in changes.items():
        _run(["qemu-io", "-f", fmt, "-c", f"write -P {value} {offset} {length}", str(child)])
    return child


LUKS_PASSWORD = "luks-TEST"


def make_luks1_fat(folder: Path) -> Disk:
    """A LUKS1 volume holding a FAT16 file system (see make_luks_fat)."""
    return make_luks_fat(folder, "luks1")


def make_luks2_fat(folder: Path) -> Disk:
    """A LUKS2 volume (PBKDF2, 512-byte sectors) holding a FAT16 file system."""
    return make_luks_fat(folder, "luks2")


def make_luks_fat(folder: Path, luks_type: str, extra: dict[str, bytes] | None = None) -> Disk:
    """A LUKS volume (aes-xts-plain64, password LUKS_PASSWORD) holding a FAT16 file system
    with the standard payload. cryptsetup writes only the header (no device-mapper, no
    root); the payload is encrypted here with the volume key given to luksFormat."""
    require("cryptsetup", "mkfs.vfat", "mcopy")
    folder = Path(folder) / luks_type
    folder.mkdir(parents=True, exist_ok=True)
    payload = standard_payload(5)
    if extra:
        payload.files.update(extra)
        payload.dirs.extend(sorted({rel.rsplit("/", 1)[0] for rel in extra if "/" in rel}))
    fat = make_fat_fs(folder / "inner.fat16", 4 * MIB, 16, payload, DELETED_FAT)
    disk = luks_around(fat, folder / f"{luks_type}_fat16.raw", luks_type)
    fat.unlink()
    return Disk(disk, {0: ("fat16", payload, DELETED_FAT)})


def luks_around(plain_volume: Path, disk: Path, luks_type: str) -> Path:
    """`disk`: a LUKS volume (aes-xts-plain64, password LUKS_PASSWORD) whose decrypted
    content is the file `plain_volume` (a whole number of sectors)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    folder = disk.parent
    volume_key = bytes(range(64))  # aes-xts with two 256-bit keys
    (folder / "volume.key").write_bytes(volume_key)
    (folder / "pass").write_text(LUKS_PASSWORD)
    header = 2 * MIB if luks_type == "luks1" else 16 * MIB
    plain = plain_volume.read_bytes()
    disk = _sparse(disk, header + len(plain))
    options = (["--align-payload", "4096"] if luks_type == "luks1"
               else ["--pbkdf", "pbkdf2", "--sector-size", "512", "--offset", str(header // SECTOR)])
    _run(["cryptsetup", "luksFormat", "-q", "--type", luks_type, "--cipher", "aes-xts-plain64",
          "--key-size", "512", "--hash", "sha256", "--pbkdf-force-iterations", "1000",
          "--volume-key-file", str(folder / "volume.key"), "--key-file", str(folder / "pass"),
          *options, str(disk)])
    encrypted = bytearray()
    for sector in range(len(plain) // SECTOR):
        cipher = Cipher(algorithms.AES(volume_key), modes.XTS(sector.to_bytes(16, "little")))
        encrypted += cipher.encryptor().update(plain[sector * SECTOR:(sector + 1) * SECTOR])
    with open(disk, "r+b") as handle:
        handle.seek(header)
        handle.write(encrypted)
    return disk
