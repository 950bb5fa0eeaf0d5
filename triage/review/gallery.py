"""What the gallery asks of a case: which media to show, a page of tiles, one item's details.

Plain SQLAlchemy over the case store, no Qt: the GUI runs these on its
reader thread and gets detached dataclasses back. A tile is one *media*
(distinct content): a category given to content holds for all its files.
In stack view a near-duplicate stack is one tile, its representative's.

Pages are found by keyset on the sort key when the page before is known
(scrolling), else by offset; the count is one query, so a view of a million
tiles knows its length at once and reads only what is on screen.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from triage.case.models import (
    AuditEntry,
    Evidence,
    File,
    HashSet,
    HashSetEntry,
    HashSetKind,
    HashSetMatch,
    HashSetNearMatch,
    HashSetVerdict,
    Keyframe,
    Media,
    Partition,
    PluginFlag,
    PluginResult,
    Tag,
    TagSourceKind,
    TagState,
    VpdqMatch,
)
from triage.time_zones import UTC, shown_times, time_zone
from triage.review.queries import carved_in
from triage.review.video_matches import VideoMatchView, video_matches

UNCATEGORISED = "uncategorised"
"""Category filter value: no examiner tag and no alert hash-set category: needs a person."""
CONFLICTING = "conflicting"
"""Category filter value: hash sets disagree, or an examiner tag needs a choice in this scheme."""

SORTS = ("found", "size", "stack", "name", "relevance")
"""found: by where the first instance was found, evidence by evidence (in the order they
were added), partition by partition, then by path; size: largest first; stack: biggest
stacks first; name: file name; relevance: "most likely relevant first", by `relevance`."""

UNSCORED = -1.0
"""The relevance an item no classifier has scored sorts as: after every scored one."""

UNRANKED = 2**40
"""Media not ranked yet (an ingest still running) come after the ranked, in id order."""

HASH_HITS = ("any", "alert", "known-good", "hit", "no-hit", "near")
"""near: within a perceptual distance of a hash-set entry, or a video matching a vPDQ list's
video (a lead to check, not a match)."""
MEDIA_TYPES = ("all", "image", "video")
DELETED = ("any", "deleted", "not-deleted", "carved")
"""carved: some instance was carved (found where no file entry points; deleted ones too)."""
INSIDE = ("any", "inside", "not-inside")
"""inside: some instance was found inside a container (an archive, a document, a mail...)."""


@dataclass(frozen=True)
class GalleryFilter:
    """Every filter of the gallery; the defaults are "what still needs a person" minus one:
    categorised items stay in view so that a tagged tile shows its badge.
    """

    stacks: bool = True  # one tile per near-duplicate stack
    hash_hits: str = "any"
    show_known_good: bool = False  # known-good content is hidden unless asked for
    categories: tuple[str, ...] = ()  # working-scheme codes, UNCATEGORISED, CONFLICTING
    min_stack_size: int = 1
    media_type: str = "all"
    deleted: str = "any"
    inside: str = "any"  # found inside a container or not (INSIDE)
    path: str = ""  # substring of any instance's path
    camera: str = ""  # substring of EXIF make or model
    has_gps: bool = False
    date_from: date | None = None  # any instance modified on or after
    date_to: date | None = None  # … on or before
    text: str = ""  # name, path, or hash (any of MD5, SHA-1, SHA-256, prefix)
    plugin_flag: tuple[str, str] | None = None  # (plugin, label) it flagged, e.g. faces/face
    min_relevance: float | None = None  # a classifier's relevance score at least this (0-1)
    evidence_id: int | None = None  # an instance is in this evidence …
    partition_id: int | None = None  # … or in this partition of it
    series_id: int | None = None  # pictures of one setting (`Media.series_id`): "the series"
    sort: str = "found"

    def __post_init__(self) -> None:
        for name, allowed in (("sort", SORTS), ("hash_hits", HASH_HITS),
                              ("media_type", MEDIA_TYPES), ("deleted", DELETED),
                              ("inside", INSIDE)):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} {value!r}: one of {', '.join(allowed)}")


@dataclass(frozen=True)
class GalleryItem:
    """One tile: the content, where it was first found, its verdicts and its stack."""

    media_id: int
    sha256: str
    md5: str
    detected_type: str | None
    size: int
    width: int | None
    height: int | None
    name: str  # of its first instance
    path: str
    instances: int
    deleted: bool  # some instance is a deleted entry
    stack_id: int | None
    stack_size: int
    category: str | None  # the examiner's category in the working scheme
    tag_state: str | None  # the examiner tag's state: current, review, foreign
    alert: bool
    known_good: bool
    conflicting: bool
    hashset_category: str | None  # "scheme:code" the alert sets agree on
    flags: frozenset[str] = frozenset()  # "plugin:label" flags: suggestions, not verdicts
    stack_alert: bool = False  # an alert set matched this content or another of its stack
    relevance: float | None = None  # classifiers' highest relevance score for this content
    stack_relevance: float | None = None  # … for any member of its stack (its own if unstacked)
    carved: bool = False  # some instance was carved (found where no file entry points)
    sort_key: Any = field(default=None, compare=False)

    @property
    def is_video(self) -> bool:
        return bool(self.detected_type and self.detected_type.startswith("video/"))

    @property
    def categorised(self) -> bool:
        """A person or an alert hash set has given it a category."""
        return self.category is not None or self.hashset_category is not None


@dataclass(frozen=True)
class GalleryPage:
    items: tuple[GalleryItem, ...]
    last_key: tuple | None  # (sort value, media id) of the last item, for the next page


# -- the order found -----------------------------------------------------------------


def rank_found_order(session: Session) -> int:
    """Number every media by its first instance in (evidence, partition, path) order, the
    order "found" shows. Run after each ingest; a whole ranking in one statement (a few
    seconds for a million files) lets the gallery sort on a stored integer instead of a
    subquery per tile."""
    place = (File.evidence_id, func.coalesce(File.partition_id, 0), File.path)
    first = (select(File.media_id, *place,
                    func.row_number().over(partition_by=File.media_id, order_by=place)
                    .label("k"))
             .where(File.media_id.is_not(None)).subquery())
    ranked = (select(first.c.media_id, func.row_number().over(
                  order_by=(*list(first.c)[1:4], first.c.media_id)).label("n"))
              .where(first.c.k == 1).subquery())
    result = session.execute(
        update(Media).values(found_order=ranked.c.n)
        .where(Media.id == ranked.c.media_id,
               or_(Media.found_order.is_(None), Media.found_order != ranked.c.n)))
    return result.rowcount


# -- which media ---------------------------------------------------------------------


def _examiner_tag():
    return aliased(Tag, name="examiner_tag")


def _files_where(media, *conditions):
    return media.id.in_(select(File.media_id).where(File.media_id.is_not(None), *conditions))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _conditions(f: GalleryFilter, tag, verdict) -> list:
    """WHERE terms for `f`; `tag` and `verdict` are the outer-joined examiner tag and verdict.

    In stack view the tile is the representative's, and what was decided
    about the stack (category, known-good) is read from it; what a filter
    asks of the content (type, camera, hits, path, dates, text…) matches a
    stack when a member matches it, so a video stacked under a photograph is
    still found by "Videos". Terms on the media row are asked per tile
    through the stack_id index (a first page stays quick); terms on files
    give a set of stacks computed once (a LIKE over every path must not run
    per tile).
    """
    where = _tile_terms(f, tag, verdict) + [_is_media(Media)]
    if not f.stacks:
        return where + _media_terms(f, Media, verdict) + _file_terms(f, Media)
    media_terms = _media_terms(f, Media, verdict)
    if media_terms:
        member, member_verdict = aliased(Media), aliased(HashSetVerdict)
        a_member_matches = (
            select(member.id).select_from(member)
            .outerjoin(member_verdict, member_verdict.media_id == member.id)
            .where(member.stack_id == Media.stack_id, _is_media(member),
                   *_media_terms(f, member, member_verdict))
            .exists())
        where.append(or_(and_(Media.stack_id.is_(None), *media_terms), a_member_matches))
    if _file_terms(f, Media):
        member = aliased(Media)
        stacks = (select(func.coalesce(member.stack_id, member.id))
                  .where(*_file_terms(f, member)))
        where.append(func.coalesce(Media.stack_id, Media.id).in_(stacks))
    return where


def _is_media(media):
    return or_(media.detected_type.like("image/%"), media.detected_type.like("video/%"))


def _tile_terms(f: GalleryFilter, tag, verdict) -> list:
    where = []
    if f.stacks:
        where.append(or_(Media.stack_id.is_(None), Media.stack_representative.is_(True)))
    if not f.show_known_good and f.hash_hits != "known-good":
        where.append(or_(verdict.media_id.is_(None), verdict.known_good.is_(False),
                         verdict.conflicting.is_(True)))
    if f.categories:
        where.append(or_(*(_category_term(c, tag, verdict) for c in f.categories)))
    if f.min_relevance is not None:
        where.append(relevance(f.stacks) >= f.min_relevance)
    if f.series_id is not None:  # every member of a series's stacks carries its id
        where.append(Media.series_id == f.series_id)
    return where


def relevance(stacks: bool):
    """A tile's relevance: the highest relevance score any classifier gave its content (each
    result's is the highest of the labels its manifest orders by: open_nsfw's score,
    NudeNet's best exposed-region box), or in stack view any member of its stack. NULL
    where no classifier has scored it. Suggestions for ordering the review, never verdicts."""
    own = (select(func.max(PluginResult.relevance)).where(PluginResult.media_id == Media.id)
           .scalar_subquery())
    if not stacks:
        return own
    member = aliased(Media)
    stacked = (select(func.max(PluginResult.relevance))
               .join(member, member.id == PluginResult.media_id)
               .where(member.stack_id == Media.stack_id).scalar_subquery())
    return case((Media.stack_id.is_(None), own), else_=stacked)


def _media_terms(f: GalleryFilter, media, verdict) -> list:
    """Terms on one media row (`media` may be an alias: a stack member)."""
    where = []
    if f.media_type != "all":
        where.append(media.detected_type.like(f"{f.media_type}/%"))
    where += _hash_hit_terms(f.hash_hits, verdict, media)
    if f.min_stack_size > 1:
        other = aliased(Media)
        big = (select(other.stack_id).where(other.stack_id.is_not(None))
               .group_by(other.stack_id).having(func.count() >= f.min_stack_size))
        where.append(media.stack_id.in_(big))
    if f.camera.strip():
        text = f.camera.strip()
        where.append(or_(media.exif["camera_make"].as_string().icontains(text, autoescape=True),
                         media.exif["camera_model"].as_string().icontains(text,
                                                                         autoescape=True)))
    if f.has_gps:
        where.append(media.exif["gps_latitude"].as_float().is_not(None))
    if f.plugin_flag is not None:
        where.append(media.id.in_(_flagged(*f.plugin_flag)))
    return where


def _flagged(plugin: str, label: str):
    """Media `plugin` flagged with `label`: `triage.plugins.results.flagged_media`, asked here
    on the table itself because the case layer sits below the plugins package."""
    return select(PluginFlag.media_id).where(PluginFlag.plugin == plugin,
                                             PluginFlag.label == label)


def _file_terms(f: GalleryFilter, media) -> list:
    """Terms on a media item's files (and the text search, which also reads digests)."""
    where = []
    if f.deleted == "deleted":
        where.append(_files_where(media, File.deleted.is_(True)))
    elif f.deleted == "not-deleted":
        where.append(_files_where(media, File.deleted.is_(False)))
    elif f.deleted == "carved":
        where.append(_files_where(media, File.carved.is_not(None)))
    if f.inside == "inside":  # a carved item is an item of its area, not of a container
        where.append(_files_where(media, File.parent_id.is_not(None) & File.carved.is_(None)))
    elif f.inside == "not-inside":
        where.append(_files_where(media, File.parent_id.is_(None) | File.carved.is_not(None)))
    if f.evidence_id is not None:
        where.append(_files_where(media, File.evidence_id == f.evidence_id))
    if f.partition_id is not None:
        where.append(_files_where(media, File.partition_id == f.partition_id))
    if f.path.strip():
        where.append(_files_where(media, File.path.icontains(f.path.strip(), autoescape=True)))
    if f.date_from is not None:
        where.append(_files_where(media, File.mtime >= _day_start(f.date_from)))
    if f.date_to is not None:
        where.append(_files_where(media, File.mtime < _day_start(f.date_to + timedelta(days=1))))
    if f.text.strip():
        where.append(_text_term(media, f.text.strip()))
    return where


