"""The case store: creation, migrations matching the models, the hash-chained audit log."""

from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

import pytest

from triage.case.audit import append_audit, verify_chain
from triage.case.models import AuditEntry, Base, CaseInfo
from triage.case.store import CaseError, open_case


def test_new_case_is_created_with_wal_and_an_audit_entry(tmp_path):
    store = open_case(tmp_path / "case", create=True, examiner="examiner-a")
    with store.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA page_size")).scalar() == 16384
        assert session.query(CaseInfo).one().created_by == "examiner-a"
        entries = session.query(AuditEntry).all()
        assert [e.action for e in entries] == ["case.create"]
        assert verify_chain(session) is None


def test_opening_a_folder_that_is_not_a_case_is_a_clear_error(tmp_path):
    with pytest.raises(CaseError, match="not a Triage case"):
        open_case(tmp_path)


def _migrate_with_alembic(database, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from triage.case.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with create_engine(f"sqlite:///{database}").begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_migrations_produce_exactly_the_models(tmp_path):
    """Old cases are upgraded by the migrations; new ones are made from the models directly."""
    from triage.case.store import schema_head

    _migrate_with_alembic(tmp_path / "migrated.sqlite", "head")
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    store = open_case(tmp_path / "case", create=True)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == schema_head()
        assert compare_metadata(context, Base.metadata) == []


def test_an_older_case_is_upgraded_on_open(tmp_path):
    from triage.case.store import schema_head

    folder = tmp_path / "case"
    folder.mkdir()
    _migrate_with_alembic(folder / "case.sqlite", "0001")
    store = open_case(folder, create=True)
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == schema_head()


def test_hash_set_entries_are_packed_into_blocks_on_upgrade(tmp_path):
    """0008: every entry goes into blocks (same Merkle root); only matched ones stay unpacked."""
    from triage.hashsets import verify_hash_set
    from triage.hashsets.merkle import merkle_root_of

    folder = tmp_path / "case"
    folder.mkdir()
    _migrate_with_alembic(folder / "case.sqlite", "0007")
    rows = [(r, f"{r:032x}", f"{r:040x}", None, str(r % 3) if r % 2 else None,
             r * 10 if r % 5 else None, '{"MediaID":%d}' % r if r % 4 else None)
            for r in range(1, 25001)]
    root = merkle_root_of([row[1:] for row in rows])
    with create_engine(f"sqlite:///{folder / 'case.sqlite'}").begin() as db:
        db.execute(text(
            "INSERT INTO hash_set (id, name, kind, format, source_name, source_sha256, "
            "source_size, entry_count, rejected_count, imported_at, examiner, merkle_root) "
            "VALUES (1, 'old', 'ALERT', 'vics', 'old.json', '', 1, 25000, 0, "
            "'2026-01-01 00:00:00', 'a', :root)"), {"root": root})
        db.execute(text(
            "INSERT INTO hash_set_entry (hash_set_id, record, md5, sha1, sha256, category, "
            "size, extra) VALUES (1, :r, :md5, :sha1, :sha256, :category, :size, :extra)"),
            [dict(zip(("r", "md5", "sha1", "sha256", "category", "size", "extra"), row))
             for row in rows])
        db.execute(text(
            "INSERT INTO media (id, sha256, sha1, md5, size, detected_type, analysed, "
            "stack_representative) VALUES (7, :sha256, :sha1, :md5, 1, 'image/jpeg', 0, 0)"),
            {"sha256": "0" * 64, "sha1": f"{12345:040x}", "md5": f"{12345:032x}"})
        matched = db.execute(text("SELECT id FROM hash_set_entry WHERE record = 12345")).scalar()
        db.execute(text("INSERT INTO hash_set_match (media_id, hash_set_id, entry_id, digest) "
                        "VALUES (7, 1, :entry, 'sha1')"), {"entry": matched})
    store = open_case(folder)
    with store.session() as session:
        assert session.execute(text("SELECT count(*), sum(count) FROM hash_set_block")).one() \
            == (3, 25000)
        assert session.execute(text("SELECT id, record FROM hash_set_entry")).all() \
            == [(matched, 12345)]
    assert verify_hash_set(store, "old", examiner="a").intact


def test_reopening_keeps_the_case_and_adds_nothing(tmp_path):
    open_case(tmp_path / "case", create=True).close()
    store = open_case(tmp_path / "case")
    with store.session() as session:
        assert session.query(AuditEntry).count() == 1


def _chain_of_three(tmp_path):
    store = open_case(tmp_path / "case", create=True, examiner="a")
    with store.session() as session:
        append_audit(session, "a", "tag.add", "media:1", before=None, after={"category": "1"})
        append_audit(session, "b", "tag.change", "media:1", before={"category": "1"},
                     after={"category": "2"})
    return store


def test_audit_chain_detects_an_edited_row(tmp_path):
    store = _chain_of_three(tmp_path)
    with store.session() as session:
        session.execute(text("UPDATE audit_log SET examiner = 'mallory' WHERE id = 2"))
    with store.session() as session:
        broken = verify_chain(session)
    assert broken.entry_id == 2 and "changed" in broken.reason


def test_audit_chain_detects_a_deleted_row(tmp_path):
    store = _chain_of_three(tmp_path)
    with store.session() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with store.session() as session:
        broken = verify_chain(session)
    assert broken.entry_id == 2 and "missing" in broken.reason


def test_audit_chain_detects_a_rewritten_row_with_its_hash_recomputed(tmp_path):
    from triage.case.audit import entry_hash

    store = _chain_of_three(tmp_path)
    with store.session() as session:
        entry = session.get(AuditEntry, 2)
        entry.after = {"category": "3"}
        entry.hash = entry_hash(entry)  # a careful forger; the next row still points at the old hash
    with store.session() as session:
        broken = verify_chain(session)
    assert broken.entry_id == 3


def test_reading_does_not_wait_for_a_writer(tmp_path):
    store = open_case(tmp_path / "case", create=True)
    with store.session() as writer:
        append_audit(writer, "a", "test.write")
        with store.reading() as reader:  # would block for 60 s if readers took the lock
            assert reader.query(AuditEntry).count() == 1  # the last commit, not the open write
    with store.reading() as reader:
        assert reader.query(AuditEntry).count() == 2


def test_the_cheap_schema_head_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from triage.case.store import MIGRATIONS, schema_head

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == schema_head()


def test_media_are_ranked_in_the_order_found_on_upgrade(tmp_path):
    """0009: found_order numbers media by their first instance's evidence, partition, path."""
    folder = tmp_path / "case"
    folder.mkdir()
    _migrate_with_alembic(folder / "case.sqlite", "0008")
    with create_engine(f"sqlite:///{folder / 'case.sqlite'}").begin() as db:
        db.execute(text(
            "INSERT INTO evidence (id, name, format, paths, added_at, added_by, walk_status, "
            "hash_status) VALUES (1, 'e', 'folder', '[]', '2026-01-01 00:00:00', 'a', "
            "'DONE', 'DONE')"))
        for media_id, path in ((1, "/z.jpg"), (2, "/a.jpg"), (3, "/m.jpg")):
            db.execute(text(
                "INSERT INTO media (id, sha256, sha1, md5, size, analysed, "
                "stack_representative) VALUES (:id, :sha, '', '', 1, 0, 0)"),
                {"id": media_id, "sha": f"{media_id:064x}"})
            db.execute(text(
                "INSERT INTO file (evidence_id, path, name, kind, deleted, "
                "extension_mismatch, media_id, status) VALUES (1, :path, :path, 'FILE', 0, 0, "
                ":id, 'DONE')"), {"path": path, "id": media_id})
    store = open_case(folder)
    with store.reading() as session:
        assert session.execute(text("SELECT id, found_order FROM media ORDER BY id")).all() \
            == [(1, 3), (2, 1), (3, 2)]
    store.close()


def test_the_audit_records_the_account_beside_the_name_given(tmp_path):
    """The operating-system user on SQLite; the database role in a shared case."""
    import getpass

    store = open_case(tmp_path / "case", create=True, examiner="typed name")
    with store.reading() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert verify_chain(session) is None
    account = store.engine.url.username if store.is_shared else getpass.getuser()
    assert (entry.examiner, entry.account) == ("typed name", account)
    store.close()


@contextmanager
def _older_case(tmp_path, revision: str):
    """A case folder made at `revision` with one evidence row; the block adds its own rows
    through the connection, then opens the case (which upgrades it)."""
    folder = tmp_path / "case"
    folder.mkdir()
    database = folder / "case.sqlite"
    _migrate_with_alembic(database, revision)
    with create_engine(f"sqlite:///{database}").begin() as connection:
        connection.execute(text(
            "INSERT INTO evidence (id, name, format, paths, hash_status, walk_status, added_at,"
            " added_by) VALUES (1, 'disk', 'raw', '[]', 'DONE', 'DONE', '2026-01-01', 'x')"))
        yield folder, connection


def test_what_carving_found_in_an_area_moves_from_error_to_note_on_upgrade(tmp_path):
    """0020: an area's "carved N items ..." was kept as its error; only a failure stays one."""
    with _older_case(tmp_path, "0018") as (folder, connection):
        for number, (status, error) in enumerate((("DONE", "carved 4 items (0 partial)"),
                                                  ("ERROR", "read failed at byte 0"))):
            connection.execute(text(
                "INSERT INTO file (id, evidence_id, path, name, kind, deleted, status, error,"
                " extension_mismatch, encrypted, carve_area) VALUES (:id, 1, '/$Unallocated',"
                " '$Unallocated', 'VIRTUAL', 0, :status, :error, 0, 0, '{}')"),
                {"id": number + 1, "status": status, "error": error})
    store = open_case(folder)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT error, note FROM file ORDER BY id")).all()
    assert rows == [(None, "carved 4 items (0 partial)"), ("read failed at byte 0", None)]


def test_unlocked_volumes_are_told_by_a_column_after_upgrade(tmp_path):
    """0023: the credential's kind moves from the description's mark into unlocked_with."""
    with _older_case(tmp_path, "0022") as (folder, connection):
        for number, description in enumerate((
                "whole image › LUKS2 (unlocked with a password)",
                "GPT › BitLocker (unlocked with a recovery key)", "MBR › NTFS")):
            connection.execute(text(
                "INSERT INTO partition (id, evidence_id, \"index\", description) "
                "VALUES (:id, 1, :id, :description)"),
                {"id": number + 1, "description": description})
    store = open_case(folder)
    with store.engine.connect() as connection:
        found = connection.execute(text("SELECT unlocked_with FROM partition ORDER BY id")).all()
    assert [row[0] for row in found] == ["password", "recovery key", None]
