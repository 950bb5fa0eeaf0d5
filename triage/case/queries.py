"""Read-only questions the CLI and the GUI ask of a case; one place, one answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.case.models import Evidence, File, Media, Partition, WorkStatus


@dataclass(frozen=True)
class FileListing:
    evidence: str
    partition_offset: int | None
    partition_type: str | None
    path: str
    name: str
    kind: str
    deleted: bool
    size: int | None
    meta_addr: int | None
    detected_type: str | None
    extension_mismatch: bool
    md5: str | None
    sha1: str | None
    sha256: str | None
    crtime: object
    mtime: object
    atime: object
    ctime: object
    error: str | None


LISTING_COLUMNS = list(FileListing.__dataclass_fields__)


def iter_files(session: Session, page: int = 5000) -> Iterator[FileListing]:
    """Every file record in walk order, joined with its content's hashes."""
    query = (
        select(Evidence.name, Partition.offset, Partition.fs_type, File.path, File.name,
               File.kind, File.deleted, File.size, File.meta_addr, Media.detected_type,
               File.extension_mismatch, Media.md5, Media.sha1, Media.sha256, File.crtime,
               File.mtime, File.atime, File.ctime, File.error)
        .join(Evidence, File.evidence_id == Evidence.id)
        .outerjoin(Partition, File.partition_id == Partition.id)
        .outerjoin(Media, File.media_id == Media.id)
        .order_by(File.id)
        .execution_options(yield_per=page)
    )
    for row in session.execute(query):
        values = list(row)
        values[5] = row[5].value
        yield FileListing(*values)


def evidence_readable(session: Session, evidence_id: int) -> bool:
    """Whether anything at all was read from an evidence (a file system, a folder)."""
    return session.scalar(
        select(func.count()).select_from(File).where(File.evidence_id == evidence_id).limit(1)
    ) > 0


def summary(session: Session) -> dict:
    """Counts for `triage info`: by kind, status, content type, deleted, per partition."""
    def grouped(*columns, where=None):
        query = select(*columns, func.count()).group_by(*columns)
        if where is not None:
            query = query.where(where)
        return session.execute(query.select_from(File)).all()

    return {
        "kinds": {k.value: n for k, n in grouped(File.kind)},
        "status": {s.value: n for s, n in grouped(File.status)},
        "deleted": session.scalar(select(func.count()).where(File.deleted)),
        "extension_mismatch": session.scalar(select(func.count()).where(File.extension_mismatch)),
        "errors": session.scalar(select(func.count()).where(File.error.is_not(None))),
        "types": dict(session.execute(
            select(func.coalesce(Media.detected_type, "other"), func.count(File.id))
            .join(File, File.media_id == Media.id).group_by(Media.detected_type)
        ).all()),
        "contents": session.scalar(select(func.count()).select_from(Media)),
        "per_partition": {
            pid: n for pid, n in session.execute(
                select(File.partition_id, func.count()).group_by(File.partition_id)
            ).all()
        },
        "pending": session.scalar(
            select(func.count()).where(File.status == WorkStatus.PENDING)),
    }
