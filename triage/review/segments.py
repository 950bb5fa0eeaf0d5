"""Stretches of a video categorised on their own: added and removed by an examiner, audited.

A segment does not replace the video's tag (exports carry the video's
category); it records that from `start` to `end` the video shows something
of a category, for the report and for whoever reviews the video next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.models import Media, VideoSegment
from triage.schema import SchemeRegistry, default_registry


class SegmentError(ValueError):
    """A segment that cannot be: no such video, an empty stretch, an unknown category."""


@dataclass(frozen=True)
class Segment:
    id: int
    media_id: int
    start: float
    end: float
    scheme: str
    category: str
    examiner: str
    at: datetime


def add_segment(session: Session, examiner: str, media_id: int, start: float, end: float,
                scheme: str, category: str,
                registry: SchemeRegistry | None = None) -> Segment:
    start, end = sorted((float(start), float(end)))
    if end - start <= 0:
        raise SegmentError("a segment needs an end after its start")
    media = session.get(Media, media_id)
    if media is None or not (media.detected_type or "").startswith("video/"):
        raise SegmentError(f"media {media_id} is not a video of this case")
    try:
        found = (registry or default_registry()).category(scheme, category)
    except KeyError as exc:
        raise SegmentError(str(exc).strip("'\"")) from None
    row = VideoSegment(media_id=media_id, start=start, end=end, scheme=found.scheme_id,
                       category=found.code, examiner=examiner, at=utcnow())
    session.add(row)
    session.flush()
    append_audit(session, examiner, "segment.add", target=f"media:{media_id}",
                 after=_facts(row))
    return _segment(row)


def remove_segment(session: Session, examiner: str, segment_id: int) -> None:
    row = session.get(VideoSegment, segment_id)
    if row is None:
        raise SegmentError(f"no segment {segment_id}")
    append_audit(session, examiner, "segment.remove", target=f"media:{row.media_id}",
                 before=_facts(row))
    session.delete(row)


def segments_of(session: Session, media_ids) -> dict[int, list[Segment]]:
    """Each video's segments in time order."""
    found: dict[int, list[Segment]] = {}
    for row in session.scalars(select(VideoSegment).where(VideoSegment.media_id.in_(
            list(media_ids))).order_by(VideoSegment.media_id, VideoSegment.start)):
        found.setdefault(row.media_id, []).append(_segment(row))
    return found


def _segment(row: VideoSegment) -> Segment:
    return Segment(row.id, row.media_id, row.start, row.end, row.scheme, row.category,
                   row.examiner, row.at)


def _facts(row: VideoSegment) -> dict:
    return {"id": row.id, "start": row.start, "end": row.end, "scheme": row.scheme,
            "category": row.category}