def _hash_hit_terms(hits: str, verdict, media) -> list:
    if hits == "alert":
        return [verdict.alert.is_(True)]
    if hits == "known-good":
        return [verdict.known_good.is_(True)]
    if hits == "hit":
        return [verdict.media_id.is_not(None)]
    if hits == "no-hit":
        return [verdict.media_id.is_(None)]
    if hits == "near":
        return [media.id.in_(select(HashSetNearMatch.media_id)
                             .union(select(VpdqMatch.media_id)))]
    return []


def _category_term(category: str, tag, verdict):
    if category == UNCATEGORISED:
        return and_(tag.id.is_(None), or_(verdict.media_id.is_(None),
                                          verdict.category.is_(None)))
    if category == CONFLICTING:
        return or_(verdict.conflicting.is_(True), tag.state == TagState.REVIEW)
    return and_(tag.state == TagState.CURRENT, tag.working_category == category)


def _text_term(media, text: str):
    """Name or path of any instance (substring), or a digest (prefix, any case)."""
    digest = text.lower()
    terms = [_files_where(media, or_(File.name.icontains(text, autoescape=True),
                                     File.path.icontains(text, autoescape=True)))]
    if all(c in "0123456789abcdef" for c in digest) and len(digest) >= 6:
        for column in (media.md5, media.sha1, media.sha256):
            terms.append(column.startswith(digest, autoescape=True))
    return or_(*terms)


