"""Open or create a case: a folder with its database, migrated on open.

The embedded default is one SQLite file in the folder (WAL mode). A lab's
shared case lives in PostgreSQL: the folder then holds `case.toml`, which
names the database (never with a password), and every examiner's machine
opens the same database through its own copy of that folder. The rest of
the program talks to `CaseStore` and never to either database directly.

Both databases give the same guarantees: a write transaction holds the
case's one write lock from its first statement (SQLite `BEGIN IMMEDIATE`,
a PostgreSQL transaction-level advisory lock), so writers queue rather
than interleave (the audit chain stays one chain, read-check-write code
such as tagging cannot race), and readers see a snapshot without waiting.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, select, text
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from triage import __version__
from triage.case import guards  # noqa: F401 - the audit log's triggers, on create
from triage.case import portable  # noqa: F401 - PostgreSQL spellings, before any query
from triage.case import user_settings
from triage.case.audit import append_audit, os_user
from triage.case.clock import utcnow
from triage.case.models import Base, CaseInfo, CaseSetting
from triage.case.thumbnails import PostgresThumbnailStore, ThumbnailStore

DATABASE_NAME = "case.sqlite"
SETTINGS_NAME = "case.toml"
DATABASE_URL_ENV = "TRIAGE_DATABASE_URL"
CASE_PLACEHOLDER = "{case}"
MIGRATIONS = Path(__file__).with_name("migrations")
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for a missing grant
WRITE_LOCK = 0x7472696167650001  # the advisory lock id every PostgreSQL write transaction takes


class CaseError(Exception):
    """A case folder that cannot be opened or created, with the reason."""


def current_examiner(store: CaseStore | None = None) -> str:
    """Who is acting: `TRIAGE_EXAMINER`, else the name this operating-system user gave
    in `store` (the desktop application's Set examiner), else the operating-system user."""
    name = os.environ.get("TRIAGE_EXAMINER")
    if name:
        return name
    user = os_user()
    if store is not None:
        with store.reading() as session:
            recorded = session.get(CaseSetting, _examiner_key(user))
            if recorded is not None and recorded.value:
                return str(recorded.value)
    return user


def record_examiner(session: Session, name: str) -> None:
    """Keep `name` as this operating-system user's examiner name in the case, so that the
    command line signs as the desktop application does (one name per user: a shared case
    has several)."""
    user = os_user()
    setting = session.get(CaseSetting, _examiner_key(user))
    before = setting.value if setting is not None else None
    if before == name:
        return
    if setting is None:
        session.add(CaseSetting(key=_examiner_key(user), value=name))
    else:
        setting.value = name
    append_audit(session, name, "case.examiner", target=user, before=before, after=name)


def _examiner_key(user: str) -> str:
    return f"examiner:{user}"[:60]


def _sqlite_engine(path: Path, write: bool = True) -> Engine:
    """An engine whose transactions take the write lock up front (`write`) or only read.

    Readers never take the lock: in WAL mode they see the last commit while
    a writer (an ingest, another examiner) goes on.
    """
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE below
        # is what starts each transaction: two writers then queue on the lock
        # instead of failing half-way when a read turns into a write.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # 16 KB pages for a new database (an existing one keeps its own): a hash set's blocks
        # are large blobs, and at 4 KB a 10-million-entry import spent 1.2 s more writing and
        # checkpointing them.
        cursor.execute("PRAGMA page_size=16384")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(url: URL, write: bool = True) -> Engine:
    """The PostgreSQL counterpart of `_sqlite_engine`.

    A writer's first statement takes the case's advisory write lock, held
    until commit or rollback (what `BEGIN IMMEDIATE` does in SQLite); a
    reader's transaction is one REPEATABLE READ snapshot, as a WAL reader's.
    """
    engine = create_engine(
        url, pool_pre_ping=True, hide_parameters=True,
        isolation_level="READ COMMITTED" if write else "REPEATABLE READ",
        connect_args={"connect_timeout": 15, "application_name": "triage"})

    if write:
        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def schema_head() -> str:
    """The newest migration, from the file names (revisions are numbered 0001, 0002, … in order).

    Reading it this way lets an up-to-date case open without importing
    Alembic (a third of a second on every command); a test checks that
    Alembic agrees.
    """
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one write transaction.

    A new case is made straight from the models at the newest revision (a
    test checks that the migrations produce exactly the models); an older
    case is upgraded by Alembic, revision by revision. The write lock makes
    two examiners opening a new shared case at once take turns.
    """
    with engine.begin() as connection:
        tables = inspect(connection).get_table_names()
        if "alembic_version" in tables:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current == schema_head():
                return
        if not tables:
            Base.metadata.create_all(connection)
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                    "NOT NULL, CONSTRAINT alembic_version_pkc "
                                    "PRIMARY KEY (version_num))"))
            connection.execute(text("INSERT INTO alembic_version VALUES (:head)"),
                               {"head": schema_head()})
            return
        from alembic import command  # 0.7 s to import: only when a case needs upgrading
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass
class CaseStore:
    """An open case: its folder and session factories over its database."""

    folder: Path
    engine: Engine
    sessions: sessionmaker[Session]
    read_engine: Engine
    read_sessions: sessionmaker[Session]

    @cached_property
    def thumbnails(self) -> ThumbnailStore | PostgresThumbnailStore:
        if self.is_shared:
            return PostgresThumbnailStore(self.engine.url)
        return ThumbnailStore(self.folder)

    @property
    def is_shared(self) -> bool:
        """Whether the case lives in PostgreSQL (several examiners may have it open)."""
        return self.engine.dialect.name == "postgresql"

    @property
    def location(self) -> str:
        """Where the case's database is, for people: never with a password."""
        if not self.is_shared:
            return str(self.folder / DATABASE_NAME)
        return public_url(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on error.

        A change the database refuses to this login (a reader's role, an audit
        row an examiner's role may not alter) is a CaseError that says so.
        """
        try:
            with self.sessions.begin() as session:
                yield session
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            raise CaseError(f"database role {self.engine.url.username} may not do this in "
                            f"{self.location}: {server_reason(exc.orig)} (a read-only role "
                            "reads and exports; ask the case's owner for examiner access)"
                            ) from None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only snapshot that never waits for, nor holds up, a writer."""
        with self.read_sessions() as session:  # closing ends the transaction; nothing to commit
            yield session

    def info(self) -> CaseInfo:
        with self.reading() as session:
            return session.scalars(select(CaseInfo)).one()

    def close(self) -> None:
        if "thumbnails" in self.__dict__:
            self.thumbnails.close()
            if self.is_shared:
                self.thumbnails.dispose()
        self.engine.dispose()
        self.read_engine.dispose()


def is_case(folder: Path) -> bool:
    folder = Path(folder)
    return (folder / DATABASE_NAME).is_file() or (folder / SETTINGS_NAME).is_file()


def open_case(folder: Path | str, create: bool = False, examiner: str | None = None,
              database_url: str | None = None, credentials: Path | str | None = None,
              password: str | None = None) -> CaseStore:
    """Open the case in `folder`; with `create`, make it first if it is not there.

    A case made with `database_url` or `credentials` (a file, readable by its
    owner only, holding the URL), or while `TRIAGE_DATABASE_URL` is set,
    lives in that PostgreSQL database; `{case}` in its database name is
    replaced by a name made from the folder, and that database is created
    when missing. Giving a folder the URL of a database that already holds a
    case joins that case: it is how a second examiner opens a shared case.
    Otherwise the case is one SQLite file in the folder. `password` (typed at a
    prompt) replaces any other for a shared case's database, for this time only.
    """
    folder = Path(folder)
    url = None
    if not is_case(folder):
        if not create:
            raise CaseError(f"{folder}: not a Triage case (no {DATABASE_NAME} or "
                            f"{SETTINGS_NAME})")
        _make_folder(folder)
        if database_url or credentials or os.environ.get(DATABASE_URL_ENV):
            url = _write_settings(folder, database_url, credentials, password)
    if url is None and not (folder / SETTINGS_NAME).is_file():
        engine = _sqlite_engine(folder / DATABASE_NAME)
        _migrate(engine)
        read_engine = _sqlite_engine(folder / DATABASE_NAME, write=False)
    else:
        made = url is not None
        tried: list[str] = []
        if url is None or url.password is None:  # the password from where it is kept
            url = _resolve_url(folder, tried)
        if password is not None:
            url = url.set(password=password)
            tried = ["the password typed at the prompt"]
        engine = _postgres_engine(url)
        try:
            _migrate_reporting(engine, url, tried)
        except CaseError:
            if made:  # a folder that names a database it cannot open is no case
                (folder / SETTINGS_NAME).unlink()
            raise
        read_engine = _postgres_engine(url, write=False)
    store = CaseStore(folder, engine, sessionmaker(engine, expire_on_commit=False),
                      read_engine, sessionmaker(read_engine))
    _ensure_case_info(store, folder.name, examiner or current_examiner())
    return store


def _make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CaseError(f"{folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaseError(f"{folder}: cannot create case folder: {exc.strerror}") from exc


def _ensure_case_info(store: CaseStore, name: str, examiner: str) -> None:
    with store.session() as session:
        if session.scalar(select(CaseInfo.id)) is not None:
            return
        info = CaseInfo(
            name=name, created_at=utcnow(), created_by=examiner, triage_version=__version__
        )
        session.add(info)
        append_audit(
            session,
            examiner,
            "case.create",
            target=name,
            after={"name": name, "triage_version": __version__},
        )


# ---------------------------------------------------------------------------
# A shared case's database: where it is, and how to reach it without ever
# writing its password anywhere (settings, logs, audit rows, error messages).
# ---------------------------------------------------------------------------


def parse_database_url(text: str, where: str) -> URL:
    """A PostgreSQL URL, driven by psycopg 3; errors name `where`, never the password.

    The user and password are split off at the last '@' before the host, by
    hand (SQLAlchemy's parser fails on them, quoting a piece of the password),
    so a password holding '@', ':' or '/' written as it is still works; see
    `_password_part` for percent-encoding.
    """
    scheme, sep, rest = text.strip().partition("://")
    if not sep:
        raise CaseError(f"{where}: not a database URL (postgresql://USER@HOST:PORT/DATABASE)")
    userinfo, at, location = rest.rpartition("@")
    try:
        url = make_url(f"{scheme}://{location}")
    except (ArgumentError, ValueError):
        raise CaseError(f"{where}: not a database URL: {scheme}://"
                        f"{'USER:***@' if at else ''}{location} "
                        "(postgresql://USER:PASSWORD@HOST:PORT/DATABASE)") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise CaseError(f"{where}: a shared case needs a postgresql:// URL, "
                        f"not {url.get_backend_name()}")
    if not url.database:
        raise CaseError(f"{where}: the URL names no database")
    if at:
        user, has_password, password = userinfo.partition(":")
        url = url.set(username=unquote(user) or None,
                      password=_password_part(password) if has_password else None)
    return url.set(drivername="postgresql+psycopg")


def _password_part(text: str) -> str:
    """The password as written in a URL: percent-decoded (%40 is '@', %25 is '%') unless it
    holds a character an encoded password cannot (@ / : ? # or a space), which shows it
    was written as it is, '%' included."""
    return text if any(c in text for c in "@/:?# ") else unquote(text)


def public_url(url: URL) -> str:
    """The URL as people may see it: no password, and no driver name."""
    public = URL.create("postgresql", url.username, None, url.host, url.port, url.database,
                        url.query)
    return public.render_as_string(hide_password=False)


def _read_settings(folder: Path) -> dict:
    try:
        return tomllib.loads((folder / SETTINGS_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"{folder / SETTINGS_NAME}: cannot read case settings: {exc}") from None


def read_settings_url(folder: Path | str) -> str | None:
    """The database URL a shared case's `case.toml` names (no password), else None."""
    folder = Path(folder)
    if not (folder / SETTINGS_NAME).is_file():
        return None
    return _read_settings(folder).get("database", {}).get("url")


def read_credentials(path: Path | str) -> str:
    """The URL kept in a credentials file, refused unless only its owner can read it."""
    path = Path(path).expanduser()
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise CaseError(f"{path}: credentials must be a regular file")
        mode = stat.S_IMODE(status.st_mode)
        if mode & 0o077:
            raise CaseError(f"{path}: credentials file is readable by other users "
                            f"(mode {mode:03o}); run: chmod 600 {path}")
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CaseError(f"{path}: cannot read credentials: {exc.strerror}") from None


def case_database_name(folder: Path, template: str = CASE_PLACEHOLDER) -> str:
    """A new case's database name: `template` with `{case}` replaced by a name made from
    the folder (readable, and unique per folder). A bare `{case}` gets a `triage_` prefix;
    `triage_{case}` does not get a second one."""
    folder = folder.absolute()
    stem = re.sub(r"[^a-z0-9]+", "_", folder.name.lower()).strip("_")[:40] or "case"
    name = f"{stem}_{hashlib.sha1(str(folder).encode()).hexdigest()[:8]}"
    if template == CASE_PLACEHOLDER:
        return f"triage_{name}"
    return template.replace(CASE_PLACEHOLDER, name)


def _write_settings(folder: Path, database_url: str | None,
                    credentials: Path | str | None, password: str | None = None) -> URL:
    """Record where a new shared case's database is; the password stays where it came from.

    Returns the URL to open it with now (password included).
    """
    if credentials is not None:
        url = parse_database_url(read_credentials(credentials), str(credentials))
    else:
        url = parse_database_url(database_url or os.environ[DATABASE_URL_ENV],
                                 "database URL" if database_url else DATABASE_URL_ENV)
    if password is not None:
        url = url.set(password=password)
    if CASE_PLACEHOLDER in url.database:
        url = url.set(database=case_database_name(folder, url.database))
        _create_database(url)
    lines = ["# Triage case settings: this case's database is shared (PostgreSQL).",
             "# Nothing here is about one user or machine: the password comes from",
             f"# ${DATABASE_URL_ENV}, your credentials file (see `triage lab connect`), or",
             "# PostgreSQL's own ~/.pgpass.",
             "[database]", f"url = {json.dumps(public_url(url))}"]
    if credentials is not None:  # this user's, on this machine: in their own settings
        try:
            user_settings.remember(url, credentials=credentials)
        except (user_settings.UserSettingsError, OSError) as exc:
            raise CaseError(f"cannot record your credentials file: {exc}") from None
    (folder / SETTINGS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return url


def _create_database(url: URL) -> None:
    """Make the database of a new case (the role needs CREATEDB); nothing if it is there."""
    import psycopg  # 0.25 s to import: only for a PostgreSQL case
    from psycopg import sql

    try:
        with psycopg.connect(**connection_parameters(url.set(database="postgres")),
                             autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                        (url.database,)).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(
                    sql.Identifier(url.database)))
    except psycopg.Error as exc:
        raise CaseError(f"{public_url(url)}: cannot create the case database: "
                        f"{server_reason(exc)}") from None


def connection_parameters(url: URL) -> dict:
    """`url` as libpq keywords: no URL string to quote, so any character in a password
    is sent as it is."""
    parameters = {"host": url.host, "port": url.port, "dbname": url.database,
                  "user": url.username, "password": url.password, "connect_timeout": 15}
    parameters.update(url.query)
    return {k: v for k, v in parameters.items() if v is not None}


def _resolve_url(folder: Path, tried: list[str]) -> URL:
    """The case's URL with its credentials, from the first of: `TRIAGE_DATABASE_URL`; this
    user's own settings for the database (their role, their credentials file); a
    credentials file named in `case.toml` by an older Triage, when it is there; the
    settings' URL, with the password libpq finds in ~/.pgpass or PGPASSWORD. Whatever
    supplies it must name the case's database. `tried` gets each source looked at, so
    that a failure can say what was tried.
    """
    settings = _read_settings(folder).get("database", {})
    where = str(folder / SETTINGS_NAME)
    configured = parse_database_url(settings["url"], where) if settings.get("url") else None
    if os.environ.get(DATABASE_URL_ENV):
        url = parse_database_url(os.environ[DATABASE_URL_ENV], DATABASE_URL_ENV)
        if configured is not None and CASE_PLACEHOLDER in url.database:
            url = url.set(database=configured.database)
        tried.append(f"${DATABASE_URL_ENV}")
        return _same_database(url, configured, DATABASE_URL_ENV)
    if configured is None:
        raise CaseError(f"{where}: names no database (url)")
    try:
        mine = user_settings.entry_for(configured)
    except user_settings.UserSettingsError as exc:
        raise CaseError(str(exc)) from None
    if mine.get("credentials"):
        tried.append(f"your credentials file {mine['credentials']} "
                     f"(from {user_settings.settings_path()})")
        url = parse_database_url(read_credentials(mine["credentials"]), mine["credentials"])
        return _same_database(url, configured, mine["credentials"])
    legacy = settings.get("credentials")
    if legacy and Path(legacy).expanduser().is_file():
        tried.append(f"the credentials file {legacy} named in {SETTINGS_NAME}")
        url = parse_database_url(read_credentials(legacy), legacy)
        return _same_database(url, configured, legacy)
    if legacy:
        tried.append(f"the credentials file {legacy} named in {SETTINGS_NAME} (not on this "
                     "machine)")
    if mine.get("user"):
        configured = configured.set(username=mine["user"])
    tried.append(f"~/.pgpass or $PGPASSWORD for role {configured.username or os_user()}")
    return configured


def _same_database(url: URL, configured: URL | None, source: str) -> URL:
    if configured is not None and (url.host, url.port, url.database) != (
            configured.host, configured.port, configured.database):
        raise CaseError(f"{source} names database {public_url(url)}, but this case is "
                        f"{public_url(configured)}; nothing was opened")
    return url


def _migrate_reporting(engine: Engine, url: URL, tried: list[str]) -> None:
    """`_migrate`, with connection failures as a CaseError that names no password but
    says where the credentials were looked for."""
    try:
        _migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        looked = f" (tried: {'; '.join(tried)})" if tried else ""
        raise CaseError(f"{public_url(url)}: cannot open the case database: "
                        f"{server_reason(exc.orig)}{looked}") from None
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        engine.dispose()
        raise CaseError(f"{public_url(url)}: this case's database must be upgraded to schema "
                        f"{schema_head()} by this version of Triage, which only its owner "
                        "may do; ask the owner to open the case once "
                        f"({server_reason(exc.orig)})") from None


def server_reason(exc: BaseException | None) -> str:
    """The server's first line of complaint, with anything that looks like a secret removed."""
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "failed"
    return re.sub(r"(password\s*=\s*|://[^:/@\s]*:)[^@\s]+", r"\1***", text)
