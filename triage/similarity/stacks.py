"""Stacks of near-duplicate pictures, and the best copy of each.

Input: per picture (or per video keyframe), its pHash, PDQ and the extra
hashes of `triage.similarity.features`, its size and PDQ quality, and whether
it is near-featureless. Output: a stack id per row (the id of the stack's
representative) and which rows are the representative.

How a pair of pictures becomes an edge of the near-duplicate graph (the
channels; radii are `StackSettings`, defaults measured by ``bench/neardup.py``):

- ``main``: pHash within `phash_radius` *and* PDQ within `pdq_radius`. Two
  hashes must agree, so one unlucky pHash collision is not enough.
- ``mirror``: one picture's mirrored hash near the other's anchor.
- ``content``: the picture inside bars or a rotated canvas near the other.
- ``region``: the same three quarters of both (a caption band over the rest).
- ``window``: a 90% window of one near the whole other (a crop).

With a `verifier` (local features and a pixel check, `triage.similarity.same_picture`),
the four extra channels are searched `verify_slack` wider and every pair,
``main`` included, counts only if the verifier confirms it: pictures of one
setting (a series: the same room, another pose) come within the pHash and
PDQ radii as readily as within a partial channel's, and the verifier is what
tells an edit from other picture content (issue 23).

Chaining (A~B~C~...~Z, where A and Z look nothing alike) is cut by building
each stack as a star: a connected component whose members all have an edge
to its best copy is one stack; otherwise the member with most edges is a
centre that takes its direct neighbours, and farther members only if the
verifier confirms them against it (or, without one, if some channel puts
them within `chain_slack` more than its radius); with a verifier, members
with no edge to the stack's representative must be confirmed against it
too (a banded copy can bridge two pictures of a series); what is left forms
further stacks the same way. The representative is the stack's best copy: most
pixels of picture (bars do not count), then PDQ quality. Near-featureless
items (flat colour) never stack.

Rows sharing an id are one media (a video's keyframes): an edge to any of
them joins the media, so a still that matches a keyframe lands in the
video's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from triage.similarity.features import (
    EXTRA_HASH_NAMES,
    REGIONS,
    WINDOWS,
    ExtraHashArrays,
    unpack_extra_hashes,
)
from triage.similarity.index import HammingIndex, Pairs, all_pairs, as_hash_array, hamming_distance

__all__ = [
    "CHANNELS",
    "Edges",
    "StackInput",
    "StackSettings",
    "Stacks",
    "Verifier",
    "channel_distances",
    "find_stacks",
]

CHANNELS = ("main", "mirror", "content", "region", "window")
MAIN, MIRROR, CONTENT, REGION, WINDOW = range(len(CHANNELS))
_FAR = np.uint16(0xFFFF)

Verifier = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""(ids_a, ids_b, mirrored) -> bool array: are these pairs the same picture (b mirrored
where `mirrored`)? Called with media ids, in batches."""


@dataclass(frozen=True)
class StackSettings:
    """Radii (Hamming distances) of each channel. Defaults: ``bench/neardup.py --thresholds``.

    Measured on the 500 BSDS500 photographs x 14 copies (24.5 million pairs
    of different photographs). The 64-bit hashes set 32 bits each, so their
    distances are even. Each extra-channel default is the largest radius at
    which that channel alone admits no pair of different photographs; the
    next one up admits 2 to 54 (mirror 8: 1, 10: 54; content 10: 2; region
    8: 5; window 8: 4). Main: pHash 12 with PDQ 70 admits none (pHash 12
    alone: 169; with PDQ 90: 6) and finds 99.8% of 3% crops where pHash 10
    finds 98.6%; a wider pHash radius finds no more copies with PDQ 70.
    """

    phash_radius: int = 12
    pdq_radius: int = 70
    mirror_radius: int = 6
    content_radius: int = 8
    region_radius: int = 6
    window_radius: int = 6
    chain_slack: int = 2
    """Without a verifier: a member with no edge to the representative stays in its stack
    when some channel puts the two within the channel's radius plus this."""
    verify_slack: int = 2
    """With a verifier: extra-channel radii widened by this, and their pairs verified."""
    verify_tries: int = 2
    """With a verifier: pairs tried between two groups not yet joined before giving up on them."""

    def radius(self, channel: int) -> int:
        return (self.phash_radius, self.mirror_radius, self.content_radius,
                self.region_radius, self.window_radius)[channel]


