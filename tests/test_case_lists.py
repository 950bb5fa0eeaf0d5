"""The lifecycle hash sets and URL lists share (`triage.case.lists`): names, finding, reports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from triage.case.clock import utcnow
from triage.case.lists import NAME_LENGTH, ImportedLists, RejectedReport, Verification
from triage.case.models import AuditEntry, LinkList
from triage.case.store import open_case


class _Refused(Exception):
    pass


LISTS = ImportedLists(LinkList, "URL list", _Refused, action="linklist", target="link_list",
                      report_prefix="linklist")


@pytest.fixture
def store(tmp_path):
    store = open_case(tmp_path / "case", create=True, examiner="tester")
    yield store
    store.close()


def test_names_are_checked_and_refused_with_the_lists_own_error():
    assert LISTS.check_name("  Hotline 2024 ") == "Hotline 2024"
    for bad in ("", "   ", None, "a\tb", "x" * (NAME_LENGTH + 1)):
        with pytest.raises(_Refused, match="URL list"):
            LISTS.check_name(bad)


def test_an_unknown_name_is_refused_naming_the_lists_there_are(store):
    with store.session() as session:
        with pytest.raises(_Refused, match=r"no URL list named 'x' in this case$"):
            LISTS.get(session, "x")


def test_the_report_is_written_only_when_a_record_is_rejected(store, tmp_path):
    path = LISTS.report_path(store, "a/b list")
    assert path.parent == store.folder / "reports" and path.name.startswith("linklist-a_b_list-")
    with RejectedReport(path, tmp_path / "source.txt", where="line") as report:
        pass
    assert not path.exists()
    with RejectedReport(path, tmp_path / "source.txt", where="line") as report:
        report.write(3, "not a URL", "two\nlines\there")
    lines = path.read_text().splitlines()
    assert lines[1:] == ["line\treason\trecord", "3\tnot a URL\ttwo lines here"]


def test_verification_is_audited_and_says_what_changed(store):
    with store.session() as session:
        session.add(LinkList(name="l", format="text", source_name="l.txt", source_sha256="0",
                             source_size=1, entry_count=2, rejected_count=0,
                             imported_at=utcnow(), examiner="tester", merkle_root="aa"))
    intact = LISTS.verify(store, "l", lambda session, list_id: ("aa", 2, 0), "tester")
    changed = LISTS.verify(store, "l", lambda session, list_id: ("bb", 1, 0), "tester")
    assert intact == Verification("l", True, "aa", "aa", 2, 2)
    assert not changed.intact
    assert str(changed) == ("l: CHANGED since import: 1 entries in the store, 2 imported; "
                            "Merkle root is bb, aa at import")
    with store.reading() as session:
        assert session.scalar(select(func.count()).where(
            AuditEntry.action == "linklist.verify")) == 2
