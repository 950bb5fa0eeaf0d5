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

import sqlite3
from pathlib import Path
from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry, FormatError, Invalid, digest, dumps, size
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source

SQLITE_MAGIC = b"SQLite format 3\x00"
SOURCES = ("DISTINCT_HASH", "METADATA", "FILE")


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
    known_good = True
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
        for row_id, row in enumerate(connection.execute(f'SELECT * FROM "{table}"'), 1):
            try:
                sha256 = digest(row[at["sha256"]], "sha256") if at["sha256"] is not None else None
                sha1 = digest(row[at["sha1"]], "sha1") if at["sha1"] is not None else None
                md5 = digest(row[at["md5"]], "md5") if at["md5"] is not None else None
            except Invalid as exc:
                yield BadRecord(row_id, f"row {row_id} of {table}", str(exc), repr(row)[:300])
                continue
            if sha256 is None and sha1 is None and md5 is None:
                yield BadRecord(row_id, f"row {row_id} of {table}", "no digest", repr(row)[:300])
                continue
            file_size = size(row[at["file_size"]]) if at["file_size"] is not None else None
            extra = {name: row[i] for i, name in others if row[i] is not None}
            yield Entry(row_id, md5, sha1, sha256, None, file_size, dumps(extra))
