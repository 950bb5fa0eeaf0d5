"""Read one file's content out of an evidence, by where the walk found it.

Workers keep sources and file systems open between items: opening an E01
or a file system costs far more than reading a small picture.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

import pytsk3

from triage.evidence import apfs
from triage.evidence.base import EvidenceError, Source, reason
from triage.evidence.archive import MemberCursor
from triage.evidence.containers import ContainerError, OuterCursor, spool
from triage.evidence.detect import open_source
from triage.evidence.shadow import ShadowVolume, Snapshot
from triage.evidence.encrypted import (UnlockedVolume, VolumeKeys, encryption_of,
                                       is_bitlocker_to_go, unlock)

READ_SIZE = 1 << 20


def open_read_only(path: bytes) -> int:
    """Open a logical evidence file without updating its access time where the OS allows it.

    Reading a file normally changes its atime, which is itself evidence.
    O_NOATIME is refused (EPERM) on files the examiner does not own; then
    the file is opened plainly, as any read-only copy tool would.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    noatime = getattr(os, "O_NOATIME", 0)
    if noatime:
        try:
            return os.open(path, flags | noatime)
        except PermissionError:
            pass
    return os.open(path, flags)


class ContentError(Exception):
    """A file whose content could not be read (fully), with the reason."""


@dataclass(frozen=True)
class Locator:
    """Everything a worker needs to find a file's bytes, without the case store."""

    format: str
    paths: tuple[str, ...]
    partition_offset: int | None
    meta_addr: int | None
    path: str
    path_bytes: bytes | None = None
    attr_type: int | None = None
    attr_id: int | None = None
    members: tuple[str, ...] = ()  # an item inside containers: the path in each, outermost first
    # A carved item: (offset, length); a carve area: its runs and end. Their offsets count in
    # the layer the partition is read through (`volume_source`), not always in the evidence.
    extent: tuple[int, int] | None = None
    carve: tuple[tuple[tuple[int, int], ...], int] | None = None
    snapshot: int | None = None  # a file of this VSS snapshot of the volume (evidence/shadow.py)
    unlocked: bool = False  # the partition is an encrypted volume read decrypted