def _from(query, tag, verdict):
    return (query.select_from(Media)
            .outerjoin(tag, and_(tag.media_id == Media.id,
                                 tag.source_kind == TagSourceKind.EXAMINER,
                                 tag.source_name == ""))
            .outerjoin(verdict, verdict.media_id == Media.id))


def _stack_size():
    other = aliased(Media)
    return func.coalesce(
        select(func.count()).where(other.stack_id == Media.stack_id).scalar_subquery(), 1)


def _first_file(column):
    return (select(column).where(File.media_id == Media.id).order_by(File.id).limit(1)
            .scalar_subquery())


def _sort_key(sort: str, stacks: bool = True):
    """The expression a page is ordered by (descending for size, stack and relevance), then
    media id."""
    if sort == "relevance":
        return -func.coalesce(relevance(stacks), UNSCORED)
    if sort == "size":
        return -Media.size
    if sort == "stack":
        return -_stack_size()
    if sort == "name":
        return func.lower(_first_file(File.name))
    return func.coalesce(Media.found_order, cast(Media.id, BigInteger) + UNRANKED)


def count_media(session: Session, f: GalleryFilter) -> int:
    tag, verdict = _examiner_tag(), aliased(HashSetVerdict)
    query = _from(select(func.count()), tag, verdict).where(*_conditions(f, tag, verdict))
    return session.scalar(query)


