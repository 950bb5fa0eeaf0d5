"""Stills and clips matched against videos' frame hashes, and vPDQ's video comparison.

Every video's frame hashes (PDQ about one a second, `triage.hashing.frames`)
go into one Hamming index, so that a case's stills and videos are matched
against all of them at once rather than video by video:

- a still within `still_radius` of any frame matches that video, at the
  time of its closest frame;
- a video whose frames match another video's frames in a run with a steady
  time offset contains a cut of it (or is contained in it): each such run is
  reported as a pair of time ranges.

The defaults are vPDQ's: PDQ distance 31 and frame quality 50 (frames and
stills under it carry too little detail to match on). `vpdq_compare` is
vPDQ's published comparison: unique frames after the quality filter, the
share of each side's frames with a match on the other side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.hashing.frames import FrameHashes
from triage.similarity.index import HammingIndex, Pairs, as_hash_array, hamming_distance

__all__ = ["ClipMatch", "FrameIndex", "FrameMatchSettings", "StillMatch", "vpdq_compare"]

CANDIDATES = 4
"""Closest matches kept per clip frame when looking for runs."""


@dataclass(frozen=True)
class FrameMatchSettings:
    radius: int = 31
    """PDQ distance within which a frame matches another video's frame (vPDQ's default)."""
    still_radius: int = 48
    """PDQ distance within which a still matches a frame. Wider than vPDQ's 31: a still is
    taken between the hashed frames (up to half a second away) and is often re-encoded;
    a still 0.3 s into a slow pan (2% of the width a second) of a generated clip is 32
    bits from its nearest frame. Unrelated pictures' PDQs lie about 128 bits apart."""
    min_quality: int = 50
    """PDQ quality under which a frame or still is not matched (vPDQ's default)."""
    clip_gap: float = 3.0
    """Seconds between matching frames of one clip run, at most."""
    clip_drift: float = 2.0
    """Seconds a run's time offset between the two videos may drift."""
    min_clip_frames: int = 3
    """Matching frames a run needs to count as a cut (a single frame is a still's job)."""


@dataclass(frozen=True)
class StillMatch:
    still: int
    """The still's id (any key the caller chose)."""
    video: int
    time: float
    """Seconds into the video of the closest frame."""
    distance: int


@dataclass(frozen=True)
class ClipMatch:
    clip: int
    video: int
    clip_start: float
    clip_end: float
    video_start: float
    video_end: float
    frames: int
    distance: int
    """The smallest frame distance in the run."""