@dataclass
class StackInput:
    """One row per picture, or per keyframe (rows of one video share its id)."""

    ids: np.ndarray  # (n,) int64, media ids
    phash: np.ndarray  # (n, 1) uint64
    pdq: np.ndarray | None = None  # (n, 4) uint64
    extra: ExtraHashArrays | None = None
    width: np.ndarray | None = None  # of the media (full size)
    height: np.ndarray | None = None
    quality: np.ndarray | None = None  # PDQ quality, 0-100
    featureless: np.ndarray | None = None  # (n,) bool: never stacks
    # (n,) int64: breaks ties between equally good copies (the rank of the content's SHA-256),
    # so that two runs, or a resumed one, whose ids came in another order agree; else ids
    content_order: np.ndarray | None = None

    @classmethod
    def build(cls, ids, phash, pdq=None, extra=None, width=None, height=None, quality=None,
              featureless=None, content_order=None) -> "StackInput":
        """From Python sequences or arrays: hashes as hex strings, bytes, ints or uint64 arrays;
        `extra` as `ExtraHashArrays` or a sequence of packed records / `extra_hashes` dicts."""

        ids = np.asarray(ids, dtype=np.int64)
        n = len(ids)

        def column(values, dtype):
            return None if values is None else np.asarray(values, dtype=dtype).reshape(n)

        if extra is not None and not isinstance(extra, ExtraHashArrays):
            extra = unpack_extra_hashes(extra)
        return cls(ids, as_hash_array(phash, 64), None if pdq is None else as_hash_array(pdq, 256),
                   extra, column(width, np.int64), column(height, np.int64), column(quality, np.int64),
                   column(featureless, bool), column(content_order, np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> "StackInput":
        def pick(a):
            return None if a is None else a[rows]

        return StackInput(self.ids[rows], self.phash[rows], pick(self.pdq),
                          None if self.extra is None else self.extra.take(rows),
                          pick(self.width), pick(self.height), pick(self.quality), pick(self.featureless),
                          pick(self.content_order))


@dataclass
class Edges:
    """Pairs of rows (left < right, different media), their channel and Hamming distance."""

    left: np.ndarray
    right: np.ndarray
    channel: np.ndarray  # uint8, index into CHANNELS
    distance: np.ndarray  # uint16

    def __len__(self) -> int:
        return len(self.left)

    def where(self, mask: np.ndarray) -> "Edges":
        return Edges(self.left[mask], self.right[mask], self.channel[mask], self.distance[mask])

    @staticmethod
    def concat(parts: Sequence["Edges"]) -> "Edges":
        parts = [p for p in parts if len(p)]
        if not parts:
            return Edges(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.uint8),
                         np.empty(0, np.uint16))
        return Edges(*(np.concatenate([getattr(p, f) for p in parts])
                       for f in ("left", "right", "channel", "distance")))


@dataclass
class Stacks:
    """Per input row: its stack (the representative's id) and whether it is the representative."""

    stack: np.ndarray  # (n,) int64
    representative: np.ndarray  # (n,) bool
    edges: Edges = field(repr=False)  # accepted edges, rows of the input
    candidates: int = 0  # extra-channel pairs looked at
    verified: int = 0  # pairs handed to the verifier

    def members(self) -> dict[int, np.ndarray]:
        """Stack id -> input rows, for stacks of more than one media."""
        order = np.argsort(self.stack, kind="stable")
        values, starts, counts = np.unique(self.stack[order], return_index=True, return_counts=True)
        return {int(v): order[s:s + c] for v, s, c in zip(values, starts, counts) if c > 1}


# ---------------------------------------------------------------------------
# Channel distances of given pairs
# ---------------------------------------------------------------------------


def _pc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a ^ b).astype(np.uint16)


