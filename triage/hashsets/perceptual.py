"""Perceptual matches against hash sets that carry PDQ or pHash values: leads, with a distance.

An exact match (`matching`) says "this is that file" and pre-categorises. A
perceptual match says "this looks like a picture the set's owner listed" —
resized, recompressed, lightly cropped — so it is kept apart, shown with
its algorithm and distance, and never pre-categorises anything: the
examiner decides.

Radii are tight on purpose: a set of millions against a case of millions
is 10^12 pairs, so even one false pair per million would bury the real
leads. PDQ ≤ 31 of 256 bits is the match threshold PDQ's authors publish,
and hashes of quality below 50 are skipped as they advise; pHash alone ≤ 6
of 64 (our stacks, with PDQ to confirm, allow 12). Near-featureless pictures
never match. The case side (stills and video keyframes) goes into a
multi-index Hamming index once per algorithm; the set side is streamed
through it in slices, so a large set is never held in memory whole. An
entry that nearly matches is unpacked into `hash_set_entry`, as exact
matches are.

For PDQ, a video's side is every frame hashed about once a second
(`video_frames`), not only its keyframes: a set's picture taken from any
moment of a video leads to the video, at that time. A media item near one
entry through several frames is recorded once, at its closest frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import orjson
from sqlalchemy import delete, func, insert, null, or_, select
from sqlalchemy.orm import Session

from triage.case.models import HashSet, HashSetNearMatch, Keyframe, Media, VideoFrames
from triage.hashsets.block_store import iter_blocks, store_entries
from triage.hashing.frames import FrameHashes
from triage.hashsets.blocks import unpack

SLICE = 200_000  # set entries per query against the case index


@dataclass(frozen=True)
class NearSettings:
    """How close is near: per-algorithm Hamming radii, and the PDQ quality floor."""

    pdq_radius: int = 31
    phash_radius: int = 6
    min_pdq_quality: int = 50

    def radius(self, algorithm: str) -> int:
        return {"pdq": self.pdq_radius, "phash": self.phash_radius}[algorithm]


BITS = {"pdq": 256, "phash": 64}


@dataclass
class _CaseHashes:
    media_ids: list[int]
    keyframe_ids: list[int | None]
    hashes: list[str]
    frame_times: list[float | None]


def perceptual_sets(session: Session, hash_set_id: int | None = None) -> dict[int, list[str]]:
    """Set id → the perceptual algorithms its entries carry (from the import's details)."""
    query = select(HashSet.id, HashSet.details)
    if hash_set_id is not None:
        query = query.where(HashSet.id == hash_set_id)
    return {set_id: [a for a in details["perceptual"] if a in BITS]
            for set_id, details in session.execute(query)
            if details and details.get("perceptual")}


def match_near(session: Session, hash_set_id: int | None = None,
               settings: NearSettings | None = None) -> int:
    """(Re)build the near matches of one set, or of every set; returns how many were found."""
    settings = settings or NearSettings()
    scope = HashSetNearMatch.hash_set_id == hash_set_id if hash_set_id is not None else None
    session.execute(delete(HashSetNearMatch).where(scope) if scope is not None
                    else delete(HashSetNearMatch))
    sets = perceptual_sets(session, hash_set_id)
    if not sets:
        return 0
    # Imported here: numpy costs every ingest a tenth of a second, and most cases have
    # no perceptual set.
    from triage.similarity.index import HammingIndex, as_hash_array

    made = 0
    for algorithm in BITS:
        wanted = [set_id for set_id, algorithms in sets.items() if algorithm in algorithms]
        if not wanted:
            continue
        case = _case_hashes(session, algorithm, settings)
        if not case.hashes:
            continue
        radius = settings.radius(algorithm)
        index = HammingIndex(BITS[algorithm], radius, expected_size=len(case.hashes))
        index.extend(as_hash_array(case.hashes, BITS[algorithm]))
        for set_id in wanted:
            for entries, hexes in _set_hashes(session, set_id, algorithm):
                pairs = index.query(as_hash_array(hexes, BITS[algorithm]))
                closest = _closest(case, pairs.left.tolist(), pairs.right.tolist(),
                                   pairs.distance.tolist())
                entry_ids = store_entries(session, set_id,
                                          [entries[q] for q in {q for q, _ in closest}])
                rows = [{"media_id": media_id, "keyframe_id": case.keyframe_ids[item],
                         "frame_time": case.frame_times[item], "hash_set_id": set_id,
                         "entry_id": entry_ids[entries[query][0]], "algorithm": algorithm,
                         "distance": distance}
                        for (query, media_id), (item, distance) in closest.items()]
                if rows:
                    session.execute(insert(HashSetNearMatch), rows)
                made += len(rows)
    return made


def _closest(case: _CaseHashes, queries: list[int], items: list[int], distances: list[int]
             ) -> dict[tuple[int, int], tuple[int, int]]:
    """(set entry, media) -> (case item, distance) of the closest of its near pairs."""
    closest: dict[tuple[int, int], tuple[int, int]] = {}
    for query, item, distance in zip(queries, items, distances):
        key = (query, case.media_ids[item])
        if key not in closest or distance < closest[key][1]:
            closest[key] = (item, int(distance))
    return closest


def _case_hashes(session: Session, algorithm: str, settings: NearSettings) -> _CaseHashes:
    """Every still's and keyframe's hash for `algorithm` (and, for PDQ, every video's frame
    hashes), less featureless and low-quality ones."""
    media_ids: list[int] = []
    keyframe_ids: list[int | None] = []
    hashes: list[str] = []
    frame_times: list[float | None] = []
    for model, media_id, keyframe_id in ((Media, Media.id, null()),
                                         (Keyframe, Keyframe.media_id, Keyframe.id)):
        column = getattr(model, algorithm)
        query = select(media_id, keyframe_id, column).where(
            column.is_not(None), or_(model.featureless.is_(None), ~model.featureless))
        if algorithm == "pdq":
            query = query.where(model.pdq_quality >= settings.min_pdq_quality)
        for row_media, row_keyframe, value in session.execute(query):
            media_ids.append(row_media)
            keyframe_ids.append(row_keyframe)
            hashes.append(value)
            frame_times.append(None)
    if algorithm == "pdq":
        for row in session.execute(select(VideoFrames.media_id, VideoFrames.frames,
                                          VideoFrames.count)):
            try:
                frames = FrameHashes.unpack(row.frames, row.count)
            except ValueError:
                continue  # a damaged row: its video keeps its keyframes' matches
            for place in frames.usable(settings.min_pdq_quality).tolist():
                media_ids.append(row.media_id)
                keyframe_ids.append(None)
                hashes.append(frames.hex(place))
                frame_times.append(float(frames.time[place]))
    return _CaseHashes(media_ids, keyframe_ids, hashes, frame_times)


def _set_hashes(session: Session, hash_set_id: int, algorithm: str
                ) -> Iterator[tuple[list[tuple], list[str]]]:
    """(entries, their hex hashes) of a set's entries that carry `algorithm`, a slice at a time."""
    entries: list[tuple] = []
    hexes: list[str] = []
    for _, block in iter_blocks(session, hash_set_id):
        for row in unpack(block):
            value = orjson.loads(row[6]).get(algorithm) if row[6] else None
            if isinstance(value, str):
                entries.append(row)
                hexes.append(value)
        if len(entries) >= SLICE:
            yield entries, hexes
            entries, hexes = [], []
    if entries:
        yield entries, hexes


def near_match_counts(session: Session) -> dict[int, int]:
    """Set id → media it nearly matches (for `triage hashset list`)."""
    return dict(session.execute(
        select(HashSetNearMatch.hash_set_id, func.count(HashSetNearMatch.media_id.distinct()))
        .group_by(HashSetNearMatch.hash_set_id)).all())
