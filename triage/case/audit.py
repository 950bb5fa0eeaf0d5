"""The hash-chained audit log: who changed what in the case, when, from what to what.

Each row stores the SHA-256 of the previous row's hash plus its own canonical
content, so editing, deleting or reordering any row breaks the chain from
that row on, and `verify_chain` says where.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from triage.case.clock import utcnow
from triage.case.models import AuditAlteration, AuditEntry

GENESIS = "0" * 64
CHANGES_CHANNEL = "triage_changes"  # triage.case.changes.CHANNEL


def _canonical(entry: AuditEntry) -> bytes:
    content = {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "examiner": entry.examiner,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    if entry.account is not None:  # rows from before it was recorded keep their hash
        content["account"] = entry.account
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(entry.prev_hash.encode() + _canonical(entry)).hexdigest()


def append_audit(
    session: Session,
    examiner: str,
    action: str,
    target: str = "",
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one row to the chain inside the caller's transaction.

    The caller's transaction holds the case's write lock from its start to
    its commit (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock; see
    triage.case.store), so no other writer can slip a row between reading
    the last hash and writing this one, and ids are committed in order.

    The row's `account` is who the database says is writing (see
    `session_account`); on PostgreSQL the server sets it again itself, so a
    client that lied about it would only break its own row's hash.
    """
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        at=at or utcnow(),
        examiner=examiner,
        action=action,
        target=target,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last.hash if last else GENESIS,
        account=session_account(session),
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit, once per transaction however many entries it adds;
        # other examiners' change feeds (triage.case.changes) wake on it.
        session.execute(text(f"SELECT pg_notify('{CHANGES_CHANNEL}', '')"))
    return entry


def session_account(session: Session) -> str:
    """Who the database says this session is: PostgreSQL's `session_user` (the role that
    logged in), else the operating-system user. Asked once per transaction."""
    account = session.info.get("triage_account")
    if account is None:
        if session.get_bind().dialect.name == "postgresql":
            account = session.execute(text("SELECT session_user")).scalar_one()
        else:
            account = os_user()
        session.info["triage_account"] = account
    return account


def os_user() -> str:
    """The operating-system user running this process ("unknown" when it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _jsonable(value: Any) -> Any:
    """What the row will hold after a JSON round trip, so the hash is computed on that."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit log entry {self.entry_id}: {self.reason}"


def verify_chain(session: Session) -> ChainBreak | None:
    """Walk the whole chain; return the first break, or None when it is intact.

    On PostgreSQL a break also says which database role last altered the
    log (the server records it, see triage.case.guards).
    """
    broken = _first_break(session)
    if broken is None or session.get_bind().dialect.name != "postgresql":
        return broken
    return ChainBreak(broken.entry_id, f"{broken.reason}; {last_alteration(session)}")


def _first_break(session: Session) -> ChainBreak | None:
    expected_prev, expected_id = GENESIS, 1
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if entry.id != expected_id:
            return ChainBreak(expected_id, f"missing (next entry found is {entry.id})")
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.id, "does not follow the previous entry (prev_hash differs)")
        if entry_hash(entry) != entry.hash:
            return ChainBreak(entry.id, "content was changed after it was written")
        expected_prev, expected_id = entry.hash, entry.id + 1
    return None


def last_alteration(session: Session) -> str:
    """Which role last updated, deleted or truncated the audit log, as a sentence."""
    last = session.scalars(select(AuditAlteration).order_by(AuditAlteration.id.desc())
                           .limit(1)).first()
    if last is None:
        return ("the server recorded no UPDATE, DELETE or TRUNCATE of the log: whoever "
                "altered it bypassed the triggers, which needs the database owner or a "
                "superuser")
    what = f"entry {last.entry_id}" if last.entry_id is not None else "the whole log"
    return (f"last altered by database role {last.account!r} ({last.operation} of {what} "
            f"at {last.at.isoformat(sep=' ', timespec='seconds')} UTC)")


# -- reading the log (the audit viewer, CSV) -----------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    examiner: str = ""  # exactly this examiner; "" for all
    action: str = ""  # actions starting with this ("tag" for tag.set, tag.undo, …)


def filtered_audit(f: AuditFilter):
    """The entries `f` selects, oldest first (a query to page or stream)."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if f.examiner:
        query = query.where(AuditEntry.examiner == f.examiner)
    if f.action:
        query = query.where(AuditEntry.action.startswith(f.action, autoescape=True))
    return query


def newest_audit(session: Session, f: AuditFilter, limit: int) -> tuple[list[tuple], int]:
    """The newest `limit` entries `f` selects as rows (`AUDIT_CSV_COLUMNS`), oldest first,
    and how many it selects."""
    selected = filtered_audit(f).order_by(None)
    total = session.scalar(select(func.count()).select_from(selected.subquery()))
    newest = session.scalars(selected.order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [_row(entry) for entry in reversed(newest)], total


def audit_choices(session: Session) -> tuple[list[str], list[str]]:
    """The examiners and the actions the log holds, for the viewer's filters."""
    examiners = session.scalars(select(AuditEntry.examiner).distinct()
                                .order_by(AuditEntry.examiner)).all()
    actions = session.scalars(select(AuditEntry.action).distinct()
                              .order_by(AuditEntry.action)).all()
    return list(examiners), list(actions)


AUDIT_CSV_COLUMNS = ("id", "at_utc", "examiner", "action", "target", "before", "after",
                     "prev_hash", "hash", "account")


def audit_csv_rows(session: Session, f: AuditFilter):
    """The selected entries as CSV rows (before and after as JSON), hashes included, so a
    reader can check the chain again from the file."""
    for entry in session.scalars(filtered_audit(f).execution_options(yield_per=2000)):
        yield _row(entry)


def _row(entry: AuditEntry) -> tuple:
    return (entry.id, entry.at.isoformat(timespec="microseconds"), entry.examiner,
            entry.action, entry.target, _json(entry.before), _json(entry.after),
            entry.prev_hash, entry.hash, entry.account or "")


def _json(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)
