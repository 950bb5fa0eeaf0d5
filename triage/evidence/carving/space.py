"""Which bytes of an evidence to carve: the free blocks of each file system, the space no
partition holds, and volumes no file system could be read from.

pytsk3 walks files but does not expose TSK's block walk, so the allocation
state comes from each file system's own record of it, read by hand where it
is a simple table: the FAT (FAT12/16/32), the block bitmaps of ext2/3/4
(through the group descriptors), and the bitmap files of NTFS (`$Bitmap`) and
exFAT (`$ALLOC_BITMAP`), read through TSK. Reading a bitmap takes a few
reads; walking every file's runs instead would cost a second walk of the
whole file system.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
import pytsk3

from triage.evidence.base import EvidenceError, Source

AREA_BYTES = 256 << 20  # one unit of carving work: a worker's share, and what a resume redoes
MIN_GAP = 512


@dataclass(frozen=True)
class CarveArea:
    """Byte runs of an evidence to carve, as one unit of work. A file found in them may run
    on past their end up to `end` (where their partition or gap stops)."""

    partition_index: int | None
    runs: tuple[tuple[int, int], ...]
    end: int
    what: str  # "unallocated", "unpartitioned" or "unreadable volume"

    @property
    def size(self) -> int:
        return sum(length for _, length in self.runs)

    @property
    def name(self) -> str:
        first = self.runs[0][0]
        last = self.runs[-1][0] + self.runs[-1][1]
        return f"${self.what.capitalize()} {first}-{last}"


class SpaceError(Exception):
    """The allocation table of a file system could not be read; the reason says why."""


def free_runs(source: Source, fs: pytsk3.FS_Info, offset: int,
              length: int | None) -> list[tuple[int, int]] | None:
    """Unallocated byte runs of the file system at `offset` (and the volume's space after
    it), absolute in the evidence; None for a file system whose allocation is not read yet."""
    kind = int(fs.info.ftype)
    if kind == pytsk3.TSK_FS_TYPE_EXFAT:
        runs, used_end = _exfat(source, fs, offset)
    elif kind & pytsk3.TSK_FS_TYPE_FAT_DETECT:
        runs, used_end = _fat(source, offset)
    elif kind & pytsk3.TSK_FS_TYPE_EXT_DETECT:
        runs, used_end = _ext(source, offset)
    elif kind & pytsk3.TSK_FS_TYPE_NTFS_DETECT:
        runs, used_end = _ntfs(fs, offset)
    else:
        return None
    if length and offset + length > used_end:  # volume slack: space the file system never uses
        runs.append((used_end, offset + length - used_end))
    return _merged(runs)


def _fat(source: Source, offset: int) -> tuple[list[tuple[int, int]], int]:
    boot = source.read(offset, 512)
    if len(boot) < 512:
        raise SpaceError("boot sector cannot be read")
    sector, per_cluster, reserved, copies, root_entries, total16, fat16 = struct.unpack(
        "<HBHBHH1xH", boot[11:24])
    total32, fat32 = struct.unpack("<II", boot[32:40])
    fat_sectors, total = fat16 or fat32, total16 or total32
    if not sector or not per_cluster or not fat_sectors:
        raise SpaceError("boot sector is not a FAT one")
    first_data = reserved + copies * fat_sectors + (root_entries * 32 + sector - 1) // sector
    clusters = (total - first_data) // per_cluster
    table = source.read(offset + reserved * sector, fat_sectors * sector)
    if clusters < 4085:
        raw = np.frombuffer(table[:len(table) // 3 * 3], dtype=np.uint8)
        raw = raw.reshape(-1, 3).astype(np.uint16)
        entries = np.empty(raw.shape[0] * 2, dtype=np.uint16)
        entries[0::2] = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
        entries[1::2] = (raw[:, 1] >> 4) | (raw[:, 2] << 4)
    elif clusters < 65525:
        entries = np.frombuffer(table[:len(table) // 2 * 2], dtype="<u2")
    else:
        entries = np.frombuffer(table[:len(table) // 4 * 4], dtype="<u4") & 0x0FFFFFFF
    free = entries[2:clusters + 2] == 0
    cluster_bytes = per_cluster * sector
    data_start = offset + first_data * sector
    runs = [(data_start + first * cluster_bytes, count * cluster_bytes)
            for first, count in _true_runs(free)]
    return runs, data_start + clusters * cluster_bytes


def _exfat(source: Source, fs: pytsk3.FS_Info, offset: int) -> tuple[list[tuple[int, int]], int]:
    """exFAT keeps its allocation in a bitmap file (bit n: cluster n + 2), which TSK lists."""
    boot = source.read(offset, 512)
    if len(boot) < 512 or boot[3:11] != b"EXFAT   ":
        raise SpaceError("boot sector is not an exFAT one")
    heap, clusters = struct.unpack("<II", boot[88:96])
    sector, per_cluster = 1 << boot[108], 1 << boot[109]
    try:
        entry = next(e for e in fs.open_dir(inode=int(fs.info.root_inum))
                     if e.info.name.name == b"$ALLOC_BITMAP")
        data = entry.read_random(0, int(entry.info.meta.size))
    except (StopIteration, OSError) as exc:
        raise SpaceError("the allocation bitmap cannot be read") from exc
    free = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[:clusters] == 0
    cluster_bytes, data_start = per_cluster * sector, offset + heap * sector
    return ([(data_start + start * cluster_bytes, length * cluster_bytes)
             for start, length in _true_runs(free)], data_start + clusters * cluster_bytes)


def _ext(source: Source, offset: int) -> tuple[list[tuple[int, int]], int]:
    sb = source.read(offset + 1024, 1024)
    if len(sb) < 1024 or sb[56:58] != b"\x53\xef":
        raise SpaceError("superblock cannot be read")
    blocks_lo, _, _, _, first_block, log_size, _, per_group = struct.unpack("<IIIIIIII", sb[4:36])
    incompat = struct.unpack("<I", sb[96:100])[0]
    wide = bool(incompat & 0x80)
    blocks = blocks_lo | (struct.unpack("<I", sb[336:340])[0] << 32 if wide else 0)
    block_size = 1024 << log_size
    desc_size = struct.unpack("<H", sb[254:256])[0] if wide else 32
    groups = (blocks - first_block + per_group - 1) // per_group
    table = source.read(offset + (first_block + 1) * block_size, groups * desc_size)
    runs = []
    for group in range(groups):
        desc = table[group * desc_size:(group + 1) * desc_size]
        if len(desc) < 32:
            raise SpaceError(f"group descriptor {group} cannot be read")
        bitmap = struct.unpack("<I", desc[0:4])[0]
        if wide and desc_size >= 64:
            bitmap |= struct.unpack("<I", desc[32:36])[0] << 32
        flags = struct.unpack("<H", desc[18:20])[0]
        first = first_block + group * per_group
        count = min(per_group, blocks - first)
        if flags & 0x2:  # BLOCK_UNINIT: nothing was ever allocated in it but its own metadata
            free = np.ones(count, dtype=bool)
        else:
            bits = np.frombuffer(source.read(offset + bitmap * block_size, block_size), np.uint8)
            free = np.unpackbits(bits, bitorder="little")[:count] == 0
        runs.extend((offset + (first + start) * block_size, length * block_size)
                    for start, length in _true_runs(free))
    return runs, offset + blocks * block_size


def _ntfs(fs: pytsk3.FS_Info, offset: int) -> tuple[list[tuple[int, int]], int]:
    try:
        bitmap = fs.open_meta(inode=6)  # $Bitmap: one bit per cluster
        data = bitmap.read_random(0, int(bitmap.info.meta.size))
    except OSError as exc:
        raise SpaceError(f"$Bitmap cannot be read: {exc}") from exc
    clusters, size = int(fs.info.block_count), int(fs.info.block_size)
    free = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[:clusters] == 0
    return ([(offset + start * size, length * size) for start, length in _true_runs(free)],
            offset + clusters * size)


def _true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True."""
    if not flags.size:
        return []
    edges = np.diff(np.concatenate(([0], flags.view(np.int8) if flags.dtype == bool
                                   else flags.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(s), int(e - s)) for s, e in zip(starts, ends)]


def _merged(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, length in sorted(runs):
        if length <= 0:
            continue
        if merged and start <= merged[-1][0] + merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], start + length - merged[-1][0])
        else:
            merged.append([start, length])
    return [(start, length) for start, length in merged]


