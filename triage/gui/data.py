"""What the GUI reads from a case, as plain values built on a worker thread.

No Qt here: every function takes an open session and returns detached
dataclasses, so the GUI thread never holds an ORM object or a connection.
The file listing is read a page at a time; a page is found by keyset
(`after_id`) when the page before it is known, else by offset over ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from triage.case.models import CaseInfo, Evidence, File, Media, WorkStatus
from triage.review.queries import FileListing, iter_files, summary


@dataclass(frozen=True)
class ContainerView:
    """A file that holds items (an archive, a document, a mail store), a node of the
    Evidence tree; the containers inside it are its children."""

    id: int
    parent_id: int | None
    name: str
    path: str
    kind: str | None  # what its items say it is: "zip", "pdf", ...
    items: int  # directly inside it


CONTAINERS_SHOWN = 2000  # per case, in the order found; the file table has every one


@dataclass(frozen=True)
class PartitionView:
    id: int
    index: int
    offset: int | None
    length: int | None
    description: str
    fs_type: str | None
    error: str | None
    entries: int
    containers: tuple[ContainerView, ...] = ()
    note: str | None = None  # what to know that is not an error


@dataclass(frozen=True)
class EvidenceView:
    id: int
    name: str
    format: str
    paths: tuple[str, ...]
    size: int | None
    sha256: str | None
    md5: str | None
    stored_md5: str | None
    hash_status: str
    walk_status: str
    error: str | None
    added_at: datetime
    added_by: str
    partitions: tuple[PartitionView, ...]
    time_zone: str | None = None  # the zone its device kept its clock in, as set

    @property
    def md5_mismatch(self) -> bool:
        return bool(self.stored_md5 and self.md5 and self.stored_md5 != self.md5)

    @property
    def has_error(self) -> bool:
        return bool(self.error) or any(p.error for p in self.partitions)


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything the case window shows outside the file table, read in one transaction."""

    name: str
    created_at: datetime
    created_by: str
    triage_version: str
    evidence: tuple[EvidenceView, ...]
    counts: dict

    @property
    def entries(self) -> int:
        return sum(self.counts["kinds"].values())

    @property
    def unfinished(self) -> bool:
        """Whether an ingest run would still have something to do (a resume is useful)."""
        pending, done = WorkStatus.PENDING.value, WorkStatus.DONE.value
        return bool(self.counts["pending"]) or any(
            e.walk_status == pending or (e.hash_status == pending and e.walk_status == done)
            for e in self.evidence
        )


@dataclass(frozen=True)
class FilePage:
    rows: tuple[FileListing, ...]
    last_id: int | None  # id of the last row, to find the next page by keyset


def load_snapshot(session: Session) -> CaseSnapshot:
    info = session.scalars(select(CaseInfo)).one()
    counts = summary(session)
    per_partition = counts["per_partition"]
    containers = _containers(session)
    evidence = []
    for e in session.scalars(select(Evidence).order_by(Evidence.id)):
        partitions = tuple(
            PartitionView(p.id, p.index, p.offset, p.length, p.description or "", p.fs_type,
                          p.error, per_partition.get(p.id, 0), containers.get(p.id, ()),
                          p.note)
            for p in e.partitions
        )
        evidence.append(EvidenceView(
            e.id, e.name, e.format, tuple(e.paths or ()), e.size, e.sha256, e.md5, e.stored_md5,
            _status(e.hash_status), _status(e.walk_status), e.error, e.added_at, e.added_by,
            partitions, e.time_zone,
        ))
    return CaseSnapshot(info.name, info.created_at, info.created_by, info.triage_version,
                        tuple(evidence), counts)


def _containers(session: Session) -> dict[int | None, tuple[ContainerView, ...]]:
    """Files holding items, by partition, containers before the containers inside them."""
    item = aliased(File)
    rows = session.execute(
        select(File.id, File.parent_id, File.partition_id, File.name, File.path,
               func.min(item.container_kind), func.count(item.id))
        .join(item, item.parent_id == File.id)
        .group_by(File.id, File.parent_id, File.partition_id, File.name, File.path)
        .order_by(File.id).limit(CONTAINERS_SHOWN)).all()
    found: dict[int | None, list[ContainerView]] = {}
    for file_id, parent_id, partition_id, name, path, kind, items in rows:
        found.setdefault(partition_id, []).append(
            ContainerView(file_id, parent_id, name, path, kind, items))
    return {partition: tuple(views) for partition, views in found.items()}


def _status(value) -> str:
    return value.value if isinstance(value, WorkStatus) else str(value)


# -- the file listing ------------------------------------------------------------------


def _matches(text: str):
    """Case-insensitive substring on path, name or MD5; `%` and `_` are taken literally."""
    text = text.strip()
    if not text:
        return None
    return or_(File.path.icontains(text, autoescape=True),
               File.name.icontains(text, autoescape=True),
               Media.md5.icontains(text, autoescape=True))


def _ids(text: str):
    query = select(File.id)
    condition = _matches(text)
    if condition is not None:
        query = query.outerjoin(Media, File.media_id == Media.id).where(condition)
    return query


def count_files(session: Session, text: str = "") -> int:
    return session.scalar(select(func.count()).select_from(_ids(text).subquery()))


def file_page(session: Session, text: str, offset: int, limit: int,
              after_id: int | None = None) -> FilePage:
    """`limit` rows of the listing from row `offset` (or just after file `after_id`)."""
    ids_query = _ids(text).order_by(File.id).limit(limit)
    if after_id is not None:
        ids_query = ids_query.where(File.id > after_id)
    else:
        ids_query = ids_query.offset(offset)
    ids = list(session.scalars(ids_query))
    if not ids:
        return FilePage((), None)
    rows = list(iter_files(session, file_ids=ids))
    return FilePage(tuple(rows), ids[-1])


def count_and_first_page(session: Session, text: str, limit: int) -> tuple[int, FilePage]:
    """The total for a filter and its first page, in one read, so a view never shows a gap."""
    return count_files(session, text), file_page(session, text, 0, limit)
