"""Volume shadow copies (Windows VSS) of an NTFS volume, through libvshadow-python.

Each snapshot is read as a volume of its own (the volume as it was when the snapshot
was taken); its files are walked like the live volume's, under a partition record that
names the snapshot and its creation time. A content already found in the live volume
is stored once (media rows are per content): a snapshot only adds file rows.

Each snapshot's free space (as it was) is carved through the snapshot, the carved
items' offsets counting from the volume's byte 0 as the snapshot reads it (walk.py).

No VSS volume can be made on Linux; one real sample (plaso's vsstest.qcow2, two
snapshots, tests/data) is read in the tests, with fabricated headers for the damaged
and garbage paths. Snapshots of a volume inside BitLocker are not read (only those of
a plain NTFS partition).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyvshadow

from triage.evidence.base import EvidenceError, OpenedVolume, Source, SourceRange, reason

VSS_HEADER_OFFSET = 0x1E00  # the volume header, within the NTFS volume
_VSS_IDENTIFIER = bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")


def has_shadow_copies(source: Source, offset: int) -> bool:
    """Whether the NTFS volume at `offset` carries a VSS volume header (its 16-byte
    identifier compared here: one small read, where libvshadow's check would open the
    whole volume on every NTFS partition)."""
    try:
        return source.read(offset + VSS_HEADER_OFFSET, 16) == _VSS_IDENTIFIER
    except (OSError, EvidenceError):
        return False


class ShadowVolume:
    """The VSS catalogue of one NTFS volume: its snapshots, oldest first."""

    def __init__(self, source: Source, offset: int, length: int):
        self._handle = pyvshadow.volume()
        try:
            self._handle.open_file_object(SourceRange(source, offset, length), "r")
            self.count = int(self._handle.get_number_of_stores())
        except (OSError, IOError, ValueError) as exc:
            raise EvidenceError(f"volume shadow copies cannot be read: {reason(exc)}") from exc
        self.source = source

    def snapshot(self, number: int) -> "Snapshot":
        try:
            return Snapshot(self, self._handle.get_store(number), number)
        except (OSError, IOError, ValueError) as exc:
            raise EvidenceError(f"shadow copy {number + 1} cannot be read: "
                                f"{reason(exc)}") from exc

    def close(self) -> None:
        try:
            self._handle.close()
        except (OSError, IOError):
            pass


class Snapshot(OpenedVolume):
    """One shadow copy: the whole NTFS volume as it was, a source TSK reads from byte 0."""

    format = "vss-snapshot"

    def __init__(self, volume: ShadowVolume, store: Any, number: int):
        super().__init__(volume.source.paths, store, store.get_volume_size(),
                         f"shadow copy {number + 1}")
        self.number = number
        self._volume = volume  # the store reads through its volume: keep it open
        self.created = _creation_time(store)

    def close(self) -> None:
        pass  # the store belongs to its ShadowVolume

    BLOCK = 0x4000  # VSS keeps the old data of a changed volume block in 16 KiB blocks

    def stored_runs(self) -> list[tuple[int, int]]:
        """(offset, length) runs of the volume whose data as it was this store keeps (blocks
        changed since the snapshot), sorted and merged: everywhere else the snapshot reads
        the live volume's bytes of today."""
        try:
            offsets = sorted({int(block.original_offset) for block in self._reader.blocks})
        except (OSError, IOError, ValueError) as exc:
            raise EvidenceError(f"the shadow copy's stored blocks cannot be listed: {exc}")
        runs: list[tuple[int, int]] = []
        for offset in offsets:
            if runs and runs[-1][0] + runs[-1][1] >= offset:
                runs[-1] = (runs[-1][0], max(runs[-1][1], offset + self.BLOCK - runs[-1][0]))
            else:
                runs.append((offset, self.BLOCK))
        return runs


def _creation_time(store: Any) -> datetime | None:
    try:
        moment = store.get_creation_time()
    except (OSError, IOError, ValueError, OverflowError):
        return None
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def label(snapshot: Snapshot, count: int) -> str:
    """As the partition's layers name it: `VSS snapshot 2 of 3 (2024-05-01 10:12:03 UTC)`."""
    when = snapshot.created.strftime("%Y-%m-%d %H:%M:%S UTC") if snapshot.created else \
        "creation time unknown"
    return f"VSS snapshot {snapshot.number + 1} of {count} ({when})"
