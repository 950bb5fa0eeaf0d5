"""What every export reads from a case: media items with their files, tags and matches.

Items are read a page at a time (keyset on media id), each page with one
query per related table, so a case of millions of media is exported in
constant memory and every format writes as it reads.

The category an export writes is the examiner's verdict, translated into the
export's *target* scheme with the scheme rules (`triage.review.tags.place`):
exact, a choice for a person (ambiguous), or not representable. Hash-set and
plugin tags are never promoted to the verdict; they travel as provenance,
unless the caller asks for hash-set pre-categorisation of items the
examiner has not tagged (`precategorised`), and then they are marked so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from triage.case.models import (
    CHAIN_SEPARATOR,
    AuditEntry,
    CaseInfo,
    Evidence,
    File,
    HashSet,
    HashSetEntry,
    HashSetMatch,
    HashSetVerdict,
    Media,
    Partition,
    PluginFlag,
    PluginResult,
    Tag,
    TagSourceKind,
    TagState,
)
from triage.time_zones import DEVICE_LOCAL, shown_times, time_zone
from triage.review.queries import carved_in
from triage.review.segments import segments_of
from triage.review.tags import TagSource, place, working_scheme
from triage.schema import SchemeRegistry

PAGE = 1000

# what a target category is for one item
SAME = "same"            # tagged in the target scheme itself
EXACT = "exact"          # translated, one category
AMBIGUOUS = "ambiguous"  # translated, several candidates: a person decides
NONE = "none"            # not representable in the target scheme
UNCATEGORISED = "uncategorised"  # no verdict at all


@dataclass(frozen=True)
class FileFacts:
    """One place a media item was found (a `File` row with its evidence and partition)."""

    evidence: str
    partition_index: int | None
    partition_offset: int | None
    fs_type: str | None
    path: str
    name: str
    deleted: bool
    size: int | None
    meta_addr: int | None
    crtime: datetime | None
    mtime: datetime | None
    atime: datetime | None
    ctime: datetime | None
    extension_mismatch: bool
    carved: str | None = None  # "complete" or "partial": carved where no file entry points
    carved_offset: int | None = None  # where it starts in `carved_in` (`size` its length)
    container_kind: str | None = None  # the container it was found in, if any
    note: str | None = None  # what to know that is not an error (clusters allocated again)
    carved_in: str | None = None  # "evidence", "decrypted volume" or "VSS snapshot N"
    device_zone: str | None = None  # the zone its device kept its clock in, if known

    def __post_init__(self) -> None:  # a device's clock in a known zone: shown in UTC
        times = shown_times(self.crtime, self.mtime, self.atime, self.ctime, self.fs_type,
                            self.container_kind, self.device_zone)
        for name, value in zip(("crtime", "mtime", "atime", "ctime"), times):
            object.__setattr__(self, name, value)

    @property
    def local_clock(self) -> bool:
        """Whether its times are still the device's clock with no zone (FAT, ZIP whose
        device's zone is not set): triage/time_zones.py."""
        return self.time_zone == DEVICE_LOCAL

    @property
    def time_zone(self) -> str:
        return time_zone(self.fs_type, self.container_kind, self.device_zone)

    @property
    def folder(self) -> str:
        """The path without the name ("/" for the root), as the file system gave it; for an
        item inside a container, the whole chain down to its folder in the innermost one
        ("/Users/x/pack.zip » inner.zip/"), so that an export says where it really was."""
        outer, separator, inner = self.path.rpartition(CHAIN_SEPARATOR)
        head, _, _ = inner.rpartition("/")
        if separator:
            return f"{outer}{separator}{head}/" if head else f"{outer}/"
        return head + "/"


@dataclass(frozen=True)
class TagFacts:
    source: str
    scheme: str
    category: str
    label: str | None
    attributes: dict | None
    examiner: str
    at: datetime
    note: str | None
    state: str
    working_category: str | None
    candidates: tuple[str, ...]
    reason: str | None
    workflow: bool = False
    """The category is a workflow label in its own scheme (Non-Pertinent, Comparison)."""


@dataclass(frozen=True)
class HashSetHit:
    """A hash set that holds this media item: which set, which record, what it says."""

    name: str
    kind: str
    scheme: str | None
    category: str | None
    record: int
    digest: str

    def describe(self) -> str:
        what = f"{self.scheme or 'no scheme'} {self.category}" if self.category is not None \
            else "no category"
        return f"{self.name} ({self.kind}, record {self.record}, by {self.digest}): {what}"


