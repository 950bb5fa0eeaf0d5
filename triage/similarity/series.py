"""Series: stacks whose pictures share a setting, related but never stacked.

A series is what abuse material usually comes as: the same room, the same
bed, another pose or another child. The verifier (`same_picture`) keeps such
pictures out of one another's stacks (an examiner who categorises a stack's
tile would miss the others) and reports each pair it found to be of one
setting; those pairs, joined through the stacks their pictures are in, are
the series. A series is kept only where it spans two stacks or more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def find_series(stack_of: Mapping[int, int], related: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Media id -> series id (the smallest media id of its series), for media in a series.

    `stack_of` maps every media id to its stack id (its own id when alone); `related`
    holds pairs of media ids of one setting.
    """
    pairs = [(a, b) for a, b in related if a in stack_of and b in stack_of
             and stack_of[a] != stack_of[b]]
    if not pairs:
        return {}
    ids = np.fromiter(stack_of, np.int64, len(stack_of))
    stacks = np.fromiter(stack_of.values(), np.int64, len(stack_of))
    index = {media_id: i for i, media_id in enumerate(ids.tolist())}
    n = len(ids)
    stack_index = np.array([index[s] if s in index else i for i, s in enumerate(stacks.tolist())])
    left = np.concatenate([np.arange(n), [index[a] for a, _ in pairs]])
    right = np.concatenate([stack_index, [index[b] for _, b in pairs]])
    graph = coo_matrix((np.ones(len(left), np.int8), (left, right)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    stacks_in = {}
    for c, s in zip(component.tolist(), stacks.tolist()):
        stacks_in.setdefault(c, set()).add(s)
    first = {}
    for c, media_id in zip(component.tolist(), ids.tolist()):
        first[c] = min(first.get(c, media_id), media_id)
    return {media_id: first[c] for c, media_id in zip(component.tolist(), ids.tolist())
            if len(stacks_in[c]) > 1}
