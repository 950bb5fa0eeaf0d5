"""The Merkle root of a hash set: shows later that the set in the store is the one imported.

Construction (so anyone can recompute it from an export of the entries):

1. Each entry is one leaf: the UTF-8 bytes of
   ``md5 TAB sha1 TAB sha256 TAB category TAB size TAB extra`` where a
   digest is lower-case hex, `size` is decimal, `extra` is the stored JSON
   text, and an absent value is the empty string. The source's record
   number and the row id are not part of the leaf, so the root does not
   depend on the order of the file.
2. Leaves are sorted by (md5, sha1, sha256, category, size, extra), each
   ascending with an absent value first; text is compared by Unicode code
   point (the same as UTF-8 bytes), size numerically. Identical entries
   are all kept.
3. The tree is the Merkle Tree Hash of RFC 6962 (Certificate
   Transparency), section 2.1, with SHA-256: a leaf hashes as
   SHA-256(0x00 || leaf), an inner node as SHA-256(0x01 || left || right),
   a list of n > 1 leaves splits at the largest power of two below n, and
   the empty set's root is SHA-256 of nothing.

The root is computed streaming, in O(log n) memory, from the store's
ordered rows; importing and verifying run the same code.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from triage.case.models import HashSetEntry

CHUNK = 1 << 13  # leaves hashed level by level at a time; a power of two
_sha256 = hashlib.sha256


def leaf_bytes(md5, sha1, sha256, category, size, extra) -> bytes:
    return "\t".join((md5 or "", sha1 or "", sha256 or "", category or "",
                      "" if size is None else str(size), extra or "")).encode()


def _subtree(hashes: list[bytes]) -> bytes:
    """RFC 6962 root of a list of leaf hashes (len ≥ 1)."""
    level = hashes
    while len(level) > 1:
        paired = [_sha256(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2])]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class MerkleBuilder:
    """Feed leaves in order; `root()` gives the RFC 6962 root of everything fed."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (number of leaves, subtree root)
        self._pending: list[bytes] = []
        self.count = 0

    def add_leaves(self, leaves: Iterable[bytes]) -> None:
        pending = self._pending
        pending.extend(_sha256(b"\x00" + leaf).digest() for leaf in leaves)
        while len(pending) >= CHUNK:
            self._push(CHUNK, _subtree(pending[:CHUNK]))
            del pending[:CHUNK]

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
            nodes.append(_subtree(self._pending))
        if not nodes:
            return _sha256(b"").hexdigest()
        node = nodes[-1]
        for left in reversed(nodes[:-1]):
            node = _sha256(b"\x01" + left + node).digest()
        return node.hex()


def merkle_root_of(entries: Iterable[tuple]) -> str:
    """The root over rows (md5, sha1, sha256, category, size, extra) already in leaf order."""
    builder = MerkleBuilder()
    batch: list[bytes] = []
    for row in entries:
        batch.append(leaf_bytes(*row))
        if len(batch) >= CHUNK:
            builder.add_leaves(batch)
            batch = []
    builder.add_leaves(batch)
    return builder.root()


def stored_merkle_root(session: Session, hash_set_id: int, page: int = 20000) -> str:
    """The root recomputed from the entries in the store, in the documented order."""
    e = HashSetEntry
    extra = cast(e.__table__.c.extra, Text)  # the stored JSON text, not a re-serialisation
    columns = (e.md5, e.sha1, e.sha256, e.category, e.size, extra)
    query = (select(*columns).where(e.hash_set_id == hash_set_id)
             .order_by(*(c.asc().nulls_first() for c in columns)))
    return merkle_root_of(_raw_rows(session, query, page))


def _raw_rows(session: Session, query, page: int):
    """Plain DB-API tuples: millions of rows without building a Row object for each."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(page):
            yield from rows
    finally:
        cursor.close()
