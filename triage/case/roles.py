"""Per-examiner PostgreSQL roles for a shared case, with the grants the server enforces.

Each case database has two group roles (NOLOGIN), and each examiner logs in
with a role of their own that is a member of one of them:

- examiners read and write the case, but the audit log only takes INSERT:
  no UPDATE, DELETE or TRUNCATE, so only the owner can rewrite it;
- readers (case officers, reviewers) only read, and add audit rows (their
  exports and verifications are audited too), so they cannot tag.

The owner (the role that made the case; it needs CREATEROLE) runs these.
Every name goes through `psycopg.sql.Identifier`; a password is sent only as
the SCRAM verifier libpq computes on this machine, never as plain text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy import URL

from triage.case.store import (
    CaseError,
    CaseStore,
    connection_parameters,
    public_url,
    server_reason,
)

EXAMINER, READER = "examiner", "reader"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")
# What every table takes; the audit log and the schema version are narrower (below).
_APPEND_ONLY = ("audit_log",)
_READ_ONLY = ("audit_alteration", "alembic_version")
_PICTURES = ("CREATE TABLE IF NOT EXISTS picture (sha256 VARCHAR(64) NOT NULL, "
             "kind VARCHAR(16) NOT NULL, jpeg BYTEA NOT NULL, PRIMARY KEY (sha256, kind))")


class RoleError(CaseError):
    """A role that cannot be added or removed as asked."""


@dataclass(frozen=True)
class Member:
    role: str
    kind: str  # EXAMINER or READER
    can_login: bool


def group_role(database: str, kind: str) -> str:
    """The group role of `kind` for one case database (≤ 63 characters, unique per database)."""
    return f"triage_{kind}_{hashlib.sha1(database.encode()).hexdigest()[:12]}"


def _connect(store: CaseStore) -> psycopg.Connection:
    if not store.is_shared:
        raise RoleError("examiner roles are for a shared case (PostgreSQL); a case in "
                        "SQLite records the operating-system user in its audit log")
    url: URL = store.engine.url
    try:
        return psycopg.connect(**connection_parameters(url))
    except psycopg.Error as exc:
        raise RoleError(f"{public_url(url)}: cannot connect: {server_reason(exc)}") from None


def grant_case(connection: psycopg.Connection, database: str) -> None:
    """Create the case's group roles if needed and (re)apply their grants, also to the
    tables future migrations make. Run by the owner; idempotent."""
    owner = connection.execute("SELECT session_user").fetchone()[0]
    connection.execute(_PICTURES)  # examiners cannot create tables: the owner makes it now
    examiners, readers = group_role(database, EXAMINER), group_role(database, READER)
    for role, kind in ((examiners, EXAMINER), (readers, READER)):
        if not connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  (role,)).fetchone():
            connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        connection.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(
            sql.Identifier(role), sql.Literal(f"Triage {kind}s of database {database}")))
    both = sql.SQL(", ").join([sql.Identifier(examiners), sql.Identifier(readers)])
    ex = sql.Identifier(examiners)
    statements = [
        # Only the owner and the case's own roles may connect to it.
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(database), both),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(both),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(both),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ex),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ex),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON "
                "TABLES TO {}").format(sql.Identifier(owner), both),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT INSERT, UPDATE, "
                "DELETE ON TABLES TO {}").format(sql.Identifier(owner), ex),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT "
                "ON SEQUENCES TO {}").format(sql.Identifier(owner), ex),
    ]
    for table in _APPEND_ONLY:
        statements += [
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), both),
            sql.SQL("GRANT INSERT ON {} TO {}").format(sql.Identifier(table), both),
        ]
    for table in _READ_ONLY:
        statements.append(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}")
                          .format(sql.Identifier(table), both))
    for statement in statements:
        connection.execute(statement)


def add_examiner(store: CaseStore, name: str, password: str | None,
                 kind: str = EXAMINER) -> bool:
    """Give `name` access to the case as an examiner or a reader; returns whether the
    login role was made now (an existing role keeps its password unless one is given)."""
    if not ROLE_NAME.match(name):
        raise RoleError(f"{name!r}: a role name is 1 to 63 lower-case letters, digits, "
                        "'_', '.' or '-', starting with a letter or '_'")
    database = store.engine.url.database
    other = READER if kind == EXAMINER else EXAMINER
    with _connect(store) as connection:
        try:
            with connection.transaction():
                grant_case(connection, database)
                made = _ensure_login(connection, name, password)
                connection.execute(sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(group_role(database, other)), sql.Identifier(name)))
                connection.execute(sql.SQL("GRANT {} TO {}").format(
                    sql.Identifier(group_role(database, kind)), sql.Identifier(name)))
        except psycopg.Error as exc:
            raise RoleError(f"cannot add {name} to {public_url(store.engine.url)}: "
                            f"{server_reason(exc)} (the case's owner role needs CREATEROLE)"
                            ) from None
    return made


def _ensure_login(connection: psycopg.Connection, name: str, password: str | None) -> bool:
    row = connection.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s",
                             (name,)).fetchone()
    if row is not None and (row[0] or row[1]):
        raise RoleError(f"{name} is a superuser or may create roles: an examiner's role must "
                        "hold no more than the grants of this case")
    statement = "ALTER ROLE {} LOGIN" if row is not None else "CREATE ROLE {} LOGIN"
    query = sql.SQL(statement).format(sql.Identifier(name))
    if password:
        verifier = connection.pgconn.encrypt_password(password.encode(), name.encode(),
                                                      b"scram-sha-256").decode()
        query = sql.SQL("{} PASSWORD {}").format(query, sql.Literal(verifier))
    connection.execute(query)
    return row is None


def remove_examiner(store: CaseStore, name: str) -> bool:
    """Take `name` out of the case's roles and end its open connections to the case; returns
    whether it was a member. The login role itself stays (other cases, the audit log)."""
    database = store.engine.url.database
    with _connect(store) as connection:
        try:
            with connection.transaction():
                was = False
                for kind in (EXAMINER, READER):
                    group = group_role(database, kind)
                    if connection.execute(
                            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                            "JOIN pg_roles r ON r.oid = m.member "
                            "WHERE g.rolname = %s AND r.rolname = %s", (group, name)).fetchone():
                        was = True
                        connection.execute(sql.SQL("REVOKE {} FROM {}").format(
                            sql.Identifier(group), sql.Identifier(name)))
        except psycopg.Error as exc:
            raise RoleError(f"cannot remove {name} from {public_url(store.engine.url)}: "
                            f"{server_reason(exc)}") from None
        try:  # its open sessions end now, not when it next disconnects
            with connection.transaction():
                connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE usename = %s AND datname = %s", (name, database))
        except psycopg.Error:
            pass  # not allowed to signal them (no pg_signal_backend): they end on disconnect
    return was


def members(store: CaseStore) -> list[Member]:
    """The roles that may open the case, by kind."""
    database = store.engine.url.database
    found = []
    with _connect(store) as connection:
        for kind in (EXAMINER, READER):
            for role, login in connection.execute(
                    "SELECT r.rolname, r.rolcanlogin FROM pg_auth_members m "
                    "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
                    "WHERE g.rolname = %s ORDER BY r.rolname", (group_role(database, kind),)):
                found.append(Member(role, kind, login))
    return found
