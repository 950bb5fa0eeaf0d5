"""Read-only questions the CLI and the GUI ask of a case; one place, one answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Integer, String, case, cast, func, literal, select
from sqlalchemy.orm import Session

from triage.case.models import (
    Evidence,
    File,
    HashSet,
    HashSetEntry,
    HashSetKind,
    HashSetMatch,
    HashSetNearMatch,
    HashSetVerdict,
    Media,
    Partition,
    PluginFlag,
    PluginResult,
    PluginRun,
    VpdqMatch,
    WorkStatus,
)
from triage.time_zones import UTC, shown_times, time_zone


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
    # hash sets (appended; earlier columns keep their order)
    matched_sets: str | None = None  # names of the sets that matched, ";"-separated
    hashset_category: str | None = None  # "scheme:code" answers of alert sets, ";"-separated
    conflicting: bool = False  # the sets disagree about this content
    known_good: bool = False  # a known-good set matched this content
    # near-duplicates and the one decode (appended likewise)
    stack_id: int | None = None  # the media id of the stack's representative
    stack_representative: bool = False
    phash: str | None = None
    pdq: str | None = None
    width: int | None = None
    height: int | None = None
    camera: str | None = None  # EXIF make and model
    gps: str | None = None  # "latitude,longitude", signed decimal degrees
    # perceptual leads (appended likewise): "set:algorithm:distance", the closest per set
    near_matches: str | None = None
    # a conflict's default answer ("scheme:code" or "known-good"), picked by the case's
    # precedence rule (`triage hashset precedence`); the item stays conflicting
    hashset_default: str | None = None
    # items found inside containers (appended likewise): `path` is then the whole chain
    # ("/x/pack.zip » inner.zip » n0.jpg"); the row ids let a chain be followed up
    file_id: int | None = None
    parent_id: int | None = None  # the file row of the container it was found in
    container_path: str | None = None  # the path inside that container, as it names it
    container_kind: str | None = None  # "zip", "tar", "pdf", "mbox", "sqlite", ...
    encrypted: bool = False  # needs a password (`triage ingest --password`)
    # the content was read but could not be decoded as the picture or video it claims to
    # be (appended likewise; `error` is for what could not be read)
    analysis_error: str | None = None
    # what plugins flagged in the content, "plugin:label" ";"-separated (suggestions only)
    plugin_flags: str | None = None
    # classifiers' relevance (appended likewise): the highest score, which orders the review,
    # and each plugin's as "plugin@version/model-sha256-prefix=score", with "@seconds" for the
    # video frame it came from, ";"-separated. Suggestions for ordering, never verdicts.
    relevance: float | None = None
    relevance_scores: str | None = None
    # carving (appended likewise): "complete" or "partial" for an item carved where no file
    # entry points, "area" for the area of free or unpartitioned space it was carved from;
    # `carved_offset` is where it starts in the evidence, `size` its length
    carved: str | None = None
    carved_offset: int | None = None
    # a file found in a Windows volume shadow copy of the volume at `partition_offset`
    # (appended likewise): the snapshot's number from 1, as `triage info` names it
    vss_snapshot: int | None = None
    # videos that match a vPDQ list's video (appended likewise): "set:mine%/theirs%", the
    # shares of this video's frames found in the listed one and of its frames found here, the
    # best per set. Leads to check, like `near_matches`, never a verdict
    vpdq_matches: str | None = None
    # what the four times are (appended likewise): "UTC"; "device-local" where the file
    # system or container records the writing device's clock with no zone (FAT, exFAT, ZIP):
    # that clock's reading; "UTC from ZONE" once the examiner set the zone the device kept
    # (`triage time-zone`): converted (triage/time_zones.py)
    time_zone: str = UTC
    # what to know of the file that is not an error (appended likewise): a deleted file
    # whose clusters are allocated again reads another file's data (pipeline/reallocated.py)
    note: str | None = None
    # what `carved_offset` counts bytes in (appended likewise): "evidence", "decrypted
    # volume" (an unlocked encrypted volume, from its byte 0) or "VSS snapshot N" (the
    # volume as that snapshot reads it, from its byte 0); None where nothing was carved
    carved_in: str | None = None


LISTING_COLUMNS = list(FileListing.__dataclass_fields__)


def carved_in():
    """`FileListing.carved_in` as a column, for rows joined to their partition: carved items
    and carve areas count their offsets in the layer their partition is read through (an
    unlocked volume: its `unlocked_with`)."""
    return case(
        (File.carved.is_(None) & File.carve_area.is_(None), None),
        (Partition.snapshot.is_not(None),
         literal("VSS snapshot ") + cast(Partition.snapshot + 1, String)),
        (Partition.unlocked_with.is_not(None), literal("decrypted volume")),
        else_=literal("evidence"))


_SEPARATOR = "\x1f"


def _matched_set_names():
    return (select(func.group_concat(HashSet.name, _SEPARATOR))
            .join(HashSetMatch, HashSetMatch.hash_set_id == HashSet.id)
            .where(HashSetMatch.media_id == Media.id).scalar_subquery())


def _hashset_categories():
    answer = func.coalesce(HashSet.scheme, "?") + literal(":") + HashSetEntry.category
    return (select(func.group_concat(answer, _SEPARATOR))
            .select_from(HashSetMatch)
            .join(HashSet, HashSetMatch.hash_set_id == HashSet.id)
            .join(HashSetEntry, HashSetMatch.entry_id == HashSetEntry.id)
            .where(HashSetMatch.media_id == Media.id, HashSet.kind == HashSetKind.ALERT,
                   HashSetEntry.category.is_not(None))
            .scalar_subquery())


def _plugin_flags():
    """"plugin:label" flags of the content: suggestions, never verdicts."""
    answer = PluginFlag.plugin + literal(":") + PluginFlag.label
    return (select(func.group_concat(answer, _SEPARATOR)).select_from(PluginFlag)
            .where(PluginFlag.media_id == Media.id).scalar_subquery())


_FIELD = "\x1e"


def _relevance_scores():
    """Each classifier result's plugin, version, model, relevance and frame time, joined."""
    answer = (PluginResult.plugin + literal(_FIELD) + PluginResult.version + literal(_FIELD)
              + PluginResult.model_sha256 + literal(_FIELD)
              + cast(PluginResult.relevance, String) + literal(_FIELD)
              + func.coalesce(cast(PluginResult.frame_time, String), ""))
    return (select(func.group_concat(answer, _SEPARATOR)).select_from(PluginResult)
            .where(PluginResult.media_id == Media.id, PluginResult.relevance.is_not(None))
            .scalar_subquery())


