"""The format of a block: a hash set's entries, about 10,000 to a stored row.

Why blocks, not a row per entry: one SQLite row costs about 2.5 µs to insert
and 2 µs more to index, all on the one process that writes; a block packs the
entries of one batch (read and packed by a reading process) into one row of
`hash_set_block`:

- `records`: the record numbers less `record_offset`, uint32 little-endian;
- `digests`: one byte per entry saying which digests it has (1 MD5, 2 SHA-1,
  4 SHA-256);
- `md5`, `sha1`, `sha256`: the digests, binary, 16/20/32 bytes per entry,
  zeros where the entry has none; NULL when no entry of the block has one;
- `fields`: zlib-compressed tab-separated lines, one per entry, `category
  TAB size TAB extra` (`extra` the stored JSON text of the source's other
  fields; an absent value is empty). Neither a category (no control
  characters) nor the extra JSON (ASCII, escaped) holds a tab or a newline;
  `pack` checks. Lines, not one JSON document: the few entries that match
  are read without decoding the rest. They are also the tail of each
  entry's Merkle leaf (`merkle.leaf_bytes`).

Storing and reading blocks back is `block_store`; the media they are matched
against, `media_index`; matching, `matching`.

numpy is imported inside the functions that use it: the desktop application
imports this package at start-up, and numpy would add a third of a second.
"""

from __future__ import annotations

import hashlib
import struct
from typing import NamedTuple, Sequence
from zlib import compress, decompress

# (digest, bytes, flag bit), strongest first: an entry is matched by its strongest digest only.
KINDS = (("sha256", 32, 4), ("sha1", 20, 2), ("md5", 16, 1))
STRONGER = {"sha256": 0, "sha1": 4, "md5": 6}  # flag bits of the digests stronger than it
_DIGEST = type(hashlib.sha256()).digest


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
    import numpy as np  # start-up: see the module docstring

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
                  columns.md5, columns.sha1, columns.sha256, compress(fields, 1))
    return block, _leaf_buckets(block, fields), fields


def _record_bytes(records: Sequence[int], offset: int) -> bytes:
    import numpy as np  # start-up: see the module docstring

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
    import numpy as np  # start-up: see the module docstring

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
    import numpy as np  # start-up: see the module docstring

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
    return _leaf_buckets(block, decompress(block.fields))


def record_numbers(block: Block, positions: list[int] | None = None) -> list[int]:
    """The record number of each entry of a block (all, or those at `positions`), in order."""
    import numpy as np  # start-up: see the module docstring

    numbers = np.frombuffer(block.records, "<u4")
    if positions is not None:
        numbers = numbers[positions]
    return (numbers.astype(np.int64) + block.record_offset).tolist()


def _lines(block: Block, positions: list[int] | None = None, fields: bytes | None = None
           ) -> list[str]:
    """The `fields` lines of a block's entries (all, or those at `positions`): a few lines
    are cut out where the newlines are, without splitting all."""
    text = decompress(block.fields) if fields is None else fields
    if positions is None:
        return text.decode().split("\n")
    import numpy as np  # start-up: see the module docstring

    ends = np.flatnonzero(np.frombuffer(text, np.uint8) == 10)
    starts = np.concatenate(([0], ends + 1))[positions].tolist()
    ends = np.append(ends, len(text))[positions].tolist()
    return [text[start:end].decode() for start, end in zip(starts, ends)]


def _hex_digests(block: Block, positions: list[int] | None = None) -> list[list[str | None]]:
    """The MD5, SHA-1 and SHA-256 columns of a block's entries (all, or those at `positions`)
    as lower-case hex, None where an entry has none."""
    import numpy as np  # start-up: see the module docstring

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
