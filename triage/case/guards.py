"""What the PostgreSQL server itself enforces on a shared case's audit log.

The client's word is not enough for a court: any examiner can type any
name. So on PostgreSQL a trigger stamps every audit row with the
connection's `session_user` (the role that logged in), whatever the client
sent, and another trigger records every UPDATE, DELETE or TRUNCATE of the
log in `audit_alteration` with the role that did it. Examiner roles are
not granted UPDATE or DELETE on the log at all (triage.case.roles); only the
owner can alter it, and then `verify` can say so.

A new case gets these from `Base.metadata`'s create event; an older case
from migration 0014, which keeps its own copy of the same statements.
"""

from __future__ import annotations

from sqlalchemy import event

from triage.case.models import Base

TRIGGERS = (
    """CREATE OR REPLACE FUNCTION triage_audit_account() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
           NEW.account := session_user;
           RETURN NEW;
       END $$""",
    """CREATE OR REPLACE FUNCTION triage_audit_altered() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       BEGIN
           INSERT INTO audit_alteration (at, account, operation, entry_id)
           VALUES (clock_timestamp() AT TIME ZONE 'UTC', session_user, TG_OP,
                   CASE WHEN TG_OP = 'TRUNCATE' THEN NULL ELSE OLD.id END);
           RETURN NULL;
       END $$""",
    "DROP TRIGGER IF EXISTS audit_log_account ON audit_log",
    """CREATE TRIGGER audit_log_account BEFORE INSERT ON audit_log
       FOR EACH ROW EXECUTE FUNCTION triage_audit_account()""",
    "DROP TRIGGER IF EXISTS audit_log_altered ON audit_log",
    """CREATE TRIGGER audit_log_altered AFTER UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION triage_audit_altered()""",
    "DROP TRIGGER IF EXISTS audit_log_truncated ON audit_log",
    """CREATE TRIGGER audit_log_truncated AFTER TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION triage_audit_altered()""",
)


def install_triggers(connection) -> None:
    """Create (or replace) the audit log's triggers; nothing on SQLite."""
    if connection.dialect.name != "postgresql":
        return
    for statement in TRIGGERS:
        connection.exec_driver_sql(statement)


@event.listens_for(Base.metadata, "after_create")
def _after_create(_metadata, connection, **_kw) -> None:
    install_triggers(connection)