def channel_distances(data: StackInput, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """(pairs, 5) Hamming distance of each pair of rows in each channel (0xFFFF: not comparable).

    ``main`` is the pHash distance alone (PDQ agreement is checked apart);
    the others are the smallest over the comparisons the channel makes.
    """
    out = np.full((len(left), len(CHANNELS)), _FAR, np.uint16)
    out[:, MAIN] = _pc(data.phash[left, 0], data.phash[right, 0])
    if data.extra is None:
        return out
    ex = data.extra
    col = {name: k for k, name in enumerate(EXTRA_HASH_NAMES)}

    def d(x: str, y: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Distance of hash x of rows i to hash y of rows j; far where either is absent."""
        both = ex.present[i, col[x]] & ex.present[j, col[y]]
        return np.where(both, _pc(ex.hashes[i, col[x]], ex.hashes[j, col[y]]), _FAR).astype(np.uint16)

    def either_way(x: str, y: str) -> np.ndarray:
        return np.minimum(d(x, y, left, right), d(x, y, right, left))

    out[:, MIRROR] = either_way("mirror", "anchor")
    out[:, CONTENT] = np.minimum(either_way("content", "anchor"), d("content", "content", left, right))
    out[:, REGION] = np.min([d(r, r, left, right) for r in REGIONS], axis=0)
    out[:, WINDOW] = np.min([either_way(w, "anchor") for w in WINDOWS], axis=0)
    return out


def _pdq_distance(data: StackInput, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if data.pdq is None:
        return np.zeros(len(left), np.uint16)
    return hamming_distance(data.pdq[left], data.pdq[right])


def _accepts(data: StackInput, settings: StackSettings, left, right, slack: int = 0) -> np.ndarray:
    """Whether some channel puts each pair within its radius (+ slack); main needs PDQ too."""
    d = channel_distances(data, left, right)
    ok = (d[:, MAIN] <= settings.phash_radius + slack) & (
        _pdq_distance(data, left, right) <= settings.pdq_radius)
    for channel in (MIRROR, CONTENT, REGION, WINDOW):
        ok |= d[:, channel] <= settings.radius(channel) + slack
    return ok


# ---------------------------------------------------------------------------
# Candidate pairs
# ---------------------------------------------------------------------------


def _edges(pairs: Pairs, rows: np.ndarray, channel: int, targets: np.ndarray | None = None) -> Edges:
    """Pairs of positions (in `rows`, or query rows -> `targets`) as edges of input rows."""
    left = rows[pairs.left]
    right = (targets if targets is not None else rows)[pairs.right]
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    return Edges(lo, hi, np.full(len(lo), channel, np.uint8), pairs.distance.astype(np.uint16))


def _candidates(data: StackInput, rows: np.ndarray, settings: StackSettings, slack: int,
                threads: int | None) -> tuple[Edges, Edges]:
    """(main edges accepted by pHash + PDQ, extra-channel pairs within radius + slack)."""
    main = all_pairs(data.phash[rows], settings.phash_radius, threads=threads)
    main_edges = _edges(main, rows, MAIN)
    if data.pdq is not None and len(main_edges):
        agree = hamming_distance(data.pdq[main_edges.left], data.pdq[main_edges.right]) <= settings.pdq_radius
        main_edges = main_edges.where(agree)
    if data.extra is None or not len(rows):
        return main_edges, Edges.concat([])
    ex = data.extra
    col = {name: k for k, name in enumerate(EXTRA_HASH_NAMES)}
    radius = {c: settings.radius(c) + slack for c in (MIRROR, CONTENT, REGION, WINDOW)}

    def having(name: str) -> np.ndarray:
        """The rows that have this hash (a picture whose extra hashes failed has none)."""
        return rows[ex.present[rows, col[name]]]

    targets = having("anchor")
    anchors = HammingIndex(64, max(radius[MIRROR], radius[CONTENT], radius[WINDOW]),
                           expected_size=len(targets), threads=threads)
    anchors.add(ex.hashes[targets, 0])

    def against_anchors(name: str, channel: int) -> Edges:
        queries = having(name)
        found = anchors.query(ex.hashes[queries, col[name]], radius[channel])
        return _edges(found, queries, channel, targets)

    def among(name: str, channel: int) -> Edges:
        members = having(name)
        return _edges(all_pairs(ex.hashes[members, col[name]], radius[channel], threads=threads), members, channel)

    parts = [against_anchors("mirror", MIRROR), against_anchors("content", CONTENT), among("content", CONTENT)]
    parts += [among(name, REGION) for name in REGIONS]
    parts += [against_anchors(name, WINDOW) for name in WINDOWS]
    extra = Edges.concat(parts)
    return main_edges, extra


def _distinct_media(edges: Edges, media: np.ndarray) -> Edges:
    """Edges between different media, one per (media pair, channel) at its smallest distance."""
    edges = edges.where(media[edges.left] != media[edges.right])
    if not len(edges):
        return edges
    a, b = media[edges.left], media[edges.right]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((edges.distance, edges.channel, hi, lo))
    lo, hi, ch = lo[order], hi[order], edges.channel[order]
    first = np.ones(len(order), bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1]) | (ch[1:] != ch[:-1])
    return edges.where(order[first])


# ---------------------------------------------------------------------------
# Stacks
# ---------------------------------------------------------------------------


def _priority(data: StackInput, media: np.ndarray, n_media: int) -> np.ndarray:
    """Rank of each media as representative: 0 is best (most picture pixels, then quality,
    then content order, else id)."""
    area = np.zeros(len(data), np.float64)
    if data.width is not None and data.height is not None:
        area = data.width.astype(np.float64) * data.height.astype(np.float64)
        if data.extra is not None:
            area = area * data.extra.content_area
    quality = data.quality if data.quality is not None else np.zeros(len(data), np.int64)
    best_area = np.zeros(n_media)
    np.maximum.at(best_area, media, area)
    best_quality = np.full(n_media, -1, np.int64)
    np.maximum.at(best_quality, media, quality)
    tie = np.zeros(n_media, np.int64)
    tie[media] = data.ids if data.content_order is None else data.content_order
    order = np.lexsort((tie, -best_quality, -best_area))
    rank = np.empty(n_media, np.int64)
    rank[order] = np.arange(n_media)
    return rank


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def find_stacks(data: StackInput, settings: StackSettings = StackSettings(), *,
                verifier: Verifier | None = None, threads: int | None = None) -> Stacks:
    """Stacks of near-duplicates among `data`'s rows (see the module docstring)."""
    n = len(data)
    ids, media = np.unique(data.ids, return_inverse=True)
    n_media = len(ids)
    active = np.ones(n, bool) if data.featureless is None else ~data.featureless
    rows = np.flatnonzero(active)
    slack = settings.verify_slack if verifier is not None else 0
    main_edges, extra = _candidates(data, rows, settings, slack, threads)
    main_edges, extra = _distinct_media(main_edges, media), _distinct_media(extra, media)
    if verifier is not None:
        # Every channel is checked: a same-setting picture (another pose in the same room)
        # can come within the pHash and PDQ radii as readily as within a partial channel's.
        main_edges, extra = Edges.concat([]), Edges.concat([main_edges, extra])
    candidates = len(extra)
    verified = 0
    if verifier is None:
        radii = np.array([settings.radius(c) for c in range(len(CHANNELS))])
        extra = extra.where(extra.distance <= radii[extra.channel])
    elif len(extra):
        extra, verified = _verify_in_rounds(data, media, n_media, main_edges, extra, verifier,
                                            settings.verify_tries)
    accepted = Edges.concat([main_edges, extra])
    stack, verified_more = _guarded_stacks(data, media, n_media, accepted, settings, verifier)
    rep_media = stack  # media index of each media's representative
    stack_ids = ids[rep_media[media]]
    representative = rep_media[media] == media
    return Stacks(stack_ids, representative, accepted, candidates, verified + verified_more)


def _verify_in_rounds(data: StackInput, media: np.ndarray, n_media: int, main_edges: Edges,
                      extra: Edges, verifier: Verifier, tries: int) -> tuple[Edges, int]:
    """Extra-channel edges the verifier confirms, checking as few as needed.

    A pair whose media are already joined (by main edges or pairs confirmed
    earlier) needs no check. Each round checks, for every two groups not yet
    joined, their closest untried pair, all in one batch; a confirmed pair
    joins the groups. Groups that fail `tries` times are left apart.
    """
    accepted_mask = np.zeros(len(extra), bool)
    tried = np.zeros(len(extra), bool)
    verified = 0
    a_all, b_all = media[extra.left], media[extra.right]
    base_a, base_b = media[main_edges.left], media[main_edges.right]
    failures: dict[tuple[int, int], int] = {}
    order_key = extra.distance.astype(np.int64) * 16 + extra.channel
    while True:
        ok = np.flatnonzero(accepted_mask)
        comp = _components(n_media, np.concatenate([base_a, a_all[ok]]), np.concatenate([base_b, b_all[ok]]))
        ca, cb = comp[a_all], comp[b_all]
        lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
        open_ = np.flatnonzero((lo != hi) & ~tried)
        if failures and len(open_):
            gave_up = np.array([failures.get((int(x), int(y)), 0) >= tries for x, y in zip(lo[open_], hi[open_])])
            open_ = open_[~gave_up]
        if not len(open_):
            break
        # The closest untried pair of each two groups.
        order = open_[np.lexsort((order_key[open_], hi[open_], lo[open_]))]
        first = np.ones(len(order), bool)
        first[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
        batch = order[first]
        mirrored = extra.channel[batch] == MIRROR
        same = np.asarray(verifier(data.ids[extra.left[batch]], data.ids[extra.right[batch]], mirrored), bool)
        verified += len(batch)
        tried[batch] = True
        accepted_mask[batch[same]] = True
        for x, y in zip(lo[batch[~same]].tolist(), hi[batch[~same]].tolist()):
            failures[(x, y)] = failures.get((x, y), 0) + 1
    return extra.where(accepted_mask), verified


def _guarded_stacks(data: StackInput, media: np.ndarray, n_media: int, edges: Edges,
                    settings: StackSettings, verifier: Verifier | None) -> tuple[np.ndarray, int]:
    """Representative media of each media: stars around the best copy of each component."""
    rank = _priority(data, media, n_media)
    rep = np.arange(n_media)
    a, b = media[edges.left], media[edges.right]
    comp = _components(n_media, a, b)
    # Components where every member has an edge to the best member are done at once.
    best = np.full(comp.max() + 1 if n_media else 0, -1, np.int64)
    by_rank = np.argsort(rank)
    first = np.unique(comp[by_rank], return_index=True)[1]
    best[comp[by_rank[first]]] = by_rank[first]
    size = np.bincount(comp, minlength=len(best))
    linked = np.zeros(n_media, bool)
    to_best = (a == best[comp[b]]) | (b == best[comp[a]])
    linked[a[to_best]] = True
    linked[b[to_best]] = True
    linked[best[best >= 0]] = True
    complete = np.ones(len(best), bool)
    np.logical_and.at(complete, comp, linked)
    simple = complete[comp]
    rep[simple] = best[comp[simple]]
    verified = 0
    hard_media = np.flatnonzero(~simple & (size[comp] > 1))
    if len(hard_media):
        keep = ~simple[a]
        adjacency = _adjacency(a[keep], b[keep], edges.channel[keep] == MAIN)
        media_rows = _rows_of_media(media, hard_media)
        order = hard_media[np.argsort(comp[hard_media], kind="stable")]
        bounds = np.flatnonzero(np.diff(comp[order])) + 1
        for members in np.split(order, bounds):
            verified += _split_component(members, rank, adjacency, media_rows, data, settings, verifier, rep)
    return rep, verified


def _adjacency(a: np.ndarray, b: np.ndarray, main: np.ndarray) -> dict[int, dict[int, bool]]:
    """Media -> neighbour -> whether a main edge joins them."""
    adjacency: dict[int, dict[int, bool]] = {}
    for x, y, m in zip(a.tolist(), b.tolist(), main.tolist()):
        adjacency.setdefault(x, {})
        adjacency.setdefault(y, {})
        adjacency[x][y] = adjacency[x].get(y, False) or m
        adjacency[y][x] = adjacency[y].get(x, False) or m
    return adjacency


def _rows_of_media(media: np.ndarray, wanted: np.ndarray) -> dict[int, np.ndarray]:
    rows = np.flatnonzero(np.isin(media, wanted))
    order = rows[np.argsort(media[rows], kind="stable")]
    bounds = np.flatnonzero(np.diff(media[order])) + 1
    return {int(media[g[0]]): g for g in np.split(order, bounds) if len(g)}


def _split_component(members: np.ndarray, rank: np.ndarray, adjacency: dict[int, dict[int, bool]],
                     media_rows: dict[int, np.ndarray], data: StackInput, settings: StackSettings,
                     verifier: Verifier | None, rep: np.ndarray) -> int:
    """Stars around the most connected remaining member, until the component is used up.

    A stack is a centre and the members an edge joins to it, so any two
    members are at most two edges apart; a member farther from the centre
    joins only if it is confirmed against the centre (verifier, or some hash
    channel within `chain_slack` of its radius). The centre is the member
    with most edges among those left (the one most copies agree with), ties
    going to the better copy; the stack's representative is its best copy.
    """
    remaining = set(members.tolist())
    verified = 0
    while remaining:
        def degree(m):
            return sum(1 for x in adjacency.get(m, {}) if x in remaining)

        centre = min(remaining, key=lambda m: (-degree(m), rank[m]))
        joined = {centre} | {m for m in adjacency.get(centre, {}) if m in remaining}
        others = [m for m in _reachable(centre, remaining, adjacency) if m not in joined]
        if others:
            confirmed, count = _confirm(centre, others, media_rows, data, settings, verifier)
            verified += count
            joined.update(m for m, ok in zip(others, confirmed) if ok)
        best = min(joined, key=lambda m: rank[m])
        if verifier is not None:
            joined, count = _confirmed_against_best(best, joined, adjacency, media_rows, data, settings, verifier)
            verified += count
        for m in joined:
            rep[m] = best
            remaining.discard(m)
    return verified


def _confirmed_against_best(best: int, joined: set, adjacency: dict[int, dict[int, bool]],
                            media_rows: dict[int, np.ndarray], data: StackInput, settings: StackSettings,
                            verifier: Verifier) -> tuple[set, int]:
    """`joined` less the members that are not the same picture as its representative.

    A copy with a band over part of the frame matches both the setting and a
    series picture whose object the band hides; through it the two would
    share a tile. Members the representative has no edge to are checked
    against it; those that fail are left for other stacks.
    """
    others = [m for m in joined if m != best and m not in adjacency.get(best, {})]
    if not others:
        return joined, 0
    confirmed, count = _confirm(best, others, media_rows, data, settings, verifier)
    return joined - {m for m, ok in zip(others, confirmed) if not ok}, count


def _reachable(start: int, within: set, adjacency: dict[int, dict[int, bool]]) -> list[int]:
    seen, todo = {start}, [start]
    while todo:
        x = todo.pop()
        for y in adjacency.get(x, {}):
            if y in within and y not in seen:
                seen.add(y)
                todo.append(y)
    return list(seen)


def _confirm(best: int, others: list[int], media_rows: dict[int, np.ndarray], data: StackInput,
             settings: StackSettings, verifier: Verifier | None) -> tuple[np.ndarray, int]:
    """Whether each member linked to `best` only through others is the same picture as `best`."""
    if verifier is not None:
        rep_id = data.ids[media_rows[best][0]]
        ids = np.array([data.ids[media_rows[m][0]] for m in others])
        plain = np.asarray(verifier(np.full(len(ids), rep_id), ids, np.zeros(len(ids), bool)), bool)
        retry = np.flatnonzero(~plain)
        if len(retry):
            plain[retry] = np.asarray(verifier(np.full(len(retry), rep_id), ids[retry],
                                               np.ones(len(retry), bool)), bool)
        return plain, len(ids) + len(retry)
    left, right, owner = [], [], []
    rep_rows = media_rows[best]
    for k, m in enumerate(others):
        rows = media_rows[m]
        left.append(np.repeat(rep_rows, len(rows)))
        right.append(np.tile(rows, len(rep_rows)))
        owner.append(np.full(len(rep_rows) * len(rows), k))
    ok = _accepts(data, settings, np.concatenate(left), np.concatenate(right), settings.chain_slack)
    result = np.zeros(len(others), bool)
    np.logical_or.at(result, np.concatenate(owner), ok)
    return result, 0
