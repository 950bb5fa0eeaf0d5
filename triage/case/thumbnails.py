"""Thumbnails and filmstrips, kept apart from the case database's rows.

A case of millions of pictures holds gigabytes of thumbnails; keeping them
in their own SQLite file (keyed by content SHA-256) keeps the main
database small and fast to query, and the gallery reads them by key.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable

from sqlalchemy import create_engine

THUMBNAILS_NAME = "thumbnails.sqlite"
THUMBNAIL, FILMSTRIP = "thumbnail", "filmstrip"


class ThumbnailStore:
    def __init__(self, folder: Path):
        self.path = Path(folder) / THUMBNAILS_NAME
        self._local = threading.local()
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS picture (sha256 TEXT NOT NULL, kind TEXT NOT NULL, "
                "jpeg BLOB NOT NULL, PRIMARY KEY (sha256, kind)) WITHOUT ROWID")

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread: the GUI reads from a loader thread, ingest writes."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=60)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def put_many(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """(sha256, kind, jpeg) rows; writing one again replaces it (a resumed ingest may)."""
        with self._connection() as connection:
            connection.executemany("INSERT OR REPLACE INTO picture VALUES (?, ?, ?)", rows)

    def get(self, sha256: str, kind: str = THUMBNAIL) -> bytes | None:
        row = self._connection().execute(
            "SELECT jpeg FROM picture WHERE sha256 = ? AND kind = ?", (sha256, kind)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class PostgresThumbnailStore:
    """The thumbnails of a shared case, in its PostgreSQL database.

    Every examiner's machine must see the pictures ingest made elsewhere, so
    they cannot stay in a file beside one machine's case folder. The table is
    kept out of the case schema, as the SQLite file is, and made on first use.
    Writes need not take the case's write lock: a row is keyed by content and
    writing it again writes the same picture.
    """

    def __init__(self, url):

        self._engine = create_engine(url, pool_pre_ping=True, hide_parameters=True,
                                     connect_args={"application_name": "triage thumbnails"})
        with self._engine.begin() as connection:
            # Asked first: an examiner's role may not create tables, and PostgreSQL checks
            # that before IF NOT EXISTS (the owner makes it when granting, triage.case.roles).
            if connection.exec_driver_sql("SELECT to_regclass('picture')").scalar() is None:
                connection.exec_driver_sql(
                    "CREATE TABLE IF NOT EXISTS picture (sha256 VARCHAR(64) NOT NULL, "
                    "kind VARCHAR(16) NOT NULL, jpeg BYTEA NOT NULL, "
                    "PRIMARY KEY (sha256, kind))")

    def put_many(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self._engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO picture VALUES (%s, %s, %s) ON CONFLICT (sha256, kind) "
                "DO UPDATE SET jpeg = EXCLUDED.jpeg", rows)

    def get(self, sha256: str, kind: str = THUMBNAIL) -> bytes | None:
        with self._engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT jpeg FROM picture WHERE sha256 = %s AND kind = %s",
                (sha256, kind)).first()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        """Nothing per thread: connections come from the pool (see `dispose`)."""

    def dispose(self) -> None:
        self._engine.dispose()
