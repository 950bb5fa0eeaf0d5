"""The case store's tables, as SQLAlchemy 2.0 typed models.

Content and instance are kept apart, as in the Project VIC model: a `Media`
row is one distinct content (keyed by SHA-256), a `File` row is one place
that content was found. Work that depends only on content is done once per
`Media`; a verdict given to content holds for every instance.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=False), int: BigInteger}


class WorkStatus(str, enum.Enum):
    """Where an item stands in ingest; `pending` items are what a resume redoes."""

    PENDING = "pending"
    DONE = "done"
    ERROR = "error"
    SKIPPED = "skipped"


class EntryKind(str, enum.Enum):
    FILE = "file"
    DIR = "dir"
    LINK = "link"
    VIRTUAL = "virtual"
    OTHER = "other"


class CaseInfo(Base):
    """One row: who made the case, when, with which version."""

    __tablename__ = "case_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    triage_version: Mapped[str] = mapped_column(String(40))


class Evidence(Base):
    """A source given to ingest: a disk image (possibly in segments) or a folder."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(400))
    format: Mapped[str] = mapped_column(String(40))
    paths: Mapped[list[str]] = mapped_column(JSON)
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    md5: Mapped[str | None] = mapped_column(String(32))
    stored_md5: Mapped[str | None] = mapped_column(String(32))
    hash_status: Mapped[WorkStatus] = mapped_column(
        Enum(WorkStatus, native_enum=False, length=16), default=WorkStatus.PENDING
    )
    walk_status: Mapped[WorkStatus] = mapped_column(
        Enum(WorkStatus, native_enum=False, length=16), default=WorkStatus.PENDING
    )
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)

    partitions: Mapped[list[Partition]] = relationship(
        back_populates="evidence", order_by="Partition.index"
    )


class Partition(Base):
    """A volume of an evidence: a partition, or the whole image when it has no table."""

    __tablename__ = "partition"
    __table_args__ = (UniqueConstraint("evidence_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"))
    index: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int | None]
    length: Mapped[int | None]
    description: Mapped[str] = mapped_column(String(200), default="")
    fs_type: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)

    evidence: Mapped[Evidence] = relationship(back_populates="partitions")


class Media(Base):
    """One distinct content, whatever names and places it was found under."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sha1: Mapped[str] = mapped_column(String(40), index=True)
    md5: Mapped[str] = mapped_column(String(32), index=True)
    size: Mapped[int]
    detected_type: Mapped[str | None] = mapped_column(String(60), index=True)


class File(Base):
    """One directory entry found in an evidence (deleted and orphan ones too)."""

    __tablename__ = "file"
    __table_args__ = (
        Index("ix_file_status", "status"),
        Index("ix_file_evidence_path", "evidence_id", "path"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"))
    partition_id: Mapped[int | None] = mapped_column(ForeignKey("partition.id"))
    path: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    path_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)  # raw path, when not UTF-8
    kind: Mapped[EntryKind] = mapped_column(Enum(EntryKind, native_enum=False, length=16))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int | None]
    meta_addr: Mapped[int | None]
    attr_type: Mapped[int | None]  # NTFS named stream: which attribute (default data if None)
    attr_id: Mapped[int | None]
    crtime: Mapped[datetime | None]
    mtime: Mapped[datetime | None]
    atime: Mapped[datetime | None]
    ctime: Mapped[datetime | None]
    extension_mismatch: Mapped[bool] = mapped_column(Boolean, default=False)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"), index=True)
    status: Mapped[WorkStatus] = mapped_column(
        Enum(WorkStatus, native_enum=False, length=16), default=WorkStatus.PENDING
    )
    error: Mapped[str | None] = mapped_column(Text)

    evidence: Mapped[Evidence] = relationship()
    partition: Mapped[Partition | None] = relationship()
    media: Mapped[Media | None] = relationship()


class AuditEntry(Base):
    """An append-only, hash-chained record of one change to the case."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    examiner: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | list | None] = mapped_column(JSON)
    after: Mapped[dict | list | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
