"""vPDQ video hash lists: read, import as a hash set, match the case's videos, write.

vPDQ (Meta, ThreatExchange ``vpdq/``) describes a video as PDQ hashes of its
frames with quality and time. Two text forms are exchanged, both read here:

- the reference tool's file, one frame a line: ``frame,quality,pdq,timestamp``
  (``vpdq-hash-video`` output; one video per file, named by the file);
- ThreatExchange's signal form, a JSON list of ``"pdq,quality,timestamp"``
  strings (one video), or a JSON object of such lists by video name.

Written by hand: the `vpdq` package is a source distribution that builds
against FFmpeg's development libraries and only hashes; these forms are a
few lines of text. A match follows vPDQ's published comparison (unique
frames of quality 50 or more; a listed video matches a case video when at
least `COMPARED_PERCENT` of its frames are within PDQ 31 of some frame of the
case video, and at least `QUERY_PERCENT` of the case video's the other way),
after thinning a list hashed at every frame to one frame a second
(`per_second`), the rate the case's videos are hashed at.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.models import HashSet, HashSetKind, VideoFrames, VpdqMatch, VpdqVideo
from triage.case.store import CaseStore
from triage.hashing.frames import FrameHashes
from triage.similarity.frames import FrameIndex, FrameMatchSettings, frame_pairs, vpdq_compare

FORMAT = "vpdq"
COMPARED_PERCENT = 80.0
"""Share of the listed video's frames that must match (vPDQ's example P_c)."""
QUERY_PERCENT = 0.0
"""Share of the case video's frames that must match (vPDQ's example P_q: padding allowed)."""
MAX_LIST_BYTES = 256 * 1024 * 1024


class VpdqError(ValueError):
    """A vPDQ list that cannot be read; the message names the place and the reason."""


@dataclass(frozen=True)
class ListedVideo:
    name: str
    frames: FrameHashes


def read_vpdq(path: str | Path) -> list[ListedVideo]:
    """The videos of a vPDQ file in either exchanged form."""
    path = Path(path)
    if path.stat().st_size > MAX_LIST_BYTES:
        raise VpdqError(f"{path.name}: larger than {MAX_LIST_BYTES // 2**20} MiB")
    try:
        text = path.read_bytes().decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise VpdqError(f"{path.name}: not a text file ({exc.reason} at byte {exc.start})") from None
    if text.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VpdqError(f"{path.name}: not valid JSON ({exc})") from None
        lists = data.items() if isinstance(data, dict) else [(path.stem, data)]
        return [ListedVideo(str(name), _signal(name, items)) for name, items in lists]
    return [ListedVideo(path.stem, _lines(path.name, text.splitlines()))]


def _lines(source: str, lines: list[str]) -> FrameHashes:
    hashes, quality, times = [], [], []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            if len(parts) != 4:
                raise ValueError("expected frame,quality,pdq,timestamp")
            hashes.append(_hash(parts[2]))
            quality.append(_quality(parts[1]))
            times.append(float(parts[3]))
        except ValueError as exc:
            raise VpdqError(f"{source} line {number}: {exc}") from None
    return FrameHashes.build(hashes, quality, times)


def _signal(name, items) -> FrameHashes:
    if not isinstance(items, list):
        raise VpdqError(f"{name}: a video's frames must be a list")
    hashes, quality, times = [], [], []
    for number, item in enumerate(items, 1):
        try:
            pdq, level, time = str(item).split(",")
            hashes.append(_hash(pdq))
            quality.append(_quality(level))
            times.append(float(time))
        except ValueError as exc:
            raise VpdqError(f"{name} frame {number}: {exc or 'expected pdq,quality,timestamp'}") from None
    return FrameHashes.build(hashes, quality, times)


def _hash(text: str) -> str:
    if len(text) != 64:
        raise ValueError(f"a PDQ hash is 64 hex digits, got {len(text)}")
    int(text, 16)
    return text.lower()


def _quality(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100:
        raise ValueError(f"quality {value} is not 0-100")
    return value


def write_vpdq(frames: FrameHashes, step: int) -> str:
    """The reference tool's form (``frame,quality,pdq,timestamp``), frame numbers from `step`;
    only the steady frames (extras between them are Triage's own)."""
    frames = frames.steady()
    return "".join(f"{row * step},{int(frames.quality[row])},{frames.hex(row)},"
                   f"{float(frames.time[row]):.3f}\n" for row in range(len(frames)))


def per_second(frames: FrameHashes) -> FrameHashes:
    """A list hashed more densely than a frame a second (vpdq-hash-video's every-frame mode)
    thinned to the first frame of each second, as the case's videos are hashed: compared
    whole, its in-between frames could never all find a partner among ours."""
    if len(frames) < 2:
        return frames
    seconds = np.floor(frames.time.astype(np.float64) + 1e-3)
    first = np.r_[True, seconds[1:] != seconds[:-1]]
    if first.all():
        return frames
    return frames.rows(first)


def import_vpdq(store: CaseStore, path: str | Path, examiner: str, name: str | None = None,
                kind: HashSetKind = HashSetKind.ALERT, category: str | None = None) -> int:
    """Import a vPDQ file as a hash set and match the case's videos; the set's id."""
    path = Path(path)
    videos = read_vpdq(path)
    content = path.read_bytes()
    canonical = _canonical((v.name, v.frames) for v in videos)
    with store.session() as session:
        hash_set = HashSet(
            name=name or path.name, kind=kind, scheme=None, format=FORMAT,
            source_name=str(path), source_sha256=hashlib.sha256(content).hexdigest(),
            source_size=len(content), entry_count=len(videos), imported_at=utcnow(),
            examiner=examiner,
            # Not a Merkle tree over blocks (vPDQ entries are not stored as blocks): the
            # SHA-256 of the videos' names and frames as `write_vpdq` writes them.
            merkle_root=canonical,
            details={"videos": len(videos), "frames": sum(len(v.frames) for v in videos)})
        session.add(hash_set)
        session.flush()
        session.execute(insert(VpdqVideo), [
            {"hash_set_id": hash_set.id, "record": record, "name": video.name,
             "category": category, "count": len(video.frames), "frames": video.frames.pack()}
            for record, video in enumerate(videos, 1)])
        matched = match_vpdq(session, hash_set.id)
        append_audit(session, examiner, "hashset.import", target=f"hash_set:{hash_set.id}",
                     after={"name": hash_set.name, "format": FORMAT, "videos": len(videos),
                            "source_sha256": hash_set.source_sha256, "matches": matched})
        return hash_set.id


def _canonical(videos) -> str:
    """SHA-256 of (name, frames) pairs in list order, each as its name then `write_vpdq` lines."""
    digest = hashlib.sha256()
    for name, frames in videos:
        digest.update(f"{name}\n{write_vpdq(frames, 1)}".encode())
    return digest.hexdigest()


def recompute(session: Session, hash_set_id: int) -> tuple[str, int, int]:
    """For `hashset verify`: the stored videos' digest (as at import), their count, and 0
    altered entries (a vPDQ set has no unpacked entries)."""
    rows = session.scalars(select(VpdqVideo).where(VpdqVideo.hash_set_id == hash_set_id)
                           .order_by(VpdqVideo.record)).all()
    return _canonical((r.name, FrameHashes.unpack(r.frames, r.count)) for r in rows), len(rows), 0


def remove_videos(session: Session, hash_set_id: int) -> None:
    """For `hashset remove`: a vPDQ set's videos and matches go with it."""
    session.execute(delete(VpdqMatch).where(VpdqMatch.hash_set_id == hash_set_id))
    session.execute(delete(VpdqVideo).where(VpdqVideo.hash_set_id == hash_set_id))


def match_vpdq(session: Session, hash_set_id: int | None = None) -> int:
    """Match every case video against the listed videos (of one set, or all); the count."""
    query = select(VpdqVideo)
    if hash_set_id is not None:
        query = query.where(VpdqVideo.hash_set_id == hash_set_id)
        session.execute(delete(VpdqMatch).where(VpdqMatch.hash_set_id == hash_set_id))
    else:
        session.execute(delete(VpdqMatch))
    listed = session.scalars(query).all()
    case = {row.media_id: FrameHashes.unpack(row.frames, row.count)
            for row in session.scalars(select(VideoFrames))}
    if not listed or not case:
        return 0
    settings = FrameMatchSettings()
    index = FrameIndex(case, settings)
    rows = []
    for video in listed:
        frames = per_second(FrameHashes.unpack(video.frames, video.count))
        usable = frames.usable(settings.min_quality)
        pairs = frame_pairs(index, frames.pdq[usable]) if len(usable) else None
        candidates = sorted(set(index.video[pairs.right].tolist())) if pairs is not None else []
        for media_id in candidates:
            mine, theirs = vpdq_compare(case[media_id].steady(), frames, settings.radius,
                                        settings.min_quality)
            if theirs >= COMPARED_PERCENT and mine >= QUERY_PERCENT:
                rows.append({"media_id": media_id, "hash_set_id": video.hash_set_id,
                             "vpdq_video_id": video.id, "query_percent": mine,
                             "compared_percent": theirs})
    if rows:
        session.execute(insert(VpdqMatch), rows)
    return len(rows)