def gallery_page(session: Session, f: GalleryFilter, offset: int, limit: int,
                 after: tuple | None = None) -> GalleryPage:
    """`limit` tiles from position `offset` (or, faster, right after the key `after`)."""
    tag, verdict = _examiner_tag(), aliased(HashSetVerdict)
    key = _sort_key(f.sort, f.stacks).label("sort_key")
    query = (_from(select(Media.id, key), tag, verdict).where(*_conditions(f, tag, verdict))
             .order_by(key, Media.id).limit(limit))
    if after is not None:
        value, media_id = after
        if value is None:  # NULLs sort first in SQLite
            query = query.where(or_(key.is_not(None), and_(key.is_(None), Media.id > media_id)))
        else:
            query = query.where(or_(key > value, and_(key == value, Media.id > media_id)))
    else:
        query = query.offset(offset)
    keys = session.execute(query).all()
    if not keys:
        return GalleryPage((), None)
    items = _items(session, [media_id for media_id, _ in keys])
    by_id = {item.media_id: item for item in items}
    ordered = tuple(_with_key(by_id[media_id], value) for media_id, value in keys
                    if media_id in by_id)
    last_id, last_value = keys[-1][0], keys[-1][1]
    return GalleryPage(ordered, (last_value, last_id))


def ordered_ids(session: Session, f: GalleryFilter) -> array:
    """Every matching media id in display order, as 8 bytes each (8 MB for a million).

    Read once after the first page is shown; from then on a page anywhere
    (a scroll-bar jump to the middle) is a lookup by id, not an OFFSET that
    walks every row before it.
    """
    tag, verdict = _examiner_tag(), aliased(HashSetVerdict)
    key = _sort_key(f.sort, f.stacks)
    query = (_from(select(Media.id), tag, verdict).where(*_conditions(f, tag, verdict))
             .order_by(key, Media.id))
    return array("q", session.scalars(query))


