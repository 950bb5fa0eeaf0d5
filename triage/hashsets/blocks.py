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

import hashlib
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple, Sequence

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from triage.case.models import HashSetBlock, HashSetEntry, Media

try:  # ISA-L's deflate: the same zlib format at a seventh of zlib's time (a third to inflate)
    from isal.isal_zlib import compress as _deflate, decompress as _inflate
except ImportError:  # pragma: no cover - a dependency; zlib reads and writes the same
    from zlib import compress as _deflate, decompress as _inflate

if TYPE_CHECKING:  # numpy is imported where it is used: every ingest imports this module
    import numpy as np

# (digest, bytes, flag bit), strongest first: an entry is matched by its strongest digest only.
KINDS = (("sha256", 32, 4), ("sha1", 20, 2), ("md5", 16, 1))
_STRONGER = {"sha256": 0, "sha1": 4, "md5": 6}  # flag bits of the digests stronger than it
PAGE = 16  # blocks read from the store at a time
_DIGEST = type(hashlib.sha256()).digest
_MEDIA_PAGE = 200_000  # media digests read at a time


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


class Columns(NamedTuple):
    """Entries column by column, as reading processes make them: no tuple per entry."""

    records: Sequence[int]
    md5: Sequence[str | None]  # hex, either case
    sha1: Sequence[str | None]
    sha256: Sequence[str | None]
    category: Sequence[str | None]
    size: Sequence[int | None]
    extra: Sequence[str | None]

    @classmethod
    def of_rows(cls, rows: list[tuple]) -> Columns:
        """Rows (record, md5, sha1, sha256, category, size, extra) turned into columns."""
        return cls(*zip(*rows))

    def first_category(self) -> int | None:
        """The record number of the first entry with a category, if any."""
        categories = self.category
        if None not in categories:
            return self.records[0] if categories else None
        if categories.count(None) == len(categories):  # none has one (NSRL): no loop
            return None
        return next((record for record, category in zip(self.records, categories)
                     if category is not None), None)

    def binary(self) -> BinaryColumns:
        """The entries as a block stores them."""
        digests = binary_digests(self[1:4])
        if digests is None:
            raise ValueError("a digest is not hex of its length")
        fields = "\n".join(field_lines(self.category, self.size, self.extra)).encode()
        return BinaryColumns(self.records, digests[0], *digests[1], fields)


class BinaryColumns(NamedTuple):
    """Entries as a block stores them: digests in binary, and `fields` lines joined. What
    a format's fastest reading makes, with no Python object per entry where it can (NSRL's
    SQLite writes both; VICS's lines are written in one pass)."""

    records: Sequence[int]
    flags: bytes  # which digests each entry has (the bits of `KINDS`)
    md5: bytes | None  # 16 bytes per entry, zeros where it has none; None where none has
    sha1: bytes | None
    sha256: bytes | None
    fields: bytes  # `field_lines`, joined by newlines

    def first_category(self) -> int | None:
        """The record number of the first entry with a category, if any."""
        fields = self.fields
        if not fields.startswith(b"\t"):
            return self.records[0] if self.records else None
        if fields.count(b"\n\t") == len(self.records) - 1:
            return None  # no entry has one: no split
        return next((record for record, line in zip(self.records, fields.split(b"\n"))
                     if not line.startswith(b"\t")), None)


def binary_digests(columns: Sequence[Sequence[str | None] | None]
                   ) -> tuple[bytes, list[bytes | None]] | None:
    """MD5, SHA-1 and SHA-256 columns (hex, either case; None where an entry has none, or
    for a whole column) in binary: (flag bits of each entry, the columns, zeros where an
    entry has none). None unless every digest is text of its length in hex, checked over
    the whole column: `bytes.fromhex` skips whitespace, hence the length of what it gives;
    a tenth of the cost of a regular expression."""
    import numpy as np

    count = len(next(column for column in columns if column is not None))
    flags = np.zeros(count, np.uint8)
    binary: list[bytes | None] = []
    for values, (_, size, bit) in zip(columns, reversed(KINDS)):
        missing = count if values is None else values.count(None)
        if missing == count:
            binary.append(None)
            continue
        present = np.fromiter((value is not None for value in values), bool, count) \
            if missing else None
        given = [value for value in values if value is not None] if missing else values
        if set(map(type, given)) - {str} or set(map(len, given)) - {2 * size}:
            return None
        text = "".join(given)
        try:
            data = bytes.fromhex(text)
        except ValueError:
            return None
        if len(data) * 2 != len(text):
            return None
        if present is None:
            flags |= np.uint8(bit)
        else:
            flags |= present * np.uint8(bit)
            spread = np.zeros((count, size), np.uint8)
            spread[present] = np.frombuffer(data, np.uint8).reshape(-1, size)
            data = spread.tobytes()
        binary.append(data)
    return flags.tobytes(), binary