@dataclass(frozen=True)
class Target:
    """The item's category in the export's target scheme, and how it was reached."""

    scheme: str
    result: str                 # SAME, EXACT, AMBIGUOUS, NONE or UNCATEGORISED
    code: str | None = None     # when SAME or EXACT
    label: str | None = None
    candidates: tuple[str, ...] = ()
    reason: str | None = None
    precategorised: bool = False  # the category comes from a hash set, not the examiner

    @property
    def decided(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class ClassifierScore:
    """A classifier's relevance score for the item: orders the review, never a verdict."""

    plugin: str
    version: str
    model_sha256: str
    score: float
    frame_time: float | None  # a video's: the time of the frame that scored highest

    def describe(self) -> str:
        """"plugin@version/model=score[@seconds]", as `files --csv` writes it too."""
        text = f"{self.plugin}@{self.version}/{self.model_sha256[:12]}={self.score:.4f}"
        return text + (f"@{self.frame_time:.1f}s" if self.frame_time is not None else "")


@dataclass
class Item:
    """One media item as exports see it."""

    media_id: int
    md5: str
    sha1: str
    sha256: str
    size: int
    detected_type: str | None
    verdict: TagFacts | None
    target: Target
    other_tags: list[TagFacts] = field(default_factory=list)
    hash_sets: list[HashSetHit] = field(default_factory=list)
    files: list[FileFacts] = field(default_factory=list)
    exif: dict = field(default_factory=dict)
    width: int | None = None
    height: int | None = None
    segments: list = field(default_factory=list)  # a video's stretches categorised apart
    plugin_flags: list[str] = field(default_factory=list)  # "plugin:label", suggestions only
    classifier_scores: list[ClassifierScore] = field(default_factory=list)  # highest first

    @property
    def updated(self) -> datetime | None:
        """When the verdict was last given (None for an item nobody tagged)."""
        return self.verdict.at if self.verdict else None


# which media an export covers
TAGGED = "tagged"   # items with an examiner tag
MEDIA = "media"     # pictures and videos, plus anything tagged or matched
ALL = "all"         # every distinct content of the case
ALERT = "alert"     # items an alert hash set matched


def select_media(selection: str):
    query = select(Media)
    examiner_tagged = select(Tag.media_id).where(Tag.source_kind == TagSourceKind.EXAMINER)
    if selection == TAGGED:
        return query.where(Media.id.in_(examiner_tagged))
    if selection == MEDIA:
        return query.where(or_(Media.detected_type.like("image/%"),
                               Media.detected_type.like("video/%"),
                               Media.id.in_(select(Tag.media_id)),
                               Media.id.in_(select(HashSetMatch.media_id))))
    if selection == ALL:
        return query
    if selection == ALERT:
        return query.where(Media.id.in_(select(HashSetVerdict.media_id)
                                        .where(HashSetVerdict.alert.is_(True))))
    raise ValueError(f"selection {selection!r} is not one of {TAGGED}, {MEDIA}, {ALL}, {ALERT}")


def iter_items(session: Session, registry: SchemeRegistry, target: str, *,
               selection: str = MEDIA, precategorised: bool = False,
               page: int = PAGE) -> Iterator[Item]:
    """Every selected media item in id order, with files, tags, matches and target category."""
    target = registry.get(target).id
    base = select_media(selection).order_by(Media.id)
    last = 0
    while True:
        media = session.scalars(base.where(Media.id > last).limit(page)).all()
        if not media:
            return
        last = media[-1].id
        ids = [m.id for m in media]
        files = _files(session, ids)
        tags = _tags(session, ids, registry)
        hits = _hash_set_hits(session, ids)
        segments = segments_of(session, ids)
        flags = _plugin_flags(session, ids)
        scores = _classifier_scores(session, ids)
        verdicts = _hash_set_verdicts(session, ids) if precategorised else {}
        for m in media:
            mine = tags.get(m.id, [])
            verdict = next((t for t in mine if t.source == "examiner"), None)
            others = [t for t in mine if t.source != "examiner"]
            yield Item(
                media_id=m.id, md5=m.md5, sha1=m.sha1, sha256=m.sha256, size=m.size,
                detected_type=m.detected_type, verdict=verdict,
                target=target_of(registry, verdict, target, verdicts.get(m.id)),
                other_tags=others, hash_sets=hits.get(m.id, []), files=files.get(m.id, []),
                exif=m.exif or {}, width=m.width, height=m.height,
                segments=segments.get(m.id, []), plugin_flags=flags.get(m.id, []),
                classifier_scores=scores.get(m.id, []))
        session.expunge_all()


def target_of(registry: SchemeRegistry, verdict: TagFacts | None, target: str,
              hash_set_category: str | None = None) -> Target:
    """The verdict (or, when asked, the hash sets' agreed category) in scheme `target`."""
    precategorised = False
    if verdict is not None:
        scheme, code, attributes = verdict.scheme, verdict.category, verdict.attributes
    elif hash_set_category and ":" in hash_set_category:
        scheme, _, code = hash_set_category.rpartition(":")
        attributes, precategorised = None, True
    else:
        return Target(target, UNCATEGORISED)
    placement = place(registry, scheme, code, attributes, target)
    if placement.state is TagState.CURRENT:
        result = SAME if scheme == target else EXACT
        label = registry.category(target, placement.working_category).label
        return Target(target, result, placement.working_category, label,
                      reason=placement.reason, precategorised=precategorised)
    if placement.state is TagState.REVIEW:
        return Target(target, AMBIGUOUS, candidates=tuple(placement.candidates or ()),
                      reason=placement.reason, precategorised=precategorised)
    return Target(target, NONE, reason=placement.reason, precategorised=precategorised)


def _files(session: Session, ids: Sequence[int]) -> dict[int, list[FileFacts]]:
    rows = session.execute(
        select(File.media_id, Evidence.name, Partition.index, Partition.offset,
               Partition.fs_type, File.path, File.name, File.deleted, File.size,
               File.meta_addr, File.crtime, File.mtime, File.atime, File.ctime,
               File.extension_mismatch, File.carved, File.carved_offset, File.container_kind,
               File.note, carved_in(), Evidence.time_zone)
        .join(Evidence, File.evidence_id == Evidence.id)
        .outerjoin(Partition, File.partition_id == Partition.id)
        .where(File.media_id.in_(ids)).order_by(File.media_id, File.id))
    found: dict[int, list[FileFacts]] = {}
    for media_id, *values in rows:
        found.setdefault(media_id, []).append(FileFacts(*values))
    return found


def _tags(session: Session, ids: Sequence[int],
          registry: SchemeRegistry) -> dict[int, list[TagFacts]]:
    found: dict[int, list[TagFacts]] = {}
    for tag in session.scalars(select(Tag).where(Tag.media_id.in_(ids))
                               .order_by(Tag.media_id, Tag.source_kind, Tag.source_name)):
        found.setdefault(tag.media_id, []).append(tag_facts(tag, registry))
    return found


def tag_facts(tag: Tag, registry: SchemeRegistry) -> TagFacts:
    try:
        category = registry.category(tag.scheme, tag.category)
        label, workflow = category.label, category.workflow
    except KeyError:
        label, workflow = None, False
    return TagFacts(
        source=str(TagSource(tag.source_kind, tag.source_name)), scheme=tag.scheme,
        category=tag.category, label=label, attributes=tag.attributes, examiner=tag.examiner,
        at=tag.at, note=tag.note, state=tag.state.value, working_category=tag.working_category,
        candidates=tuple(tag.candidates or ()), reason=tag.reason, workflow=workflow)


def _hash_set_hits(session: Session, ids: Sequence[int]) -> dict[int, list[HashSetHit]]:
    rows = session.execute(
        select(HashSetMatch.media_id, HashSet.name, HashSet.kind, HashSet.scheme,
               HashSetEntry.category, HashSetEntry.record, HashSetMatch.digest)
        .join(HashSet, HashSetMatch.hash_set_id == HashSet.id)
        .join(HashSetEntry, HashSetMatch.entry_id == HashSetEntry.id)
        .where(HashSetMatch.media_id.in_(ids))
        .order_by(HashSetMatch.media_id, HashSet.name, HashSetEntry.record))
    found: dict[int, list[HashSetHit]] = {}
    for media_id, name, kind, scheme, category, record, digest in rows:
        found.setdefault(media_id, []).append(
            HashSetHit(name, kind.value, scheme, category, record, digest))
    return found


def _plugin_flags(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for media_id, plugin, label in session.execute(
            select(PluginFlag.media_id, PluginFlag.plugin, PluginFlag.label)
            .where(PluginFlag.media_id.in_(ids))
            .order_by(PluginFlag.media_id, PluginFlag.plugin, PluginFlag.label)):
        found.setdefault(media_id, []).append(f"{plugin}:{label}")
    return found


def _classifier_scores(session: Session, ids: Sequence[int]) -> dict[int, list[ClassifierScore]]:
    found: dict[int, list[ClassifierScore]] = {}
    for media_id, *values in session.execute(
            select(PluginResult.media_id, PluginResult.plugin, PluginResult.version,
                   PluginResult.model_sha256, PluginResult.relevance, PluginResult.frame_time)
            .where(PluginResult.media_id.in_(ids), PluginResult.relevance.is_not(None))
            .order_by(PluginResult.media_id, PluginResult.relevance.desc(),
                      PluginResult.plugin)):
        found.setdefault(media_id, []).append(ClassifierScore(*values))
    return found


def _hash_set_verdicts(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(
        select(HashSetVerdict.media_id, HashSetVerdict.category)
        .where(HashSetVerdict.media_id.in_(ids), HashSetVerdict.category.is_not(None),
               HashSetVerdict.conflicting.is_(False)))
    return {media_id: category for media_id, category in rows}


# ---------------------------------------------------------------------------
# The case as a whole
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFacts:
    name: str
    format: str
    paths: list[str]
    size: int | None
    sha256: str | None
    md5: str | None
    stored_md5: str | None
    error: str | None

    @property
    def acquisition(self) -> str:
        """How the MD5 read at ingest compares with the one stored at acquisition."""
        if not self.stored_md5:
            return "no acquisition hash stored in the image"
        if self.stored_md5 == self.md5:
            return "matches the MD5 stored at acquisition"
        return f"DOES NOT MATCH the MD5 stored at acquisition ({self.stored_md5})"


@dataclass(frozen=True)
class CaseFacts:
    name: str
    guid: str
    created_at: datetime
    created_by: str
    created_with: str
    working_scheme: str
    evidence: list[EvidenceFacts]
    last_verification: dict | None
    """The last `triage verify` (at, examiner, problems), or None when never run."""
    hash_sets: list[dict]


def case_facts(session: Session) -> CaseFacts:
    info = session.scalars(select(CaseInfo)).one()
    evidence = [EvidenceFacts(e.name, e.format, list(e.paths), e.size, e.sha256, e.md5,
                              e.stored_md5, e.error)
                for e in session.scalars(select(Evidence).order_by(Evidence.id))]
    verify = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.verify")
                             .order_by(AuditEntry.id.desc()).limit(1)).first()
    last_verification = None
    if verify is not None:
        last_verification = {"at": verify.at, "examiner": verify.examiner,
                             "problems": (verify.after or {}).get("problems", [])}
    hash_sets = [{"name": s.name, "kind": s.kind.value, "scheme": s.scheme, "format": s.format,
                  "source": s.source_name, "sha256": s.source_sha256,
                  "entries": s.entry_count, "imported_at": s.imported_at,
                  "examiner": s.examiner}
                 for s in session.scalars(select(HashSet).order_by(HashSet.name))]
    return CaseFacts(
        name=info.name, guid=case_guid(info), created_at=info.created_at,
        created_by=info.created_by, created_with=info.triage_version,
        working_scheme=working_scheme(session), evidence=evidence,
        last_verification=last_verification, hash_sets=hash_sets)


def case_guid(info: CaseInfo) -> str:
    """A GUID for the case that every export of it repeats (VICS CaseID)."""
    key = f"triage-case:{info.name}:{info.created_at.isoformat()}:{info.created_by}"
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, key)).upper() + "}"


