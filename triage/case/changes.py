"""What changed in a case since a session last looked: how one examiner sees another's tags.

Every change to a case is an audit entry, and entry ids are given out under
the case's write lock, which is held until commit; so ids appear in commit
order and reading the log forward from the last id seen misses nothing and
shows nothing twice. A GUI keeps one `ChangeFeed` and calls `wait` (or
`poll`) from a worker thread, then refreshes the media the changes name.

On PostgreSQL every write transaction that appends to the log sends a
NOTIFY on `CHANNEL` at commit, so `wait` returns within moments of another
examiner's commit without polling the database; on SQLite (one machine)
`wait` polls the log a few times a second.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from triage.case.audit import CHANGES_CHANNEL
from triage.case.models import AuditEntry

CHANNEL = CHANGES_CHANNEL
SQLITE_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Change:
    """One committed change: the audit entry's id, when, who, what and to what."""

    id: int
    at: datetime
    examiner: str
    action: str
    target: str

    @property
    def media_id(self) -> int | None:
        """The media item changed, for tag changes ("media:ID" targets)."""
        kind, _, value = self.target.partition(":")
        return int(value) if kind == "media" and value.isdigit() else None


def latest_change(store) -> int:
    """The id of the newest change committed so far (0 for none)."""
    with store.reading() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def changes_since(store, last_id: int, limit: int = 10_000) -> list[Change]:
    """Changes committed after change `last_id`, oldest first (at most `limit`)."""
    with store.reading() as session:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.at, AuditEntry.examiner, AuditEntry.action,
                   AuditEntry.target)
            .where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(limit)).all()
    return [Change(*row) for row in rows]


class ChangeFeed:
    """A session's view of the case's changes, from `since` (default: now) on.

    Not shared between threads: give each thread that watches its own feed.
    `poll` and `wait` raise SQLAlchemy's OperationalError while the database
    cannot be reached; calling again later carries on from the last change seen.
    """

    def __init__(self, store, since: int | None = None):
        self.store = store
        self.last_id = latest_change(store) if since is None else since
        self._listener = None

    def poll(self) -> list[Change]:
        """Changes committed since the last call; returns at once."""
        changes = changes_since(self.store, self.last_id)
        if changes:
            self.last_id = changes[-1].id
        return changes

    def wait(self, timeout: float = 5.0) -> list[Change]:
        """Changes since the last call, waiting up to `timeout` seconds for the first."""
        deadline = time.monotonic() + timeout
        if self.store.is_shared and self._listener is None:
            self._listen_or_poll()  # before looking, so a commit in between is not slept through
        changes = self.poll()
        while not changes and (left := deadline - time.monotonic()) > 0:
            if self.store.is_shared:
                self._sleep_until_notified(left)
            else:
                time.sleep(min(SQLITE_POLL_SECONDS, left))
            changes = self.poll()
        return changes

    def _sleep_until_notified(self, seconds: float) -> None:
        """Wait for a NOTIFY; a dropped listening connection is made again on the next call
        (after a pause, so a server that is down is not hammered) and nothing is missed:
        the log is read whatever woke us."""
        import psycopg  # 0.25 s to import: only for a PostgreSQL case

        try:
            self._listen()
            for _ in self._listener.notifies(timeout=seconds, stop_after=1):
                pass
        except psycopg.Error:
            self.close()
            time.sleep(min(1.0, seconds))

    def _listen_or_poll(self) -> None:
        import psycopg  # 0.25 s to import: only for a PostgreSQL case

        try:
            self._listen()
        except psycopg.Error:
            self.close()  # polling still sees every change; listening is tried again later

    def _listen(self) -> None:
        if self._listener is not None and not self._listener.closed:
            return
        import psycopg  # 0.25 s to import: only for a PostgreSQL case

        url = self.store.engine.url.set(drivername="postgresql")
        self._listener = psycopg.connect(url.render_as_string(hide_password=False),
                                         autocommit=True, connect_timeout=15,
                                         application_name="triage changes")
        self._listener.execute(f"LISTEN {CHANNEL}")

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