def page_of_ids(session: Session, media_ids) -> GalleryPage:
    """The tiles of these media, in the order given (a slice of `ordered_ids`)."""
    ids = list(media_ids)
    found = items_by_id(session, ids) if ids else {}
    items = tuple(found[i] for i in ids if i in found)
    return GalleryPage(items, None)


def _with_key(item: GalleryItem, key) -> GalleryItem:
    object.__setattr__(item, "sort_key", key)
    return item


def _items(session: Session, media_ids: list[int]) -> list[GalleryItem]:
    tag, verdict = _examiner_tag(), aliased(HashSetVerdict)
    deleted = select(File.id).where(File.media_id == Media.id, File.deleted.is_(True)).exists()
    carved = select(File.id).where(File.media_id == Media.id, File.carved.is_not(None)).exists()
    instances = select(func.count()).where(File.media_id == Media.id).scalar_subquery()
    member, member_verdict = aliased(Media), aliased(HashSetVerdict)
    stack_alert = (select(member_verdict.media_id)
                   .join(member, member.id == member_verdict.media_id)
                   .where(member.stack_id == Media.stack_id, member_verdict.alert.is_(True))
                   .exists())
    query = _from(select(
        Media.id, Media.sha256, Media.md5, Media.detected_type, Media.size, Media.width,
        Media.height, _first_file(File.name), _first_file(File.path), instances, deleted,
        Media.stack_id, _stack_size(), tag.working_category, tag.state,
        func.coalesce(verdict.alert, false()), func.coalesce(verdict.known_good, false()),
        func.coalesce(verdict.conflicting, false()), verdict.category, stack_alert,
        relevance(False), relevance(True), carved), tag, verdict
    ).where(Media.id.in_(media_ids))
    flags = _flags(session, media_ids)
    items = []
    for row in session.execute(query):
        state = row[14].value if row[14] is not None else None
        category = row[13] if row[14] is TagState.CURRENT else None
        items.append(GalleryItem(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] or "",
            row[8] or "", row[9], bool(row[10]), row[11], row[12] if row[11] else 1,
            category, state, bool(row[15]), bool(row[16]), bool(row[17]), row[18],
            frozenset(flags.get(row[0], ())), bool(row[15]) or bool(row[19]), row[20], row[21],
            bool(row[22])))
    return items


def _flags(session: Session, media_ids: list[int]) -> dict[int, set[str]]:
    """"plugin:label" flags of these media (as `triage.plugins.results.flags_for`)."""
    found: dict[int, set[str]] = {}
    for media_id, plugin, label in session.execute(
            select(PluginFlag.media_id, PluginFlag.plugin, PluginFlag.label)
            .where(PluginFlag.media_id.in_(media_ids))):
        found.setdefault(media_id, set()).add(f"{plugin}:{label}")
    return found


def items_by_id(session: Session, media_ids: list[int]) -> dict[int, GalleryItem]:
    """Fresh tiles for these media (after a change), by media id."""
    return {item.media_id: item for item in _items(session, list(media_ids))}


# -- one item's details --------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    evidence: str
    partition: str | None
    path: str
    size: int | None
    deleted: bool
    crtime: datetime | None
    mtime: datetime | None
    atime: datetime | None
    ctime: datetime | None
    carved: str | None = None  # "complete" or "partial": carved where no file entry points
    carved_offset: int | None = None  # where it starts in `carved_in`
    time_zone: str = UTC  # or the device's clock (FAT, ZIP), as read or converted (time_zones)
    note: str | None = None  # what to know that is not an error (clusters allocated again)
    carved_in: str | None = None  # "evidence", "decrypted volume" or "VSS snapshot N"


