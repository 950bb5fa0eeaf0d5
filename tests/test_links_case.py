"""Links in a case: ingest scans them, resumably and read-only; URL lists import, match, audit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, update

from triage.case.audit import verify_chain
from triage.case.models import AuditEntry, Link, LinkListEntry, LinkMatch, LinkScan, WorkStatus
from triage.case.store import open_case
from triage.cli import main
from triage.links import (
    LinkFilter,
    LinkListError,
    import_link_list,
    link_counts,
    query_links,
    remove_link_list,
    verify_link_list,
)
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.pipeline.link_scan import ScanOptions, scan_links

PIL = pytest.importorskip("PIL.Image")


def make_evidence(folder: Path) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "chat.txt").write_text(
        "hello\nvisit hxxp://bad[.]site/content/1 now\nmail a.b@example.com\n"
        "and bit.ly/abc123 and www.other.org/page\n", encoding="utf-8")
    (folder / "page.html").write_text(
        '<a href="http://bad.site/x?a=1&amp;b=2">x</a> www.example.org', encoding="utf-8")
    (folder / "export.json").write_text(json.dumps(
        {"messages": [{"text": "go to bad(dot)site(slash)abc"}]}), encoding="utf-8")
    connection = sqlite3.connect(folder / "sub" / "History")
    connection.execute("CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, title TEXT, "
                       "visit_count INTEGER, last_visit_time INTEGER)")
    connection.execute("INSERT INTO urls (url, title, visit_count, last_visit_time) VALUES "
                       "('https://www.bad.site/content/2', 't', 3, 13300000000000000)")
    connection.commit()
    connection.close()
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 4 + "x http://sub.bad.site/q ".encode(
        "utf-16-le") + bytes(10))
    PIL.new("RGB", (64, 48), (200, 30, 30)).save(folder / "red.jpg")
    return folder


def ingest(case: Path, evidence: Path, **kw):
    store = open_case(case, create=True)
    job = Ingest(store, options=IngestOptions(workers=1, **kw))
    job.add(evidence)
    job.run()
    return store


def found(store) -> set[tuple]:
    with store.reading() as session:
        return {(r.path, r.url, r.offset, r.line, r.location, r.kind)
                for r in query_links(session, LinkFilter(kind=None), limit=None)}


EXPECTED_URLS = {
    ("/chat.txt", "http://bad.site/content/1"), ("/chat.txt", "http://bit.ly/abc123"),
    ("/chat.txt", "http://www.other.org/page"), ("/page.html", "http://bad.site/x?a=1&b=2"),
    ("/page.html", "http://www.example.org/"), ("/export.json", "http://bad.site/abc"),
    ("/sub/History", "https://www.bad.site/content/2"), ("/blob.bin", "http://sub.bad.site/q"),
}


@pytest.fixture
def evidence(tmp_path):
    return make_evidence(tmp_path / "evidence")


@pytest.fixture
def store(tmp_path, evidence):
    store = ingest(tmp_path / "case", evidence)
    yield store
    store.close()


def snapshot(folder: Path) -> dict:
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ingest_scans_links_once_per_content_and_audits_it(tmp_path, evidence):
    before = snapshot(evidence)
    store = ingest(tmp_path / "case", evidence)
    assert snapshot(evidence) == before  # nothing written beside the evidence
    links = found(store)
    assert {(p, u) for p, u, *_, kind in links if kind == "url"} == EXPECTED_URLS
    assert {u for *_, u, _o, _l, _loc, kind in [(0,) + x for x in links] if kind == "email"} \
        == {"a.b@example.com"}
    with store.reading() as session:
        scans = {s.status for s in session.scalars(select(LinkScan))}
        assert scans == {WorkStatus.DONE, WorkStatus.SKIPPED}  # the picture is skipped
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "links.scan")).all()
        assert len(audits) == 1 and audits[0].after["links"] == len(EXPECTED_URLS)
        counts = link_counts(session)
    assert counts["links"] == len(EXPECTED_URLS) and counts["shortened"] == 1
    assert counts["decoded"] == 2 and counts["emails"] == 1
    again = scan_links(store)  # idempotent: nothing left, nothing doubled, no new audit entry
    assert again.contents == 0 and found(store) == links
    with store.reading() as session:
        assert len(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "links.scan")).all()) == 1
    store.close()


class Killed(BaseException):
    """Stands for the process dying."""


def test_a_scan_killed_half_way_finishes_with_the_same_result(tmp_path, evidence, monkeypatch):
    import triage.pipeline.link_scan as scan_module

    reference = ingest(tmp_path / "reference", evidence)
    expected = found(reference)
    reference.close()

    monkeypatch.setattr(scan_module, "scan_links", lambda *a, **k: None)
    store = ingest(tmp_path / "case", evidence)
    monkeypatch.undo()
    real, calls = scan_module._scan_one, []

    def dying(*args):
        calls.append(1)
        if len(calls) == 4:
            raise Killed
        return real(*args)
    monkeypatch.setattr(scan_module, "_scan_one", dying)
    with pytest.raises(Killed):
        scan_links(store, options=ScanOptions(commit_every=1))
    monkeypatch.undo()
    assert 0 < len(found(store)) < len(expected)
    scan_links(store)
    assert found(store) == expected
    store.close()


def test_unreadable_content_is_an_error_on_that_item_and_the_rest_is_scanned(
        tmp_path, evidence, monkeypatch):
    import triage.pipeline.link_scan as scan_module

    monkeypatch.setattr(scan_module, "scan_links", lambda *a, **k: None)
    store = ingest(tmp_path / "case", evidence)
    monkeypatch.undo()
    moved = evidence / "export.json.away"
    (evidence / "export.json").rename(moved)  # gone from the evidence since ingest
    try:
        summary = scan_links(store)
    finally:
        moved.rename(evidence / "export.json")
    with store.reading() as session:
        errors = session.scalars(select(LinkScan).where(LinkScan.status == WorkStatus.ERROR)).all()
    assert summary.errors == 1 and "ContentError" in errors[0].error
    assert ("/chat.txt", "http://bad.site/content/1") in {(p, u) for p, u, *_ in found(store)}
    store.close()


# -- URL lists --------------------------------------------------------------------------------


def matches(store) -> set[tuple]:
    with store.reading() as session:
        return {(r.url, m.list_name, m.level) for r in query_links(session, limit=None)
                for m in r.matches}


def test_text_list_matches_at_three_levels_reported_apart(store, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("# a test list\nhttp://bad.site/content/\nwww.example.org\n"
                       "hxxp://other[.]org/nothing\n", encoding="utf-8")
    result = import_link_list(store, listing, "iwf-test", category="A")
    assert result.format == "text" and result.entries == 3
    got = matches(store)
    assert ("https://www.bad.site/content/2", "iwf-test", "prefix") in got
    assert ("http://bad.site/content/1", "iwf-test", "prefix") in got
    assert ("http://www.example.org/", "iwf-test", "exact") in got  # www. and scheme ignored
    assert ("http://bad.site/abc", "iwf-test", "domain") in got
    assert ("http://sub.bad.site/q", "iwf-test", "domain") in got
    assert ("http://www.other.org/page", "iwf-test", "domain") in got
    assert ("http://bad.site/content/1", "iwf-test", "domain") not in got  # strongest only
    assert result.matches == {"exact": 1, "prefix": 2, "domain": 4}
    with store.reading() as session:
        rows = query_links(session, LinkFilter(matched=True, level="exact"))
        assert [r.url for r in rows] == ["http://www.example.org/"]
        assert rows[0].matches[0].category == "A"
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "linklist.import")).one()
        assert audit.after["merkle_root"] == result.merkle_root
        assert audit.after["matches"] == result.matches
        assert verify_chain(session) is None


def test_csv_list_with_categories_and_hashed_list(store, tmp_path):
    listing = tmp_path / "list.csv"
    listing.write_text("URL,Category,Note\nwww.bad.site/content/2,A1,seen\nbit.ly,B,\n",
                       encoding="utf-8")
    result = import_link_list(store, listing, "csv-list")
    assert result.format == "csv" and result.entries == 2
    hashed = tmp_path / "hashed.txt"
    digests = [hashlib.sha256(b"http://bad.site/abc").hexdigest() + ",C",  # as a scheme-full URL
               hashlib.sha256(b"sub.bad.site").hexdigest()]  # a host, scheme-less
    hashed.write_text("sha256,category\n" + "\n".join(digests) + "\n", encoding="utf-8")
    hashed_result = import_link_list(store, hashed, "hashed")
    assert hashed_result.format == "hashed" and hashed_result.digest == "sha256"
    got = matches(store)
    assert ("https://www.bad.site/content/2", "csv-list", "exact") in got
    assert ("http://bit.ly/abc123", "csv-list", "prefix") in got
    assert ("http://bad.site/abc", "hashed", "exact") in got
    assert ("http://sub.bad.site/q", "hashed", "prefix") in got
    with store.reading() as session:
        (row,) = [r for r in query_links(session, LinkFilter(matched=True))
                  if r.url == "https://www.bad.site/content/2"]
        assert row.matches_at("exact")[0].category == "A1"


def test_a_list_imported_before_the_scan_matches_what_the_scan_finds(tmp_path, evidence):
    store = open_case(tmp_path / "case", create=True)
    listing = tmp_path / "list.txt"
    listing.write_text("bad.site\n", encoding="utf-8")
    assert import_link_list(store, listing, "early").matches == {"exact": 0, "prefix": 0,
                                                                 "domain": 0}
    job = Ingest(store, options=IngestOptions(workers=1))
    job.add(evidence)
    job.run()
    with store.reading() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "links.scan")).one()
    assert audit.after["matches"]["prefix"] == 4  # every link on bad.site itself
    assert audit.after["matches_per_list"] == {"early": 5}
    store.close()


def test_bad_records_refuse_the_list_unless_skip_bad(store, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("bad.site\nnot a url at all\nreport.pdf\n", encoding="utf-8")
    with pytest.raises(LinkListError, match="line 2"):
        import_link_list(store, listing, "bad")
    with store.reading() as session:
        assert session.scalar(select(LinkListEntry.id)) is None
    result = import_link_list(store, listing, "bad", skip_bad=True)
    assert (result.entries, result.rejected) == (1, 2)
    assert "report.pdf" in result.report.read_text()
    with pytest.raises(LinkListError, match="already"):
        import_link_list(store, listing, "bad", skip_bad=True)


def test_verify_detects_a_changed_entry_and_remove_takes_the_matches(store, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("bad.site\n", encoding="utf-8")
    import_link_list(store, listing, "l")
    assert verify_link_list(store, "l").intact
    with store.session() as session:
        session.execute(update(LinkListEntry).values(category="changed"))
    assert not verify_link_list(store, "l").intact
    removed = remove_link_list(store, "l")
    assert removed["matches_removed"] == 5
    with store.reading() as session:
        assert session.scalar(select(LinkMatch.id)) is None
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("linklist.%")).order_by(AuditEntry.id)))
    assert actions == ["linklist.import", "linklist.verify", "linklist.verify",
                       "linklist.remove"]


def test_filters_for_the_links_view(store):
    with store.reading() as session:
        def urls(**kw):
            return {r.url for r in query_links(session, LinkFilter(**kw))}
        assert urls(shortened=True) == {"http://bit.ly/abc123"}
        assert urls(deobfuscated=True) == {"http://bad.site/content/1", "http://bad.site/abc"}
        assert urls(domain="bad.site") == {u for p, u in EXPECTED_URLS if "bad.site" in u}
        assert urls(domain="other.org") == {"http://www.other.org/page"}
        (row,) = query_links(session, LinkFilter(shortened=True))
        assert (row.evidence, row.path, row.line, row.extractor) == ("evidence", "/chat.txt", 4,
                                                                     "text")
        first = query_links(session, limit=3)
        rest = query_links(session, after_id=first[-1].id, limit=None)
        assert len(first) + len(rest) == len(EXPECTED_URLS)


# -- command line ----------------------------------------------------------------------------


def test_cli_list_csv_export_and_blocklists(store, tmp_path, capsys):
    case = str(store.folder)
    listing = tmp_path / "list.txt"
    listing.write_text("bad.site/content\n", encoding="utf-8")
    assert main(["links", "blocklist", "import", case, str(listing), "--name", "cli"]) == 0
    assert "Merkle root" in capsys.readouterr().out
    assert main(["links", case, "--csv", "--matched"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["url"] for r in rows if r["prefix_matches"]} == {
        "http://bad.site/content/1", "https://www.bad.site/content/2"}
    assert all(r["evidence"] == "evidence" and r["path"] for r in rows)
    out = tmp_path / "links.json"
    assert main(["links", "export", case, str(out)]) == 0
    exported = json.loads(out.read_text())
    assert len(exported) == len(EXPECTED_URLS)
    assert main(["links", "export", case, str(out)]) == 2  # exists: refused
    assert main(["links", "blocklist", "verify", case, "cli"]) == 0
    capsys.readouterr()
    assert main(["links", "blocklist", "list", case, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["name"] == "cli" and listed["matched_links"] == 5  # 2 prefix, 3 domain
    assert main(["links", "blocklist", "import", case, str(tmp_path / "missing.txt"),
                 "--name", "x"]) == 2
    assert main(["links", "scan", case]) == 0
    assert main(["links", case, "--emails"]) == 0
    assert "a.b@example.com" in capsys.readouterr().out
    with store.reading() as session:
        assert session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "links.export")) is not None
        assert session.scalar(select(Link.id).where(Link.kind == "email")) is not None


def test_display_url_and_report_section(store):
    from triage.export.links import report_section
    from triage.links.queries import display_url

    assert display_url("http://xn--e1afmkfd.xn--p1ai/x") == "http://пример.рф/x"
    listing = store.folder / "l.txt"
    listing.write_text("www.other.org/page\n", encoding="utf-8")
    import_link_list(store, listing, "r")
    with store.reading() as session:
        section = report_section(session)
    assert section["matched_total"] == 1
    assert section["matched"][0]["url"] == "http://www.other.org/page"
    assert section["matched"][0]["matches"]["exact"][0]["list"] == "r"
    report = store.folder / "report.html"
    assert main(["export", str(store.folder), "--format", "html", "--scheme", "vics-us",
                 "--out", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "6. Shared links" in html and "http://www.other.org/page" in html


def test_no_network_is_used(tmp_path, evidence, monkeypatch):
    """The public-suffix list and everything else is read from disk: a connection would fail."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    store = open_case(tmp_path / "case", create=True)
    listing = tmp_path / "l.txt"
    listing.write_text("bad.site\n", encoding="utf-8")
    import_link_list(store, listing, "l")
    summary = scan_links(store)  # nothing ingested: a no-op, but loads the lists and tables
    from triage.links import find_links
    assert find_links("see bad[.]site/x")[0].normal.domain == "bad.site"
    assert summary.contents == 0
    store.close()


def test_hashes_only_ingest_leaves_links_to_a_later_scan(tmp_path, evidence, capsys):
    store = ingest(tmp_path / "case", evidence, analyse_media=False)
    assert found(store) == set()
    assert main(["links", "scan", str(store.folder)]) == 0
    assert "8 links" in capsys.readouterr().out
    assert {(p, u) for p, u, *_, kind in found(store) if kind == "url"} == EXPECTED_URLS
    store.close()


def test_a_scan_in_worker_processes_finds_the_same(tmp_path, evidence, monkeypatch, capsys):
    import triage.pipeline.link_scan as scan_module

    monkeypatch.setattr(scan_module, "scan_links", lambda *a, **k: None)
    store = ingest(tmp_path / "case", evidence)
    monkeypatch.undo()
    assert main(["links", "scan", str(store.folder), "--workers", "2"]) == 0
    assert {(p, u) for p, u, *_, kind in found(store) if kind == "url"} == EXPECTED_URLS
    store.close()