def relevance_text(joined: str | None) -> str | None:
    """The joined results of `_relevance_scores` as "plugin@version/sha=score[@seconds]"."""
    if not joined:
        return None
    answers = []
    for result in joined.split(_SEPARATOR):
        plugin, version, sha256, score, time = result.split(_FIELD)
        text = f"{plugin}@{version}/{sha256[:12]}={float(score):.4f}"
        answers.append(text + (f"@{float(time):.1f}s" if time else ""))
    return ";".join(sorted(answers))


def _vpdq_matches():
    answer = (HashSet.name + literal(_FIELD) + cast(VpdqMatch.query_percent, String)
              + literal(_FIELD) + cast(VpdqMatch.compared_percent, String))
    return (select(func.group_concat(answer, _SEPARATOR)).select_from(VpdqMatch)
            .join(HashSet, VpdqMatch.hash_set_id == HashSet.id)
            .where(VpdqMatch.media_id == Media.id).scalar_subquery())


def vpdq_text(joined: str | None) -> str | None:
    """The joined matches of `_vpdq_matches` as "set:mine%/theirs%", the best per set."""
    if not joined:
        return None
    best: dict[str, tuple[float, float]] = {}
    for answer in joined.split(_SEPARATOR):
        name, mine, theirs = answer.split(_FIELD)
        shares = (float(mine), float(theirs))
        if name not in best or min(shares) > min(best[name]):
            best[name] = shares
    return ";".join(f"{name}:{mine:.0f}%/{theirs:.0f}%"
                    for name, (mine, theirs) in sorted(best.items()))