def pack(rows: list[tuple]) -> tuple[Block, list[bytes]]:
    """The block and leaf hashes of rows (record, md5, sha1, sha256, category, size, extra)."""
    block, leaves, _ = pack_columns(Columns.of_rows(rows))
    return block, leaves


def pack_columns(columns: Columns | BinaryColumns) -> tuple[Block, list[bytes], bytes]:
    """Entries as one block, their Merkle leaf hashes split by first byte
    (`SortedLeaves.add_buckets`), and the block's `fields` uncompressed (for `unpack`, so a
    reader need not decompress what it just compressed)."""
    if isinstance(columns, Columns):
        columns = columns.binary()
    records, fields = columns.records, columns.fields
    count = len(records)
    if fields.count(b"\t") != 2 * count or fields.count(b"\n") != count - 1:
        raise ValueError("a category or extra field holds a tab or a newline")
    offset = records[0] - 1
    block = Block(offset, count, _record_bytes(records, offset), columns.flags,
                  columns.md5, columns.sha1, columns.sha256, _deflate(fields, 1))
    return block, _leaf_buckets(block, fields), fields


def _record_bytes(records: Sequence[int], offset: int) -> bytes:
    import numpy as np

    if isinstance(records, range) and records.step == 1:  # the common case: no array
        return np.arange(records.start - offset, records.stop - offset, dtype="<u4").tobytes()
    return (np.array(records, np.int64) - offset).astype("<u4").tobytes()


def field_lines(categories, sizes, extras) -> list[str]:
    """The `fields` lines of entries, columns given apart; absent values empty."""
    if None in categories:
        categories = ["" if value is None else value for value in categories]
    if None in sizes:
        sizes = ["" if value is None else value for value in sizes]
    if None in extras:
        extras = ["" if value is None else value for value in extras]
    return list(map("{}\t{}\t{}".format, categories, sizes, extras))


def _leaf_buckets(block: Block, fields: bytes) -> list[bytes]:
    """The Merkle leaf hashes (`merkle.leaf_bytes`) of a block's entries (`fields` its lines,
    uncompressed): their digests in hex, then their line; split by first byte."""
    import numpy as np

    flags = np.frombuffer(block.digests, np.uint8)
    present = [(name, size, bit) for name, size, bit in reversed(KINDS)
               if getattr(block, name) is not None]
    if all((flags & bit).all() for _, _, bit in present):
        leaves = map(bytes.__add__, _leaf_heads(block, present), fields.split(b"\n"))
    else:  # some entries lack a digest that others have: written out one by one
        leaves = map(str.encode, map("\x00{}\t{}\t{}\t{}".format, *(
            ["" if value is None else value for value in column]
            for column in _hex_digests(block)), fields.decode().split("\n")))
    hashes = np.frombuffer(b"".join(map(_DIGEST, map(hashlib.sha256, leaves))), np.uint8)
    hashes = hashes.reshape(-1, 32)
    ends = np.cumsum(np.bincount(hashes[:, 0], minlength=256)) * 32
    flat = hashes[np.argsort(hashes[:, 0], kind="stable")].tobytes()
    return [flat[start:end] for start, end in zip([0, *ends[:-1].tolist()], ends.tolist())]


def _leaf_heads(block: Block, present: list[tuple[str, int, int]]) -> tuple[bytes, ...]:
    """Each entry's leaf up to its line, `\\x00 md5 TAB sha1 TAB sha256 TAB`, where every
    entry has the same digests: cut from one array, no string built per entry."""
    import numpy as np

    count, parts = block.count, [np.zeros((block.count, 1), np.uint8)]
    tab = np.full((count, 1), 9, np.uint8)
    for name, size, _ in reversed(KINDS):
        if any(name == kind for kind, _, _ in present):
            hex_text = getattr(block, name).hex().encode()
            parts.append(np.frombuffer(hex_text, np.uint8).reshape(count, 2 * size))
        parts.append(tab)
    heads = np.hstack(parts)
    return struct.unpack(f"{heads.shape[1]}s" * count, heads.tobytes())


