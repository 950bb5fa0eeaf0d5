"""A hash set's entries, stored a block at a time, and matched against the case's media.

Why blocks, not a row per entry: one SQLite row costs about 2.5 µs to insert
and 2 µs more to index, all on the one process that writes, so 10 million
entries kept the writer busy for well over a minute: more than the whole
50 s that 200,000 entries/s allows. A block packs the entries of one batch
(about 10,000, read and packed by a reading process) into one row:

- `records`: the record numbers less `record_offset`, uint32 little-endian;
- `digests`: one byte per entry saying which digests it has (1 MD5, 2 SHA-1,
  4 SHA-256);
- `md5`, `sha1`, `sha256`: the digests, binary, 16/20/32 bytes per entry,
  zeros where the entry has none; NULL when no entry of the block has one;
- `fields`: zlib-compressed lines, one per entry, `category TAB size TAB
  extra` (`extra` the stored JSON text of the source's other fields; an
  absent value is empty). Neither a category (no control characters) nor
  the extra JSON (ASCII, escaped) holds a tab or a newline; `pack` checks.
  Lines, not one JSON document: the few entries that match are read
  without decoding the rest. They are also the tail of each entry's Merkle
  leaf (`merkle.leaf_bytes`).

Matching reads only the digest columns. The case's media digests are held
in memory, sorted by their first 8 bytes (numpy); each entry is looked up by
the first 8 bytes of its strongest digest, and every candidate is confirmed
on the whole digest. An entry that matches is unpacked into
`hash_set_entry` (`entry_ids`), so whatever shows or exports matches joins
it like any table.
"""

from __future__ import annotations

import zlib
from typing import Iterator, NamedTuple

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from triage.case.models import HashSetBlock, HashSetEntry

# (digest, bytes, flag bit), strongest first: an entry is matched by its strongest digest only.
KINDS = (("sha256", 32, 4), ("sha1", 20, 2), ("md5", 16, 1))
_COLUMN = {"md5": 1, "sha1": 2, "sha256": 3}  # the digest's place in a row
_STRONGER = {"sha256": 0, "sha1": 4, "md5": 6}  # flag bits of the digests stronger than it
PAGE = 16  # blocks read from the store at a time


class Block(NamedTuple):
    """One block as stored (`HashSetBlock`'s columns, less the id and the set)."""

    record_offset: int
    count: int
    records: bytes
    digests: bytes
    md5: bytes | None
    sha1: bytes | None
    sha256: bytes | None
    fields: bytes

    def columns(self, hash_set_id: int) -> dict:
        return {"hash_set_id": hash_set_id, **self._asdict()}


def pack(rows: list[tuple]) -> Block:
    """Rows (record, md5, sha1, sha256, category, size, extra), lower-case hex, as one block."""
    records, *hexes, categories, sizes, extras = zip(*rows)
    count = len(rows)
    offset = records[0] - 1
    flags = np.zeros(count, np.uint8)
    digests = {}
    for values, (name, size, bit) in zip(hexes, reversed(KINDS)):
        missing = values.count(None)
        if missing == count:
            digests[name] = None
            continue
        if missing:
            flags |= np.fromiter((value is not None for value in values), bool, count) * \
                np.uint8(bit)
            zero = "0" * (2 * size)
            values = [value or zero for value in values]
        else:
            flags |= np.uint8(bit)
        digests[name] = bytes.fromhex("".join(values))
    fields = field_lines(categories, sizes, extras).encode()
    if fields.count(b"\t") != 2 * count or fields.count(b"\n") != count - 1:
        raise ValueError("a category or extra field holds a tab or a newline")
    return Block(offset, count, (np.array(records, np.int64) - offset).astype("<u4").tobytes(),
                 flags.tobytes(), digests["md5"], digests["sha1"], digests["sha256"],
                 zlib.compress(fields, 1))


def field_lines(categories, sizes, extras) -> str:
    """The `fields` lines of entries, columns given apart; absent values empty."""
    if None in categories:
        categories = ["" if value is None else value for value in categories]
    if None in sizes:
        sizes = ["" if value is None else value for value in sizes]
    if None in extras:
        extras = ["" if value is None else value for value in extras]
    return "\n".join(map("{}\t{}\t{}".format, categories, sizes, extras))


def unpack(block: Block, positions: list[int] | None = None) -> list[tuple]:
    """The rows of a block (all, or those at `positions`), as `pack` took them."""
    lines = zlib.decompress(block.fields).decode().split("\n")
    records = np.frombuffer(block.records, "<u4").tolist()
    flags = block.digests
    columns = [(block.md5, 16, 1), (block.sha1, 20, 2), (block.sha256, 32, 4)]
    rows = []
    for i in range(block.count) if positions is None else positions:
        hexes = [data[i * size:(i + 1) * size].hex() if flags[i] & bit else None
                 for data, size, bit in columns]
        category, size, extra = lines[i].split("\t")
        rows.append((records[i] + block.record_offset, *hexes, category or None,
                     int(size) if size else None, extra or None))
    return rows


