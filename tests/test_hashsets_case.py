"""Hash sets end to end: pictures the test makes are ingested, sets of their digests imported.

The pictures are generated (flat colours and gradients, nothing else); the
categories the sets give them are arbitrary test values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from triage.case.models import AuditEntry, HashSet, HashSetBlock, HashSetEntry, HashSetVerdict
from triage.review.queries import LISTING_COLUMNS, iter_files
from triage.case.store import open_case
from triage.cli import main
from triage.hashsets import HashSetError, import_hash_set, remove_hash_set, verify_hash_set
from triage.hashsets.precedence import set_precedence
from triage.pipeline.ingest import Ingest, IngestOptions

PIL = pytest.importorskip("PIL.Image")

FILES_COLUMNS_BEFORE = [
    "evidence", "partition_offset", "partition_type", "path", "name", "kind",
    "deleted", "size", "meta_addr", "detected_type", "extension_mismatch",
    "md5", "sha1", "sha256", "crtime", "mtime", "atime", "ctime", "error",
]
V2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{}/$metadata#{}"


@dataclass(frozen=True)
class Picture:
    name: str
    md5: str
    sha1: str
    sha256: str
    size: int


def _make_pictures(folder: Path, start: int, count: int) -> list[Picture]:
    folder.mkdir(parents=True, exist_ok=True)
    pictures = []
    for i in range(start, start + count):
        image = PIL.new("RGB", (40 + i, 30), (37 * i % 256, 90, 255 - 29 * i % 256))
        path = folder / f"picture{i}.{'png' if i % 2 else 'jpg'}"
        image.save(path)
        data = path.read_bytes()
        pictures.append(Picture(path.name, hashlib.md5(data).hexdigest(),
                                hashlib.sha1(data).hexdigest(),
                                hashlib.sha256(data).hexdigest(), len(data)))
    return pictures


def _ingest(case: Path, folder: Path) -> None:
    store = open_case(case, create=True, examiner="tester")
    ingest = Ingest(store, "tester", IngestOptions(workers=1))
    ingest.add(folder)
    ingest.run()
    store.close()


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("hashsets")
    pictures = _make_pictures(root / "evidence", 0, 6)
    _ingest(root / "case", root / "evidence")
    return root / "case", pictures


@pytest.fixture
def case(template, tmp_path):
    source, pictures = template
    shutil.copytree(source, tmp_path / "case")
    store = open_case(tmp_path / "case", examiner="tester")
    yield store, pictures
    store.close()


def vics(path: Path, media: list[dict], model="US", bom=False) -> Path:
    body = json.dumps({"@odata.context": V2.format(model, "Media"), "value": media})
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode())
    return path


def record(i: int, picture: Picture, category, sha1=True, **more) -> dict:
    item = {"MediaID": i, "Category": category, "MD5": picture.md5.upper(),
            "MediaSize": picture.size, "IsDistributed": "false", **more}
    if sha1:
        item["SHA1"] = picture.sha1.upper()
    return item


def listing(store) -> dict[str, object]:
    with store.session() as session:
        return {row.name: row for row in iter_files(session) if row.kind == "file"}


def audit_actions(store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# -- matching, categories, provenance ---------------------------------------------------------


def test_vics_us_and_uk_sets_match_with_their_categories_and_schemes(case, tmp_path):
    store, p = case
    us = vics(tmp_path / "us.json", [record(1, p[0], 1), record(2, p[1], 0)], bom=True)
    uk = vics(tmp_path / "uk.json", [record(7, p[2], 2, sha1=False)], model="UK")
    result = import_hash_set(store, us, "US national", examiner="tester")
    assert (result.entries, result.matches, result.scheme) == (2, 2, "vics-us")
    import_hash_set(store, uk, "UK CAID", examiner="tester")
    rows = listing(store)
    assert rows[p[0].name].matched_sets == "US national"
    assert rows[p[0].name].hashset_category == "vics-us:1"
    assert rows[p[1].name].hashset_category == "vics-us:0"  # Non-Pertinent, not dropped
    assert rows[p[2].name].hashset_category == "vics-uk:2"  # UK code kept under its scheme
    assert rows[p[2].name].matched_sets == "UK CAID"
    assert not any(r.conflicting or r.known_good for r in rows.values())
    assert rows[p[3].name].matched_sets is None
    with store.session() as session:
        digests = set(session.execute(text(
            "SELECT s.name, e.record, x.digest FROM hash_set_match x JOIN hash_set_entry e "
            "ON e.id = x.entry_id JOIN hash_set s ON s.id = x.hash_set_id")).all())
    # the strongest digest both sides have
    assert digests == {("US national", 1, "sha1"), ("US national", 2, "sha1"),
                       ("UK CAID", 1, "md5")}


def test_plain_lists_from_md5sum_sha1sum_sha256sum(case, tmp_path, template):
    store, p = case
    folder = template[0].parent / "evidence"
    lists = {}
    for tool, picture in (("md5sum", p[0]), ("sha1sum", p[1]), ("sha256sum", p[2])):
        out = subprocess.run([tool, picture.name], cwd=folder, capture_output=True, text=True,
                             check=True).stdout
        lists[tool] = out
    path = tmp_path / "mixed.txt"
    path.write_text("".join(lists.values()))
    result = import_hash_set(store, path, "list", kind="alert", examiner="tester")
    assert result.format == "hashlist" and result.matches == 3 and result.kind == "alert"
    rows = listing(store)
    assert [rows[x.name].matched_sets for x in p[:4]] == ["list", "list", "list", None]


def test_a_weaker_digest_never_overrides_a_stronger_one_that_disagrees(case, tmp_path):
    store, p = case
    wrong_sha1 = "0" * 40
    path = tmp_path / "set.csv"
    path.write_text(f"MD5,SHA1,Category\n{p[0].md5},{wrong_sha1},1\n{p[1].md5},,2\n")
    result = import_hash_set(store, path, "csv", scheme="vics-us", kind="alert", examiner="tester")
    assert result.matches == 1
    rows = listing(store)
    assert rows[p[0].name].matched_sets is None and rows[p[1].name].matched_sets == "csv"


def _three_sets(store, p, tmp_path) -> None:
    """NSRL (known-good) has p0, p1; alert A says p1, p2 are 1; alert B says p2 is 3."""
    rds = tmp_path / "RDS.db"
    with sqlite3.connect(rds) as db:
        db.execute("CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT, "
                   "file_size INTEGER)")
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?)", [
            (x.sha256.upper(), x.sha1.upper(), x.md5.upper(), x.name, x.size) for x in p[:2]])
    import_hash_set(store, rds, "NSRL", examiner="tester")
    import_hash_set(store, vics(tmp_path / "a.json", [record(1, p[1], 1), record(2, p[2], 1)]),
                    "alert A", examiner="tester")
    import_hash_set(store, vics(tmp_path / "b.json", [record(1, p[2], 3)]), "alert B",
                    examiner="tester")


def test_a_precedence_rule_picks_a_default_and_says_so_but_the_conflict_stays(case, tmp_path):
    store, p = case
    _three_sets(store, p, tmp_path)
    assert main(["hashset", "precedence", str(store.folder), "alert B", "known-good"]) == 0
    rows = listing(store)
    assert (rows[p[2].name].conflicting, rows[p[2].name].hashset_default) == (True, "vics-us:3")
    assert (rows[p[1].name].conflicting, rows[p[1].name].hashset_default) == (True, "known-good")
    assert rows[p[0].name].hashset_default is None  # no conflict, nothing to pick
    with store.session() as session:
        verdict = session.get(HashSetVerdict, _media_id(session, p[2]))
        assert verdict.category is None  # the agreed answer stays empty: it is a default
        assert verdict.resolved_by == "precedence [alert B, known-good]: set alert B"
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "hashset.precedence")).one()
        assert entry.after == {"rule": ["alert B", "known-good"], "defaults_picked": 2}

    set_precedence(store, ["alert"])  # a tie between two alert answers picks nothing
    rows = listing(store)
    assert rows[p[2].name].hashset_default is None
    assert rows[p[1].name].hashset_default == "vics-us:1"
    remove_hash_set(store, "NSRL", examiner="tester")  # no conflict left: no default
    assert listing(store)[p[1].name].hashset_default is None
    with pytest.raises(HashSetError, match="not a set of this case nor a kind"):
        set_precedence(store, ["no such set"])


def test_known_good_nsrl_rds3_and_conflicts_are_kept_not_resolved(case, tmp_path):
    store, p = case
    rds = tmp_path / "RDS.db"
    with sqlite3.connect(rds) as db:
        db.execute("CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT, "
                   "file_size INTEGER)")
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?)", [
            (x.sha256.upper(), x.sha1.upper(), x.md5.upper(), x.name, x.size) for x in p[:2]])
    result = import_hash_set(store, rds, "NSRL", examiner="tester")
    assert result.kind == "known-good" and result.matches == 2
    import_hash_set(store, vics(tmp_path / "a.json", [record(1, p[1], 1), record(2, p[2], 1)]),
                    "alert A", examiner="tester")
    import_hash_set(store, vics(tmp_path / "b.json", [record(1, p[2], 3)]), "alert B",
                    examiner="tester")
    rows = listing(store)
    assert (rows[p[0].name].known_good, rows[p[0].name].conflicting) == (True, False)
    both = rows[p[1].name]  # known-good and alert
    assert (both.known_good, both.conflicting, both.matched_sets, both.hashset_category) == (
        True, True, "NSRL;alert A", "vics-us:1")
    disagree = rows[p[2].name]  # two alert sets, two categories: both shown
    assert (disagree.conflicting, disagree.hashset_category) == (True, "vics-us:1;vics-us:3")
    with store.session() as session:
        verdict = session.get(HashSetVerdict, _media_id(session, p[2]))
        assert verdict.conflicting and verdict.category is None

    remove_hash_set(store, "alert B", examiner="tester")  # removal re-assesses
    rows = listing(store)
    assert (rows[p[2].name].conflicting, rows[p[2].name].hashset_category) == (False, "vics-us:1")
    assert rows[p[1].name].conflicting  # untouched by the removal
    remove_hash_set(store, "NSRL", examiner="tester")
    rows = listing(store)
    assert (rows[p[1].name].conflicting, rows[p[1].name].known_good) == (False, False)
    assert rows[p[0].name].matched_sets is None
    with store.session() as session:
        assert session.scalar(select(func.sum(HashSetBlock.count))) == 2
        verdict = session.get(HashSetVerdict, _media_id(session, p[2]))
        assert verdict.category == "vics-us:1"
    assert audit_actions(store)[-5:] == ["hashset.import", "hashset.import", "hashset.import",
                                         "hashset.remove", "hashset.remove"]


def _media_id(session, picture: Picture) -> int:
    return session.scalar(text("SELECT id FROM media WHERE sha256 = :s"), {"s": picture.sha256})


def test_ingest_after_import_matches_the_new_media(case, tmp_path):
    store, p = case
    new = _make_pictures(tmp_path / "more", 10, 1)[0]
    path = tmp_path / "set.txt"
    path.write_text(f"{new.sha256}  {new.name}\n")
    assert import_hash_set(store, path, "later", kind="alert", examiner="tester").matches == 0
    ingest = Ingest(store, "tester", IngestOptions(workers=1))
    ingest.add(tmp_path / "more")
    ingest.run()
    assert listing(store)[new.name].matched_sets == "later"
    assert "hashset.match" in audit_actions(store)[-3:]  # then stacks, links


# -- bad input --------------------------------------------------------------------------------


def test_a_bad_record_stops_the_import_and_nothing_is_kept(case, tmp_path):
    store, p = case
    before = audit_actions(store)
    bad = record(2, p[1], 1)
    bad["SHA1"] = "12345"
    path = vics(tmp_path / "bad.json", [record(1, p[0], 1), bad, record(3, p[2], 1)])
    with pytest.raises(HashSetError, match=r"record 2 \(value\[1\]\): SHA-1 '12345' is not "
                                           r"40 hex digits; nothing was imported"):
        import_hash_set(store, path, "bad", kind="alert", examiner="tester")
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(HashSet)) == 0
        assert session.scalar(select(func.count()).select_from(HashSetBlock)) == 0
        assert session.scalar(select(func.count()).select_from(HashSetEntry)) == 0
    assert audit_actions(store) == before
    assert not (store.folder / "reports").exists()


def test_skip_bad_keeps_the_good_entries_and_reports_the_bad(case, tmp_path):
    store, p = case
    path = tmp_path / "list.txt"
    path.write_text(f"{p[0].md5}  a\nnot-a-digest  b\n{p[1].sha1}  c\n{p[2].md5[:-2]}  d\n")
    result = import_hash_set(store, path, "partly", skip_bad=True, kind="alert", examiner="tester")
    assert (result.entries, result.rejected, result.matches) == (2, 2, 2)
    lines = result.report.read_text().splitlines()
    assert lines[2].startswith("line 2\t") and "not-a-digest" in lines[2]
    assert lines[3].startswith("line 4\t")
    with store.session() as session:
        assert session.scalar(select(HashSet.rejected_count)) == 2


def test_broken_json_and_wrong_format_are_refused(case, tmp_path):
    store, p = case
    path = vics(tmp_path / "cut.json", [record(i, p[0], 1) for i in range(300)])
    path.write_bytes(path.read_bytes()[:-3000])
    with pytest.raises(HashSetError, match="broken JSON after record"):
        import_hash_set(store, path, "cut", skip_bad=True, kind="alert", examiner="tester")
    listed = tmp_path / "list.txt"
    listed.write_text(p[0].md5 + "\n")
    with pytest.raises(HashSetError, match="not NSRL RDS 2.x.*looks like Plain digest list"):
        import_hash_set(store, listed, "x", format="nsrl-legacy", examiner="tester")


def test_categories_need_a_scheme_and_a_named_scheme_is_not_overridden(case, tmp_path):
    store, p = case
    path = tmp_path / "set.csv"
    path.write_text(f"md5,category\n{p[0].md5},A\n")
    with pytest.raises(HashSetError, match="does not say under which scheme"):
        import_hash_set(store, path, "abc", kind="alert", examiner="tester")
    assert import_hash_set(store, path, "abc", scheme="uk-2014", kind="alert", examiner="tester").matches == 1
    assert listing(store)[p[0].name].hashset_category == "uk-2014:A"
    us = vics(tmp_path / "us.json", [record(1, p[1], 1)])
    with pytest.raises(HashSetError, match="names the scheme 'vics-us'"):
        import_hash_set(store, us, "us", scheme="uk-2014", examiner="tester")


# -- verify, CLI, files --csv -----------------------------------------------------------------


def test_verify_detects_a_tampered_entry(case, tmp_path):
    store, p = case
    import_hash_set(store, vics(tmp_path / "s.json", [record(1, p[0], 1), record(2, p[1], 2)]),
                    "set", examiner="tester")
    assert verify_hash_set(store, "set", examiner="tester").intact
    with store.session() as session:
        session.execute(text("UPDATE hash_set_entry SET category = '0' WHERE record = 2"))
    result = verify_hash_set(store, "set", examiner="tester")
    assert not result.intact and "CHANGED since import" in str(result)
    assert audit_actions(store)[-2:] == ["hashset.verify", "hashset.verify"]


def test_cli_import_list_verify_remove_and_files_csv(case, tmp_path, capsys):
    store, p = case
    folder = store.folder
    store.close()
    path = vics(tmp_path / "s.json", [record(1, p[0], 1), record(2, p[1], 4)])
    assert main(["hashset", "import", str(folder), str(path), "--name", "VIC"]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 entries as 'VIC' (alert, scheme vics-us, vics)" in out
    assert "2 matches" in out
    assert main(["hashset", "list", str(folder), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["name"] == "VIC" and listed[0]["matched_media"] == 2

    assert main(["files", str(folder), "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    header = rows[0]
    assert header[:len(FILES_COLUMNS_BEFORE)] == FILES_COLUMNS_BEFORE
    assert header[len(FILES_COLUMNS_BEFORE):len(FILES_COLUMNS_BEFORE) + 4] == [
        "matched_sets", "hashset_category", "conflicting", "known_good"]
    assert header == LISTING_COLUMNS
    by_name = {row[4]: dict(zip(header, row)) for row in rows[1:]}
    assert by_name[p[0].name]["hashset_category"] == "vics-us:1"
    assert by_name[p[1].name]["hashset_category"] == "vics-us:4"
    assert (by_name[p[0].name]["conflicting"], by_name[p[0].name]["known_good"]) == ("0", "0")
    assert by_name[p[3].name]["matched_sets"] == ""

    assert main(["hashset", "verify", str(folder), "VIC"]) == 0
    assert "intact" in capsys.readouterr().out
    db = sqlite3.connect(folder / "case.sqlite")
    db.execute("UPDATE hash_set_entry SET md5 = ? WHERE record = 1", ("f" * 32,))
    db.commit()
    db.close()
    assert main(["hashset", "verify", str(folder), "VIC"]) == 1
    assert "CHANGED" in capsys.readouterr().out

    assert main(["hashset", "remove", str(folder), "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("triage: error: no hash set named 'nope'") and "Traceback" not in err
    assert main(["hashset", "remove", str(folder), "VIC"]) == 0
    assert main(["hashset", "list", str(folder)]) == 0
    assert "No hash sets" in capsys.readouterr().out
    reopened = open_case(folder)
    assert audit_actions(reopened)[-4:] == ["hashset.import", "hashset.verify", "hashset.verify",
                                            "hashset.remove"]
    reopened.close()


def test_cli_refuses_a_picture_with_one_line(case, tmp_path, capsys, template):
    store, p = case
    picture = template[0].parent / "evidence" / p[0].name
    assert main(["hashset", "import", str(store.folder), str(picture), "--name", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "looks like a JPEG picture" in err


def test_a_large_file_read_by_a_second_process_gives_the_same_set(case, tmp_path, monkeypatch):
    import triage.hashsets.reading as parallel

    store, p = case
    records = [record(i, p[i % 3], i % 5) for i in range(1, 12001)]
    path = vics(tmp_path / "big.json", records, bom=True)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    two = import_hash_set(store, path, "two processes", kind="alert", examiner="tester")
    one = import_hash_set(store, path, "one process", kind="alert", examiner="tester", parallel=False)
    assert (two.entries, two.scheme, two.matches) == (12000, "vics-us", 12000)
    assert (two.merkle_root, two.source_sha256) == (one.merkle_root, one.source_sha256)
    assert two.details["bom"] is True
    assert verify_hash_set(store, "two processes", examiner="tester").intact
    records[7000]["MD5"] = "0" * 31
    path = vics(tmp_path / "bad.json", records)
    with pytest.raises(HashSetError, match=r"record 7001 \(value\[7000\]\): MD5"):
        import_hash_set(store, path, "bad", kind="alert", examiner="tester")
    path.write_bytes(path.read_bytes()[:-5000])
    with pytest.raises(HashSetError, match="broken JSON after record"):
        import_hash_set(store, path, "cut", kind="alert", examiner="tester", skip_bad=True)
    with store.session() as session:
        assert set(session.scalars(select(HashSet.name))) == {"two processes", "one process"}


def test_cli_skip_bad_report_and_csv_column_options(case, tmp_path, capsys):
    store, p = case
    folder = store.folder
    store.close()
    listed = tmp_path / "list.txt"
    listed.write_text(f"{p[0].md5}\nnonsense\n")
    assert main(["hashset", "import", str(folder), str(listed), "--name", "L", "--kind", "alert"]) == 2
    assert "line 2:" in capsys.readouterr().err
    report = tmp_path / "rejected.tsv"
    assert main(["hashset", "import", str(folder), str(listed), "--name", "L", "--kind", "alert", "--skip-bad",
                 "--report", str(report), "--kind", "known-good"]) == 0
    out = capsys.readouterr().out
    assert "1 bad records not imported: see " + str(report) in out
    assert report.read_text().splitlines()[2].startswith("line 2\t")
    table = tmp_path / "odd.tsv"
    table.write_text(f"ref\tdigest value\tverdict\n1\t{p[1].sha1}\t3\n")
    assert main(["hashset", "import", str(folder), str(table), "--name", "T", "--kind", "alert",
                 "--column", "hash=digest value", "--column", "category=3",
                 "--delimiter", "tab", "--scheme", "vics-us"]) == 0
    capsys.readouterr()
    assert main(["files", str(folder), "--csv"]) == 0
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows[p[0].name]["matched_sets"], rows[p[0].name]["known_good"]) == ("L", "1")
    assert rows[p[1].name]["hashset_category"] == "vics-us:3"


def test_a_list_whose_format_says_no_kind_is_refused_until_the_examiner_says(case, tmp_path):
    """An NSRL file with a header we do not know is read as CSV: it must never become an
    alert list by default."""
    store, p = case
    odd = tmp_path / "NSRLFile.txt"  # the header without its quotes: read as plain CSV
    odd.write_text("SHA-1,MD5,CRC32,FileName,FileSize,ProductCode,OpSystemCode,SpecialCode\n"
                   f"{p[0].sha1.upper()},{p[0].md5.upper()},00000000,a.jpg,1,1,x,\n")
    with pytest.raises(HashSetError) as refused:
        import_hash_set(store, odd, "nsrl?", examiner="tester")
    assert "first line 'SHA-1,MD5,CRC32" in str(refused.value)
    assert "--kind" in str(refused.value)
    assert import_hash_set(store, odd, "nsrl", kind="known-good",
                           examiner="tester").kind == "known-good"


def test_a_record_longer_than_many_pieces_is_stored_not_an_internal_error(case, tmp_path,
                                                                          monkeypatch):
    """A VICS record with a 40 MB string ended in an internal error (pack_columns: "a
    category or extra field holds a tab or a newline"); here, pieces of 4 KB and a 40 KB
    string do the same."""
    from triage.hashsets import reading
    from triage.hashsets.formats import vics as vics_format

    store, p = case
    monkeypatch.setattr(vics_format, "PIECE_BYTES", 4096)
    monkeypatch.setattr(reading, "MIN_BYTES", 0)  # read in pieces by other processes
    path = vics(tmp_path / "long.json", [record(1, p[0], 1, Comment="x" * 40_000),
                                         record(2, p[1], 2)])
    result = import_hash_set(store, path, "long", examiner="tester")
    assert (result.entries, result.matches) == (2, 2)
    assert verify_hash_set(store, "long", examiner="tester").intact