def unpack(block: Block, positions: list[int] | None = None, fields: bytes | None = None
           ) -> list[tuple]:
    """The rows of a block (all, or those at `positions`), as `pack` took them; `fields`:
    the block's `fields` uncompressed, when they are at hand."""
    rows = []
    for record, line, md5, sha1, sha256 in zip(
            record_numbers(block, positions), _lines(block, positions, fields),
            *_hex_digests(block, positions)):
        category, size, extra = line.split("\t")
        rows.append((record, md5, sha1, sha256, category or None,
                     int(size) if size else None, extra or None))
    return rows


def block_leaves(block: Block) -> list[bytes]:
    """The Merkle leaf hashes of a block's entries, by first byte, without unpacking rows."""
    return _leaf_buckets(block, _inflate(block.fields))


def record_numbers(block: Block, positions: list[int] | None = None) -> list[int]:
    """The record number of each entry of a block (all, or those at `positions`), in order."""
    import numpy as np

    numbers = np.frombuffer(block.records, "<u4")
    if positions is not None:
        numbers = numbers[positions]
    return (numbers.astype(np.int64) + block.record_offset).tolist()


def _lines(block: Block, positions: list[int] | None = None, fields: bytes | None = None
           ) -> list[str]:
    """The `fields` lines of a block's entries (all, or those at `positions`): a few lines
    are cut out where the newlines are, without splitting all."""
    text = _inflate(block.fields) if fields is None else fields
    if positions is None:
        return text.decode().split("\n")
    import numpy as np

    ends = np.flatnonzero(np.frombuffer(text, np.uint8) == 10)
    starts = np.concatenate(([0], ends + 1))[positions].tolist()
    ends = np.append(ends, len(text))[positions].tolist()
    return [text[start:end].decode() for start, end in zip(starts, ends)]


def _hex_digests(block: Block, positions: list[int] | None = None) -> list[list[str | None]]:
    """The MD5, SHA-1 and SHA-256 columns of a block's entries (all, or those at `positions`)
    as lower-case hex, None where an entry has none."""
    import numpy as np

    flags = np.frombuffer(block.digests, np.uint8)
    columns = []
    for name, size, bit in reversed(KINDS):
        data = getattr(block, name)
        if data is None:
            columns.append([None] * (block.count if positions is None else len(positions)))
        elif positions is None:  # the whole column: one hex(), then cut
            text, width = data.hex(), 2 * size
            column = [text[i:i + width] for i in range(0, len(text), width)]
            for i in np.flatnonzero((flags & bit) == 0).tolist():
                column[i] = None
            columns.append(column)
        else:
            columns.append([data[i * size:(i + 1) * size].hex() if flags[i] & bit else None
                            for i in positions])
    return columns


def iter_blocks(session: Session, hash_set_id: int, fields: bool = True
                ) -> Iterator[tuple[int, Block]]:
    """(block id, block) of a set, a page at a time, in record order; without `fields`, the
    blocks' `fields` are None (matching reads them only where an entry matched)."""
    columns = [HashSetBlock.id, *(getattr(HashSetBlock, name) if fields or name != "fields"
                                  else null() for name in Block._fields)]
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


def entry_ids(session: Session, hash_set_id: int, block_id: int, block: Block,
              positions: list[int]) -> dict[int, int]:
    """Entry ids of some entries of a block (position → id), unpacking those not yet unpacked.

    The block's `fields` are read (by `block_id`) only when some entry must be unpacked.
    """
    records = record_numbers(block, positions)
    known = entry_ids_between(session, hash_set_id, min(records), max(records))
    missing = [p for p, record in zip(positions, records) if record not in known]
    if missing:
        if block.fields is None:
            block = block._replace(fields=session.scalar(
                select(HashSetBlock.fields).where(HashSetBlock.id == block_id)))
        insert_entries(session, hash_set_id, unpack(block, missing))
        known = entry_ids_between(session, hash_set_id, min(records), max(records))
    return {p: known[record] for p, record in zip(positions, records)}


