"""Pictures kept as BLOBs in SQLite databases (messengers keep thumbnails and whole media
this way): any table, any column, told by content; the location is table, column, row id.

The database is opened from memory (`deserialize`), never from a path: nothing is
written, not even the journal SQLite would make beside a file it opens. Rows of the
WAL file beside a database are not read here.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member

MAX_DATABASE = 2 << 30  # larger databases are not loaded into memory
MIN_BLOB = 64  # smaller BLOBs are keys and flags, never a picture


class SqliteBlobs(Container):
    kinds = frozenset({"sqlite"})
    keeps_everything = False  # only BLOBs whose content is recognised become items

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "sqlite" if head.startswith(b"SQLite format 3\x00") else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        data = self.stream.read(MAX_DATABASE + 1)
        if len(data) > MAX_DATABASE:
            raise ContainerError(f"database larger than {MAX_DATABASE} bytes: its BLOBs "
                                 "were not read")
        connection = sqlite3.connect(":memory:")
        try:
            connection.deserialize(data)
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            for (table,) in tables:
                yield from _blobs(connection, table)
        except sqlite3.DatabaseError as exc:
            raise ContainerError(f"database unreadable: {exc}") from None
        finally:
            connection.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _blobs(connection: sqlite3.Connection, table: str) -> Iterator[tuple[Member, Chunks]]:
    try:
        columns = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(table)})")]
    except sqlite3.DatabaseError:
        return
    for column in columns:
        try:
            for where, blob in _column(connection, table, column):
                yield Member(f"{table}/{column}/{where}", size=len(blob)), iter((blob,))
        except sqlite3.DatabaseError as exc:  # damaged pages
            yield Member(f"{table}/{column}", kind="other",
                         error=f"cannot read this column: {exc}"), None


def _column(connection: sqlite3.Connection, table: str, column: str):
    """(location, BLOB) pairs: "rowid N", or "row N" in a table WITHOUT ROWID."""
    condition = (f"FROM {_quote(table)} WHERE typeof({_quote(column)}) = 'blob' "
                 f"AND length({_quote(column)}) >= ?")
    try:
        rows = connection.execute(f"SELECT rowid, {_quote(column)} {condition}", (MIN_BLOB,))
        label = "rowid"
    except sqlite3.OperationalError:
        rows = connection.execute(f"SELECT NULL, {_quote(column)} {condition}", (MIN_BLOB,))
        label = None
    for number, (rowid, blob) in enumerate(rows, 1):
        yield (f"rowid {rowid}" if label else f"row {number}"), blob
