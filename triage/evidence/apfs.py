"""APFS containers, which TSK (as shipped on PyPI) cannot read, through libfsapfs-python.

Each volume of a container is recorded as a volume of its own, its files with the
volume's object identifiers as addresses. An encrypted volume is unlocked with the
run's password or recovery key (memory only, as for BitLocker). libfsapfs lists
the live file system only: deleted entries and snapshots are not reached.
"""

from __future__ import annotations

import stat
from typing import Iterator

import pyfsapfs

from triage.evidence.base import EvidenceError, Source, SourceRange, reason, shown_name
from triage.evidence.encrypted import VolumeKeys
from triage.evidence.records import FileRecord, PartitionRecord, timestamp

READ_SIZE = 1 << 20
VOLUMES_PER_CONTAINER = 1000  # volume i of the container at partition p is volume p*1000+i


def is_apfs(head: bytes) -> bool:
    return head[32:36] == b"NXSB"


def volume_index(partition_index: int, volume: int) -> int:
    return partition_index * VOLUMES_PER_CONTAINER + volume


def open_container(source: Source, offset: int, length: int) -> pyfsapfs.container:
    container = pyfsapfs.container()
    try:
        container.open_file_object(SourceRange(source, offset, length), "r")
    except (OSError, IOError) as exc:
        raise EvidenceError(f"cannot read the APFS container: {reason(exc)}") from exc
    return container


def unlocked(volume: pyfsapfs.volume, keys: VolumeKeys) -> tuple[bool, str | None]:
    """(open, the kind of credential that opened it) for a volume, encrypted or not."""
    if not volume.is_locked():
        return True, None
    for kind, values, setter in (("password", keys.passwords, volume.set_password),
                                 ("recovery key", keys.recovery_keys,
                                  volume.set_recovery_password)):
        for value in values:
            setter(value)
            try:
                if volume.unlock():
                    return True, kind
            except (OSError, IOError):
                continue
    return False, None


def walk_container(source: Source, partition: PartitionRecord,
                   keys: VolumeKeys) -> Iterator[PartitionRecord | FileRecord]:
    """One record per APFS volume of the container, each followed by its entries."""
    length = partition.length or source.size - (partition.offset or 0)
    try:
        container = open_container(source, partition.offset or 0, length)
    except EvidenceError as exc:
        partition.error = str(exc)
        yield partition
        return
    for number in range(container.number_of_volumes):
        record = PartitionRecord(volume_index(partition.index, number), partition.offset,
                                 partition.length, partition.description, fs_type="apfs")
        try:
            volume = container.get_volume(number)
            is_open, credential = unlocked(volume, keys)
            name = volume.name or f"volume {number + 1}"
        except (OSError, IOError) as exc:
            record.error = f"cannot read APFS volume {number + 1}: {reason(exc)}"
            yield record
            continue
        record.description += f" › APFS volume {name!r}"
        if credential:
            record.description += f" › encrypted (unlocked with a {credential})"
            record.unlocked_with = credential
        if not is_open:
            record.fs_type = None
            record.error = (f"APFS-encrypted volume, locked: "
                            f"{'the credentials given do not unlock it' if keys else 'no password or recovery key given'}"
                            f" (triage unlock CASE EVIDENCE --password ...)")
            yield record
            continue
        yield record
        yield from _walk_volume(volume, record.index, number)


_KINDS = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "link"}


def _walk_volume(volume: pyfsapfs.volume, index: int, number: int) -> Iterator[FileRecord]:
    try:
        stack = [(volume.get_root_directory(), "")]
    except (OSError, IOError) as exc:
        yield FileRecord(index, "/", "", "dir", readable=False,
                         error=f"cannot read the root directory: {reason(exc)}")
        return
    while stack:
        directory, parent = stack.pop()
        children = []
        try:
            for entry in directory.sub_file_entries:
                record = _record(entry, parent, index, number)
                if record.kind == "dir":
                    children.append((entry, record.path))
                yield record
        except (OSError, IOError) as exc:
            yield FileRecord(index, parent or "/", "", "other", readable=False,
                             error=f"directory listing stopped early: {reason(exc)}")
        stack.extend(reversed(children))


def _record(entry: pyfsapfs.file_entry, parent: str, index: int, number: int) -> FileRecord:
    raw = (entry.name or "").encode("utf-8", "surrogateescape")
    name, _ = shown_name(raw)
    kind = _KINDS.get(stat.S_IFMT(entry.file_mode or 0), "other")
    return FileRecord(
        partition_index=index, path=f"{parent}/{name}", name=name, kind=kind,
        size=int(entry.size or 0), meta_addr=int(entry.identifier),
        attr_id=number,  # which volume of the container: the content reader's way back
        crtime=_time(entry.get_creation_time_as_integer()),
        mtime=_time(entry.get_modification_time_as_integer()),
        atime=_time(entry.get_access_time_as_integer()),
        ctime=_time(entry.get_inode_change_time_as_integer()),
        readable=kind == "file",
    )


def _time(nanoseconds: int | None):
    if not nanoseconds:
        return None
    return timestamp(nanoseconds // 1_000_000_000, nanoseconds % 1_000_000_000)


def file_chunks(entry: pyfsapfs.file_entry) -> Iterator[bytes]:
    size = int(entry.size or 0)
    offset = 0
    while offset < size:
        try:
            data = entry.read_buffer_at_offset(min(READ_SIZE, size - offset), offset)
        except (OSError, IOError) as exc:
            raise EvidenceError(f"read failed at byte {offset} of {size}: {reason(exc)}") from exc
        if not data:
            raise EvidenceError(f"read stopped at byte {offset} of {size}")
        offset += len(data)
        yield data
