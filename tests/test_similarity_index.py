"""The Hamming index finds exactly the pairs a brute force finds, added at once or in batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import triage.similarity.index as index_module
from triage.similarity.index import (
    Segment, HammingIndex, Pairs, all_pairs, as_hash_array, brute_force_pairs, plan_segments)


def _clustered(rng: np.random.Generator, n: int, words: int, flips: int) -> np.ndarray:
    """Random hashes where about half are near copies (a few bits flipped) of others."""
    hashes = rng.integers(0, 2**64 - 1, size=(n, words), dtype=np.uint64, endpoint=True)
    if n > 1:
        copies = rng.random(n) < 0.5
        sources = rng.integers(0, n, size=n)
        hashes[copies] = hashes[sources[copies]]
        for _ in range(flips):
            word = rng.integers(0, words, size=n)
            bit = rng.integers(0, 64, size=n).astype(np.uint64)
            hit = rng.random(n) < 0.5
            hashes[np.flatnonzero(hit), word[hit]] ^= np.uint64(1) << bit[hit]
    return hashes


def _same(a: Pairs, b: Pairs) -> bool:
    a, b = a.sorted(), b.sorted()
    return (len(a) == len(b) and np.array_equal(a.left, b.left) and np.array_equal(a.right, b.right)
            and np.array_equal(a.distance, b.distance))


@pytest.fixture
def force_tables(monkeypatch):
    """Use the segment tables even for joins small enough to compare everything."""
    monkeypatch.setattr(index_module, "_BRUTE_FORCE_PAIRS", 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 400), words=st.sampled_from([1, 2, 4]),
       radius_fraction=st.floats(0.0, 0.3), flips=st.integers(0, 12))
def test_all_pairs_equal_brute_force(force_tables, seed, n, words, radius_fraction, flips):
    rng = np.random.default_rng(seed)
    hashes = _clustered(rng, n, words, flips)
    radius = int(radius_fraction * 64 * words)
    assert _same(all_pairs(hashes, radius, threads=1), brute_force_pairs(hashes, radius))


def test_two_threads_give_the_same_pairs(force_tables):
    hashes = _clustered(np.random.default_rng(3), 3000, 1, 6)
    assert _same(all_pairs(hashes, 10, threads=2), brute_force_pairs(hashes, 10))


def test_small_joins_compare_everything_and_agree():
    hashes = _clustered(np.random.default_rng(4), 500, 1, 5)
    assert _same(all_pairs(hashes, 9), brute_force_pairs(hashes, 9))


def test_huge_buckets_are_split(force_tables, monkeypatch):
    """Hundreds of identical hashes (one picture in many copies) overflow the size classes."""
    monkeypatch.setattr(index_module, "_CHUNK_CANDIDATES", 5000)
    rng = np.random.default_rng(5)
    hashes = _clustered(rng, 1200, 1, 3)
    hashes[:700] = hashes[0]
    hashes[700:1000] = hashes[1] ^ np.uint64(0b111)
    assert _same(all_pairs(hashes, 8, threads=1), brute_force_pairs(hashes, 8))


@pytest.mark.parametrize("batches", [1, 2, 7])
def test_incremental_add_finds_the_same_pairs(force_tables, batches):
    hashes = _clustered(np.random.default_rng(6), 2100, 1, 6)
    index = HammingIndex(64, 10)
    found = [index.add(part) for part in np.array_split(hashes, batches)]
    assert len(index) == len(hashes)
    assert _same(Pairs.concat(found), brute_force_pairs(hashes, 10))
    assert np.array_equal(index.hashes, hashes)


def test_add_returns_only_pairs_with_a_new_item(force_tables):
    hashes = _clustered(np.random.default_rng(7), 600, 1, 4)
    index = HammingIndex(64, 8)
    index.add(hashes[:400])
    new = index.add(hashes[400:])
    assert len(new) and np.all(new.right >= 400)


def test_replanning_when_the_index_grows(force_tables):
    hashes = _clustered(np.random.default_rng(8), 3000, 1, 6)
    index = HammingIndex(64, 10, expected_size=100)
    first = index.segments
    found = Pairs.concat([index.add(hashes[:100]), index.add(hashes[100:])])
    assert index.segments != first
    assert _same(found, brute_force_pairs(hashes, 10))


def test_query_matches_outside_hashes(force_tables):
    rng = np.random.default_rng(9)
    items = _clustered(rng, 1500, 4, 8)
    queries = items[rng.integers(0, 1500, 300)].copy()
    queries[:, 0] ^= np.uint64(0xF0F)
    index = HammingIndex(256, 40)
    index.add(items)
    found = index.query(queries, 30).sorted()
    dist = np.zeros((300, 1500), np.int64)
    for w in range(4):
        dist += np.bitwise_count(queries[:, None, w] ^ items[None, :, w])
    qi, ii = np.nonzero(dist <= 30)
    assert np.array_equal(found.left, qi) and np.array_equal(found.right, ii)
    assert np.array_equal(found.distance, dist[qi, ii])
    with pytest.raises(ValueError):
        index.query(queries, 41)


@pytest.mark.parametrize("bits,radius,n", [(64, 10, 10**6), (64, 4, 1000), (256, 31, 10**6), (128, 0, 10)])
def test_block_plans_guarantee_every_pair(bits, radius, n):
    segments = plan_segments(bits, radius, n)
    assert segments[0].start == 0 and sum(b.bits for b in segments) == bits
    assert all(x.start + x.bits == y.start for x, y in zip(segments, segments[1:]))
    assert sum(b.flips + 1 for b in segments) >= radius + 1


def test_blocks_that_cannot_guarantee_are_refused():
    with pytest.raises(ValueError):
        HammingIndex(64, 10, segments=[Segment(0, 32, 1), Segment(32, 32, 1)])


def test_hash_forms_agree():
    values = [0, 1, 2**63, 0x0123456789ABCDEF, 2**64 - 1]
    as_ints = as_hash_array(values)
    assert np.array_equal(as_ints[:, 0], np.array(values, dtype=np.uint64))
    assert np.array_equal(as_hash_array([f"{v:016x}" for v in values]), as_ints)
    assert np.array_equal(as_hash_array([v.to_bytes(8, "big") for v in values]), as_ints)
    assert np.array_equal(as_hash_array(np.array(values, dtype=np.uint64)), as_ints)
    pdq = "f" * 63 + "e"
    words = as_hash_array([pdq], 256)
    assert words.shape == (1, 4) and int(np.bitwise_count(words).sum()) == 255
    with pytest.raises(ValueError):
        as_hash_array([pdq], 64)