def iter_audit(session: Session, page: int = 5000) -> Iterator[AuditEntry]:
    yield from session.scalars(select(AuditEntry).order_by(AuditEntry.id)
                               .execution_options(yield_per=page))



# ---------------------------------------------------------------------------
# Counts for reports
# ---------------------------------------------------------------------------


def category_counts(session: Session, registry: SchemeRegistry, scheme: str,
                    selection: str = MEDIA) -> dict[str, int]:
    """Examiner verdicts per category of `scheme`, plus AMBIGUOUS, NONE and UNCATEGORISED.

    Verdicts are grouped by what they say (scheme, category, attributes) and
    each group is translated once, so this costs a few queries on any case.
    UNCATEGORISED counts the selected media nobody has tagged.
    """
    scheme = registry.get(scheme).id
    totals: dict[str, int] = {}

    def add(key: str, n: int) -> None:
        totals[key] = totals.get(key, 0) + n

    examiner = Tag.source_kind == TagSourceKind.EXAMINER
    groups = session.execute(select(Tag.scheme, Tag.category, func.count())
                             .where(examiner, Tag.attributes.is_(None))
                             .group_by(Tag.scheme, Tag.category)).all()
    described = session.execute(select(Tag.scheme, Tag.category, Tag.attributes)
                                .where(examiner, Tag.attributes.is_not(None))).all()
    def tally(source: str, code: str, attributes: dict | None, n: int) -> None:
        facts = TagFacts("examiner", source, code, None, attributes, "", datetime.min, None,
                         "", None, (), None)
        target = target_of(registry, facts, scheme)
        add(target.code if target.decided else target.result, n)

    for source, code, n in groups:
        tally(source, code, None, n)
    for source, code, attributes in described:
        tally(source, code, attributes, 1)
    selected = session.scalar(select(func.count()).select_from(
        select_media(selection).subquery()))
    tagged = session.scalar(select(func.count()).select_from(Tag).where(examiner))
    add(UNCATEGORISED, max(selected - tagged, 0) if selection != TAGGED else 0)
    return totals