def _relevance():
    return (select(func.max(PluginResult.relevance)).where(PluginResult.media_id == Media.id)
            .scalar_subquery())


def _near_matches():
    answer = (HashSet.name + literal(":") + HashSetNearMatch.algorithm + literal(":")
              + HashSetNearMatch.distance.cast(String))
    return (select(func.group_concat(answer, _SEPARATOR))
            .select_from(HashSetNearMatch)
            .join(HashSet, HashSetNearMatch.hash_set_id == HashSet.id)
            .where(HashSetNearMatch.media_id == Media.id).scalar_subquery())


def _closest_per_set(joined: str | None) -> str | None:
    """"set:algorithm:distance" answers → the closest one per set and algorithm, sorted."""
    if not joined:
        return None
    best: dict[tuple[str, str], int] = {}
    for answer in joined.split(_SEPARATOR):
        name, algorithm, distance = answer.rsplit(":", 2)
        key = (name, algorithm)
        best[key] = min(best.get(key, 256), int(distance))
    return ";".join(f"{n}:{a}:{d}" for (n, a), d in sorted(best.items()))


def _distinct_sorted(joined: str | None) -> str | None:
    return ";".join(sorted(set(joined.split(_SEPARATOR)))) if joined else None


def iter_files(session: Session, page: int = 5000,
               file_ids: list[int] | None = None) -> Iterator[FileListing]:
    """Every file record (or those of `file_ids`) in walk order, with everything known of it."""
    query = (
        select(Evidence.name, Partition.offset, Partition.fs_type, File.path, File.name,
               File.kind, File.deleted, File.size, File.meta_addr, Media.detected_type,
               File.extension_mismatch, Media.md5, Media.sha1, Media.sha256, File.crtime,
               File.mtime, File.atime, File.ctime, File.error,
               _matched_set_names(), _hashset_categories(),
               func.coalesce(HashSetVerdict.conflicting, False),
               func.coalesce(HashSetVerdict.known_good, False),
               Media.stack_id, func.coalesce(Media.stack_representative, False), Media.phash,
               Media.pdq, Media.width, Media.height, _near_matches(),
               HashSetVerdict.resolved_category, HashSetVerdict.resolved_known_good, Media.exif,
               File.id, File.parent_id, File.container_path, File.container_kind,
               File.encrypted, Media.analysis_error, _plugin_flags(), _relevance(),
               _relevance_scores(),
               File.carved, File.carved_offset, File.carve_area.is_not(None),
               Partition.snapshot, _vpdq_matches(), File.note, carved_in(), Evidence.time_zone)
        .join(Evidence, File.evidence_id == Evidence.id)
        .outerjoin(Partition, File.partition_id == Partition.id)
        .outerjoin(Media, File.media_id == Media.id)
        .outerjoin(HashSetVerdict, HashSetVerdict.media_id == Media.id)
        .order_by(File.id)
        .execution_options(yield_per=page)
    )
    if file_ids is not None:
        query = query.where(File.id.in_(file_ids))
    for row in session.execute(query):
        values = list(row)
        device_zone = values.pop()
        layer = values.pop()
        note = values.pop()
        vpdq = vpdq_text(values.pop())
        snapshot = values.pop()
        is_area, carved_offset, carved = values.pop(), values.pop(), values.pop()
        carved = "area" if is_area else carved
        relevance_scores = relevance_text(values.pop())
        relevance = values.pop()
        plugin_flags = _distinct_sorted(values.pop())
        analysis_error = values.pop()
        container = values[-5:-1] + [bool(values[-1])]
        zone = time_zone(values[2], container[3], device_zone)
        values[14:18] = shown_times(*values[14:18], values[2], container[3], device_zone)
        del values[-5:]
        values[5] = row[5].value
        values[19] = _distinct_sorted(values[19])
        values[20] = _distinct_sorted(values[20])
        values[21], values[22] = bool(values[21]), bool(values[22])
        values[24] = bool(values[24])
        exif = values.pop() or {}
        default_good, default_category = values.pop(), values.pop()
        near = _closest_per_set(values.pop())
        yield FileListing(*values, *_camera_and_gps(exif), near,
                          "known-good" if default_good else default_category, *container,
                          analysis_error, plugin_flags, relevance, relevance_scores, carved,
                          carved_offset, None if snapshot is None else snapshot + 1, vpdq, zone,
                          note, layer)


