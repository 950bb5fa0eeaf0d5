"""Hash-set blocks: packing round trips, matching by the whole strongest digest, Merkle chunks."""

from __future__ import annotations

import hashlib

import pytest

from triage.hashsets.blocks import pack, unpack
from triage.hashsets.matching import find_hits
from triage.hashsets.media_index import Digests, MediaDigests, keys_of
from triage.hashsets.merkle import MerkleBuilder, leaf_bytes


def _rows():
    return [
        (3, "a" * 32, "b" * 40, None, "2", 10, '{"MediaID":1}'),
        (4, None, None, "c" * 64, None, None, None),
        (9, "d" * 32, None, None, "Kategorie ä", 0, '{"Note":"x\\ty"}'),
        (10, "e" * 32, "f" * 40, "0" * 64, "1", 2**40, None),
    ]


def test_a_block_gives_back_its_rows_and_their_merkle_leaves():
    rows = _rows()
    block, leaves = pack(rows)
    assert unpack(block) == rows
    assert unpack(block, [3, 1]) == [rows[3], rows[1]]
    hashes = sorted(b"".join(leaves)[i:i + 32] for i in range(0, 4 * 32, 32))
    assert hashes == sorted(hashlib.sha256(b"\x00" + leaf_bytes(*row[1:])).digest()
                            for row in rows)
    assert block.sha256 is not None and block.md5 is not None
    assert pack([rows[1]])[0].md5 is None  # no entry has one: no column


def test_a_field_that_would_break_the_lines_is_refused():
    row = (1, "a" * 32, None, None, "bad\tcode", None, None)
    with pytest.raises(ValueError, match="tab or a newline"):
        pack([row])


class _Media(MediaDigests):
    """Media digests given directly instead of read from a case."""

    def __init__(self, media: dict[int, dict[str, str]]):
        self._kinds = {}
        self._media = media

    def kind(self, name, size):
        import numpy as np

        if name not in self._kinds:
            items = [(i, d[name]) for i, d in self._media.items() if name in d]
            digests = np.frombuffer(bytes.fromhex("".join(h for _, h in items)),
                                    np.uint8).reshape(len(items), size)
            keys = keys_of(digests)
            order = np.argsort(keys, kind="stable")
            shift = np.uint64(44)
            bitmap = np.zeros(1 << 20, bool)
            bitmap[keys >> shift] = True
            self._kinds[name] = Digests(keys[order], np.array([i for i, _ in items])[order],
                                        digests[order], bitmap, shift)
        return self._kinds[name]


def test_matching_is_by_the_whole_strongest_digest():
    same_prefix = "ab" * 8  # the first 8 bytes of two different SHA-1s
    rows = [
        (1, "1" * 32, same_prefix + "0" * 24, None, None, None, None),  # SHA-1 matches media 7
        (2, "2" * 32, same_prefix + "f" * 24, None, None, None, None),  # same first 8 bytes only
        (3, "3" * 32, "9" * 40, None, None, None, None),  # MD5 agrees with media 8, SHA-1 not
        (4, "4" * 32, None, None, None, None, None),  # MD5 only: matches media 9 and 10
    ]
    media = _Media({
        7: {"sha1": same_prefix + "0" * 24, "md5": "7" * 32},
        8: {"sha1": "8" * 40, "md5": "3" * 32},
        9: {"sha1": "a" * 40, "md5": "4" * 32},
        10: {"sha1": "c" * 40, "md5": "4" * 32},
    })
    hits = find_hits(pack(rows)[0], media)
    found = sorted((rows[p][0], m, h.digest) for h in hits for p, m in zip(h.positions,
                                                                            h.media_ids))
    assert found == [(1, 7, "sha1"), (4, 9, "md5"), (4, 10, "md5")]


def _rfc6962(hashes: list[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _rfc6962(hashes[:k]) + _rfc6962(hashes[k:])).digest()


@pytest.mark.parametrize("count", [1, 7, 8, 9, 37, 64, 100])
def test_chunked_merkle_roots_are_rfc_6962_roots(monkeypatch, count):
    import triage.hashsets.merkle as merkle

    monkeypatch.setattr(merkle, "CHUNK", 8)
    hashes = sorted(hashlib.sha256(bytes([i])).digest() for i in range(count))
    builder = MerkleBuilder()
    for start in range(0, count, 5):  # fed in pieces that cut across chunks
        builder.add_hashes(b"".join(hashes[start:start + 5]))
    assert builder.root() == _rfc6962(hashes).hex()


def test_leaf_hashes_are_sorted_bytewise():
    from triage.hashsets.merkle import _sorted

    hashes = [hashlib.sha256(bytes([i % 7])).digest() for i in range(50)]
    hashes += [bytes(31) + bytes([i]) for i in (255, 0, 128)]  # differ in the last byte only
    hashes += [bytes([0x80]) + bytes(31), bytes([0x7f]) + bytes([255]) * 31]  # the sign bit
    data = _sorted(b"".join(hashes))
    assert [data[i:i + 32] for i in range(0, len(data), 32)] == sorted(hashes)


@pytest.mark.parametrize("kinds", [(1,), (1, 2), (2, 3), (1, 2, 3)])
def test_leaves_of_entries_with_the_same_digests_are_those_of_leaf_bytes(kinds):
    rows = []
    for i in range(1, 6):
        data = bytes([i])
        digests = [hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest().upper(),
                   hashlib.sha256(data).hexdigest()]
        rows.append((i, *(d if k + 1 in kinds else None for k, d in enumerate(digests)),
                     str(i), i * 10, '{"MediaID":%d}' % i))
    block, leaves = pack(rows)
    hashes = sorted(b"".join(leaves)[i:i + 32] for i in range(0, 5 * 32, 32))
    lower = [tuple(v.lower() if isinstance(v, str) and k in (1, 2, 3) else v
                   for k, v in enumerate(row)) for row in rows]
    assert hashes == sorted(hashlib.sha256(b"\x00" + leaf_bytes(*row[1:])).digest()
                            for row in lower)
    assert unpack(block) == lower