def store_entries(session: Session, hash_set_id: int, rows: list[tuple]) -> dict[int, int]:
    """Unpacked rows of a set in `hash_set_entry`, each put there once; record → entry id.

    Ids come back for every record between the rows' first and last.
    """
    records = [row[0] for row in rows]
    low, high = min(records), max(records)
    known = entry_ids_between(session, hash_set_id, low, high)
    new = [row for row in rows if row[0] not in known]
    if new:
        insert_entries(session, hash_set_id, new)
        known = entry_ids_between(session, hash_set_id, low, high)
    return known


def insert_entries(session: Session, hash_set_id: int, rows: list[tuple]) -> None:
    # The extra fields go in as the text that the Merkle root was built over: through the
    # JSON type they would be encoded again.
    insert_rows(session, "hash_set_entry", ("hash_set_id", "record", "md5", "sha1", "sha256",
                                            "category", "size", "extra"),
                [(hash_set_id, *row) for row in rows])


def insert_rows(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple]
                ) -> None:
    """Rows straight to the driver's `executemany`: for a hundred thousand matches, building
    SQLAlchemy's parameters for each row cost more than the insert."""
    mark = "?" if session.bind.dialect.paramstyle == "qmark" else "%s"
    session.connection().exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})",
        rows)


def entry_ids_between(session: Session, hash_set_id: int, low: int, high: int) -> dict[int, int]:
    return dict(session.execute(
        select(HashSetEntry.record, HashSetEntry.id).where(
            HashSetEntry.hash_set_id == hash_set_id,
            HashSetEntry.record.between(low, high))).all())


class MediaDigests:
    """The case's media digests of one kind at a time, sorted by their first 8 bytes.

    Loaded when first asked for: per media item and kind 8 bytes of key, 8 of
    media id and the digest itself (a million media, all three kinds: 116 MB),
    and a bitmap of the keys' top bits (2 bytes per media) that turns most
    entries away before any search.
    """

    def __init__(self, session: Session, shared: str | None = None):
        self._session = session
        self._kinds: dict[str, _Digests] = {}
        self._shared = shared  # a folder where reading processes find the kinds loaded

    def kind(self, name: str, size: int) -> _Digests:
        if name not in self._kinds:
            self._kinds[name] = self._load(name, size)
            if self._shared is not None:
                self._share(name)
        return self._kinds[name]

    def _share(self, name: str) -> None:
        """Write a kind for the reading processes (`SharedMediaDigests`): whole or not at all."""
        import numpy as np

        digests, folder = self._kinds[name], Path(self._shared)
        making = folder / f".{name}"
        making.mkdir()
        for field in _SHARED_ARRAYS:
            np.save(making / f"{field}.npy", getattr(digests, field))
        (making / "shift").write_text(str(int(digests.shift)))
        making.rename(folder / name)

    def _load(self, name: str, size: int) -> _Digests:
        import numpy as np

        media = Media.__table__
        column = media.c[name]
        ids, digests = [np.zeros(0, np.int64)], [np.zeros((0, size), np.uint8)]
        last = ""
        while True:
            # A page of digests as one string (and their ids as another, in the same order):
            # a million media without a Python object for each.
            page = (select(media.c.id, column).where(column > last).order_by(column)
                    .limit(_MEDIA_PAGE).subquery())
            count, id_text, hex_text, last = self._session.execute(select(
                func.count(), func.group_concat(page.c.id, ","),
                func.group_concat(page.c[name], ""), func.max(page.c[name]))).one()
            if not count:
                break
            ids.append(np.fromstring(id_text, np.int64, sep=","))
            digests.append(np.frombuffer(bytes.fromhex(hex_text), np.uint8).reshape(count, size))
        all_digests = np.concatenate(digests)
        keys = _keys(all_digests)
        order = np.argsort(keys, kind="stable")  # sorted already, unless a collation differs
        keys = keys[order]
        shift = np.uint64(64 - max(20, int(len(keys) * 16).bit_length()))
        bitmap = np.zeros(1 << (64 - int(shift)), bool)
        bitmap[keys >> shift] = True
        return _Digests(keys, np.concatenate(ids)[order], all_digests[order], bitmap, shift)


