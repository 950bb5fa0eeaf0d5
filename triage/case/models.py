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


CHAIN_SEPARATOR = " » "  # between the links of a location: /x/pack.zip » inner.zip » n0.jpg


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
    # The IANA zone its device's clock was set to, as the examiner found it: FAT, exFAT and
    # ZIP times (a clock reading with no zone) are then shown in UTC (triage/time_zones.py)
    time_zone: Mapped[str | None] = mapped_column(String(64))

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
    description: Mapped[str] = mapped_column(Text, default="")  # layers, some suspect-named
    # the kind of credential that unlocked it: an encrypted volume read decrypted (its files'
    # and carved items' offsets are its decrypted content's); None for any other volume
    unlocked_with: Mapped[str | None] = mapped_column(String(40))
    fs_type: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    # A VSS snapshot of the volume at `offset` (its number, from 0); None for the volume itself.
    snapshot: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)  # what to know that is not an error

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

    # From the one decode of a picture (or a video's probe); see triage.media.analyse.
    analysed: Mapped[bool] = mapped_column(Boolean, default=False)
    width: Mapped[int | None]
    height: Mapped[int | None]
    phash: Mapped[str | None] = mapped_column(String(16))
    dhash: Mapped[str | None] = mapped_column(String(16))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    featureless: Mapped[bool | None] = mapped_column(Boolean)
    exif: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    video: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # duration, codec…
    analysis_error: Mapped[str | None] = mapped_column(Text)
    extra_hashes: Mapped[bytes | None] = mapped_column(LargeBinary)  # triage.similarity.features
    # Near-duplicate stack (triage.similarity): members share stack_id; one is its representative.
    stack_id: Mapped[int | None] = mapped_column(index=True)
    stack_representative: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pictures of one setting (a series: the same room, another pose) share series_id, the
    # smallest media id among them; related, shown together on request, never stacked.
    series_id: Mapped[int | None] = mapped_column(index=True)
    # Place of its first instance in (evidence, partition, path) order, 1 first; set after
    # each ingest (triage.review.gallery.rank_found_order); None until then.
    found_order: Mapped[int | None] = mapped_column(Integer)


