"""Per-examiner roles on a shared case: the server says who wrote each audit row, readers
cannot tag, examiners cannot alter the audit log, and `verify` names who did."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from sqlalchemy import make_url, select

from triage.case.audit import verify_chain
from triage.case.models import AuditEntry, Media
from triage.case.roles import EXAMINER, READER, RoleError, add_examiner, members, \
    remove_examiner
from triage.case.store import (
    DATABASE_URL_ENV,
    MIGRATIONS,
    CaseError,
    connection_parameters,
    open_case,
)
from triage.cli import main
from triage.review.commands import History, TagMedia

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _no_url_in_environment(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


def _before_identity() -> str:
    """The revision migration *_audit_identity follows (the chain is relinked on merges)."""
    path = next((MIGRATIONS / "versions").glob("*_audit_identity.py"))
    return re.search(r"^down_revision = '(\d+)'", path.read_text(), re.M).group(1)


def _role_url(url: str, role: str, password: str) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(
        hide_password=False)


@pytest.fixture
def lab(tmp_path, postgres_url):
    """(owner's case folder, owner URL, examiner role, reader role), one media item."""
    store = open_case(tmp_path / "owner", create=True, examiner="owner",
                      database_url=postgres_url)
    with store.session() as session:
        session.add(Media(sha256="a" * 64, sha1="a" * 40, md5="a" * 32, size=1))
    suffix = uuid.uuid4().hex[:6]  # roles belong to the whole cluster, shared by the tests
    examiner, reader = f"alice_{suffix}", f"bob_{suffix}"
    add_examiner(store, examiner, "alice pw", EXAMINER)
    add_examiner(store, reader, "bob pw", READER)
    store.close()
    return tmp_path / "owner", postgres_url, examiner, reader


def _connect_as(url: str, role: str, password: str) -> psycopg.Connection:
    return psycopg.connect(**connection_parameters(make_url(url).set(username=role,
                                                                     password=password)))


def _open_as(tmp_path, monkeypatch, url: str, role: str, password: str, folder: str):
    monkeypatch.setenv(DATABASE_URL_ENV, _role_url(url, role, password))
    return open_case(tmp_path / folder, create=True)


def test_the_audit_records_the_servers_role_beside_a_forged_name(tmp_path, lab, monkeypatch,
                                                                capsys):
    _, url, examiner, _ = lab
    store = _open_as(tmp_path, monkeypatch, url, examiner, "alice pw", "alice")
    History(store, "Chief Inspector Forged").run(TagMedia([1], "vics-us", "1"))
    with store.reading() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.examiner, entry.account) == ("Chief Inspector Forged", examiner)
        assert verify_chain(session) is None
    store.close()
    assert main(["audit", str(tmp_path / "alice"), "--last", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and f"Chief Inspector Forged ({examiner})  tag.set  media:1" in out[0]
    assert main(["audit", str(tmp_path / "alice"), "--csv", "--action", "tag"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].endswith(",hash,account") and rows[1].endswith(f",{examiner}")


def test_the_server_overwrites_an_account_the_client_makes_up(tmp_path, lab):
    _, url, examiner, _ = lab
    with _connect_as(url, examiner, "alice pw") as connection:
        connection.execute(
            "INSERT INTO audit_log (id, at, examiner, action, target, prev_hash, hash, account)"
            " VALUES (999, now(), 'x', 'forged', '', '0', 'h', 'someone_else')")
        account = connection.execute("SELECT account FROM audit_log WHERE id = 999").fetchone()
    assert account == (examiner,)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET examiner = 'nobody'",
                                       "DELETE FROM audit_log", "TRUNCATE audit_log"])
def test_an_examiner_role_cannot_alter_the_audit_log(lab, statement):
    _, url, examiner, _ = lab
    with _connect_as(url, examiner, "alice pw") as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(statement)


def test_a_reader_reads_and_verifies_but_cannot_tag(tmp_path, lab, monkeypatch):
    _, url, _, reader = lab
    store = _open_as(tmp_path, monkeypatch, url, reader, "bob pw", "bob")
    with store.reading() as session:
        assert session.scalar(select(Media.id)) == 1
    with pytest.raises(CaseError, match=f"database role {reader} may not"):
        History(store, "bob").run(TagMedia([1], "vics-us", "1"))
    assert main(["verify", str(tmp_path / "bob")]) == 0  # a reader's verify is audited
    assert main(["export", str(tmp_path / "bob"), "--format", "md5", "--items", "media",
                 "--out", str(tmp_path / "out.md5")]) == 0
    with store.reading() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry)
                                                     .where(AuditEntry.account == reader))]
    assert actions == ["case.verify", "case.export"]
    monkeypatch.setenv(DATABASE_URL_ENV, _role_url(url, reader, "bob pw"))
    assert main(["tag", str(tmp_path / "bob"), "--md5", "a" * 32, "--scheme", "vics-us",
                 "--category", "1"]) == 2
    store.close()


