"""What the case says about a media item's matches to videos' frames, for the detail pane and CLI.

Written by `triage.pipeline.video_matches` (with the stacks) and by vPDQ
hash-set matching; read here in one shape: each match seen from the item
asked about, with the other side's name and the times on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from triage.case.models import File, HashSet, VideoMatch, VpdqMatch, VpdqVideo

STILL, CLIP = "still", "clip"


@dataclass(frozen=True)
class VideoMatchView:
    kind: str
    """"still" (this still is a frame of `other`, or `other` a still of this video),
    "clip" (a stretch of one is in the other) or "vpdq" (a hash-set video)."""
    other_id: int | None
    other_name: str
    here_start: float | None
    here_end: float | None
    other_start: float | None
    other_end: float | None
    distance: int | None = None
    frames: int | None = None
    percent: tuple[float, float] | None = None
    """vPDQ: share of this video's frames matched, and of the listed video's."""

    def text(self) -> str:
        """One line, e.g. "matches 00:07 of clipA.mp4 (PDQ distance 12)"."""
        if self.kind == "vpdq":
            mine, theirs = self.percent or (0.0, 0.0)
            return (f"vPDQ match with {self.other_name}: {mine:.0f}% of this video's frames, "
                    f"{theirs:.0f}% of the listed video's")
        if self.kind == STILL and self.here_start is None:
            return f"matches {clock(self.other_start)} of {self.other_name} (PDQ distance {self.distance})"
        if self.kind == STILL:
            return f"{self.other_name} is a still of {clock(self.here_start)} (PDQ distance {self.distance})"
        return (f"{clock(self.here_start)}–{clock(self.here_end)} matches "
                f"{clock(self.other_start)}–{clock(self.other_end)} of {self.other_name} "
                f"({self.frames} frames)")


def clock(seconds: float | None) -> str:
    """mm:ss (h:mm:ss past an hour), as a player shows a position."""
    if seconds is None:
        return "?"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def first_names(session: Session, media_ids: set[int]) -> dict[int, str]:
    """Each media's name where it was first found (lowest file id)."""
    if not media_ids:
        return {}
    first = (select(File.media_id, func.min(File.id).label("file_id"))
             .where(File.media_id.in_(media_ids)).group_by(File.media_id).subquery())
    rows = session.execute(select(first.c.media_id, File.name)
                           .join(File, File.id == first.c.file_id))
    return dict(rows.all())


def video_matches(session: Session, media_id: int) -> tuple[VideoMatchView, ...]:
    """Every frame, clip and vPDQ match of this media, closest first."""
    rows = session.scalars(select(VideoMatch).where(
        or_(VideoMatch.media_id == media_id, VideoMatch.video_id == media_id))
        .order_by(VideoMatch.distance, VideoMatch.id)).all()
    names = first_names(session, {r.video_id if r.media_id == media_id else r.media_id for r in rows})
    views = [match_view(r, media_id, names) for r in rows]
    listed = session.execute(
        select(VpdqMatch, VpdqVideo.name, HashSet.name)
        .join(VpdqVideo, VpdqVideo.id == VpdqMatch.vpdq_video_id)
        .join(HashSet, HashSet.id == VpdqMatch.hash_set_id)
        .where(VpdqMatch.media_id == media_id).order_by(VpdqMatch.id)).all()
    views += [VideoMatchView("vpdq", None, f"{name} ({set_name})", None, None, None, None,
                             percent=(m.query_percent, m.compared_percent))
              for m, name, set_name in listed]
    return tuple(views)


def match_view(row: VideoMatch, media_id: int, names: dict[int, str]) -> VideoMatchView:
    mine = row.media_id == media_id
    other = row.video_id if mine else row.media_id
    name = names.get(other, f"media {other}")
    if row.kind == STILL:
        here = (None, None) if mine else (row.video_start, row.video_end)
        there = (row.video_start, row.video_end) if mine else (None, None)
    elif mine:
        here, there = (row.media_start, row.media_end), (row.video_start, row.video_end)
    else:
        here, there = (row.video_start, row.video_end), (row.media_start, row.media_end)
    return VideoMatchView(row.kind, other, name, *here, *there, distance=row.distance,
                          frames=row.frames)

