"""Stills and videos matched against every video's frame hashes, and stills joined to videos.

Run with the stacks (`triage.pipeline.stacking.build_stacks`): a still
within the PDQ radius of any frame of a video is recorded with the time of
that frame ("matches 00:07 of clipA.mp4"), and joins the video's stack when
the still's own stack holds no video (otherwise it only links: one still
must not pull two videos' stacks together). Videos that share a run of
frames are recorded with both time ranges (a cut of one inside the other).
Evidence is not read again: everything comes from the stored frame hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from triage.case.models import Media, VideoFrames, VideoMatch
from triage.hashing.frames import FrameHashes
from triage.similarity.frames import ClipMatch, FrameIndex, FrameMatchSettings, StillMatch

STILL, CLIP = "still", "clip"


@dataclass
class VideoMatchSummary:
    videos: int = 0
    frames: int = 0
    still_matches: int = 0
    stills_joined: int = 0
    clip_matches: int = 0


def load_frames(session, media_ids: list[int] | None = None) -> dict[int, FrameHashes]:
    """Every video's stored frame hashes (or these videos'), by media id."""
    query = select(VideoFrames)
    if media_ids is not None:
        query = query.where(VideoFrames.media_id.in_(media_ids))
    found = {}
    for row in session.scalars(query):
        try:
            found[row.media_id] = FrameHashes.unpack(row.frames, row.count)
        except ValueError:
            continue  # a damaged blob matches nothing; the video keeps its keyframes
    return found


def match_videos(session, values: list[dict] | None = None,
                 settings: FrameMatchSettings | None = None) -> VideoMatchSummary:
    """Record still and clip matches anew; with `values` (build_stacks' per-media stack
    updates), also move stills' stacks into the videos they match."""
    videos = load_frames(session)
    index = FrameIndex(videos, settings)
    summary = VideoMatchSummary(videos=len(videos), frames=len(index))
    stills = session.execute(
        select(Media.id, Media.pdq, Media.pdq_quality)
        .where(Media.pdq.is_not(None), Media.detected_type.like("image/%"))).all()
    still_matches = index.match_stills([s.id for s in stills], [s.pdq for s in stills],
                                       [s.pdq_quality or 0 for s in stills]) if stills else []
    clip_matches = index.clips()
    session.execute(delete(VideoMatch))
    rows = [_still_row(m) for m in still_matches] + [_clip_row(m) for m in clip_matches]
    if rows:
        session.execute(insert(VideoMatch), rows)
    summary.still_matches, summary.clip_matches = len(still_matches), len(clip_matches)
    if values is not None:
        summary.stills_joined = join_stills(values, still_matches, set(videos))
    return summary


def join_stills(values: list[dict], matches: list[StillMatch], videos: set[int]) -> int:
    """Move each matching still's stack into its closest video's stack, in place; the count
    of stills moved. A stack that holds a video (or was already moved) stays where it is."""
    by_id = {v["id"]: v for v in values}
    members: dict[int, list[dict]] = {}
    for value in values:
        members.setdefault(value["stack_id"], []).append(value)
    closest: dict[int, StillMatch] = {}
    for match in matches:
        if match.still not in closest or match.distance < closest[match.still].distance:
            closest[match.still] = match
    moved = 0
    for still, match in sorted(closest.items(), key=lambda item: (item[1].distance, item[0])):
        still_value, video_value = by_id.get(still), by_id.get(match.video)
        if still_value is None or video_value is None:
            continue
        source, target = still_value["stack_id"], video_value["stack_id"]
        group = members.get(source, [])
        if source == target or any(m["id"] in videos for m in group):
            continue
        for member in group:
            member["stack_id"], member["stack_representative"] = target, False
        members.setdefault(target, []).extend(group)
        members[source] = []
        moved += 1
    return moved


def _still_row(match: StillMatch) -> dict:
    return {"media_id": match.still, "video_id": match.video, "kind": STILL,
            "distance": match.distance, "frames": 1, "video_start": match.time,
            "video_end": match.time, "media_start": None, "media_end": None}


def _clip_row(match: ClipMatch) -> dict:
    return {"media_id": match.clip, "video_id": match.video, "kind": CLIP,
            "distance": match.distance, "frames": match.frames,
            "video_start": match.video_start, "video_end": match.video_end,
            "media_start": match.clip_start, "media_end": match.clip_end}
