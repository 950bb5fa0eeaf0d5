"""Open or create a case: one folder, one SQLite database in WAL mode, migrated on open.

The database URL is the only thing that changes for a lab-scale case; the
rest of the program talks to `CaseStore` and never to SQLite directly.
"""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from triage import __version__
from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.models import Base, CaseInfo
from triage.case.thumbnails import ThumbnailStore

DATABASE_NAME = "case.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")


class CaseError(Exception):
    """A case folder that cannot be opened or created, with the reason."""


def current_examiner() -> str:
    """Who is acting: `TRIAGE_EXAMINER`, else the operating-system user."""
    name = os.environ.get("TRIAGE_EXAMINER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def schema_head() -> str:
    """The newest migration, from the file names (revisions are numbered 0001, 0002, … in order).

    Reading it this way lets an up-to-date case open without importing
    Alembic (a third of a second on every command); a test checks that
    Alembic agrees.
    """
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision.

    A new case is made straight from the models at the newest revision (a
    test checks that the migrations produce exactly the models); an older
    case is upgraded by Alembic, revision by revision.
    """
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        if "alembic_version" in tables:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current == schema_head():
                return
    if not tables:
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                    "NOT NULL, CONSTRAINT alembic_version_pkc "
                                    "PRIMARY KEY (version_num))"))
            connection.execute(text("INSERT INTO alembic_version VALUES (:head)"),
                               {"head": schema_head()})
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
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
    def thumbnails(self) -> ThumbnailStore:
        return ThumbnailStore(self.folder)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

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
        self.engine.dispose()
        self.read_engine.dispose()


def is_case(folder: Path) -> bool:
    return (Path(folder) / DATABASE_NAME).is_file()


def open_case(folder: Path | str, create: bool = False, examiner: str | None = None) -> CaseStore:
    """Open the case in `folder`; with `create`, make it first if it is not there."""
    folder = Path(folder)
    if not is_case(folder):
        if not create:
            raise CaseError(f"{folder}: not a Triage case (no {DATABASE_NAME})")
        if folder.exists() and not folder.is_dir():
            raise CaseError(f"{folder}: exists and is not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaseError(f"{folder}: cannot create case folder: {exc.strerror}") from exc
    engine = _sqlite_engine(folder / DATABASE_NAME)
    _migrate(engine)
    read_engine = _sqlite_engine(folder / DATABASE_NAME, write=False)
    store = CaseStore(folder, engine, sessionmaker(engine, expire_on_commit=False),
                      read_engine, sessionmaker(read_engine))
    _ensure_case_info(store, folder.name, examiner or current_examiner())
    return store


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
