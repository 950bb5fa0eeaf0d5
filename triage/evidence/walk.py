"""Walk an evidence: volumes, then file systems, then every directory entry, deleted ones too.

The walk yields plain records and never stops at the first damage: an
unreadable partition or directory becomes an error on that record and the
walk goes on with the next one.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path
from typing import Iterator

import pytsk3

from triage.evidence.apfs import is_apfs, walk_container
from triage.evidence.archive import ArchiveSource, member_path
from triage.evidence.base import EvidenceError, Source, reason, shown_name
from triage.evidence.carving import CarveArea, SpaceError, areas, free_runs, gaps, intersect
from triage.evidence.containers import ContainerError
from triage.evidence.encrypted import (UnlockedVolume, VolumeKeys, encryption_of,
                                       is_bitlocker_to_go, unlock, unlocked_description)
from triage.evidence.folder import FolderSource
from triage.evidence.records import FileRecord, PartitionRecord, timestamp
from triage.evidence.shadow import ShadowVolume, has_shadow_copies, label

FS_TYPE_NAMES = {
    getattr(pytsk3, name): name.removeprefix("TSK_FS_TYPE_").lower()
    for name in dir(pytsk3)
    if name.startswith("TSK_FS_TYPE_") and not name.endswith(("_DETECT", "_ENUM"))
}

# Signatures of volumes nothing here reads, to say what they are instead of "unknown"
# (APFS, BitLocker, LUKS and FileVault are read: evidence/apfs.py, evidence/encrypted.py).
VOLUME_SIGNATURES = (
    (3, b"ReFS", "ReFS volume, not supported by The Sleuth Kit"),
)


# Partition tables, as `triage info` names the layer (`VHDX › GPT › ... › NTFS`).
VOLUME_SYSTEMS = {pytsk3.TSK_VS_TYPE_DOS: "MBR", pytsk3.TSK_VS_TYPE_GPT: "GPT",
                  pytsk3.TSK_VS_TYPE_MAC: "APM", pytsk3.TSK_VS_TYPE_BSD: "BSD disklabel",
                  pytsk3.TSK_VS_TYPE_SUN: "Sun VTOC"}


def walk(source: Source, keys: VolumeKeys = VolumeKeys(), carve: bool = True,
         snapshots: bool = True) -> Iterator[PartitionRecord | FileRecord | CarveArea]:
    """Every partition of the source, each followed by the entries of its file system; with
    `carve`, also the areas to carve: its free space, unpartitioned space, unreadable volumes.

    An encrypted volume (BitLocker, LUKS, FileVault) is unlocked with `keys` where they fit
    and carved through its decrypted layer; one that stays locked is recorded as such, with
    what can be read outside it and a note that it was not carved (its bytes are
    ciphertext). With `snapshots`, each volume shadow copy of an NTFS volume follows it as a
    volume of its own (evidence/shadow.py), carved too.

    A carve area's runs are byte offsets of the layer its partition is read through: the
    evidence for a plain partition or gap, the decrypted volume (from its byte 0) for an
    unlocked one, the snapshot (from the volume's byte 0) for a VSS snapshot.
    """
    if isinstance(source, FolderSource):
        yield PartitionRecord(0, None, None, "folder", fs_type="folder")
        yield from _walk_folder(source.root)
        return
    if isinstance(source, ArchiveSource):
        yield PartitionRecord(0, None, None, f"archive ({source.kind})", fs_type=source.kind)
        yield from _walk_archive(source)
        return
    image = source.tsk_image()
    partitions = _partitions(image, source.size)
    for partition in partitions:
        if partition.error:
            yield partition
            continue
        head = _head(source, partition)
        if is_apfs(head):
            yield from _apfs_not_carved(walk_container(source, partition, keys), carve)
            continue
        locked = None
        if kind := encryption_of(head):
            length = partition.length or source.size - (partition.offset or 0)
            opened = unlock(source, partition.offset or 0, length, kind, keys)
            if isinstance(opened, UnlockedVolume):
                yield from _walk_unlocked(opened, partition, carve)
                continue
            locked = f"{kind}-encrypted volume, locked: {opened}"
            if carve:
                partition.note = LOCKED_NOT_CARVED
            if not is_bitlocker_to_go(head):
                partition.error = f"{locked} (triage unlock CASE EVIDENCE --password ...)"
                yield partition
                continue
        try:
            fs = pytsk3.FS_Info(image, offset=partition.offset)
        except (OSError, RuntimeError) as exc:
            partition.error = locked or _unreadable_volume(source, partition, exc)
            yield partition
            if carve and not locked and not partition.error.startswith("cannot read the image"):
                yield from _carve_whole(source, partition, "unreadable volume")
            continue
        partition.fs_type = FS_TYPE_NAMES.get(int(fs.info.ftype), str(fs.info.ftype))
        if locked:
            partition.error = f"{locked}; only its unencrypted wrapper could be read"
        free = _carve_free(source, partition, fs) if carve and not partition.error else []
        yield partition
        yield from _walk_fs(fs, partition.index)
        yield from free
        if snapshots and int(fs.info.ftype) == pytsk3.TSK_FS_TYPE_NTFS and not locked:
            yield from _walk_snapshots(source, partition, carve)
    if carve:
        yield from _carve_gaps(source, partitions)


# -- the hook for carving: what to carve, as areas after each volume ----------------------

GAP_INDEX = 10_000  # partition indexes of unpartitioned space: after any table's own
# Said on a partition (a note, not an error) whose file system TSK lists but whose
# allocation Triage cannot read yet (HFS+, ISO 9660, UFS ...): the examiner must know its
# free space was not searched for deleted pictures.
FREE_SPACE_NOT_CARVED = "free space not carved: its allocation is not read"
# Said on an encrypted volume that stays locked: its free space is ciphertext, and so is
# everything deleted in it; unlocking it (triage unlock) carves it.
LOCKED_NOT_CARVED = "free space not carved: the volume is locked (unlock it to carve it)"


def _carve_free(source: Source, partition: PartitionRecord, fs: pytsk3.FS_Info,
                span: tuple[int, int | None] | None = None,
                within: list[tuple[int, int]] | None = None) -> list[CarveArea]:
    """The free space of a file system, or none with the reason on the partition. `span` is
    (offset, length) of the file system in `source`: the partition's own where `source` is
    the evidence, (0, size) where it is a layer (an unlocked volume, a VSS snapshot);
    `within`, runs to keep the free space to (a snapshot's stored blocks)."""
    offset, length = span or (partition.offset or 0, partition.length)
    end = offset + (length or source.size - offset)
    try:
        runs = free_runs(source, fs, offset, length)
    except (SpaceError, OSError, EvidenceError, ValueError, struct.error) as exc:
        partition.error = f"free space not carved: {exc}"
        return []
    if runs is None:
        partition.note = FREE_SPACE_NOT_CARVED
        return []
    if within is not None:
        runs = intersect(runs, within)
    return areas(runs, min(end, source.size), partition.index, "unallocated")


def _apfs_not_carved(records: Iterator, carve: bool) -> Iterator:
    """APFS volumes are walked through libfsapfs, which does not give their allocation (the
    space manager): their free space is not carved, and each volume says so."""
    for record in records:
        if carve and isinstance(record, PartitionRecord) and not record.note:
            locked = bool(record.error) and "-encrypted volume, locked" in record.error
            record.note = LOCKED_NOT_CARVED if locked else FREE_SPACE_NOT_CARVED
        yield record


def _carve_whole(source: Source, partition: PartitionRecord, what: str,
                 span: tuple[int, int | None] | None = None) -> Iterator[CarveArea]:
    start, length = span or (partition.offset or 0, partition.length)
    end = min(source.size, start + (length or source.size))
    if end > start:
        yield from areas([(start, end - start)], end, partition.index, what)


def _carve_gaps(source: Source, partitions: list[PartitionRecord]) -> Iterator:
    taken = [(p.offset or 0, p.length or 0) for p in partitions]
    for number, (start, length) in enumerate(gaps(source.size, taken)):
        gap = PartitionRecord(GAP_INDEX + number, start, length, "unpartitioned space",
                              fs_type="unpartitioned")
        yield gap
        yield from areas([(start, length)], start + length, gap.index, "unpartitioned")


def _walk_unlocked(volume: UnlockedVolume, partition: PartitionRecord, carve: bool
                   ) -> Iterator[PartitionRecord | FileRecord | CarveArea]:
    """The file system inside an unlocked volume; the record says how it was opened. With
    `carve`, its free space (or, where no file system is read, the whole decrypted volume)
    is carved through the decrypted layer: the areas' offsets count from its byte 0."""
    partition.description += unlocked_description(volume.kind, volume.credential)
    partition.unlocked_with = volume.credential
    inside = (0, volume.size)
    try:
        try:
            fs = pytsk3.FS_Info(volume.tsk_image(), offset=0)
        except (OSError, RuntimeError) as exc:
            partition.error = (f"{volume.kind} volume unlocked, but no file system The Sleuth "
                               f"Kit can read inside it ({reason(exc)})")
            yield partition
            if carve:
                yield from _carve_whole(volume, partition, "unreadable volume", inside)
            return
        partition.fs_type = FS_TYPE_NAMES.get(int(fs.info.ftype), str(fs.info.ftype))
        free = _carve_free(volume, partition, fs, inside) if carve else []
        yield partition
        yield from _walk_fs(fs, partition.index)
        yield from free
    finally:  # the library's handle is closed here, not by the collector on whatever thread
        volume.close()


SNAPSHOT_INDEX = 20_000  # VSS snapshots: SNAPSHOT_INDEX + volume index * 1000 + number


def _walk_snapshots(source: Source, partition: PartitionRecord, carve: bool = False
                    ) -> Iterator[PartitionRecord | FileRecord | CarveArea]:
    """Each VSS snapshot of an NTFS volume as a volume of its own, oldest first; its record
    names the snapshot and its creation time. With `carve`, each snapshot's free space as it
    was is carved through the snapshot (offsets from the volume's byte 0 as the snapshot
    reads it), within the blocks its store keeps: only there does the snapshot hold bytes
    of its own. Elsewhere it reads the live volume of today, whose free space is carved
    already, and whose files' data, carved again there, would pass for what was free at
    the snapshot's time (and each snapshot would cost a whole carve of the volume)."""
    offset = partition.offset or 0
    if not has_shadow_copies(source, offset):
        return
    base = SNAPSHOT_INDEX + partition.index * 1000
    try:
        shadows = ShadowVolume(source, offset, partition.length or source.size - offset)
    except EvidenceError as exc:
        yield PartitionRecord(base, offset, partition.length,
                              f"{partition.description} › VSS", error=str(exc))
        return
    try:
        for number in range(min(shadows.count, 999)):
            try:
                snapshot = shadows.snapshot(number)
            except EvidenceError as exc:
                yield PartitionRecord(base + number, offset, partition.length,
                                      f"{partition.description} › VSS snapshot {number + 1}",
                                      error=str(exc), snapshot=number)
                continue
            named = f"{partition.description} › {label(snapshot, shadows.count)}"
            record = PartitionRecord(base + number, offset, partition.length, named,
                                     snapshot=number)
            inside = (0, snapshot.size)
            try:
                fs = pytsk3.FS_Info(snapshot.tsk_image(), offset=0)
            except (OSError, RuntimeError) as exc:
                record.error = f"no file system The Sleuth Kit can read in it ({reason(exc)})"
                yield record
                if carve:
                    yield from _carve_whole(snapshot, record, "unreadable volume", inside)
                continue
            record.fs_type = FS_TYPE_NAMES.get(int(fs.info.ftype), str(fs.info.ftype))
            free = _carve_free(snapshot, record, fs, inside, _stored(snapshot, record)) \
                if carve else []
            yield record
            yield from _walk_fs(fs, record.index)
            yield from free
    finally:
        shadows.close()


def _stored(snapshot, record: PartitionRecord) -> list[tuple[int, int]]:
    try:
        return snapshot.stored_runs()
    except EvidenceError as exc:
        record.error = f"free space not carved: {exc}"
        return []


def _partitions(image: pytsk3.Img_Info, image_size: int) -> list[PartitionRecord]:
    """Allocated partitions of the volume system, or the whole image when there is none."""
    try:
        volumes = pytsk3.Volume_Info(image)
    except (OSError, RuntimeError):  # RuntimeError: a read error raised inside an external image
        return [PartitionRecord(0, 0, image_size, "whole image (no partition table)")]
    sector = volumes.info.block_size
    table = VOLUME_SYSTEMS.get(int(volumes.info.vstype))
    partitions = []
    for part in volumes:
        if not part.flags & pytsk3.TSK_VS_PART_FLAG_ALLOC:
            continue
        record = PartitionRecord(
            index=int(part.addr),
            offset=part.start * sector,
            length=part.len * sector,
            description=(f"{table} › " if table else "")
            + part.desc.decode("utf-8", "backslashreplace"),
        )
        if record.offset >= image_size:
            record.error = (
                f"partition starts at byte {record.offset}, past the end of the image "
                f"({image_size} bytes)"
            )
        partitions.append(record)
    return partitions or [PartitionRecord(0, 0, image_size, "whole image (empty partition table)")]


def _head(source: Source, partition: PartitionRecord) -> bytes:
    try:
        return source.read(partition.offset or 0, 4096)
    except (OSError, EvidenceError):
        return b""


def _read_error(source: Source, partition: PartitionRecord) -> str | None:
    try:
        source.read(partition.offset or 0, 65536)
    except (OSError, EvidenceError) as exc:
        return reason(exc)
    return None


def _signature(source: Source, partition: PartitionRecord) -> str | None:
    head = _head(source, partition)
    for offset, magic, label in VOLUME_SIGNATURES:
        if head[offset:].startswith(magic):
            return label
    return None


def _unreadable_volume(source: Source, partition: PartitionRecord, exc: Exception) -> str:
    if error := _read_error(source, partition):
        return f"cannot read the image: {error}"
    head = _head(source, partition)
    if head and not head.strip(b"\0"):
        return "no file system found (the volume starts with zeros)"
    if label := _signature(source, partition):
        return f"cannot read file system: {label}"
    detail = reason(exc)
    end = (partition.offset or 0) + (partition.length or 0)
    if partition.length and end > source.size:
        return f"partition runs past the end of the image ({end} > {source.size} bytes)"
    return "no file system The Sleuth Kit can read" + (f" ({detail})" if detail else "")


_NAME_KINDS = {
    pytsk3.TSK_FS_NAME_TYPE_REG: "file",
    pytsk3.TSK_FS_NAME_TYPE_DIR: "dir",
    pytsk3.TSK_FS_NAME_TYPE_VIRT_DIR: "dir",
    pytsk3.TSK_FS_NAME_TYPE_LNK: "link",
    pytsk3.TSK_FS_NAME_TYPE_VIRT: "virtual",
}
_META_KINDS = {
    pytsk3.TSK_FS_META_TYPE_REG: "file",
    pytsk3.TSK_FS_META_TYPE_DIR: "dir",
    pytsk3.TSK_FS_META_TYPE_VIRT_DIR: "dir",
    pytsk3.TSK_FS_META_TYPE_LNK: "link",
    pytsk3.TSK_FS_META_TYPE_VIRT: "virtual",
}


def _metadata(fs: pytsk3.FS_Info, entry: pytsk3.File):
    """The entry's metadata; orphan entries come without it and are looked up by address."""
    meta = entry.info.meta
    if meta is None and entry.info.name.meta_addr:
        try:
            meta = fs.open_meta(inode=entry.info.name.meta_addr).info.meta
        except OSError:
            return None
    return meta


def _entry_record(fs: pytsk3.FS_Info, entry: pytsk3.File, parent: str, parent_raw: bytes,
                  partition: int) -> FileRecord:
    name, meta = entry.info.name, _metadata(fs, entry)
    text, _ = shown_name(name.name)
    path, raw = f"{parent}/{text}", parent_raw + b"/" + name.name
    kind = _NAME_KINDS.get(int(name.type)) or (meta and _META_KINDS.get(int(meta.type))) or "other"
    name_unalloc = bool(name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
    meta_unalloc = bool(meta and meta.flags & pytsk3.TSK_FS_META_FLAG_UNALLOC)
    record = FileRecord(
        partition_index=partition,
        path=path,
        name=text,
        kind=kind,
        deleted=name_unalloc or meta_unalloc,
        meta_addr=int(name.meta_addr),
        path_bytes=None if raw == path.encode("utf-8", "surrogateescape") else raw,
    )
    if meta is None:
        record.readable = False
        if kind in ("file", "virtual", "other"):
            record.error = "content not recoverable: the entry has no metadata"
        return record
    record.size = int(meta.size)
    record.crtime = timestamp(meta.crtime, getattr(meta, "crtime_nano", 0))
    record.mtime = timestamp(meta.mtime, getattr(meta, "mtime_nano", 0))
    record.atime = timestamp(meta.atime, getattr(meta, "atime_nano", 0))
    record.ctime = timestamp(meta.ctime, getattr(meta, "ctime_nano", 0))
    if name_unalloc and not meta_unalloc and record.deleted:
        # The deleted name's metadata now belongs to another file: its content is not this file's.
        record.readable = False
        record.error = "content not recoverable: metadata reallocated to another file"
    return record


def _walk_fs(fs: pytsk3.FS_Info, partition: int) -> Iterator[FileRecord]:
    """Depth-first over directories; each directory is opened once, loops are cut."""
    root = int(fs.info.root_inum)
    is_ntfs = int(fs.info.ftype) == pytsk3.TSK_FS_TYPE_NTFS
    try:
        stack = [(fs.open_dir(inode=root), "", b"", (root,))]
    except OSError as exc:
        yield FileRecord(partition, "/", "", "dir", readable=False,
                         error=f"cannot read the root directory: {reason(exc)}")
        return
    while stack:
        directory, parent, parent_raw, ancestors = stack.pop()
        subdirectories = []
        try:
            for entry in directory:
                if entry.info.name.name in (b".", b".."):
                    continue
                record = _entry_record(fs, entry, parent, parent_raw, partition)
                streams = list(_named_streams(entry, record)) if is_ntfs else []
                if record.kind == "dir" and _may_descend(entry, ancestors):
                    try:
                        subdirectories.append(
                            (entry.as_directory(), record.path,
                             parent_raw + b"/" + entry.info.name.name,
                             ancestors + (record.meta_addr,)))
                    except OSError as exc:
                        record.error = f"cannot read directory: {reason(exc)}"
                yield record
                yield from streams
        except OSError as exc:
            yield FileRecord(partition, parent or "/", "", "other", readable=False,
                             error=f"directory listing stopped early: {reason(exc)}")
        stack.extend(reversed(subdirectories))


def _named_streams(entry: pytsk3.File, record: FileRecord) -> Iterator[FileRecord]:
    """NTFS alternate data streams (and named indexes other than $I30), one record each.

    `fls` lists them as `name:stream`; content hidden in a stream of an
    innocent-looking file is exactly what an examiner must not miss.
    """
    if entry.info.meta is None and not record.meta_addr:
        return
    try:
        attributes = list(entry)
    except OSError:
        return
    for attribute in attributes:
        info = attribute.info
        kind = int(info.type)
        stream = (info.name or b"").rstrip(b"\0")
        if not stream or (kind == pytsk3.TSK_FS_ATTR_TYPE_NTFS_IDXROOT and stream == b"$I30"):
            continue
        if kind not in (pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA, pytsk3.TSK_FS_ATTR_TYPE_NTFS_IDXROOT):
            continue
        text, valid = shown_name(stream)
        path = f"{record.path}:{text}"
        raw = (record.path_bytes or record.path.encode()) + b":" + stream
        yield FileRecord(
            partition_index=record.partition_index, path=path, name=f"{record.name}:{text}",
            kind="file", deleted=record.deleted, size=int(info.size),
            meta_addr=record.meta_addr, attr_type=kind, attr_id=int(info.id),
            path_bytes=None if valid and record.path_bytes is None else raw,
            crtime=record.crtime, mtime=record.mtime, atime=record.atime, ctime=record.ctime,
            readable=record.readable, error=record.error,
        )


def _may_descend(entry: pytsk3.File, ancestors: tuple[int, ...]) -> bool:
    name, meta = entry.info.name, entry.info.meta
    if meta is None or int(name.meta_addr) in ancestors:
        return False
    if name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC and meta.flags & pytsk3.TSK_FS_META_FLAG_ALLOC:
        return False  # a deleted name whose directory entry now belongs to another directory
    return True



def _walk_archive(source: ArchiveSource) -> Iterator[FileRecord]:
    """Members as files; damage that ends the listing is an error record after the rest."""
    index = -1
    try:
        for index, (member, _) in enumerate(source.members()):
            path = member_path(member)
            yield FileRecord(
                0, path, member.name, member.kind, size=member.size, meta_addr=index,
                mtime=member.mtime, atime=member.atime, ctime=member.ctime,
                crtime=member.crtime, readable=member.kind == "file" and not member.error,
                error=member.error)
    except ContainerError as exc:
        yield FileRecord(0, "/", "", "other", readable=False,
                         error=f"archive listing stopped after {index + 1} members: {exc}")


def _walk_folder(root: Path) -> Iterator[FileRecord]:
    """Logical files under a folder; symbolic links are recorded, never followed."""
    root_bytes = os.fsencode(root)
    stack = [b""]
    while stack:
        relative = stack.pop()
        try:
            entries = sorted(os.scandir(root_bytes + relative or b"/"), key=lambda e: e.name)
        except OSError as exc:
            text, _ = shown_name(relative or b"/")
            yield FileRecord(0, text, "", "dir", readable=False,
                             error=f"cannot list folder: {exc.strerror}")
            continue
        subfolders = []
        for entry in entries:
            raw = relative + b"/" + entry.name
            path, valid = shown_name(raw)
            name, _ = shown_name(entry.name)
            record = FileRecord(0, path, name, "other", path_bytes=None if valid else raw)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                record.readable, record.error = False, f"cannot stat: {exc.strerror}"
                yield record
                continue
            record.kind = (
                "dir" if stat.S_ISDIR(info.st_mode)
                else "file" if stat.S_ISREG(info.st_mode)
                else "link" if stat.S_ISLNK(info.st_mode)
                else "other"
            )
            record.size = info.st_size
            record.meta_addr = info.st_ino
            record.mtime = timestamp(int(info.st_mtime), info.st_mtime_ns % 1_000_000_000)
            record.atime = timestamp(int(info.st_atime), info.st_atime_ns % 1_000_000_000)
            record.ctime = timestamp(int(info.st_ctime), info.st_ctime_ns % 1_000_000_000)
            birth = getattr(info, "st_birthtime", None)
            record.crtime = timestamp(int(birth)) if birth else None
            record.readable = record.kind == "file"
            if record.kind == "dir":
                subfolders.append(raw)
            yield record
        stack.extend(reversed(subfolders))