class _Digests(NamedTuple):
    keys: np.ndarray  # first 8 bytes of each digest as uint64, sorted
    ids: np.ndarray  # media ids, in key order
    digests: np.ndarray  # whole digests, rows of bytes, in key order
    bitmap: np.ndarray  # True where some key has these top bits
    shift: np.uint64  # key >> shift: a key's top bits


_SHARED_ARRAYS = ("keys", "ids", "digests", "bitmap")  # of `_Digests`, each in a .npy file


class NotShared(Exception):
    """A kind of media digest the import has not shared (yet) with the reading processes."""


class SharedMediaDigests:
    """In a reading process: the kinds of media digest the import has shared so far
    (`MediaDigests(shared=…)`), mapped from their files, not copied."""

    def __init__(self, folder: str):
        self._folder = Path(folder)
        self._kinds: dict[str, _Digests] = {}

    def kind(self, name: str, size: int) -> _Digests:
        if name not in self._kinds:
            import numpy as np

            path = self._folder / name
            if not path.is_dir():
                raise NotShared(name)
            self._kinds[name] = _Digests(
                *(np.load(path / f"{field}.npy", mmap_mode="r")
                  for field in _SHARED_ARRAYS),
                np.uint64(int((path / "shift").read_text())))
        return self._kinds[name]


class Matched(NamedTuple):
    """The media a reading process found matching a block it packed (`match_packed`)."""

    rows: list[tuple]  # the entries matched, unpacked
    matches: list[tuple[int, int, str]]  # (record, media id, digest)

    def renumbered(self, before: int) -> Matched:
        """Record numbers of the file, where they counted from the piece's first."""
        return Matched([(row[0] + before, *row[1:]) for row in self.rows],
                       [(record + before, *rest) for record, *rest in self.matches])


def match_packed(block: Block, fields: bytes, media: SharedMediaDigests) -> Matched | None:
    """In a reading process: the media matching a block it packed (`fields` uncompressed),
    its matched entries unpacked; None when the block needs a kind the import has not shared
    yet (the import then matches the block itself)."""
    try:
        found = find_hits(block, media)
    except NotShared:
        return None
    positions = sorted({position for hits in found for position in hits.positions})
    rows = unpack(block, positions, fields) if positions else []
    record = dict(zip(positions, (row[0] for row in rows)))
    return Matched(rows, [(record[position], media_id, hits.digest) for hits in found
                          for position, media_id in zip(hits.positions, hits.media_ids)])


def _keys(digests: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each digest (rows of bytes) as uint64, so key order is digest order."""
    import numpy as np

    return np.ascontiguousarray(digests[:, :8]).view(">u8").ravel().astype(np.uint64)


class Hits(NamedTuple):
    """Entries of a block (positions) and the media each matches, by digest kind."""

    positions: list[int]
    media_ids: list[int]
    digest: str


def find_hits(block: Block, media: MediaDigests | SharedMediaDigests) -> list[Hits]:
    """The media each entry of the block matches, by the entry's strongest digest."""
    import numpy as np

    flags = np.frombuffer(block.digests, np.uint8)
    found: list[Hits] = []
    for name, size, bit in KINDS:
        data = getattr(block, name)
        if data is None:
            continue
        strongest = (flags & bit).astype(bool) & ~(flags & _STRONGER[name]).astype(bool)
        if not strongest.any():
            continue
        known = media.kind(name, size)
        if not len(known.keys):
            continue
        entries = np.frombuffer(data, np.uint8).reshape(block.count, size)
        keys = _keys(entries)
        positions = np.flatnonzero(strongest & known.bitmap[keys >> known.shift])
        if not len(positions):
            continue
        keys = keys[positions]
        left = np.searchsorted(known.keys, keys, "left")
        counts = np.searchsorted(known.keys, keys, "right") - left
        total = int(counts.sum())
        if not total:
            continue
        # Every (entry, media) pair with the same first 8 bytes, then the whole digest.
        candidate = np.repeat(positions, counts)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        media_index = starts + np.arange(total)
        same = (entries[candidate] == known.digests[media_index]).all(axis=1)
        found.append(Hits(candidate[same].tolist(), known.ids[media_index[same]].tolist(), name))
    return found