def iter_blocks(session: Session, hash_set_id: int) -> Iterator[tuple[int, Block]]:
    """(block id, block) of a set, a page at a time, in record order."""
    columns = [HashSetBlock.id, *(getattr(HashSetBlock, name) for name in Block._fields)]
    last = 0
    while True:
        page = session.execute(
            select(*columns).where(HashSetBlock.hash_set_id == hash_set_id,
                                   HashSetBlock.id > last)
            .order_by(HashSetBlock.id).limit(PAGE)).all()
        if not page:
            return
        for row in page:
            yield row[0], Block(*row[1:])
        last = page[-1][0]


def entry_ids(session: Session, hash_set_id: int, block: Block, positions: list[int]
              ) -> dict[int, int]:
    """Entry ids of some entries of a block (position → id), unpacking those not yet unpacked."""
    records = np.frombuffer(block.records, "<u4")[positions].astype(np.int64) + block.record_offset
    records = records.tolist()
    known = _entry_ids(session, hash_set_id, min(records), max(records))
    missing = [p for p, record in zip(positions, records) if record not in known]
    if missing:
        known = store_entries(session, hash_set_id, unpack(block, missing))
    return {p: known[record] for p, record in zip(positions, records)}


def store_entries(session: Session, hash_set_id: int, rows: list[tuple]) -> dict[int, int]:
    """Unpacked rows of a set in `hash_set_entry`, each put there once; record → entry id.

    Ids come back for every record between the rows' first and last.
    """
    records = [row[0] for row in rows]
    low, high = min(records), max(records)
    known = _entry_ids(session, hash_set_id, low, high)
    new = {row[0]: row for row in rows if row[0] not in known}
    if new:
        # The extra fields go in as the text that the Merkle root was built over: through
        # the JSON type they would be encoded again.
        session.execute(text(
            "INSERT INTO hash_set_entry (hash_set_id, record, md5, sha1, sha256, category, "
            "size, extra) VALUES (:set, :record, :md5, :sha1, :sha256, :category, :size, "
            ":extra)"), [{"set": hash_set_id, **dict(zip(_ROW, row))} for row in new.values()])
        known = _entry_ids(session, hash_set_id, low, high)
    return known


_ROW = ("record", "md5", "sha1", "sha256", "category", "size", "extra")


def _entry_ids(session: Session, hash_set_id: int, low: int, high: int) -> dict[int, int]:
    return dict(session.execute(
        select(HashSetEntry.record, HashSetEntry.id).where(
            HashSetEntry.hash_set_id == hash_set_id,
            HashSetEntry.record.between(low, high))).all())


class MediaDigests:
    """The case's media digests of one kind at a time, sorted by their first 8 bytes.

    Loaded when first asked for; 8 bytes of key, 8 of media id and the
    digest itself per media item and kind: a million media with all three
    kinds hold 116 MB.
    """

    def __init__(self, session: Session):
        self._session = session
        self._kinds: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def kind(self, name: str, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(keys sorted, media ids, digests as rows of `size` bytes), all in key order."""
        if name not in self._kinds:
            self._kinds[name] = self._load(name, size)
        return self._kinds[name]

    def _load(self, name: str, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cursor = self._session.connection().connection.driver_connection.cursor()
        ids, digests = [np.zeros(0, np.int64)], [np.zeros((0, size), np.uint8)]
        try:  # plain DB-API rows: millions without a Row object each
            cursor.execute(f"SELECT id, {name} FROM media WHERE length({name}) = {2 * size}")
            while rows := cursor.fetchmany(100_000):
                ids.append(np.fromiter((row[0] for row in rows), np.int64, len(rows)))
                raw = bytes.fromhex("".join([row[1] for row in rows]))
                digests.append(np.frombuffer(raw, np.uint8).reshape(len(rows), size))
        finally:
            cursor.close()
        all_digests = np.concatenate(digests)
        keys = _keys(all_digests)
        order = np.argsort(keys, kind="stable")
        return keys[order], np.concatenate(ids)[order], all_digests[order]


def _keys(digests: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each digest (rows of bytes) as uint64, so key order is digest order."""
    return np.ascontiguousarray(digests[:, :8]).view(">u8").ravel().astype(np.uint64)


class Hits(NamedTuple):
    """Entries of a block (positions) and the media each matches, by digest kind."""

    positions: list[int]
    media_ids: list[int]
    digest: str


def find_hits(block: Block, media: MediaDigests) -> list[Hits]:
    """The media each entry of the block matches, by the entry's strongest digest."""
    flags = np.frombuffer(block.digests, np.uint8)
    found: list[Hits] = []
    for name, size, bit in KINDS:
        data = getattr(block, name)
        if data is None:
            continue
        positions = np.flatnonzero((flags & bit).astype(bool) & ~(flags & _STRONGER[name])
                                   .astype(bool))
        keys_sorted, ids, digests = media.kind(name, size)
        if not len(positions) or not len(keys_sorted):
            continue
        entries = np.frombuffer(data, np.uint8).reshape(block.count, size)
        keys = _keys(entries[positions])
        left = np.searchsorted(keys_sorted, keys, "left")
        counts = np.searchsorted(keys_sorted, keys, "right") - left
        total = int(counts.sum())
        if not total:
            continue
        # Every (entry, media) pair with the same first 8 bytes, then the whole digest.
        candidate = np.repeat(positions, counts)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        media_index = starts + np.arange(total)
        same = (entries[candidate] == digests[media_index]).all(axis=1)
        found.append(Hits(candidate[same].tolist(), ids[media_index[same]].tolist(), name))
    return found