def _camera_and_gps(exif: dict) -> tuple[str | None, str | None]:
    camera = " ".join(v for v in (exif.get("camera_make"), exif.get("camera_model")) if v)
    latitude, longitude = exif.get("gps_latitude"), exif.get("gps_longitude")
    gps = f"{latitude:.6f},{longitude:.6f}" if latitude is not None and longitude is not None else None
    return camera or None, gps


def evidence_readable(session: Session, evidence_id: int) -> bool:
    """Whether anything at all was read from an evidence (a file system, a folder): an entry
    without an error, or an item carved from it. A root directory that could not be read,
    alone, is not; nor is an area of free space that nothing was carved from."""
    return session.scalar(
        select(File.id).where(File.evidence_id == evidence_id, File.error.is_(None),
                              File.carve_area.is_(None)).limit(1)
    ) is not None


def _read_failure():
    """Entries whose error says they could not be read (what carving found in an area is its
    note, not an error)."""
    return File.error.is_not(None)


def first_entry_error(session: Session, evidence_id: int) -> str | None:
    """The first error recorded on an entry of an evidence (why nothing could be read)."""
    return session.scalar(select(File.error).where(File.evidence_id == evidence_id,
                                                   _read_failure())
                          .order_by(File.id).limit(1))


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
        "reallocated": session.scalar(select(func.count()).where(
            File.deleted, File.note.is_not(None))),
        "extension_mismatch": session.scalar(select(func.count()).where(File.extension_mismatch)),
        "errors": session.scalar(select(func.count()).where(_read_failure())),
        "decode_errors": session.scalar(
            select(func.count(File.id)).join(Media, File.media_id == Media.id)
            .where(Media.analysis_error.is_not(None))),
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
        "containers": {k: n for k, n in grouped(
            File.container_kind, where=File.container_kind.is_not(None)
            & File.carved.is_(None))},
        "carved": {k: n for k, n in grouped(File.carved, where=File.carved.is_not(None))},
        "carve_areas": session.execute(select(func.count(), func.coalesce(func.sum(File.size), 0))
                                       .where(File.carve_area.is_not(None))).one(),
        "encrypted": session.scalar(select(func.count()).where(File.encrypted)),
        "hash_sets": _hash_set_counts(session),
        "plugin_faults": last_plugin_faults(session),
        "stacks": _stack_counts(session),
    }


def last_plugin_faults(session: Session) -> dict[str, str]:
    """Each plugin whose last run ended in a fault, and the fault."""
    last = (select(PluginRun.plugin, func.max(PluginRun.id).label("id"))
            .group_by(PluginRun.plugin).subquery())
    return dict(session.execute(
        select(PluginRun.plugin, PluginRun.error).join(last, PluginRun.id == last.c.id)
        .where(PluginRun.error.is_not(None)).order_by(PluginRun.plugin)).all())


def _stack_counts(session: Session) -> dict:
    """Stacks of more than one media, and how many media they hold."""
    sizes = (select(func.count().label("size")).where(Media.stack_id.is_not(None))
             .group_by(Media.stack_id).having(func.count() > 1).subquery())
    stacks, media = session.execute(
        select(func.count(), func.coalesce(func.sum(sizes.c.size), 0))).one()
    return {"stacks": stacks, "media": media}


def _hash_set_counts(session: Session) -> dict:
    """Sets, and media matched / alert / known-good / conflicting (from the verdicts)."""
    v = HashSetVerdict
    row = session.execute(select(
        func.count(), *(func.coalesce(func.sum(flag.cast(Integer)), 0)
                        for flag in (v.alert, v.known_good, v.conflicting)))).one()
    return {"sets": session.scalar(select(func.count()).select_from(HashSet)),
            "matched": row[0], "alert": row[1], "known_good": row[2], "conflicting": row[3]}
