"""The Merkle root of a hash set: shows later that the set in the store is the one imported.

Construction (so anyone can recompute it from a listing of the entries):

1. Each entry is one leaf, the UTF-8 bytes of
   ``md5 TAB sha1 TAB sha256 TAB category TAB size TAB extra`` — digests in
   lower-case hex, `size` in decimal, `extra` the stored JSON text, an
   absent value the empty string. The record number and the row id are not
   part of it, so the root does not depend on the order of the file.
2. A leaf's hash is SHA-256(0x00 || leaf bytes).
3. The leaf hashes are sorted bytewise, ascending; identical entries give
   identical hashes and are all kept.
4. The root is the Merkle Tree Hash of RFC 6962 (Certificate Transparency)
   section 2.1 over that sorted list: an inner node is
   SHA-256(0x01 || left || right), a list of n > 1 splits at the largest
   power of two below n, and an empty set's root is SHA-256 of nothing.

Sorting by leaf hash needs no sort of the entries themselves: hashes are
spread into 256 buckets by their first byte (spilled to temporary files
past `MEMORY_LIMIT`), and each bucket is sorted on its own, so memory stays
bounded whatever the size of the set. Import feeds the entries as they are
stored; verify reads them back from the store, in any order, and must get
the same root.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Iterable


CHUNK = 1 << 13  # leaves hashed level by level at a time; a power of two
MEMORY_LIMIT = 128 << 20  # bytes of leaf hashes held in memory before spilling to disk
_sha256 = hashlib.sha256
_DIGEST = type(hashlib.sha256()).digest


def leaf_bytes(md5, sha1, sha256, category, size, extra) -> bytes:
    return "\t".join((md5 or "", sha1 or "", sha256 or "", category or "",
                      "" if size is None else str(size), extra or "")).encode()


def leaf_hash(leaf: bytes) -> bytes:
    return _sha256(b"\x00" + leaf).digest()


def leaf_buckets(rows: Iterable[tuple]) -> list[bytes]:
    """The leaf hashes of rows (record, md5, sha1, sha256, category, size, extra), by first byte.

    What a reading process sends with each batch: `SortedLeaves.add_buckets`
    takes it as it is, so the process that writes does no per-entry work.
    The leaf is `leaf_bytes` of the row without its record number, written
    out here in one f-string (a fifth cheaper than the call).
    """
    buckets = [bytearray() for _ in range(256)]
    sha256 = _sha256
    for _, md5, sha1, sha256_hex, category, size, extra in rows:
        digest = sha256(f"\x00{md5 or ''}\t{sha1 or ''}\t{sha256_hex or ''}\t{category or ''}\t"
                        f"{'' if size is None else size}\t{extra or ''}".encode()).digest()
        buckets[digest[0]] += digest
    return [bytes(bucket) for bucket in buckets]


def _subtree(hashes: bytes) -> bytes:
    """RFC 6962 root of leaf hashes (≥ 1), given as one run of 32-byte hashes.

    A level at a time, an odd last node carried up (which gives RFC 6962's
    split at the largest power of two). Each level's messages
    (0x01 || left || right) are cut from one array, so no Python code runs
    per node: its cost is SHA-256's, called once per node.
    """
    import numpy as np  # start-up: the application imports this package (see blocks)

    level = hashes
    while len(level) > 32:
        pairs = len(level) // 64
        messages = np.empty((pairs, 65), np.uint8)
        messages[:, 0] = 1
        messages[:, 1:] = np.frombuffer(level, np.uint8, pairs * 64).reshape(pairs, 64)
        level = b"".join(map(_DIGEST, map(_sha256, messages.view("V65").ravel().tolist()))) \
            + level[pairs * 64:]
    return level


class MerkleBuilder:
    """Feed leaf hashes in order; `root()` gives the RFC 6962 root of everything fed."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (number of leaves, subtree root)
        self._pending = bytearray()  # leaf hashes short of a whole chunk
        self.count = 0

    def add_leaves(self, leaves: Iterable[bytes]) -> None:
        """Leaves as bytes (hashed here)."""
        self.add_hashes(b"".join(map(leaf_hash, leaves)))

    def add_hashes(self, hashes: bytes) -> None:
        """Leaf hashes, as one run of 32-byte hashes."""
        pending = self._pending
        pending += hashes
        size = 32 * CHUNK
        if len(pending) >= size:
            full = len(pending) - len(pending) % size
            for start in range(0, full, size):
                self._push(CHUNK, _subtree(bytes(pending[start:start + size])))
            del pending[:full]

    def _push(self, size: int, node: bytes) -> None:
        self.count += size
        stack = self._stack
        stack.append((size, node))
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            (n, right), (_, left) = stack.pop(), stack.pop()
            stack.append((2 * n, _sha256(b"\x01" + left + right).digest()))

    def root(self) -> str:
        nodes = [node for _, node in self._stack]
        if self._pending:
            nodes.append(_subtree(bytes(self._pending)))
        if not nodes:
            return _sha256(b"").hexdigest()
        node = nodes[-1]
        for left in reversed(nodes[:-1]):
            node = _sha256(b"\x01" + left + node).digest()
        return node.hex()


