"""Deleted files whose clusters their file system has allocated again.

The Sleuth Kit reads a deleted file from the clusters its entry still names
(NTFS keeps its runs; FAT its first cluster, and TSK guesses the rest). Once
the file system has given any of them to another file, what is read there is
that file's data, under the deleted entry's name, path and times: on a FAT
stick, a deleted thumbnail showed the picture written after it, as if it had
been there before — a wrong attribution nothing said. After the walk, each
deleted file's stored ranges are set against the free space that carving
reads (`free_runs`), and a file reaching into allocated space gets a note; its
content is still hashed and shown.
"""

from __future__ import annotations

from bisect import bisect_right

import pytsk3
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from triage.case.models import EntryKind, Evidence, File, Partition
from triage.evidence import ContentError, ContentReader, EvidenceError
from triage.evidence.carving import SpaceError, free_runs
from triage.evidence.content import Locator
from triage.evidence.encrypted import VolumeKeys
from triage.pipeline.content import locator, locator_query

NOTE = ("its clusters are allocated again (bytes {start}-{end} of the {layer} are in use): "
        "what is read there is, at least in part, another file's data, not what this "
        "deleted file held")


def mark_reallocated(session: Session, evidence: Evidence,
                     keys: VolumeKeys = VolumeKeys()) -> int:
    """Note every deleted file of `evidence` whose data lies partly in allocated space;
    `keys` open again the encrypted volumes the walk unlocked."""
    if evidence.format == "folder":
        return 0
    reader = ContentReader()
    reader.volume_keys = keys
    marked = 0
    try:
        for partition in session.scalars(select(Partition).where(
                Partition.evidence_id == evidence.id, Partition.snapshot.is_(None),
                Partition.error.is_(None))):
            deleted = {row.id: locator(row) for row in session.execute(
                locator_query(File.id).where(
                    File.partition_id == partition.id, File.deleted.is_(True),
                    File.kind == EntryKind.FILE, File.outer_id.is_(None),
                    File.meta_addr.is_not(None)))}
            notes = _notes(reader, partition, deleted)
            if notes:
                session.execute(update(File), notes)
                marked += len(notes)
    finally:
        reader.close()
    return marked


def _notes(reader: ContentReader, partition: Partition, deleted: dict[int, Locator]
           ) -> list[dict]:
    """The note of each of a partition's deleted files (by id) that reaches allocated space."""
    free = _free_space(reader, next(iter(deleted.values())), partition) if deleted else None
    if not free:
        return []
    notes = []
    for file_id, where in deleted.items():
        try:
            ranges = reader.stored_ranges(where)
        except (ContentError, EvidenceError, OSError):
            continue  # the content read says why, on the file
        if found := first_allocated(ranges, free):
            layer = "decrypted volume" if where.unlocked else "image"
            notes.append({"id": file_id, "note": NOTE.format(start=found[0], end=found[1] - 1,
                                                             layer=layer)})
    return notes


def _free_space(reader: ContentReader, where: Locator, partition: Partition
                ) -> list[tuple[int, int]] | None:
    """The free byte runs of the partition's file system, in what `stored_ranges` counts in
    (the image, or an unlocked volume's decrypted content); None where its allocation is
    not read (a file system carving does not read, a damaged one)."""
    try:
        source = reader.volume_source(where)
        offset, length = (0, source.size) if where.unlocked else (
            partition.offset or 0, partition.length)
        fs = pytsk3.FS_Info(source.tsk_image(), offset=offset)
        return free_runs(source, fs, offset, length)
    except (ContentError, OSError, RuntimeError, EvidenceError, SpaceError, ValueError):
        return None


def first_allocated(ranges: list[tuple[int, int]], free: list[tuple[int, int]]
                    ) -> tuple[int, int] | None:
    """The first stretch [start, end) of `ranges` outside the sorted, merged `free` runs
    ((offset, length) pairs), or None when every range lies in free space."""
    starts = [start for start, _ in free]
    for start, end in ranges:
        at = bisect_right(starts, start) - 1
        free_end = free[at][0] + free[at][1] if at >= 0 else start
        if free_end >= end:
            continue
        allocated = max(start, free_end)
        following = free[at + 1][0] if at + 1 < len(free) else end
        return allocated, min(end, following)
    return None
