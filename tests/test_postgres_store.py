"""A case in PostgreSQL: creation, migrations, credentials that never leak, thumbnails."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from triage.case.audit import append_audit, verify_chain
from triage.case.models import AuditEntry, Base, CaseInfo, Media
from triage.case.store import (
    DATABASE_URL_ENV,
    MIGRATIONS,
    SETTINGS_NAME,
    CaseError,
    open_case,
    schema_head,
)
from triage.case.thumbnails import THUMBNAIL

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _no_url_in_environment(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


def _password(url: str) -> str:
    return url.split("//", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_a_case_made_with_a_url_lives_in_postgresql_and_its_folder_names_it(
        tmp_path, postgres_url):
    store = open_case(tmp_path / "case", create=True, examiner="a", database_url=postgres_url)
    try:
        assert store.is_shared and store.engine.dialect.name == "postgresql"
        assert not (tmp_path / "case" / "case.sqlite").exists()
        settings = (tmp_path / "case" / SETTINGS_NAME).read_text()
        assert postgres_url.rsplit("/", 1)[1] in settings
        assert _password(postgres_url) not in settings
        assert _password(postgres_url) not in store.location
        with store.session() as session:
            assert session.query(CaseInfo).one().created_by == "a"
            assert [e.action for e in session.query(AuditEntry)] == ["case.create"]
            assert verify_chain(session) is None
    finally:
        store.close()


def _migrate_with_alembic(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_migrations_produce_exactly_the_models_on_postgresql(postgres_server, tmp_path):
    migrated = postgres_server.database()
    _migrate_with_alembic(migrated, "head")
    engine = create_engine(migrated.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()
    store = open_case(tmp_path / "case", create=True, database_url=postgres_server.database())
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == schema_head()
        assert compare_metadata(context, Base.metadata) == []
    store.close()


def test_an_older_case_is_upgraded_on_open_on_postgresql(tmp_path, postgres_url):
    _migrate_with_alembic(postgres_url, "0001")
    store = open_case(tmp_path / "case", create=True, database_url=postgres_url)
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == schema_head()
    store.close()


def test_a_second_examiner_joins_the_case_from_another_folder(tmp_path, postgres_url,
                                                             monkeypatch):
    first = open_case(tmp_path / "a", create=True, examiner="a", database_url=postgres_url)
    second = open_case(tmp_path / "b", create=True, examiner="b", database_url=postgres_url)
    with first.session() as session:
        append_audit(session, "a", "test.write")
    with second.reading() as session:
        assert [e.action for e in session.query(AuditEntry)] == ["case.create", "test.write"]
        assert session.query(CaseInfo).one().created_by == "a"
    first.close()
    second.close()
    pgpass = tmp_path / "pgpass"  # PostgreSQL's own password file (libpq wants mode 600)
    pgpass.write_text("*:*:*:*:" + _password(postgres_url) + "\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    reopened = open_case(tmp_path / "b", examiner="b")  # the folder names the database
    assert reopened.info().created_by == "a"
    reopened.close()


def test_the_password_comes_from_a_private_credentials_file(tmp_path, postgres_url):
    secret = tmp_path / "case.url"
    secret.write_text(postgres_url + "\n")
    secret.chmod(0o644)
    with pytest.raises(CaseError, match="chmod 600"):
        open_case(tmp_path / "case", create=True, credentials=secret)
    secret.chmod(0o600)
    (tmp_path / "case").rmdir()
    open_case(tmp_path / "case", create=True, credentials=secret).close()
    assert _password(postgres_url) not in (tmp_path / "case" / SETTINGS_NAME).read_text()
    store = open_case(tmp_path / "case")
    assert store.info().name == "case"
    store.close()


def test_the_password_comes_from_the_environment(tmp_path, postgres_url, monkeypatch):
    open_case(tmp_path / "case", create=True, database_url=postgres_url).close()
    with pytest.raises(CaseError) as refused:  # the folder alone has no password
        open_case(tmp_path / "case")
    assert "password" in str(refused.value).lower()
    assert _password(postgres_url) not in str(refused.value)
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_url)
    open_case(tmp_path / "case").close()


def test_a_wrong_password_is_a_clear_error_that_shows_no_password(tmp_path, postgres_url,
                                                                  monkeypatch):
    wrong = postgres_url.replace(_password(postgres_url), "not-the-password-xyz")
    with pytest.raises(CaseError) as refused:
        open_case(tmp_path / "case", create=True, database_url=wrong)
    assert "not-the-password-xyz" not in str(refused.value)
    assert "password authentication failed" in str(refused.value)
    assert not (tmp_path / "case" / SETTINGS_NAME).exists()  # not left half made


def test_credentials_for_another_database_are_refused(tmp_path, postgres_server, monkeypatch):
    open_case(tmp_path / "case", create=True, database_url=postgres_server.database()).close()
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_server.database())
    with pytest.raises(CaseError, match="but this case is"):
        open_case(tmp_path / "case")


def test_the_environment_can_make_a_database_per_case(tmp_path, postgres_server, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_server.url("{case}"))
    a = open_case(tmp_path / "one", create=True)
    b = open_case(tmp_path / "two", create=True)
    assert a.engine.url.database != b.engine.url.database
    assert a.info().name == "one" and b.info().name == "two"
    a.close()
    b.close()


def test_thumbnails_are_shared_through_the_database(tmp_path, postgres_url):
    first = open_case(tmp_path / "a", create=True, database_url=postgres_url)
    second = open_case(tmp_path / "b", create=True, database_url=postgres_url)
    first.thumbnails.put_many([("ab" * 32, THUMBNAIL, b"\xff\xd8jpeg")])
    first.thumbnails.put_many([("ab" * 32, THUMBNAIL, b"\xff\xd8jpeg")])  # again: replaced
    assert second.thumbnails.get("ab" * 32, THUMBNAIL) == b"\xff\xd8jpeg"
    assert second.thumbnails.get("cd" * 32, THUMBNAIL) is None
    first.close()
    second.close()


def test_reading_does_not_wait_for_a_writer_on_postgresql(tmp_path, postgres_url):
    store = open_case(tmp_path / "case", create=True, database_url=postgres_url)
    with store.session() as writer:
        append_audit(writer, "a", "test.write")
        with store.reading() as reader:
            assert reader.query(AuditEntry).count() == 1
    with store.reading() as reader:
        assert reader.query(AuditEntry).count() == 2
    store.close()


def test_ingest_makes_a_shared_case_and_refuses_a_password_on_the_command_line(
        tmp_path, postgres_url, capsys):
    from triage.cli import main

    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "a.txt").write_text("a\n")
    assert main(["ingest", str(tmp_path / "case"), str(folder), "--database", postgres_url]) == 2
    err = capsys.readouterr().err
    assert "visible to every user" in err and _password(postgres_url) not in err
    secret = tmp_path / "case.url"
    secret.write_text(postgres_url)
    secret.chmod(0o600)
    assert main(["ingest", str(tmp_path / "case"), str(folder), "--credentials",
                 str(secret)]) == 0
    store = open_case(tmp_path / "case")
    assert store.is_shared and store.info().name == "case"
    store.close()


def test_a_case_made_from_a_url_without_password_takes_it_from_the_environment(
        tmp_path, postgres_url, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_url)
    public = postgres_url.replace(":" + _password(postgres_url) + "@", "@")
    store = open_case(tmp_path / "case", create=True, database_url=public)
    assert store.is_shared and store.info().name == "case"
    store.close()


def test_the_password_is_in_no_log_audit_row_export_or_case_file(tmp_path, postgres_server,
                                                                 monkeypatch, caplog):
    """A whole session of a shared case: make, ingest, tag, export (every format but PDF)."""
    import logging

    from PIL import Image

    from triage.review.commands import History, TagMedia
    from triage.export import FORMATS, ExportOptions, export_case
    from triage.pipeline.ingest import Ingest, IngestOptions

    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_server.url("{case}"))
    secret = _password(postgres_server.url())
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for i in range(3):
        Image.new("RGB", (20 + i, 20), (80 * i, 10, 10)).save(evidence / f"p{i}.jpg")
    store = open_case(tmp_path / "case", create=True, examiner="a")
    ingest = Ingest(store, "a", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    with store.reading() as session:
        media = [m.id for m in session.query(Media)]
    History(store, "a").run(TagMedia(media, "vics-us", 1))
    out = tmp_path / "exports"
    out.mkdir()
    for fmt in FORMATS:
        if fmt != "pdf":
            export_case(store, fmt, out / fmt, ExportOptions(), examiner="a")
    with store.reading() as session:
        audit = [(e.target, e.before, e.after) for e in session.query(AuditEntry)]
    store.close()
    assert "SELECT" in caplog.text and len(list(out.iterdir())) >= 2 * (len(FORMATS) - 1)
    assert secret not in repr(audit) and secret not in caplog.text and secret not in repr(store)
    for path in [*tmp_path.rglob("*")]:
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_a_partition_named_at_length_by_the_suspect_is_kept(tmp_path, postgres_url):
    """An APFS volume's name (up to 255 bytes) is part of its partition's description, and
    the unlocked mark comes after it: over 200 characters, PostgreSQL refused the walk."""
    from triage.case.models import Evidence, Partition
    from triage.case.clock import utcnow

    store = open_case(tmp_path / "case", create=True, database_url=postgres_url)
    description = ("GPT › APFS › APFS volume '" + "holiday pictures " * 15 + "' › encrypted "
                   "(unlocked with a password)")
    assert len(description) > 255
    with store.session() as session:
        evidence = Evidence(name="mac.img", format="raw", paths=["/x"], added_at=utcnow(),
                            added_by="t")
        session.add(evidence)
        session.flush()
        session.add(Partition(evidence_id=evidence.id, index=0, description=description))
    with store.reading() as session:
        assert session.query(Partition).one().description == description
    store.close()
