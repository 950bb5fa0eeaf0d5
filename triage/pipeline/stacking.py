"""Build near-duplicate stacks for a whole case from what ingest stored.

Everything comes from the store: each picture's perceptual and extra hashes,
each video's keyframes (so a still joins its video's stack), and for pairs
that need a closer look, the stored thumbnails (local features need no more
than that). Then stills and videos are matched against every video's frame
hashes (`triage.pipeline.video_matches`): a still from any moment of a video
joins its stack. Evidence is not read again.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image
from sqlalchemy import select, update

from triage.case.audit import append_audit
from triage.case.models import Keyframe, Media
from triage.case.store import CaseStore
from triage.case.thumbnails import THUMBNAIL
from triage.hashsets.vpdq import match_vpdq
from triage.pipeline.video_matches import match_videos
from triage.similarity.features import pack_extra_hashes
from triage.similarity.stacks import StackInput, StackSettings, find_stacks
from triage.similarity.same_picture import LocalFeatureVerifier
from triage.similarity.series import find_series

NO_EXTRA = pack_extra_hashes({})  # keyframes carry only the main hashes


@dataclass
class StackSummary:
    media: int = 0
    stacks: int = 0
    stacked_media: int = 0
    verified_pairs: int = 0
    series: int = 0  # groups of stacks of one setting (related, not stacked)
    in_series: int = 0  # media in them


def build_stacks(store: CaseStore, examiner: str,
                 settings: StackSettings | None = None) -> StackSummary:
    """Stack every analysed picture and video of the case anew, and record it in the audit log."""
    settings = settings or StackSettings()
    data, sha256_of = _stack_input(store)
    summary = StackSummary(media=len(np.unique(data.ids)) if len(data) else 0)
    if len(data):
        verifier = LocalFeatureVerifier(lambda media_id: _thumbnail(store, sha256_of[media_id]))
        stacks = find_stacks(data, settings, verifier=verifier)
        values = _stack_values(data.ids, stacks.stack, stacks.representative)
        summary.verified_pairs = stacks.verified
        related = verifier.related
    else:
        values, related = [], []
    with store.session() as session:
        videos = match_videos(session, values)  # a still may join its video's stack
        match_vpdq(session)  # vPDQ hash lists: every case video, new ones included
        if values:
            sizes = np.unique(np.array([v["stack_id"] for v in values]), return_counts=True)[1]
            summary.stacks = int((sizes > 1).sum())
            summary.stacked_media = int(sizes[sizes > 1].sum())
            series = find_series({v["id"]: v["stack_id"] for v in values}, related)
            for value in values:
                value["series_id"] = series.get(value["id"])
            summary.series, summary.in_series = len(set(series.values())), len(series)
        session.execute(update(Media).values(stack_id=None, stack_representative=False,
                                             series_id=None))
        if values:
            session.execute(update(Media), values)
        append_audit(session, examiner, "stacks.build", after={
            "settings": asdict(settings), **asdict(summary), "video_frames": asdict(videos)})
    return summary


def _stack_input(store: CaseStore) -> tuple[StackInput, dict[int, str]]:
    """The rows to stack (pictures, and each video's keyframes), and each media's SHA-256."""
    with store.reading() as session:
        data, sha256_of = rows_of(session)
        if len(data):
            order = _content_order(session, sha256_of)
            data.content_order = np.array([order[i] for i in data.ids.tolist()], np.int64)
    return data, sha256_of


def rows_of(session, media_ids: list[int] | None = None) -> tuple[StackInput, dict[int, str]]:
    """`_stack_input`'s rows, of every media or of these."""
    picture_query = (select(Media.id, Media.phash, Media.pdq, Media.extra_hashes, Media.width,
                            Media.height, Media.pdq_quality, Media.featureless, Media.sha256)
                     .where(Media.phash.is_not(None), Media.pdq.is_not(None)))
    frame_query = (select(Keyframe.media_id, Keyframe.phash, Keyframe.pdq, Media.width,
                          Media.height, Keyframe.pdq_quality, Keyframe.featureless, Media.sha256)
                   .join(Media, Media.id == Keyframe.media_id))
    if media_ids is not None:
        picture_query = picture_query.where(Media.id.in_(media_ids))
        frame_query = frame_query.where(Keyframe.media_id.in_(media_ids))
    pictures = session.execute(picture_query).all()
    frames = session.execute(frame_query).all()
    rows = [(*p[:3], p.extra_hashes or NO_EXTRA, *p[4:8]) for p in pictures]
    rows += [(*f[:3], NO_EXTRA, *f[3:7]) for f in frames]
    sha256_of = {row[0]: row[-1] for row in (*pictures, *frames)}
    if not rows:
        return StackInput.build([], []), sha256_of
    ids, phash, pdq, extra, width, height, quality, featureless = zip(*rows)
    data = StackInput.build(ids, phash, pdq, extra, [w or 0 for w in width],
                            [h or 0 for h in height], [q or 0 for q in quality],
                            [bool(f) for f in featureless])
    return data, sha256_of


def _content_order(session, sha256_of: dict[int, str]) -> dict[int, int]:
    """Each media's place for breaking ties between equally good copies: where it was first
    found (`found_order`: the original usually comes first), then its SHA-256; never its id,
    which depends on the order in which workers finished."""
    found = dict(session.execute(select(Media.id, Media.found_order)
                                 .where(Media.found_order.is_not(None))).all())
    ranked = sorted(sha256_of, key=lambda m: (found.get(m) is None, found.get(m) or 0,
                                              sha256_of[m]))
    return {media_id: place for place, media_id in enumerate(ranked)}


def _stack_values(ids: np.ndarray, stack: np.ndarray, representative: np.ndarray) -> list[dict]:
    """One update per media (a video's keyframe rows all carry the same answer)."""
    values = {}
    for media_id, stack_id, is_rep in zip(ids.tolist(), stack.tolist(), representative.tolist()):
        values[media_id] = {"id": media_id, "stack_id": stack_id, "stack_representative": is_rep}
    return list(values.values())


def _thumbnail(store: CaseStore, sha256: str) -> Image.Image:
    jpeg = store.thumbnails.get(sha256, THUMBNAIL)
    if jpeg is None:
        return Image.new("L", (8, 8))  # nothing to match on: the verifier will not confirm
    return Image.open(io.BytesIO(jpeg))