class FrameIndex:
    """The usable frames (quality at least `min_quality`) of many videos, searchable at once."""

    def __init__(self, videos: dict[int, FrameHashes],
                 settings: FrameMatchSettings | None = None) -> None:
        self.settings = settings or FrameMatchSettings()
        owners, times, hashes = [], [], []
        for video_id, frames in videos.items():
            rows = frames.usable(self.settings.min_quality)
            owners.append(np.full(len(rows), video_id, np.int64))
            times.append(frames.time[rows])
            hashes.append(frames.pdq[rows])
        self.video = np.concatenate(owners) if owners else np.empty(0, np.int64)
        self.time = np.concatenate(times) if times else np.empty(0, np.float32)
        words = as_hash_array(np.concatenate(hashes) if hashes else np.empty((0, 32), np.uint8), 256)
        self.words = words
        self.videos = videos
        self._indexes: dict[int, HammingIndex] = {}

    def index_for(self, radius: int) -> HammingIndex:
        """The frames indexed for queries within `radius` (each radius has its own block plan:
        one planned for the stills' wider radius makes the frames' own queries slow)."""
        if radius not in self._indexes:
            index = HammingIndex(256, radius, expected_size=max(len(self.words), 2))
            index.extend(self.words)
            self._indexes[radius] = index
        return self._indexes[radius]

    def __len__(self) -> int:
        return len(self.words)

    def match_stills(self, ids, pdq, quality) -> list[StillMatch]:
        """Each still's closest frame in every video it matches (stills under the quality bar skip)."""
        ids = np.asarray(ids, np.int64)
        keep = np.flatnonzero(np.asarray(quality, np.int64) >= self.settings.min_quality)
        if not len(keep) or not len(self):
            return []
        words = as_hash_array([pdq[i] for i in keep], 256)
        pairs = self.index_for(self.settings.still_radius).query(words)
        best: dict[tuple[int, int], StillMatch] = {}
        for left, right, distance in zip(pairs.left.tolist(), pairs.right.tolist(),
                                         pairs.distance.tolist()):
            key = (int(ids[keep[left]]), int(self.video[right]))
            found = best.get(key)
            if found is None or (distance, self.time[right]) < (found.distance, found.time):
                best[key] = StillMatch(key[0], key[1], float(self.time[right]), int(distance))
        return sorted(best.values(), key=lambda m: (m.still, m.distance, m.video))

    def clips(self) -> list[ClipMatch]:
        """Runs of matching frames between every two videos (each pair once, lower id as clip).

        One self-join of all frames (the index finds every pair within the
        radius at once), then the pairs of each two videos are grouped."""
        pairs = HammingIndex(256, self.settings.radius,
                             expected_size=max(len(self.words), 2)).add(self.words)
        left_video, right_video = self.video[pairs.left], self.video[pairs.right]
        apart = left_video != right_video
        left, right, distance = pairs.left[apart], pairs.right[apart], pairs.distance[apart]
        swap = left_video[apart] > right_video[apart]
        clip_row, video_row = np.where(swap, right, left), np.where(swap, left, right)
        clip_of, video_of = self.video[clip_row], self.video[video_row]
        found: list[ClipMatch] = []
        order = np.lexsort((video_of, clip_of))
        keys = np.stack([clip_of[order], video_of[order]], axis=1)
        starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)]) if len(keys) else []
        for start, end in zip(starts, list(starts[1:]) + [len(keys)]):
            rows = order[start:end]
            found.extend(self._runs(int(clip_of[rows[0]]), int(video_of[rows[0]]),
                                    self.time[clip_row[rows]], self.time[video_row[rows]],
                                    distance[rows]))
        return found

    def _runs(self, clip_id: int, video_id: int, clip_time: np.ndarray, video_time: np.ndarray,
              distance: np.ndarray) -> list[ClipMatch]:
        """Matched frame pairs grouped into runs of steady time offset, in clip time order.

        Each clip frame keeps its `CANDIDATES` closest matches (a static shot
        matches every frame of another static shot); a pair extends a run
        when it comes at most `clip_gap` after the run's last frame with an
        offset within `clip_drift` of the run's, else it starts a run.
        """
        order = np.lexsort((distance, clip_time))
        clip_time, video_time, distance = clip_time[order], video_time[order], distance[order]
        first = np.searchsorted(clip_time, clip_time, side="left")
        keep = (np.arange(len(clip_time)) - first) < CANDIDATES
        clip_time, video_time, distance = clip_time[keep], video_time[keep], distance[keep]
        offset = video_time - clip_time
        runs: list[list[int]] = []
        for row in range(len(clip_time)):
            for run in reversed(runs):
                last = run[-1]
                if clip_time[row] - clip_time[last] > self.settings.clip_gap:
                    continue
                if abs(offset[row] - offset[last]) <= self.settings.clip_drift:
                    if clip_time[row] > clip_time[last]:
                        run.append(row)
                    break
            else:
                runs.append([row])
        return [self._clip(clip_id, video_id, np.array(run), clip_time, video_time, distance)
                for run in runs if len(run) >= self.settings.min_clip_frames]

    @staticmethod
    def _clip(clip_id: int, video_id: int, rows: np.ndarray, clip_time: np.ndarray,
              video_time: np.ndarray, distance: np.ndarray) -> ClipMatch:
        return ClipMatch(clip_id, video_id, float(clip_time[rows].min()), float(clip_time[rows].max()),
                         float(video_time[rows].min()), float(video_time[rows].max()),
                         len(rows), int(distance[rows].min()))


def frame_pairs(index: "FrameIndex", hashes: np.ndarray) -> Pairs:
    """(row of `hashes`, frame row) pairs within the index's frame radius."""
    return index.index_for(index.settings.radius).query(as_hash_array(hashes, 256))


def vpdq_compare(query: FrameHashes, compared: FrameHashes, radius: int = 31,
                 min_quality: int = 50) -> tuple[float, float]:
    """vPDQ's comparison: percent of the query's unique usable frames that match some
    frame of `compared`, and percent of `compared`'s that match some frame of the query."""
    a = _unique_usable(query, min_quality)
    b = _unique_usable(compared, min_quality)
    if not len(a) or not len(b):
        return 0.0, 0.0
    close = hamming_distance(a[:, None, :], b[None, :, :]) <= radius
    return (100.0 * float(close.any(axis=1).mean()), 100.0 * float(close.any(axis=0).mean()))


def _unique_usable(frames: FrameHashes, min_quality: int) -> np.ndarray:
    rows = frames.usable(min_quality)
    return np.unique(as_hash_array(frames.pdq[rows], 256), axis=0)