class SortedLeaves:
    """Collects leaf hashes in any order; `root()` sorts them (bucket by bucket) and builds the tree."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT):
        self._buckets = [bytearray() for _ in range(256)]
        self._held = 0
        self._limit = memory_limit
        self._spill: tempfile.TemporaryDirectory | None = None
        self.count = 0

    def add_rows(self, rows: Iterable[tuple]) -> None:
        """Entries as (md5, sha1, sha256, category, size, extra) tuples."""
        self.add_leaves([leaf_bytes(*row) for row in rows])

    def add_leaves(self, leaves: list[bytes]) -> None:
        buckets = self._buckets
        for leaf in leaves:
            digest = _sha256(b"\x00" + leaf).digest()
            buckets[digest[0]] += digest
        self.count += len(leaves)
        self._held += 32 * len(leaves)
        if self._held > self._limit:
            self._spill_buckets()

    def add_buckets(self, buckets: list[bytes]) -> None:
        """Leaf hashes already split by first byte (`leaf_buckets`)."""
        held = 0
        for bucket, hashes in zip(self._buckets, buckets):
            if hashes:
                bucket += hashes
                held += len(hashes)
        self.count += held // 32
        self._held += held
        if self._held > self._limit:
            self._spill_buckets()

    def _spill_buckets(self) -> None:
        if self._spill is None:
            self._spill = tempfile.TemporaryDirectory(prefix="triage-merkle-")
        folder = Path(self._spill.name)
        for index, bucket in enumerate(self._buckets):
            if bucket:
                with open(folder / f"{index:02x}", "ab") as f:
                    f.write(bucket)
                bucket.clear()
        self._held = 0

    def root(self) -> str:
        try:
            return _root_of_buckets(self._bucket_data())
        finally:
            self.discard()

    def discard(self) -> None:
        """Let go of the leaves and the spill folder."""
        self._buckets = [bytearray() for _ in range(256)]
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None

    def _bucket_data(self):
        for index, bucket in enumerate(self._buckets):
            data = bytes(bucket)
            bucket.clear()
            if self._spill is not None:
                spilled = Path(self._spill.name) / f"{index:02x}"
                if spilled.exists():
                    data = spilled.read_bytes() + data
                    spilled.unlink()
            yield data


def _root_of_buckets(buckets: Iterable[bytes]) -> str:
    builder = MerkleBuilder()
    for data in buckets:
        builder.add_hashes(_sorted(data))
    return builder.root()


def _sorted(hashes: bytes) -> bytes:
    """32-byte hashes sorted bytewise, by numpy: by their first 8 bytes as one number, a
    quarter of the cost of sorting by all 32, which it falls back to where two share them."""
    import numpy as np  # start-up: the application imports this package (see blocks)

    words = np.frombuffer(hashes, ">u8").reshape(-1, 4)
    first = words[:, 0].astype(np.uint64)
    order = np.argsort(first)
    ordered = first[order]
    if not (ordered[1:] != ordered[:-1]).all():  # a tie (rare, but equal leaves are kept)
        order = np.lexsort(words.T[::-1])
    return words[order].tobytes()


def merkle_root_of(entries: Iterable[tuple], page: int = 20000) -> str:
    """The root over entries (md5, sha1, sha256, category, size, extra), in any order."""
    leaves = SortedLeaves()
    batch: list[tuple] = []
    for row in entries:
        batch.append(row)
        if len(batch) >= page:
            leaves.add_rows(batch)
            batch = []
    leaves.add_rows(batch)
    return leaves.root()
