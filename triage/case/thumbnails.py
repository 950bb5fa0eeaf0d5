"""Thumbnails and filmstrips, kept beside the case database rather than in its rows.

A case of millions of pictures holds gigabytes of thumbnails; keeping them
in their own SQLite file (keyed by content SHA-256) keeps the main
database small and fast to query, and the gallery reads them by key.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable

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
