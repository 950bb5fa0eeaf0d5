"""Stacks: chains are cut, the best copy represents, featureless items stay alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ImageDraw, ImageOps

from triage.similarity.features import EXTRA_HASH_NAMES, ExtraHashArrays, extra_hashes
from triage.similarity.stacks import StackInput, StackSettings, find_stacks

from test_similarity_features import picture

RNG_BITS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def flip_bits(value: np.uint64, positions) -> np.uint64:
    for p in positions:
        value ^= RNG_BITS[p]
    return value


def random_hashes(rng, n, words=1):
    return rng.integers(0, 2**64 - 1, size=(n, words), dtype=np.uint64, endpoint=True)


def test_a_chain_is_cut_into_stacks_around_representatives():
    """A~B~C~...: each link is 6 bits, so the ends are 60 bits apart; no stack holds both ends."""
    rng = np.random.default_rng(1)
    n = 11
    phash = np.zeros((n, 1), np.uint64)
    phash[0, 0] = rng.integers(0, 2**63, dtype=np.uint64)
    for k in range(1, n):
        phash[k, 0] = flip_bits(phash[k - 1, 0], range(6 * (k - 1), 6 * k))
    pdq = np.repeat(random_hashes(rng, 1, 4), n, axis=0)  # PDQ agrees everywhere: only pHash decides
    width = np.full(n, 100)
    width[5] = 400  # the middle one is the best copy
    data = StackInput(np.arange(n) + 100, phash, pdq, width=width, height=np.full(n, 100))
    settings = StackSettings(phash_radius=6, chain_slack=0)
    stacks = find_stacks(data, settings)
    assert stacks.stack[5] == 105 and stacks.representative[5]
    assert set(np.flatnonzero(stacks.stack == 105)) == {4, 5, 6}
    # A stack is a star: any two members at most two links (2 x 6 bits) apart.
    for rows in stacks.members().values():
        assert len(rows) <= 3
        for r in rows:
            assert np.bitwise_count(phash[r, 0] ^ phash[rows, 0]).max() <= 12
    assert len(np.unique(stacks.stack)) < n  # but it did stack
    assert not np.any((stacks.stack[0] == stacks.stack[n - 1]))


def test_without_pdq_agreement_a_phash_collision_does_not_stack():
    rng = np.random.default_rng(2)
    phash = np.repeat(random_hashes(rng, 1), 2, axis=0)
    pdq = random_hashes(rng, 2, 4)  # about 128 bits apart
    stacks = find_stacks(StackInput(np.array([1, 2]), phash, pdq))
    assert stacks.stack[0] != stacks.stack[1]


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]])
def test_representative_is_the_largest_then_the_best_quality(order):
    rng = np.random.default_rng(3)
    phash = np.repeat(random_hashes(rng, 1), 4, axis=0)
    phash[1, 0] ^= np.uint64(0b11)
    pdq = np.repeat(random_hashes(rng, 1, 4), 4, axis=0)
    width = np.array([200, 400, 400, 100])
    height = np.array([200, 300, 300, 100])
    quality = np.array([100, 80, 95, 100])
    ids = np.array([10, 11, 12, 13])
    o = np.array(order)
    data = StackInput(ids[o], phash[o], pdq[o], width=width[o], height=height[o], quality=quality[o])
    stacks = find_stacks(data)
    assert len(set(stacks.stack)) == 1
    assert stacks.stack[0] == 12
    assert ids[o][stacks.representative].tolist() == [12]


def test_bars_do_not_make_a_copy_the_best():
    """A padded copy has more pixels but no more picture: the representative is the unpadded one."""
    rng = np.random.default_rng(4)
    phash = np.repeat(random_hashes(rng, 1), 2, axis=0)
    pdq = np.repeat(random_hashes(rng, 1, 4), 2, axis=0)
    extra = ExtraHashArrays(np.repeat(random_hashes(rng, 1, 16), 2, axis=0), np.ones((2, 16), bool),
                            np.array([1.0, 0.6]))
    data = StackInput(np.array([1, 2]), phash, pdq, extra, width=np.array([400, 500]),
                      height=np.array([300, 400]))
    stacks = find_stacks(data)
    assert stacks.stack.tolist() == [1, 1]


def test_featureless_items_never_stack():
    rng = np.random.default_rng(5)
    phash = np.repeat(random_hashes(rng, 1), 5, axis=0)
    pdq = np.repeat(random_hashes(rng, 1, 4), 5, axis=0)
    featureless = np.array([True, True, True, False, False])
    stacks = find_stacks(StackInput(np.arange(5), phash, pdq, featureless=featureless))
    assert len(set(stacks.stack[:3].tolist())) == 3
    assert set(stacks.stack[:3].tolist()).isdisjoint(stacks.stack[3:].tolist())
    assert stacks.stack[3] == stacks.stack[4]


def test_a_still_joins_the_stack_of_the_video_whose_keyframe_it_matches():
    rng = np.random.default_rng(6)
    keyframes = random_hashes(rng, 3)
    still = keyframes[1:2].copy()
    still[0, 0] ^= np.uint64(0b101)
    phash = np.concatenate([keyframes, still, random_hashes(rng, 1)])
    pdq = np.concatenate([random_hashes(rng, 3, 4), np.zeros((2, 4), np.uint64)])
    pdq[3] = pdq[1]
    ids = np.array([7, 7, 7, 8, 9])  # media 7 is a video with three keyframes
    data = StackInput(ids, phash, pdq, width=np.array([640] * 3 + [320, 100]),
                      height=np.array([480] * 3 + [240, 100]))
    stacks = find_stacks(data)
    assert stacks.stack.tolist() == [7, 7, 7, 7, 9]
    assert stacks.representative.tolist() == [True, True, True, False, True]


def _extra(values: dict[str, np.ndarray], n: int) -> ExtraHashArrays:
    hashes = np.zeros((n, len(EXTRA_HASH_NAMES)), np.uint64)
    present = np.zeros_like(hashes, bool)
    rng = np.random.default_rng(99)
    for k, name in enumerate(EXTRA_HASH_NAMES):
        hashes[:, k] = values.get(name, random_hashes(rng, n)[:, 0])
        present[:, k] = name != "content" or name in values
    return ExtraHashArrays(hashes, present, np.ones(n))


def test_the_mirror_channel_stacks_a_flipped_copy():
    rng = np.random.default_rng(7)
    anchor = random_hashes(rng, 2)[:, 0]
    mirror = random_hashes(rng, 2)[:, 0]
    mirror[0] = anchor[1] ^ np.uint64(0b11)  # picture 0 mirrored is picture 1
    data = StackInput(np.array([1, 2]), random_hashes(rng, 2), random_hashes(rng, 2, 4),
                      _extra({"anchor": anchor, "mirror": mirror}, 2))
    assert find_stacks(data).stack.tolist() == [1, 1]
    assert len(set(find_stacks(data, StackSettings(mirror_radius=0)).stack.tolist())) == 2


class Verifier:
    def __init__(self, answer: bool):
        self.answer = answer
        self.calls = []

    def __call__(self, a, b, mirrored):
        self.calls.append((np.asarray(a).tolist(), np.asarray(b).tolist(), np.asarray(mirrored).tolist()))
        return np.full(len(a), self.answer)


def test_extra_channel_pairs_count_only_when_verified():
    rng = np.random.default_rng(8)
    anchor = random_hashes(rng, 2)[:, 0]
    top = np.array([anchor[0], anchor[0] ^ np.uint64(0b111)])  # region hashes 3 bits apart
    data = StackInput(np.array([1, 2]), random_hashes(rng, 2), random_hashes(rng, 2, 4),
                      _extra({"anchor": anchor, "top": top}, 2))
    yes, no = Verifier(True), Verifier(False)
    assert find_stacks(data, verifier=yes).stack.tolist() == [1, 1]
    assert yes.calls == [([1], [2], [False])]
    assert find_stacks(data, verifier=no).stack.tolist() == [1, 2]


def test_a_member_two_links_from_the_centre_must_be_confirmed():
    """A~B, A~C, A~E, C~D: A is the centre (most edges); D, two links away, stays only if confirmed."""
    rng = np.random.default_rng(9)
    a = random_hashes(rng, 1)[0, 0]
    b, c, e = (flip_bits(a, range(k, k + 10)) for k in (0, 10, 20))
    d = flip_bits(c, range(30, 40))
    phash = np.array([[a], [b], [c], [d], [e]], dtype=np.uint64)
    pdq = np.repeat(random_hashes(rng, 1, 4), 5, axis=0)
    size = np.array([100, 300, 200, 400, 100])  # D is the largest copy, but not the centre
    data = StackInput(np.array([1, 2, 3, 4, 5]), phash, pdq, width=size, height=size)
    settings = StackSettings(phash_radius=10, chain_slack=0)
    assert find_stacks(data, settings).stack.tolist() == [2, 2, 2, 4, 2]
    yes = Verifier(True)
    assert find_stacks(data, settings, verifier=yes).stack.tolist() == [4] * 5
    # Every edge checked once, then D against the centre A, then the members
    # D (the representative) has no edge to against D.
    assert yes.calls[0] == ([1, 1, 1, 3], [2, 3, 5, 4], [False] * 4)
    assert yes.calls[1] == ([1], [4], [False])
    assert yes.calls[2][0] == [4, 4, 4] and sorted(yes.calls[2][1]) == [1, 2, 5]
    # With a verifier, pHash and PDQ alone join nothing.
    assert find_stacks(data, settings, verifier=Verifier(False)).stack.tolist() == [1, 2, 3, 4, 5]
    # Without a verifier, a channel within chain_slack of its radius confirms.
    assert find_stacks(data, StackSettings(phash_radius=10, chain_slack=20)).stack.tolist() == [4] * 5


def test_generated_copies_stack_and_strangers_do_not():
    """End to end on generated pictures: the hard copies join their original through the extra hashes."""
    from triage.hashing.perceptual import hash_picture

    originals = [picture(seed) for seed in range(20, 26)]
    pictures, photo = [], []
    for k, im in enumerate(originals):
        w, h = im.size
        banded = im.copy()
        ImageDraw.Draw(banded).rectangle((0, 0, w, h // 4), fill=(0, 0, 0))
        padded = ImageOps.expand(im, border=(0, h // 6), fill=(0, 0, 0))
        for copy in (im, ImageOps.mirror(im), banded, padded, im.resize((w // 2, h // 2))):
            pictures.append(copy)
            photo.append(k)
    hashes = [hash_picture(p) for p in pictures]
    data = StackInput.build(
        ids=np.arange(len(pictures)), phash=[x.phash for x in hashes], pdq=[x.pdq for x in hashes],
        extra=[extra_hashes(p) for p in pictures], width=[p.width for p in pictures],
        height=[p.height for p in pictures], quality=[x.pdq_quality for x in hashes])
    stacks = find_stacks(data)
    photo = np.array(photo)
    for k in range(len(originals)):
        assert len(set(stacks.stack[photo == k].tolist())) == 1
    assert len(set(stacks.stack.tolist())) == len(originals)


def test_absent_extra_hashes_match_nothing():
    """Pictures whose extra hashes could not be computed (zeros, marked absent) do not stack by them."""
    rng = np.random.default_rng(10)
    extra = ExtraHashArrays(np.zeros((3, len(EXTRA_HASH_NAMES)), np.uint64),
                            np.zeros((3, len(EXTRA_HASH_NAMES)), bool), np.ones(3))
    data = StackInput(np.array([1, 2, 3]), random_hashes(rng, 3), random_hashes(rng, 3, 4), extra)
    assert len(set(find_stacks(data).stack.tolist())) == 3


def test_equal_copies_are_told_apart_by_their_content_not_their_ids():
    """Ties were broken by media id, which depends on the order workers finish: two runs
    of one evidence chose different representatives. The content's order decides now."""
    rng = np.random.default_rng(5)
    phash = rng.integers(0, 2**63, size=(1, 1), dtype=np.uint64).repeat(2, axis=0)
    pdq = rng.integers(0, 2**63, size=(1, 4), dtype=np.uint64).repeat(2, axis=0)
    for content_order in ([0, 1], [1, 0]):  # ids 1 and 2 given to the contents either way
        data = StackInput.build([1, 2], phash, pdq, width=[100, 100], height=[80, 80],
                                quality=[90, 90], content_order=content_order)
        first = [1, 2][content_order.index(0)]
        assert find_stacks(data).stack.tolist() == [first, first]