def gaps(size: int, partitions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Space no partition holds: before the first, between two, after the last."""
    gaps, position = [], 0
    for start, length in sorted(partitions):
        if start - position >= MIN_GAP:
            gaps.append((position, start - position))
        position = max(position, start + length)
    if size - position >= MIN_GAP:
        gaps.append((position, size - position))
    return gaps


def intersect(runs: list[tuple[int, int]], keep: list[tuple[int, int]]
              ) -> list[tuple[int, int]]:
    """The parts of `runs` inside `keep` (both sorted (offset, length) runs, each merged)."""
    found, at = [], 0
    for start, length in runs:
        end = start + length
        while at < len(keep) and keep[at][0] + keep[at][1] <= start:
            at += 1
        scan = at
        while scan < len(keep) and keep[scan][0] < end:
            low, high = max(start, keep[scan][0]), min(end, keep[scan][0] + keep[scan][1])
            if high > low:
                found.append((low, high - low))
            scan += 1
    return found


def areas(runs: list[tuple[int, int]], end: int, partition_index: int | None,
          what: str) -> list[CarveArea]:
    """The runs cut into units of about AREA_BYTES each."""
    found, current, total = [], [], 0
    for start, length in runs:
        while length > 0:
            take = min(length, AREA_BYTES - total)
            current.append((start, take))
            total += take
            start, length = start + take, length - take
            if total >= AREA_BYTES:
                found.append(CarveArea(partition_index, tuple(current), end, what))
                current, total = [], 0
    if current:
        found.append(CarveArea(partition_index, tuple(current), end, what))
    return found


def readable(source: Source, offset: int) -> bool:
    try:
        return bool(source.read(offset, 512))
    except (OSError, EvidenceError):
        return False