class Keyframe(Base):
    """A still chosen from a video, hashed like a picture so stills can join the video's stack."""

    __tablename__ = "keyframe"
    __table_args__ = (UniqueConstraint("media_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    time: Mapped[float | None]
    phash: Mapped[str] = mapped_column(String(16))
    dhash: Mapped[str] = mapped_column(String(16))
    pdq: Mapped[str] = mapped_column(String(64))
    pdq_quality: Mapped[int] = mapped_column(Integer)
    featureless: Mapped[bool] = mapped_column(Boolean)


class VideoFrames(Base):
    """A video's frame hashes (PDQ about one a second), packed in one blob: `triage.hashing.frames`."""

    __tablename__ = "video_frames"

    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    step: Mapped[int] = mapped_column(Integer)  # frames between two hashed frames
    count: Mapped[int] = mapped_column(Integer)
    format: Mapped[int] = mapped_column(Integer)
    frames: Mapped[bytes] = mapped_column(LargeBinary)


class VideoMatch(Base):
    """A still (kind "still") or a video (kind "clip") that matches frames of a video.

    For a still, `video_start` is the time of the closest frame; for a clip,
    the stretch `video_start`-`video_end` of the video matches the stretch
    `media_start`-`media_end` of the clip. Rebuilt with the stacks.
    """

    __tablename__ = "video_match"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    distance: Mapped[int] = mapped_column(Integer)
    frames: Mapped[int] = mapped_column(Integer)  # frames that matched
    video_start: Mapped[float]
    video_end: Mapped[float]
    media_start: Mapped[float | None]
    media_end: Mapped[float | None]


class VpdqVideo(Base):
    """One video of an imported vPDQ hash list: its frame hashes, packed as `VideoFrames`."""

    __tablename__ = "vpdq_video"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"), index=True)
    record: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(60))
    count: Mapped[int] = mapped_column(Integer)
    frames: Mapped[bytes] = mapped_column(LargeBinary)


class VpdqMatch(Base):
    """A case video that matches a vPDQ list's video: shares of matching frames both ways."""

    __tablename__ = "vpdq_match"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"), index=True)
    vpdq_video_id: Mapped[int] = mapped_column(ForeignKey("vpdq_video.id"))
    query_percent: Mapped[float]  # of the case video's frames found in the listed video
    compared_percent: Mapped[float]  # of the listed video's frames found in the case video


class File(Base):
    """One directory entry found in an evidence (deleted and orphan ones too), or an item
    found inside another file (a container)."""

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
    note: Mapped[str | None] = mapped_column(Text)  # what to know that is not an error
    # An item found inside a container (an archive member, a PDF's image, a mail attachment):
    # the container's own row, and the path inside it as the container names it. `path` is
    # then the whole location chain ("/Users/x/pack.zip » inner.zip » n0.jpg").
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("file.id"), index=True)
    container_path: Mapped[str | None] = mapped_column(Text)
    container_kind: Mapped[str | None] = mapped_column(String(20))  # "zip", "pdf", "mbox"…
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)  # needs a password
    # Where to read it again: the outermost file holding it, and the path in each container
    # from there down (names may hold " » ", so the chain is not parsed back out of `path`).
    outer_id: Mapped[int | None] = mapped_column(ForeignKey("file.id"))
    container_chain: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # Carving: an area of free or unpartitioned space to carve (`carve_area`: its byte runs and
    # where a file in them may run to), and the items carved from it, each at a byte offset
    # of the evidence (`carved_offset`, length `size`), "complete" or "partial" (`carved`).
    carve_area: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    carved_offset: Mapped[int | None]
    carved: Mapped[str | None] = mapped_column(String(10))

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
    # Who the database says wrote the row, beside the `examiner` name anyone can type: on
    # PostgreSQL the connection's `session_user`, set by a trigger on the server whatever
    # the client sends (triage.case.guards); on SQLite the operating-system user. NULL in
    # rows written before it was recorded (and then not part of their hash).
    account: Mapped[str | None] = mapped_column(String(200))


class AuditAlteration(Base):
    """An UPDATE, DELETE or TRUNCATE of the audit log, written by a PostgreSQL trigger.

    Examiner roles cannot alter the log at all (no grants); this says which
    role did, and when, so that `verify` can name it beside a broken chain.
    """

    __tablename__ = "audit_alteration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    account: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(10))
    entry_id: Mapped[int | None] = mapped_column(Integer)


# ---------------------------------------------------------------------------
# Hash sets (issue 3): lists of known digests imported into the case, and what
# they matched. Written by `triage.hashsets`; everything else only reads them.
# ---------------------------------------------------------------------------


class HashSetKind(str, enum.Enum):
    """What a match means: `alert` flags and pre-categorises, `known-good` hides from review."""

    ALERT = "alert"
    KNOWN_GOOD = "known-good"


class ImportedList:
    """What every imported list (a hash set, a URL list) records of its source and import:
    the columns the shared lifecycle (`triage.case.lists`) reads and verifies."""

    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_size: Mapped[int]
    entry_count: Mapped[int]
    rejected_count: Mapped[int] = mapped_column(BigInteger, default=0)
    imported_at: Mapped[datetime]
    examiner: Mapped[str] = mapped_column(String(200))
    merkle_root: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict | None] = mapped_column(JSON)


class HashSet(ImportedList, Base):
    """One imported hash set: where it came from, who imported it, and its Merkle root.

    `scheme` is the classification scheme the source names for its category
    codes (e.g. "vics-us" for a VICS 2.0 US data model); entries keep their
    codes verbatim under it and nothing re-interprets them in another scheme.
    """

    __tablename__ = "hash_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[HashSetKind] = mapped_column(Enum(HashSetKind, native_enum=False, length=16))
    scheme: Mapped[str | None] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(40))


