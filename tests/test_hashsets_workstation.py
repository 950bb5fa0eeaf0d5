"""The workstation's hash-set library: kept once, read-only, imported into any case by name."""

from __future__ import annotations

import hashlib
import os

import pytest
from PIL import Image
from sqlalchemy import select

from triage.case.models import AuditEntry, HashSet
from triage.case.store import open_case
from triage.cli import main
from triage.hashsets import HashSetError
from triage.hashsets.workstation import Library, import_from_library


@pytest.fixture
def library(tmp_path, monkeypatch) -> Library:
    monkeypatch.setenv("TRIAGE_HASHSET_LIBRARY", str(tmp_path / "library"))
    return Library()


@pytest.fixture
def pictures(tmp_path) -> list[str]:
    folder = tmp_path / "evidence"
    folder.mkdir()
    digests = []
    for index in range(3):
        path = folder / f"p{index}.png"
        Image.new("RGB", (32, 32), (index * 80, 10, 200)).save(path)
        digests.append(hashlib.md5(path.read_bytes()).hexdigest())
    return digests


def _case(tmp_path, name: str):
    assert main(["ingest", str(tmp_path / name), str(tmp_path / "evidence"), "--workers", "1"]) == 0
    return tmp_path / name


def test_one_library_set_serves_two_cases_each_with_its_own_audited_copy(
        tmp_path, library, pictures, capsys):
    listing = tmp_path / "national.txt"
    listing.write_text(f"{pictures[0]}  p0.png\n{pictures[2]}  p2.png\n")
    assert main(["hashset", "library", "add", str(listing), "--name", "National",
                 "--kind", "alert"]) == 0
    listing.write_text("changed after adding: the library keeps its own copy\n")
    stored = library.verified_path(library.get("National"))
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0  # read-only (root ignores it)
    assert stored.stat().st_mode & 0o222 == 0

    for name in ("case-1", "case-2"):
        case = _case(tmp_path, name)
        assert main(["hashset", "import", str(case), "--library", "National"]) == 0
        store = open_case(case)
        with store.reading() as session:
            hash_set = session.scalars(select(HashSet)).one()
            assert (hash_set.name, hash_set.source_name, hash_set.kind.value) == (
                "National", "national.txt", "alert")
            audit = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "hashset.import")).one()
            assert audit.after["matches"] == 2
        store.close()

    main(["hashset", "library", "remove", "National"])  # cases keep their copies
    assert library.sets() == []
    assert not stored.exists()
    capsys.readouterr()
    main(["hashset", "list", str(tmp_path / "case-1")])
    assert "National: alert" in capsys.readouterr().out


def test_a_library_file_changed_behind_its_back_is_refused(tmp_path, library, pictures):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{pictures[1]}  p1.png\n")
    item = library.add(listing, "List", kind="alert")
    stored = library.folder / item.file
    os.chmod(stored, 0o644)
    stored.write_text(f"{pictures[0]}  p0.png\n")
    store = open_case(_case(tmp_path, "case"))
    with pytest.raises(HashSetError, match="changed since it was added"):
        import_from_library(store, "List", library)
    with store.reading() as session:
        assert session.scalars(select(HashSet)).all() == []
    store.close()


def test_refusals_name_the_problem(tmp_path, library):
    not_a_set = tmp_path / "notes.txt"
    not_a_set.write_text("just some notes\n")
    with pytest.raises(HashSetError, match="notes.txt"):
        library.add(not_a_set, "Notes")
    with pytest.raises(HashSetError, match="no set named 'Missing' in the library"):
        library.get("Missing")
