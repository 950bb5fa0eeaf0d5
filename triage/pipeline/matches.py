"""How a member came to be in its representative's stack, in the examiner's words.

The partial matches (only part of one picture is in the other) are those a
person should look at before a category given to the stack reaches them.
Kept apart from `triage.pipeline.stacking` so that the desktop application can
name matches without loading the stacking code (SciPy, OpenCV) at start-up:
`how_matched` loads it when it runs, on a reader thread.
"""

from __future__ import annotations

MATCHES = {"main": "resized or recompressed", "mirror": "mirrored",
           "content": "padded, letterboxed or turned", "region": "captioned or banded",
           "window": "cropped"}
PARTIAL = frozenset({"content", "region", "window"})
THROUGH_ANOTHER = "through another copy"


def how_matched(session, representative: int, members: list[int]) -> dict[int, str]:
    """For each member, the channel that brings it nearest its representative (relative to
    that channel's radius, as `StackSettings` defaults them), or THROUGH_ANOTHER where none
    does (it joined through another member, or by local features alone). Read-time:
    nothing is stored."""
    # numpy, SciPy and OpenCV behind these take 1.3 s to import: the GUI imports this module
    # at start-up, and pays only when a stack's detail is first shown.
    import numpy as np

    from triage.pipeline.stacking import rows_of
    from triage.similarity.stacks import CHANNELS, StackSettings, channel_distances

    settings = StackSettings()
    data, _ = rows_of(session, [representative, *members])
    if not len(data):
        return {m: THROUGH_ANOTHER for m in members}
    ids = data.ids
    rep_rows = np.flatnonzero(ids == representative)
    found: dict[int, str] = {}
    for member in members:
        rows = np.flatnonzero(ids == member)
        if not len(rows) or not len(rep_rows):
            found[member] = THROUGH_ANOTHER
            continue
        left, right = np.repeat(rows, len(rep_rows)), np.tile(rep_rows, len(rows))
        distances = channel_distances(data, left, right).min(axis=0)
        ratios = [distances[c] / max(1, settings.radius(c)) for c in range(len(CHANNELS))]
        best = int(np.argmin(ratios))
        found[member] = CHANNELS[best] if ratios[best] <= 1 else THROUGH_ANOTHER
    return found