class HashSetBlock(Base):
    """Entries of a hash set, packed about ten thousand to a row (layout: `triage.hashsets.blocks`).

    Every entry of every set is in a block; blocks are written once, at import,
    and the set's Merkle root is over the entries they hold.
    """

    __tablename__ = "hash_set_block"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"), index=True)
    record_offset: Mapped[int]
    count: Mapped[int]
    records: Mapped[bytes] = mapped_column(LargeBinary)
    digests: Mapped[bytes] = mapped_column(LargeBinary)
    md5: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha1: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[bytes | None] = mapped_column(LargeBinary)
    fields: Mapped[bytes] = mapped_column(LargeBinary)


class HashSetEntry(Base):
    """One record of a hash set that some media matched, unpacked from its block.

    Matches and near matches point here, so whatever shows them joins an
    ordinary table. `record` is the source line number (text formats) or
    record index (JSON, SQLite rows), so any entry can be traced back to its
    place in the file. `category` is the source's code, verbatim; NULL means
    uncategorised. `extra` holds every other field the source had for the
    record. Digests are lower-case hex.
    """

    __tablename__ = "hash_set_entry"
    __table_args__ = (Index("ix_hash_set_entry_set_record", "hash_set_id", "record", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"))
    record: Mapped[int]
    md5: Mapped[str | None] = mapped_column(String(32))
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(60))
    size: Mapped[int | None]
    extra: Mapped[dict | None] = mapped_column(JSON)


class HashSetMatch(Base):
    """A media item found in a hash set, by the strongest digest both sides have."""

    __tablename__ = "hash_set_match"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hash_set_entry.id"), index=True)
    digest: Mapped[str] = mapped_column(String(8))  # "sha256", "sha1" or "md5"


class HashSetVerdict(Base):
    """What the hash sets say about one matched media item, all sets together.

    Derived from `HashSetMatch` and rebuilt whenever matches change. `category`
    is "scheme:code" when every categorised alert answer agrees; when the sets
    disagree (different codes, or alert and known-good) `conflicting` is set,
    `category` is NULL and every answer stays in the matches: nothing is
    resolved silently.
    """

    __tablename__ = "hash_set_verdict"

    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    sets: Mapped[int]
    alert: Mapped[bool] = mapped_column(Boolean)
    known_good: Mapped[bool] = mapped_column(Boolean, index=True)
    conflicting: Mapped[bool] = mapped_column(Boolean, index=True)
    category: Mapped[str | None] = mapped_column(String(80))
    # A conflict's default answer, picked by the case's precedence rule when one is set
    # (`resolved_by` names the rule); `conflicting` stays set and every answer stays shown.
    resolved_category: Mapped[str | None] = mapped_column(String(80))
    resolved_known_good: Mapped[bool | None] = mapped_column(Boolean)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class HashSetNearMatch(Base):
    """A media item (or one of a video's keyframes) within a perceptual distance of a set entry.

    Kept apart from exact matches (`HashSetMatch`): a near match pre-categorises
    nothing and feeds no verdict; it is a lead the examiner checks, shown with
    its algorithm and distance.
    """

    __tablename__ = "hash_set_near_match"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    keyframe_id: Mapped[int | None] = mapped_column(ForeignKey("keyframe.id"))
    hash_set_id: Mapped[int] = mapped_column(ForeignKey("hash_set.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hash_set_entry.id"))
    algorithm: Mapped[str] = mapped_column(String(8))  # "pdq" or "phash"
    distance: Mapped[int] = mapped_column(Integer)
    frame_time: Mapped[float | None]  # a video's per-second frame that is near (seconds)


# ---------------------------------------------------------------------------
# Tags (issue 4): categories given to media, by an examiner, a hash set or a
# plugin, and the case's working scheme. Written by `triage.review.tags` only.
# ---------------------------------------------------------------------------


class TagSourceKind(str, enum.Enum):
    """Who gave a tag. Only `examiner` tags are the verdict; the others are kept apart."""

    EXAMINER = "examiner"
    HASH_SET = "hash-set"
    PLUGIN = "plugin"


class TagState(str, enum.Enum):
    """Where a tag stands in the case's working scheme.

    `current`: it has one category there (`working_category`). `review`: it
    translates to several (`candidates`), a person decides. `foreign`: it has
    no counterpart there (`reason` says why). The tag's own scheme, category
    and attributes are never changed by a switch of working scheme.
    """

    CURRENT = "current"
    REVIEW = "review"
    FOREIGN = "foreign"


class Tag(Base):
    """One category given to one media item by one source, as that source gave it.

    A media item has at most one tag per source (`source_kind`, `source_name`):
    tagging again replaces it. `source_name` is "" for the examiner, the hash
    set's name, or "NAME@VERSION" for a plugin. `version` is bumped by every
    change, so a writer that read an older row is refused (optimistic check).
    """

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("media_id", "source_kind", "source_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    source_kind: Mapped[TagSourceKind] = mapped_column(
        Enum(TagSourceKind, native_enum=False, length=16))
    source_name: Mapped[str] = mapped_column(String(200), default="")
    scheme: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60))
    attributes: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    examiner: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[TagState] = mapped_column(
        Enum(TagState, native_enum=False, length=16), index=True)
    working_category: Mapped[str | None] = mapped_column(String(60), index=True)
    candidates: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    media: Mapped[Media] = relationship()