class ContentReader:
    def __init__(self, passwords: tuple[str, ...] = ()) -> None:
        self.passwords = passwords  # for items inside encrypted containers
        self.volume_keys = VolumeKeys()  # for encrypted volumes; in memory only
        self._sources: dict[tuple[str, tuple[str, ...]], Source] = {}
        self._images: dict[tuple[str, tuple[str, ...]], pytsk3.Img_Info] = {}
        self._file_systems: dict[tuple, pytsk3.FS_Info] = {}
        self._cursors: dict[tuple[str, tuple[str, ...]], MemberCursor] = {}
        self._outer: tuple[Locator, OuterCursor] | None = None
        self._volumes: list[UnlockedVolume] = []
        self._shadows: list[ShadowVolume] = []
        self._apfs: dict[tuple, object | None] = {}  # (format, paths, offset) -> APFS container
        self._layers: dict[tuple, Source | None] = {}  # decrypted volumes and snapshots

    def source(self, format: str, paths: tuple[str, ...]) -> Source:
        key = (format, paths)
        if key not in self._sources:
            self._sources[key] = open_source(format, list(paths))
        return self._sources[key]

    def chunks(self, where: Locator) -> Iterator[bytes]:
        """The file's content in order; raises ContentError if it cannot all be read."""
        if where.extent is not None:
            return self._extent_chunks(where)
        if where.members:
            return self._item_chunks(where)
        if where.format == "folder":
            return self._folder_chunks(where)
        if where.format == "archive":
            return self._archive_chunks(where)
        if self._apfs_container(where) is not None:
            return self._apfs_chunks(where)
        return self._tsk_chunks(where)

    def seekable(self, where: Locator) -> bool:
        """Whether `open` reads the file in place (else it copies the content to a spool)."""
        if where.format == "archive" or where.members or where.extent is not None:
            return False
        return where.format == "folder" or self._apfs_container(where) is None

    def _apfs_container(self, where: Locator):
        """The APFS container at the file's partition, or None where TSK reads it."""
        if where.format in ("archive", "folder") or where.members:
            return None
        key = (where.format, where.paths, where.partition_offset or 0)
        if key not in self._apfs:
            source = self.source(where.format, where.paths)
            offset = where.partition_offset or 0
            container = None
            try:
                if apfs.is_apfs(source.read(offset, 4096)):
                    container = apfs.open_container(source, offset, source.size - offset)
            except (OSError, EvidenceError):
                pass  # TSK's reading then says why the file cannot be read
            self._apfs[key] = container
        return self._apfs[key]

    def _apfs_chunks(self, where: Locator) -> Iterator[bytes]:
        try:
            volume = self._apfs_container(where).get_volume(where.attr_id or 0)
            is_open, _ = apfs.unlocked(volume, self.volume_keys)
            if not is_open:
                raise ContentError("the APFS volume is locked: give its password again "
                                   "(triage unlock or ingest --password)")
            entry = volume.get_file_entry_by_identifier(where.meta_addr)
            yield from apfs.file_chunks(entry)
        except (OSError, IOError, EvidenceError) as exc:
            raise ContentError(reason(exc) if isinstance(exc, OSError) else str(exc)) from exc

    def volume_source(self, where: Locator) -> Source:
        """What a carved item's extent and a carve area's runs count their offsets in: the
        evidence itself; for a VSS snapshot, the snapshot (from the volume's byte 0); for
        an unlocked encrypted volume, its decrypted content (from its byte 0), which needs
        this run's credentials again (ContentError without them)."""
        if where.snapshot is None and not where.unlocked:
            return self.source(where.format, where.paths)
        try:
            layer = self._layer(where)
        except EvidenceError as exc:
            raise ContentError(str(exc)) from exc
        if layer is None:
            raise ContentError("the partition is no longer an encrypted volume: its "
                               "decrypted content cannot be read")
        return layer

    def _layer(self, where: Locator) -> Source | None:
        """The snapshot or unlocked volume the partition is read through, opened once per
        reader for its files and its carved items alike (a LUKS2 key slot takes seconds of
        Argon2); None where the partition is read from the image itself."""
        key = (where.format, where.paths, where.partition_offset, where.snapshot)
        if key not in self._layers:
            self._layers[key] = (self._snapshot(where) if where.snapshot is not None
                                 else self._unlocked(where))
        return self._layers[key]

    def _extent_chunks(self, where: Locator) -> Iterator[bytes]:
        """A carved item: its bytes straight from the evidence, or from the layer (decrypted
        volume, snapshot) it was carved in."""
        source = self.volume_source(where)
        start, length = where.extent
        for offset in range(start, start + length, READ_SIZE):
            try:
                data = source.read(offset, min(READ_SIZE, start + length - offset))
            except (OSError, EvidenceError) as exc:
                raise ContentError(f"read failed at byte {offset}: {exc}") from exc
            if not data:
                raise ContentError(f"read stopped at byte {offset} of the evidence")
            yield data

    def _archive_chunks(self, where: Locator) -> Iterator[bytes]:
        key = (where.paths[0], self.passwords)
        cursor = self._cursors.get(key)
        if cursor is None:
            cursor = self._cursors[key] = MemberCursor(where.paths[0], self.passwords)
        try:
            yield from cursor.chunks(where.meta_addr)
        except ContainerError as exc:
            raise ContentError(str(exc)) from exc

    def _item_chunks(self, where: Locator) -> Iterator[bytes]:
        """An item inside containers, read again through them from the outermost file (kept
        open for the next item of the same file: they come in the order they were found)."""
        outer = replace(where, members=())
        try:
            if self._outer is None or self._outer[0] != outer:
                self._close_outer()
                cursor = OuterCursor(self.open(outer), PurePosixPath(where.path).name,
                                     self.passwords)
                self._outer = (outer, cursor)
            yield from self._outer[1].chunks(where.members)
        except ContainerError as exc:
            self._close_outer()
            raise ContentError(str(exc)) from exc

    def _close_outer(self) -> None:
        if self._outer is not None:
            self._outer[1].close()
            self._outer = None

    def open(self, where: Locator) -> BinaryIO:
        """The file's content as a read-only, seekable stream, for a container's reader."""
        if not self.seekable(where):
            copy = spool()
            for chunk in self.chunks(where):
                copy.write(chunk)
            copy.seek(0)
            return copy
        if where.format == "folder":
            try:
                return os.fdopen(open_read_only(self._folder_path(where)), "rb")
            except OSError as exc:
                raise ContentError(f"cannot read: {exc.strerror}") from exc
        entry, size, attribute = self._tsk_entry(where)
        return io.BufferedReader(_TskStream(entry, size, attribute), READ_SIZE)

    def _file_system(self, where: Locator) -> pytsk3.FS_Info:
        key = (where.format, where.paths, where.partition_offset, where.snapshot)
        if key not in self._file_systems:
            source_key = (where.format, where.paths)
            if source_key not in self._images:
                self._images[source_key] = self.source(*source_key).tsk_image()
            layer = self._layer(where)  # the one a carved item's extent is read from too
            if layer is not None:
                self._file_systems[key] = pytsk3.FS_Info(layer.tsk_image(), offset=0)
            else:
                self._file_systems[key] = pytsk3.FS_Info(
                    self._images[source_key], offset=where.partition_offset or 0
                )
        return self._file_systems[key]

    def _snapshot(self, where: Locator) -> Snapshot:
        """The VSS snapshot the file was found in (the catalogue kept open with it)."""
        source = self.source(where.format, where.paths)
        offset = where.partition_offset or 0
        shadows = ShadowVolume(source, offset, source.size - offset)
        self._shadows.append(shadows)
        return shadows.snapshot(where.snapshot)

    def _unlocked(self, where: Locator) -> UnlockedVolume | None:
        """The partition as an unlocked volume, where it is encrypted and the keys fit."""
        source = self.source(where.format, where.paths)
        offset = where.partition_offset or 0
        kind = encryption_of(source.read(offset, 4096))
        if kind is None:
            return None
        opened = unlock(source, offset, source.size - offset, kind, self.volume_keys)
        if isinstance(opened, UnlockedVolume):
            self._volumes.append(opened)
            return opened
        if is_bitlocker_to_go(source.read(offset, 4096)):
            return None  # the readable wrapper's files
        raise ContentError(f"the {kind} volume is locked in this run ({opened}): credentials "
                           f"are never stored, give them again (--password, --recovery-key, "
                           f"--key-file)")

    def _tsk_entry(self, where: Locator) -> tuple[pytsk3.File, int, tuple]:
        """The file's TSK entry, the size of what it reads, and the attribute to read."""
        try:
            entry = self._file_system(where).open_meta(inode=where.meta_addr)
        except (OSError, EvidenceError) as exc:
            raise ContentError(f"cannot open metadata entry {where.meta_addr}: {reason(exc)}") from exc
        if where.attr_type is None:
            return entry, int(entry.info.meta.size), ()
        return (entry, _attribute_size(entry, where.attr_type, where.attr_id),
                (where.attr_type, where.attr_id))

    def _tsk_chunks(self, where: Locator) -> Iterator[bytes]:
        entry, size, attribute = self._tsk_entry(where)
        offset = 0
        while offset < size:
            try:
                data = entry.read_random(offset, min(READ_SIZE, size - offset), *attribute)
            except OSError as exc:
                raise ContentError(f"read failed at byte {offset} of {size}: {reason(exc)}") from exc
            if not data:
                data = self._hole(where, entry, offset, size)
            offset += len(data)
            yield data
        source = self.source(where.format, where.paths)
        if source.bad_ranges:
            self._check_readable(where, entry, source.bad_ranges)

    def _hole(self, where: Locator, entry: pytsk3.File, offset: int, size: int) -> bytes:
        """What an empty read at `offset` means: a sparse run (zeros, as icat gives), or an error."""
        block = int(self._file_system(where).info.block_size)
        runs = [run for attribute in self._attributes(where, entry) for run in attribute]
        if not runs:
            raise ContentError(f"no data stored for this stream ({size} bytes declared, "
                               f"no data runs): nothing to hash")
        for run in runs:
            start = int(run.offset) * block
            if start <= offset < start + int(run.len) * block:
                if run.flags & pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE:
                    return bytes(min(READ_SIZE, size - offset, start + int(run.len) * block - offset))
        raise ContentError(f"read stopped at byte {offset} of {size}")

    @staticmethod
    def _attributes(where: Locator, entry: pytsk3.File):
        """The attribute a locator reads: the named one, or else the default data."""
        for attribute in entry:
            kind, ident = int(attribute.info.type), int(attribute.info.id)
            if where.attr_type is not None:
                if (kind, ident) == (where.attr_type, where.attr_id):
                    yield attribute
            elif kind in (pytsk3.TSK_FS_ATTR_TYPE_DEFAULT, pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA):
                yield attribute
                return

    def _check_readable(self, where: Locator, entry: pytsk3.File,
                        bad: list[tuple[int, int]]) -> None:
        """Refuse a content that came partly from zero-filled, unreadable image data."""
        if touched := self._touched(where, entry, bad):
            raise ContentError(
                f"content lies partly in unreadable image data (bytes "
                f"{touched[0]}-{touched[1] - 1}: a segment is missing or damaged)")

    def touched_range(self, where: Locator, bad: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The first of the image byte ranges `bad` that the file's stored data overlaps, if
        any (an item inside a container: the outermost file's). Raises ContentError when the
        file's metadata cannot be read."""
        entry, _, _ = self._tsk_entry(where)
        return self._touched(where, entry, bad)

    def stored_ranges(self, where: Locator) -> list[tuple[int, int]]:
        """The byte ranges [start, end) that hold the file's data, in file order (sparse
        runs hold none), in what `volume_source` gives: the image, or the decrypted volume
        or snapshot from its byte 0. Raises ContentError when its metadata cannot be read."""
        entry, _, _ = self._tsk_entry(where)
        layered = where.unlocked or where.snapshot is not None
        return self._ranges(where, entry, 0 if layered else where.partition_offset or 0)

    def _ranges(self, where: Locator, entry: pytsk3.File, base: int) -> list[tuple[int, int]]:
        block = int(self._file_system(where).info.block_size)
        return [(base + int(run.addr) * block, base + (int(run.addr) + int(run.len)) * block)
                for attribute in self._attributes(where, entry) for run in attribute
                if not run.flags & (pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE
                                    | pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)]

    def _touched(self, where: Locator, entry: pytsk3.File,
                 bad: list[tuple[int, int]]) -> tuple[int, int] | None:
        for start, end in self._ranges(where, entry, where.partition_offset or 0):
            for bad_start, bad_end in bad:
                if start < bad_end and bad_start < end:
                    return bad_start, bad_end
        return None

    @staticmethod
    def _folder_path(where: Locator) -> bytes:
        root = os.fsencode(Path(where.paths[0]))
        return root + (where.path_bytes or where.path.encode("utf-8"))

    def _folder_chunks(self, where: Locator) -> Iterator[bytes]:
        try:
            descriptor = open_read_only(self._folder_path(where))
        except OSError as exc:
            raise ContentError(f"cannot read: {exc.strerror}") from exc
        with os.fdopen(descriptor, "rb") as handle:
            try:
                while data := handle.read(READ_SIZE):
                    yield data
            except OSError as exc:
                raise ContentError(f"read failed: {exc.strerror}") from exc

    def close(self) -> None:
        for source in self._sources.values():
            source.close()
        for cursor in self._cursors.values():
            cursor.close()
        self._cursors.clear()
        self._close_outer()
        self._sources.clear()
        for volume in self._volumes:
            volume.close()
        self._volumes.clear()
        for shadows in self._shadows:
            shadows.close()
        self._shadows.clear()
        self._apfs.clear()
        self._layers.clear()
        self._images.clear()
        self._file_systems.clear()


class _TskStream(io.RawIOBase):
    """A file of a TSK file system as a read-only, seekable stream (TSK reads at any offset)."""

    def __init__(self, entry: pytsk3.File, size: int, attribute: tuple):
        self._entry, self._size, self._attribute, self._position = entry, size, attribute, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer) -> int:
        length = min(len(buffer), self._size - self._position)
        if length <= 0:
            return 0
        try:
            data = self._entry.read_random(self._position, length, *self._attribute)
        except OSError as exc:
            raise ContentError(f"read failed at byte {self._position}: {reason(exc)}") from exc
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)


def _attribute_size(entry: pytsk3.File, attr_type: int, attr_id: int) -> int:
    for attribute in entry:
        if int(attribute.info.type) == attr_type and int(attribute.info.id) == attr_id:
            return int(attribute.info.size)
    raise ContentError(f"attribute {attr_type}-{attr_id} not found")