@dataclass(frozen=True)
class HashSetHit:
    hash_set: str
    kind: str
    scheme: str | None
    category: str | None
    digest: str
    record: int
    source_name: str
    source_sha256: str
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class NearMatch:
    """A perceptual near match to a hash-set entry: a lead to check, never a verdict."""

    hash_set: str
    kind: str
    algorithm: str  # "pdq" or "phash"
    distance: int
    category: str | None
    record: int
    keyframe: int | None  # the video's keyframe that is near, if it was one
    keyframe_time: float | None
    frame_time: float | None = None  # or the video's per-second frame that is near


@dataclass(frozen=True)
class TagView:
    source: str
    scheme: str
    category: str
    working_category: str | None
    state: str
    examiner: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    examiner: str
    action: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class MediaDetail:
    item: GalleryItem
    sha1: str
    exif: dict
    video: dict | None
    analysis_error: str | None
    instances: tuple[Instance, ...]
    hits: tuple[HashSetHit, ...]
    tags: tuple[TagView, ...]
    stack: tuple[GalleryItem, ...]  # every member, representative first
    history: tuple[HistoryEntry, ...]
    near: tuple[NearMatch, ...] = ()  # perceptual near matches, closest first
    series_id: int | None = None  # its series (pictures of one setting), if any
    series_size: int = 0  # media in that series, itself included
    videos: tuple[VideoMatchView, ...] = ()  # frames of videos it matches (triage.review.video_matches)


STACK_MEMBERS_SHOWN = 500


def media_detail(session: Session, media_id: int) -> MediaDetail | None:
    """Everything the detail pane shows about one media item, or None if it is gone."""
    item = items_by_id(session, [media_id]).get(media_id)
    if item is None:
        return None
    media = session.get(Media, media_id)
    series_size = session.scalar(select(func.count()).where(
        Media.series_id == media.series_id)) if media.series_id is not None else 0
    return MediaDetail(item, media.sha1, media.exif or {}, media.video, media.analysis_error,
                       _instances(session, media_id), _hits(session, media_id),
                       _tags(session, media_id), stack_members(session, media_id),
                       tag_history(session, media_id), near_matches(session, media_id),
                       media.series_id, series_size or 0, video_matches(session, media_id))


def stack_members(session: Session, media_id: int,
                  limit: int = STACK_MEMBERS_SHOWN) -> tuple[GalleryItem, ...]:
    """The stack `media_id` belongs to, representative first (just itself when unstacked)."""
    stack_id = session.scalar(select(Media.stack_id).where(Media.id == media_id))
    if stack_id is None:
        return tuple(items_by_id(session, [media_id]).values())
    ids = list(session.scalars(select(Media.id).where(Media.stack_id == stack_id)
                               .order_by(Media.stack_representative.desc(), Media.id)
                               .limit(limit)))
    found = items_by_id(session, ids)
    return tuple(found[i] for i in ids if i in found)


def _instances(session: Session, media_id: int) -> tuple[Instance, ...]:
    rows = session.execute(
        select(Evidence.name, Partition.index, Partition.offset, File.path, File.size,
               File.deleted, File.crtime, File.mtime, File.atime, File.ctime, File.carved,
               File.carved_offset, Partition.fs_type, File.container_kind, File.note,
               carved_in(), Evidence.time_zone)
        .join(Evidence, File.evidence_id == Evidence.id)
        .outerjoin(Partition, File.partition_id == Partition.id)
        .where(File.media_id == media_id).order_by(File.id))
    found = []
    for (name, index, offset, path, size, deleted, *times, carved, carved_offset, fs_type,
         container_kind, note, layer, device_zone) in rows:
        partition = None if index is None else (
            f"{index}" + (f" @ {offset:,}" if offset is not None else ""))
        times = shown_times(*times, fs_type, container_kind, device_zone)
        found.append(Instance(name, partition, path, size, bool(deleted), *times,
                              carved=carved, carved_offset=carved_offset,
                              time_zone=time_zone(fs_type, container_kind, device_zone),
                              note=note,
                              carved_in=layer))
    return tuple(found)


