"""The plain records every walk yields: a volume (partition), then its entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class PartitionRecord:
    index: int
    offset: int | None
    length: int | None
    description: str
    fs_type: str | None = None
    error: str | None = None
    snapshot: int | None = None  # a VSS snapshot of the volume at `offset`: its number, from 0
    note: str | None = None  # what the examiner should know that is not an error
    # the kind of credential that unlocked it ("password", "recovery key" …): an encrypted
    # volume read through its decrypted layer (the description says so too, for people)
    unlocked_with: str | None = None


@dataclass
class FileRecord:
    partition_index: int | None
    path: str
    name: str
    kind: str
    deleted: bool = False
    size: int | None = None
    meta_addr: int | None = None
    attr_type: int | None = None  # set for NTFS named streams; None reads the default data
    attr_id: int | None = None
    path_bytes: bytes | None = None
    crtime: datetime | None = None
    mtime: datetime | None = None
    atime: datetime | None = None
    ctime: datetime | None = None
    readable: bool = True
    error: str | None = None


def timestamp(seconds: int, nanos: int = 0) -> datetime | None:
    if not seconds:
        return None
    try:
        moment = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.replace(microsecond=(nanos or 0) // 1000)