class VideoSegment(Base):
    """A stretch of a video an examiner categorised on its own (the video keeps its tag):
    from `start` to `end`, in seconds from the video's start."""

    __tablename__ = "video_segment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    start: Mapped[float]
    end: Mapped[float]
    scheme: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60))
    examiner: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class CaseSetting(Base):
    """A setting of the case as a whole (e.g. `working_scheme`), one row per key."""

    __tablename__ = "case_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict | list | str | int | None] = mapped_column(JSON)


# ---------------------------------------------------------------------------
# Plugins (issue 6): what a classifier or detector suggested about media, and
# each run of a plugin. Written by `triage.plugins` only. A result is never a
# verdict: it names the plugin, its version and its model's SHA-256.
# ---------------------------------------------------------------------------


class PluginRun(Base):
    """One run of one plugin over a case (inside an ingest or on its own), and how it ended.

    `error` is set when the plugin raised, hung past its timeout, returned
    garbage or could not be loaded: it was disabled for the rest of the run.
    """

    __tablename__ = "plugin_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plugin: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(40))
    model_sha256: Mapped[str] = mapped_column(String(64), default="")
    context: Mapped[str] = mapped_column(String(20))  # "ingest" or "run"
    examiner: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    items: Mapped[int] = mapped_column(BigInteger, default=0)
    flagged: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class PluginResult(Base):
    """What one plugin (at one version, with one model) answered for one media item.

    `scores` maps label to score; `boxes` (detectors) is a list of
    {"label", "x", "y", "w", "h", "score"} with coordinates as fractions of
    the picture's width and height. `model_sha256` is "" for a plugin
    without a model file.
    """

    __tablename__ = "plugin_result"
    __table_args__ = (UniqueConstraint("media_id", "plugin", "version", "model_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    plugin: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    model_sha256: Mapped[str] = mapped_column(String(64), default="")
    run_id: Mapped[int] = mapped_column(ForeignKey("plugin_run.id"), index=True)
    at: Mapped[datetime]
    scores: Mapped[dict] = mapped_column(JSON)
    boxes: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    relevance: Mapped[float | None] = mapped_column(index=True)
    """The highest score of the labels the manifest names under `relevance` (None: it names
    none): what the gallery's "most likely relevant first" order and score filter read."""
    frame_time: Mapped[float | None]
    """A video's answer is its highest frame's: that frame's time in seconds (None: a picture)."""


class PluginFlag(Base):
    """A label whose score reached its threshold: what a filter such as "has faces" reads."""

    __tablename__ = "plugin_flag"
    __table_args__ = (Index("ix_plugin_flag_plugin_label", "plugin", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("plugin_result.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    plugin: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(100))
    score: Mapped[float]


# ---------------------------------------------------------------------------
# Links (issue 8): URLs found in the evidence, de-obfuscated and normalised,
# URL block lists and what they matched. Written by `triage.links` only.
# ---------------------------------------------------------------------------


class LinkConfidence(str, enum.Enum):
    """How sure the extractor is that a text is a link: plain URL > rule-decoded > partial."""

    PLAIN = "plain"
    DECODED = "decoded"
    PARTIAL = "partial"


class LinkMatchLevel(str, enum.Enum):
    """How much of a link a block-list entry matched: the whole URL, host and path prefix, domain."""

    EXACT = "exact"
    PREFIX = "prefix"
    DOMAIN = "domain"


class LinkScan(Base):
    """One content scanned for links (or refused, with the reason): what a resumed scan skips."""

    __tablename__ = "link_scan"

    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("file.id"))  # the instance read
    status: Mapped[WorkStatus] = mapped_column(Enum(WorkStatus, native_enum=False, length=16))
    extractor: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    links: Mapped[int] = mapped_column(Integer, default=0)
    bytes_scanned: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[datetime]


class Link(Base):
    """One link (or e-mail address, `kind`) found in one content, as found and normalised.

    `url` is the normal form (triage/links/README.md); `match_key` is what
    block lists are matched on (host without `www.`, then path and query).
    `rules` names the de-obfuscation rules that were needed, in order.
    """

    __tablename__ = "link"
    __table_args__ = (
        Index("ix_link_match_key", "match_key"),
        Index("ix_link_host_key", "host_key"),
        Index("ix_link_domain", "domain"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("file.id"))
    kind: Mapped[str] = mapped_column(String(8))  # "url" or "email"
    extractor: Mapped[str] = mapped_column(String(40))
    offset: Mapped[int | None]
    line: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(Text)  # e.g. "urls id 12", "$.messages.item.text"
    context: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(Text)
    host_key: Mapped[str | None] = mapped_column(Text)  # host without a leading "www."
    domain: Mapped[str | None] = mapped_column(Text)  # registrable domain (public-suffix list)
    path: Mapped[str] = mapped_column(Text, default="")
    match_key: Mapped[str | None] = mapped_column(Text)
    rules: Mapped[list] = mapped_column(JSON)
    confidence: Mapped[LinkConfidence] = mapped_column(
        Enum(LinkConfidence, native_enum=False, length=16), index=True)
    shortened: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class LinkList(ImportedList, Base):
    """One imported URL block list, with its source's digest and the Merkle root of its entries."""

    __tablename__ = "link_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    format: Mapped[str] = mapped_column(String(20))  # "text", "csv", "hashed"
    digest: Mapped[str | None] = mapped_column(String(8))  # hashed lists: md5, sha1 or sha256
    category: Mapped[str | None] = mapped_column(String(60))  # for entries that name none


class LinkListEntry(Base):
    """One entry of a URL list: a normalised URL (or, in a hashed list, a digest of one)."""

    __tablename__ = "link_list_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_list_id: Mapped[int] = mapped_column(ForeignKey("link_list.id"), index=True)
    record: Mapped[int]
    raw: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    match_key: Mapped[str | None] = mapped_column(Text, index=True)
    host_key: Mapped[str | None] = mapped_column(Text, index=True)
    path: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(Text, index=True)
    digest: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str | None] = mapped_column(String(60))
    extra: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class LinkMatch(Base):
    """A link found in a URL list, at the strongest level that entry reaches."""

    __tablename__ = "link_match"
    __table_args__ = (UniqueConstraint("link_id", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("link.id"), index=True)
    link_list_id: Mapped[int] = mapped_column(ForeignKey("link_list.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("link_list_entry.id"), index=True)
    level: Mapped[LinkMatchLevel] = mapped_column(
        Enum(LinkMatchLevel, native_enum=False, length=16), index=True)
