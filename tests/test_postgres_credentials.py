"""Credentials for a shared case: any character in a password, a prompt, nothing about one
user or machine in the shared case folder, and errors that never show a password."""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import make_url, text

from triage.case.roles import add_examiner
from triage.case.store import DATABASE_URL_ENV, SETTINGS_NAME, CaseError, open_case, \
    parse_database_url
from triage.cli import main

pytestmark = pytest.mark.postgres
ODD_PASSWORD = "p@ss:w/rd%41 ?#"


@pytest.fixture(autouse=True)
def _no_url_in_environment(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")


def _password(url: str) -> str:
    return make_url(url).password


def _pgpass(tmp_path, monkeypatch, role: str, password: str) -> None:
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    pgpass = tmp_path / f"pgpass-{role}"
    pgpass.write_text(f"*:*:*:{role}:{escaped}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))


@pytest.fixture
def odd_role(tmp_path, postgres_url):
    """(owner case folder, owner URL, a role whose password holds @ : / % and spaces)."""
    store = open_case(tmp_path / "owner", create=True, database_url=postgres_url)
    role = f"dana_{uuid.uuid4().hex[:6]}"
    add_examiner(store, role, ODD_PASSWORD)
    store.close()
    return tmp_path / "owner", postgres_url, role


def test_a_password_with_special_characters_works_as_written(tmp_path, odd_role):
    _, url, role = odd_role
    raw = url.replace(f"{make_url(url).username}:{_password(url)}@", f"{role}:{ODD_PASSWORD}@")
    secret = tmp_path / "dana.url"
    secret.write_text(raw + "\n")
    secret.chmod(0o600)
    store = open_case(tmp_path / "dana", create=True, credentials=secret)
    with store.reading() as session:
        assert session.execute(text("SELECT session_user")).scalar_one() == role
    store.close()


def test_a_malformed_url_is_an_error_that_shows_no_password(monkeypatch):
    with pytest.raises(CaseError) as refused:
        parse_database_url("postgresql://u:s3cr@t:x@host:notaport/db", "the URL")
    assert "s3cr" not in str(refused.value) and "USER:***@host:notaport" in str(refused.value)
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://u:s3cr@t@host:99999999999/db")
    assert main(["info", "/nonexistent-case"]) == 2


def test_ingest_asks_the_password_at_a_prompt(tmp_path, odd_role, monkeypatch, capsys):
    _, url, role = odd_role
    parts = make_url(url)
    public = f"postgresql://{role}@{parts.host}:{parts.port}/{parts.database}"
    monkeypatch.setattr("getpass.getpass", lambda prompt="": ODD_PASSWORD)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "note.txt").write_text("hello")
    assert main(["ingest", str(tmp_path / "case"), str(evidence), "--workers", "1",
                 "--database", public, "--password-prompt"]) == 0
    assert ODD_PASSWORD not in (tmp_path / "case" / SETTINGS_NAME).read_text()
    assert ODD_PASSWORD not in capsys.readouterr().err


def test_a_copied_case_folder_carries_nothing_of_its_first_user(tmp_path, postgres_url,
                                                                monkeypatch):
    secret = tmp_path / "mine.url"
    secret.write_text(postgres_url + "\n")
    secret.chmod(0o600)
    open_case(tmp_path / "case", create=True, credentials=secret).close()
    settings = (tmp_path / "case" / SETTINGS_NAME).read_text()
    assert str(tmp_path) not in settings and "credentials =" not in settings
    open_case(tmp_path / "case").close()  # this user's settings remember the file

    shutil.copytree(tmp_path / "case", tmp_path / "elsewhere" / "case")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-home" / ".config"))
    with pytest.raises(CaseError) as refused:  # another user: no settings, no password yet
        open_case(tmp_path / "elsewhere" / "case")
    assert "tried: ~/.pgpass or $PGPASSWORD for role" in str(refused.value)
    _pgpass(tmp_path, monkeypatch, make_url(postgres_url).username, _password(postgres_url))
    open_case(tmp_path / "elsewhere" / "case").close()


def test_an_older_case_toml_naming_a_missing_credentials_file_falls_back(
        tmp_path, postgres_url, monkeypatch):
    open_case(tmp_path / "case", create=True, database_url=postgres_url).close()
    settings = tmp_path / "case" / SETTINGS_NAME
    settings.write_text(settings.read_text() + 'credentials = "/home/first/case.url"\n')
    _pgpass(tmp_path, monkeypatch, make_url(postgres_url).username, _password(postgres_url))
    open_case(tmp_path / "case").close()
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    with pytest.raises(CaseError, match="/home/first/case.url named in case.toml "
                                        r"\(not on this machine\)"):
        open_case(tmp_path / "case")


def test_an_examiner_connects_as_their_own_role(tmp_path, odd_role, monkeypatch, capsys):
    owner_folder, url, role = odd_role
    shutil.copytree(owner_folder, tmp_path / "theirs")
    _pgpass(tmp_path, monkeypatch, role, ODD_PASSWORD)
    assert main(["lab", "connect", str(tmp_path / "theirs"), "--user", role]) == 0
    assert f"opens as database role {role}" in capsys.readouterr().out
    assert main(["info", str(tmp_path / "theirs")]) == 0
    assert f"(shared), logged in as role {role}" in capsys.readouterr().out
    assert role not in (tmp_path / "theirs" / SETTINGS_NAME).read_text()


def test_a_database_per_case_gets_one_triage_prefix(tmp_path, postgres_server, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_server.url("triage_{case}"))
    store = open_case(tmp_path / "Envcase", create=True)
    assert store.engine.url.database.startswith("triage_envcase_")
    store.close()
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_server.url("{case}"))
    store = open_case(tmp_path / "bare", create=True)
    assert store.engine.url.database.startswith("triage_bare_")
    store.close()


def test_a_failed_ingest_into_a_new_case_leaves_no_empty_folder(tmp_path, postgres_url,
                                                                capsys):
    parts = make_url(postgres_url)
    wrong = f"postgresql://nobody_here@{parts.host}:{parts.port}/{parts.database}"
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    assert main(["ingest", str(tmp_path / "case"), str(evidence), "--workers", "1",
                 "--database", wrong]) == 2
    assert "cannot open the case database" in capsys.readouterr().err
    assert not (tmp_path / "case").exists()


def test_unreadable_user_settings_are_named(tmp_path, postgres_url, monkeypatch):
    from triage.case.user_settings import settings_path

    open_case(tmp_path / "case", create=True, database_url=postgres_url).close()
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("[not toml")
    with pytest.raises(CaseError, match="databases.toml: cannot read your settings"):
        open_case(tmp_path / "case")
