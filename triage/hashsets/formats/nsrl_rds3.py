"""NSRL RDS version 3: an SQLite database; imported as known-good.

RDSv3 publishes hashes in the `METADATA` table (sha256, sha1, md5 with file
name, size, package) and RDSv2-like views over it (`FILE`, and in the
"minimal" publications `DISTINCT_HASH`). The importer reads, in this order
of preference, `DISTINCT_HASH`, `METADATA`, `FILE` — whichever exists —
taking columns by name: `sha256`, `sha1`, `md5`, a size from `file_size`,
and every other column into extra fields. The database is opened read-only
and immutable: nothing is written beside it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Iterator

from triage.hashsets.blocks import KINDS, BinaryColumns
from triage.hashsets.entries import (
    BadRecord,
    Entry,
    FormatError,
    Invalid,
    digest,
    dumps,
    plain_dumps,
    size,
)
from triage.hashsets.formats.base import HashSetFormat, Head, Piece, ReadOptions, SetInfo, Source

SQLITE_MAGIC = b"SQLite format 3\x00"
SOURCES = ("DISTINCT_HASH", "METADATA", "FILE")
PIECE_ROWS = 20_000  # rowids per piece when several processes read one table
_MAX_PIECES = 100_000
_ROWID_NAMES = {"rowid", "_rowid_", "oid"}
_PLAIN_TYPES = frozenset((str, int, type(None)))
# A real number as json_object writes it (digits, then a point or an exponent), after a key;
# in a text value too, where `_entries` reads the piece instead.
_REAL = re.compile(r":-?[0-9]+[.eE]")


def open_readonly(path: Path) -> sqlite3.Connection:
    uri = "file:" + str(path.absolute()).replace("?", "%3F").replace("#", "%23")
    return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True)


def table_names(path: Path) -> set[str]:
    try:
        with open_readonly(path) as connection:
            return {name.upper() for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    except sqlite3.Error:
        return set()


class NsrlRds3Format(HashSetFormat):
    id = "nsrl-rds3"
    title = "NSRL RDS v3 SQLite database (known-good)"
    implied_kind = "known-good"
    binary = True

    def sniff(self, head: Head) -> bool:
        return head.raw.startswith(SQLITE_MAGIC) and bool(set(SOURCES) & table_names(head.path))

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        connection = open_readonly(source.path)
        try:
            yield from self._rows(connection, info)
        except sqlite3.Error as exc:
            raise FormatError(f"cannot read the NSRL database: {exc}") from None
        finally:
            connection.close()

    def _rows(self, connection: sqlite3.Connection, info: SetInfo):
        table, at, others = _layout(connection, info)
        yield from _entries(connection.execute(f'SELECT * FROM "{table}"'), 1, table, at, others)

    # -- a table read by several processes, a range of rowids each ------------------------

    def pieces(self, source: Source, info: SetInfo, options: ReadOptions) -> list | None:
        """Rowid ranges of the table, when it is an ordinary table (a view has no rowid).

        `SELECT *` reads an ordinary table in rowid order, so the rows of the
        ranges, in order, are the rows `read` numbers one by one.
        """
        try:
            with open_readonly(source.path) as connection:
                table, _, _ = _layout(connection, info)
                kind, sql = connection.execute(
                    "SELECT type, sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
                columns = {c.lower() for c in info.details["columns"]}
                if kind != "table" or "WITHOUT ROWID" in (sql or "").upper() \
                        or columns & _ROWID_NAMES:
                    return None
                # Apart, each is one look-up; together they would read the whole table.
                low, high = connection.execute(f'SELECT (SELECT min(rowid) FROM "{table}"), '
                                               f'(SELECT max(rowid) FROM "{table}")').fetchone()
        except (sqlite3.Error, FormatError, TypeError):
            return None  # read in order, where the error is reported as usual
        if low is None or (high - low) // PIECE_ROWS > _MAX_PIECES:
            return None  # empty, or rowids spread too thin to cut by range
        size = source.path.stat().st_size
        return [(table, first, min(first + PIECE_ROWS - 1, high),
                 size * (min(first + PIECE_ROWS - 1, high) - low + 1) // (high - low + 1))
                for first in range(low, high + 1, PIECE_ROWS)]

    def read_piece(self, path: Path, piece) -> Piece:
        table, first, last, position = piece
        done = Piece(first, position)
        connection = open_readonly(path)
        try:
            info = SetInfo()
            _, at, others = _layout(connection, info)
            done.columns = _sql_columns(connection, table, info.details["columns"], at, others,
                                        first, last)
            if done.columns is not None:
                done.records = len(done.columns.records)
                return done
            rows = connection.execute(f'SELECT * FROM "{table}" WHERE rowid BETWEEN ? AND ?',
                                      (first, last)).fetchall()
            done.records = len(rows)
            for item in _entries(rows, 1, table, at, others):  # the plain reader, row by row
                if item.__class__ is BadRecord:
                    done.bad.append(item)
                else:
                    done.rows.append(tuple(item))
        except sqlite3.Error as exc:
            raise FormatError(f"cannot read the NSRL database: {exc}") from None
        finally:
            connection.close()
        return done

    def renumbered(self, bad: BadRecord, before: int) -> BadRecord:
        index = bad.record + before
        table = bad.where.partition(" of ")[2]
        return BadRecord(index, f"row {index} of {table}", bad.reason, bad.text)


def _layout(connection: sqlite3.Connection, info: SetInfo):
    """The table to read, where its digest and size columns are, and the other columns."""
    names = {name.upper(): name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    table = next((names[t] for t in SOURCES if t in names), None)
    if table is None:
        raise FormatError("no DISTINCT_HASH, METADATA or FILE table")
    columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    lower = {c.lower(): i for i, c in enumerate(columns)}
    at = {role: lower.get(role) for role in ("sha256", "sha1", "md5", "file_size")}
    if at["sha256"] is None and at["sha1"] is None and at["md5"] is None:
        raise FormatError(f"table {table} has no sha256, sha1 or md5 column")
    used = {i for i in at.values() if i is not None}
    others = [(i, c) for i, c in enumerate(columns) if i not in used]
    info.details.update({"table": table, "columns": columns})
    return table, at, others


def _sql_columns(connection: sqlite3.Connection, table: str, columns: list[str], at: dict,
                 others: list, first: int, last: int) -> BinaryColumns | None:
    """The entries of a piece as SQLite writes them, or None.

    The fast path: one aggregate query gives the piece's digests as one
    text and its `fields` lines as another (the extra fields written by
    `json_object`), with no Python object per row; rows are aggregated in
    rowid order, the order in which SQLite scans a range of rowids. It holds
    only where every digest is text, sizes are non-negative integers, the
    other columns plain (text or integers), and no other column is null (which
    `dumps` leaves out and `json_object` writes): then, ASCII with nothing
    escaped, that JSON is what `dumps` writes. Types are checked by
    aggregates, with no function called per row: SQLite orders null <
    numbers < text < blob, so a column whose least and greatest values are
    text holds only text, and `sum` is an integer only where every value it
    adds is. A real in another column shows in the JSON (`_REAL`), and a
    blob is an error of `json_object`. The digests' lengths and hex are
    checked here, over the whole text.
    """
    def name(column: str) -> str:
        return '"' + column.replace('"', '""') + '"'

    def text(column: str) -> str:
        return "'" + column.replace("'", "''") + "'"

    digests = [(role, name(columns[at[role]]), size) for role, size, _ in reversed(KINDS)
               if at[role] is not None]  # MD5, SHA-1, SHA-256: a block's order
    size = name(columns[at["file_size"]]) if at["file_size"] is not None else None
    extra = "''" if not others else \
        "json_object(" + ", ".join(f"{text(c)}, {name(c)}" for _, c in others) + ")"
    size_text = f"ifnull({size}, '')" if size else "''"
    line = f"char(9) || {size_text} || char(9) || {extra}"
    typed = [f"typeof(min({column})) = 'text' AND typeof(max({column})) = 'text'"
             for _, column, _ in digests] + \
        [f"count({name(c)}) = count(*)" for _, c in others]  # no null
    if size is not None:
        typed.append(f"typeof(sum({size})) IN ('integer', 'null') AND ifnull(min({size}), 0) >= 0")
    row_digests = " || ',' || ".join(column for _, column, _ in digests)
    try:
        count, digest_text, fields, in_run = connection.execute(
            f"SELECT count(*), group_concat({row_digests}, ','), group_concat({line}, char(10)), "
            f"{' AND '.join(typed)} FROM {name(table)} WHERE rowid BETWEEN ? AND ?",
            (first, last)).fetchone()
    except sqlite3.Error:  # `_entries` reads the piece, and names the error if there is one
        return None
    if not count or not in_run or not fields.isascii() or "\\" in fields or "\x7f" in fields \
            or _REAL.search(fields):
        return None
    binary = _split_digests(digest_text, count, [size for _, _, size in digests])
    if binary is None:
        return None
    by_role = dict(zip((role for role, _, _ in digests), binary))
    flags = sum(bit for role, _, bit in KINDS if role in by_role)
    return BinaryColumns(range(1, count + 1), bytes([flags]) * count, by_role.get("md5"),
                         by_role.get("sha1"), by_role.get("sha256"), fields.encode())


def _split_digests(text: str | None, count: int, sizes: list[int]) -> list[bytes] | None:
    """Each digest column in binary, from `text`: every row's digests in hex, the rows' and
    the digests' joined by commas; None unless each is hex of its length (commas where they
    belong, and as many bytes as hex digits allow: `bytes.fromhex` skips whitespace)."""
    import numpy as np  # start-up: the application imports this package (see blocks)

    width = sum(2 * size + 1 for size in sizes)
    if text is None or len(text) != count * width - 1 or not text.isascii():
        return None
    chars = np.frombuffer(text.encode() + b",", np.uint8).reshape(count, width)
    commas = np.cumsum([2 * size + 1 for size in sizes]) - 1
    if not (chars[:, commas] == ord(",")).all():
        return None
    try:
        binary = bytes.fromhex(np.delete(chars, commas, axis=1).tobytes().decode())
    except ValueError:
        return None
    if len(binary) != count * sum(sizes):
        return None
    rows = np.frombuffer(binary, np.uint8).reshape(count, sum(sizes))
    ends = np.cumsum(sizes).tolist()
    return [rows[:, end - size:end].tobytes() for size, end in zip(sizes, ends)]


def _entries(rows, first: int, table: str, at: dict, others: list):
    """Rows of the table as entries, numbered from `first`.

    The extra fields are written by orjson when they are plain (text,
    integers, nulls; `plain_dumps`), otherwise by `dumps`.
    """
    i256, i1, i5, isize = at["sha256"], at["sha1"], at["md5"], at["file_size"]
    plain = _PLAIN_TYPES
    for row_id, row in enumerate(rows, first):
        try:
            sha256 = digest(row[i256], "sha256") if i256 is not None else None
            sha1 = digest(row[i1], "sha1") if i1 is not None else None
            md5 = digest(row[i5], "md5") if i5 is not None else None
        except Invalid as exc:
            yield BadRecord(row_id, f"row {row_id} of {table}", str(exc), repr(row)[:300])
            continue
        if sha256 is None and sha1 is None and md5 is None:
            yield BadRecord(row_id, f"row {row_id} of {table}", "no digest", repr(row)[:300])
            continue
        file_size = size(row[isize]) if isize is not None else None
        extra = {name: row[i] for i, name in others if row[i] is not None}
        text = plain_dumps(extra) if set(map(type, extra.values())) <= plain else dumps(extra)
        yield Entry(row_id, md5, sha1, sha256, None, file_size, text)