def _hits(session: Session, media_id: int) -> tuple[HashSetHit, ...]:
    rows = session.execute(
        select(HashSet.name, HashSet.kind, HashSet.scheme, HashSetEntry.category,
               HashSetMatch.digest, HashSetEntry.record, HashSet.source_name,
               HashSet.source_sha256, HashSet.imported_at, HashSet.examiner)
        .join(HashSetMatch, HashSetMatch.hash_set_id == HashSet.id)
        .join(HashSetEntry, HashSetMatch.entry_id == HashSetEntry.id)
        .where(HashSetMatch.media_id == media_id).order_by(HashSet.name))
    return tuple(HashSetHit(name, kind.value if isinstance(kind, HashSetKind) else kind,
                            *rest) for name, kind, *rest in rows)


def near_matches(session: Session, media_id: int) -> tuple[NearMatch, ...]:
    """Hash-set entries this media (or one of its keyframes) is perceptually near."""
    rows = session.execute(
        select(HashSet.name, HashSet.kind, HashSetNearMatch.algorithm, HashSetNearMatch.distance,
               HashSetEntry.category, HashSetEntry.record, Keyframe.index, Keyframe.time,
               HashSetNearMatch.frame_time)
        .join(HashSetNearMatch, HashSetNearMatch.hash_set_id == HashSet.id)
        .join(HashSetEntry, HashSetNearMatch.entry_id == HashSetEntry.id)
        .outerjoin(Keyframe, HashSetNearMatch.keyframe_id == Keyframe.id)
        .where(HashSetNearMatch.media_id == media_id)
        .order_by(HashSetNearMatch.distance, HashSet.name, HashSetNearMatch.id))
    return tuple(NearMatch(name, kind.value if isinstance(kind, HashSetKind) else kind, *rest)
                 for name, kind, *rest in rows)


def _tags(session: Session, media_id: int) -> tuple[TagView, ...]:
    rows = session.scalars(select(Tag).where(Tag.media_id == media_id)
                           .order_by(Tag.source_kind, Tag.source_name))
    found = []
    for tag in rows:
        source = tag.source_kind.value + (f" {tag.source_name}" if tag.source_name else "")
        found.append(TagView(source, tag.scheme, tag.category, tag.working_category,
                             tag.state.value, tag.examiner, tag.at, tag.reason))
    return tuple(found)


def tag_history(session: Session, media_id: int) -> tuple[HistoryEntry, ...]:
    """Every audited change to this media's tags, oldest first."""
    rows = session.scalars(select(AuditEntry).where(AuditEntry.target == f"media:{media_id}")
                           .order_by(AuditEntry.id))
    return tuple(HistoryEntry(e.at, e.examiner, e.action, _tag_text(e.before),
                              _tag_text(e.after)) for e in rows)


def _tag_text(snapshot) -> str | None:
    if not isinstance(snapshot, dict):
        return None
    text = f"{snapshot.get('scheme')} {snapshot.get('category')}"
    source = snapshot.get("source")
    return f"{text} ({source})" if source and source != "examiner" else text


# -- choices for the filter bar ------------------------------------------------------


def hash_set_names(session: Session) -> list[tuple[str, str]]:
    """(name, kind) of each hash set, for the filter bar's tooltip and menus."""
    return [(name, kind.value) for name, kind in
            session.execute(select(HashSet.name, HashSet.kind).order_by(HashSet.name))]



@dataclass(frozen=True)
class EvidenceChoice:
    """An evidence and its partitions, as the evidence filter offers them."""

    id: int
    name: str
    partitions: tuple[tuple[int, str], ...]  # (partition id, "index · description · fs")


def evidence_choices(session: Session) -> list[EvidenceChoice]:
    choices = []
    for evidence in session.scalars(select(Evidence).order_by(Evidence.id)):
        partitions = tuple(
            (p.id, " · ".join(str(part) for part in (p.index, p.description, p.fs_type) if part
                               not in (None, "")))
            for p in sorted(evidence.partitions, key=lambda p: p.index))
        choices.append(EvidenceChoice(evidence.id, evidence.name, partitions))
    return choices