def test_an_older_case_upgraded_by_an_examiner_role_says_to_ask_the_owner(
        tmp_path, lab, monkeypatch):
    _, url, examiner, _ = lab
    with psycopg.connect(**connection_parameters(make_url(url))) as connection:
        connection.execute("UPDATE alembic_version SET version_num = %s",
                           (_before_identity(),))
    with pytest.raises(CaseError, match="only its owner may do"):
        _open_as(tmp_path, monkeypatch, url, examiner, "alice pw", "alice")


def test_verify_names_the_role_that_altered_the_log(lab, monkeypatch, capsys):
    folder, url, _, _ = lab
    # The owner can alter the log; the server records that it did.
    with psycopg.connect(**connection_parameters(make_url(url))) as connection:
        connection.execute("UPDATE audit_log SET examiner = 'someone' WHERE id = 1")
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    assert main(["verify", str(folder)]) == 1
    assert main(["audit", str(folder), "--last", "1"]) == 1
    error = capsys.readouterr().err
    assert "audit log entry 1: content was changed" in error
    assert f"last altered by database role {make_url(url).username!r} (UPDATE of entry 1" \
        in error


def test_a_removed_examiner_can_no_longer_open_the_case(tmp_path, lab, monkeypatch):
    folder, url, examiner, reader = lab
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    store = open_case(folder)
    assert {(m.role, m.kind) for m in members(store)} == {(examiner, EXAMINER),
                                                          (reader, READER)}
    assert remove_examiner(store, examiner)
    assert not remove_examiner(store, examiner)
    store.close()
    with pytest.raises(CaseError, match="permission denied"):
        _open_as(tmp_path, monkeypatch, url, examiner, "alice pw", "alice")


def test_a_superuser_is_not_made_an_examiner(tmp_path, lab, monkeypatch):
    folder, url, _, _ = lab
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    store = open_case(folder)
    with pytest.raises(RoleError, match="superuser"):
        add_examiner(store, make_url(url).username, None)
    store.close()


def test_lab_commands_add_list_and_remove(tmp_path, lab, monkeypatch, capsys):
    folder, url, _, _ = lab
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    name = f"carol_{uuid.uuid4().hex[:6]}"
    answers = iter(["carol pw", "carol pw"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["lab", "add-examiner", str(folder), name, "--read-only"]) == 0
    assert main(["lab", "examiners", str(folder)]) == 0
    assert f"{name}\treader" in capsys.readouterr().out
    assert main(["lab", "remove-examiner", str(folder), name]) == 0
    assert main(["lab", "add-examiner", str(folder), "Bad Name!", "--no-password"]) == 2
    assert "role name" in capsys.readouterr().err



def test_an_upgraded_case_gets_the_servers_guards(tmp_path, postgres_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from triage.case.models import AuditAlteration

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, _before_identity())
    engine.dispose()
    store = open_case(tmp_path / "case", create=True, examiner="x", database_url=postgres_url)
    with store.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert entry.account == make_url(postgres_url).username
        session.execute(AuditEntry.__table__.delete())
    with store.reading() as session:
        assert [a.operation for a in session.scalars(select(AuditAlteration))] == ["DELETE"]
    store.close()


def test_an_owner_with_only_createrole_and_createdb_manages_examiners(tmp_path, postgres_server,
                                                                      monkeypatch):
    """A lab's owner role need not be a superuser."""
    suffix = uuid.uuid4().hex[:6]
    owner, examiner = f"owner_{suffix}", f"erin_{suffix}"
    with psycopg.connect(**connection_parameters(make_url(postgres_server.url()))) as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN CREATEDB CREATEROLE PASSWORD 'owner pw'")
    template = make_url(postgres_server.url("triage_{case}")).set(username=owner,
                                                                 password="owner pw")
    monkeypatch.setenv(DATABASE_URL_ENV, template.render_as_string(hide_password=False))
    store = open_case(tmp_path / "case", create=True, examiner="owner")
    with store.session() as session:
        session.add(Media(sha256="b" * 64, sha1="b" * 40, md5="b" * 32, size=1))
    add_examiner(store, examiner, "erin pw")
    database = store.engine.url.database
    store.close()
    url = make_url(postgres_server.url(database)).render_as_string(hide_password=False)
    mine = _open_as(tmp_path, monkeypatch, url, examiner, "erin pw", "erin")
    History(mine, "erin").run(TagMedia([1], "vics-us", "2"))
    with mine.reading() as session:
        assert session.scalars(select(AuditEntry.account)).all()[-1] == examiner
    mine.close()
    with _connect_as(url, examiner, "erin pw") as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM audit_log")
