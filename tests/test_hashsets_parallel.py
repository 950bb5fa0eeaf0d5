"""Large hash sets read by several processes give exactly what one process reading in order gives.

The pieces are made tiny here so that a small file is cut in many places,
some of them (on purpose) inside strings and nested objects, where a piece
cannot be read on its own and the import must go on in order.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlalchemy import func, select

from triage.case.models import HashSet, HashSetBlock, HashSetEntry
from triage.case.store import open_case
from triage.hashsets import HashSetError, import_hash_set, verify_hash_set
from triage.hashsets.block_store import iter_blocks
from triage.hashsets.blocks import unpack

pytest.importorskip("orjson")

CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"


def _digests(i: int) -> tuple[str, str, str]:
    data = i.to_bytes(8, "little")
    return (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
            hashlib.sha256(data).hexdigest())


def _records(count: int, tricky: bool = True) -> list:
    records = []
    for i in range(1, count + 1):
        md5, sha1, sha256 = _digests(i)
        item = {"MediaID": i, "Category": i % 5 if i % 7 else None,
                "MD5": md5.upper() if i % 2 else md5, "SHA1": sha1, "MediaSize": 1000 + i,
                "Series": "", "Tags": f"t{i}", "IsDistributed": "true"}
        if tricky and i % 97 == 0:
            item["Comments"] = 'a "},{" in a string, and },\n, é ünïcode \u007f'
        if tricky and i % 89 == 0:
            item["AlternativeHashes"] = [{"HashName": "SHA-256", "HashValue": sha256},
                                         {"HashName": "PhotoDNA", "HashValue": "x"}]
        if tricky and i % 101 == 0:
            item["Score"] = 0.1 * i
            item["MediaSize"] = "not a size"
        records.append(item)
    return records


def _write(path, records, bom=False, indent=None):
    text = json.dumps({"@odata.context": CONTEXT, "value": records}, indent=indent,
                      separators=None if indent else (",", ":"))  # compact, as Project VIC
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


@pytest.fixture
def store(tmp_path):
    store = open_case(tmp_path / "case", create=True, examiner="tester")
    yield store
    store.close()


@pytest.fixture
def pieces(monkeypatch):
    import triage.hashsets.formats.vics as vics
    import triage.hashsets.reading as reading

    monkeypatch.setattr(reading, "MIN_BYTES", 0)
    monkeypatch.setattr(vics, "PIECE_BYTES", 3000)
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(reading, "ChildReader", None)  # pieces or nothing
    return reading


def _stored(store, name):
    with store.session() as session:
        set_id = session.scalar(select(HashSet.id).where(HashSet.name == name))
        return [row for _, block in iter_blocks(session, set_id) for row in unpack(block)]


@pytest.mark.parametrize("tricky,indent,bom", [(False, None, False), (True, None, True),
                                               (True, 1, False)])
def test_pieces_give_the_same_set_as_one_reader(store, tmp_path, pieces, tricky, indent, bom):
    path = _write(tmp_path / "set.json", _records(1500, tricky), bom=bom, indent=indent)
    many = import_hash_set(store, path, "many", examiner="tester")
    one = import_hash_set(store, path, "one", examiner="tester", parallel=False)
    assert (many.entries, many.scheme, many.details) == (one.entries, one.scheme, one.details)
    assert (many.merkle_root, many.source_sha256) == (one.merkle_root, one.source_sha256)
    assert _stored(store, "many") == _stored(store, "one")
    assert verify_hash_set(store, "many", examiner="tester").intact


def test_pieces_are_really_read_apart(store, tmp_path, pieces, monkeypatch):
    import triage.hashsets.formats.vics as vics

    path = _write(tmp_path / "set.json", _records(1500, tricky=False))
    called = []
    monkeypatch.setattr(vics.VicsFormat, "read_from",
                        lambda *args: called.append(args) or iter(()))
    result = import_hash_set(store, path, "many", examiner="tester")
    assert result.entries == 1500 and not called


def test_bad_records_in_pieces_are_named_in_the_whole_file(store, tmp_path, pieces):
    records = _records(1500)
    records[1000]["MD5"] = "0" * 31
    records[1200] = 7
    path = _write(tmp_path / "bad.json", records)
    with pytest.raises(HashSetError, match=r"record 1001 \(value\[1000\]\): MD5"):
        import_hash_set(store, path, "bad", examiner="tester")
    many = import_hash_set(store, path, "many", examiner="tester", skip_bad=True,
                           report=tmp_path / "many.tsv")
    one = import_hash_set(store, path, "one", examiner="tester", skip_bad=True, parallel=False,
                          report=tmp_path / "one.tsv")
    assert (many.rejected, many.merkle_root) == (2, one.merkle_root)
    assert (tmp_path / "many.tsv").read_text() == (tmp_path / "one.tsv").read_text()
    assert "record 1201 (value[1200])\tnot a JSON object" in (tmp_path / "many.tsv").read_text()


def test_broken_file_read_in_pieces_names_the_same_place(store, tmp_path, pieces):
    path = _write(tmp_path / "set.json", _records(1500, tricky=False))
    data = path.read_bytes()
    cut = data.index(b'"MediaID":1100,')
    path.write_bytes(data[:cut] + b"}}" + data[cut:])  # broken inside, still ends in ]}
    with pytest.raises(HashSetError) as many:
        import_hash_set(store, path, "many", examiner="tester")
    with pytest.raises(HashSetError) as one:
        import_hash_set(store, path, "one", examiner="tester", parallel=False)
    assert "broken JSON after record 1100" in str(many.value)
    assert str(many.value) == str(one.value)


def test_nsrl_rows_read_in_pieces(store, tmp_path, pieces, monkeypatch):
    import triage.hashsets.formats.nsrl_rds3 as nsrl

    monkeypatch.setattr(nsrl, "PIECE_ROWS", 100)
    path = tmp_path / "rds.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, extension TEXT, "
                   "file_name TEXT, file_size INTEGER, package_id INTEGER)")
        rows = []
        for i in range(1, 1001):
            md5, sha1, sha256 = _digests(i)
            rows.append((sha256.upper(), sha1, md5, "dll" if i % 3 else None,
                         f"fïle{i}.dll", 4096 + i, i % 50))
        rows[500] = (None, None, None, "x", "none", 1, 1)
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?,?,?)", rows)
        db.execute("DELETE FROM METADATA WHERE rowid BETWEEN 300 AND 420")  # rowid gaps
    many = import_hash_set(store, path, "many", examiner="tester", skip_bad=True,
                           report=tmp_path / "many.tsv")
    one = import_hash_set(store, path, "one", examiner="tester", skip_bad=True, parallel=False,
                          report=tmp_path / "one.tsv")
    assert (many.entries, many.rejected) == (one.entries, one.rejected) == (878, 1)
    assert (many.merkle_root, many.source_sha256) == (one.merkle_root, one.source_sha256)
    assert _stored(store, "many") == _stored(store, "one")
    assert (tmp_path / "many.tsv").read_text() == (tmp_path / "one.tsv").read_text()


def test_leaf_buckets_give_the_same_root_as_leaf_bytes():
    from triage.hashsets.merkle import SortedLeaves, leaf_buckets

    rows = [(i, None if i % 3 else "a" * 32, "b" * 40 if i % 2 else None,
             "c" * 64 if i % 5 == 0 else None, ["", None, "7", "ü"][i % 4],
             [None, 0, 12345][i % 3], [None, "", '{"x":"é"}'][i % 3]) for i in range(500)]
    one, two = SortedLeaves(), SortedLeaves(memory_limit=3200)  # the second spills
    one.add_rows([row[1:] for row in rows])
    for start in range(0, 500, 70):
        two.add_buckets(leaf_buckets(rows[start:start + 70]))
    assert two.count == one.count == 500
    assert two.root() == one.root()


def test_entries_are_stored_in_blocks_and_only_matched_ones_unpacked(store, tmp_path,
                                                                    monkeypatch):
    import triage.hashsets.reading as reading

    monkeypatch.setattr(reading, "BATCH", 70)
    listing = tmp_path / "sha256.txt"
    listing.write_text("".join(_digests(i)[2] + "\n" for i in range(1, 301)))
    result = import_hash_set(store, listing, "sha256 list", examiner="tester", kind="known-good")
    with store.session() as session:
        counts = session.scalars(select(HashSetBlock.count).order_by(HashSetBlock.id)).all()
        unpacked = session.scalar(select(func.count()).select_from(HashSetEntry))
    assert counts == [70, 70, 70, 70, 20] and result.entries == 300
    assert unpacked == result.matches == 0
    assert [row[0] for row in _stored(store, "sha256 list")] == list(range(1, 301))
    assert verify_hash_set(store, "sha256 list", examiner="tester").intact


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63) + 1, 2**63, -(2**63), 2**64 - 1])
def test_integers_near_64_bits_read_as_one_reader_reads_them(store, tmp_path, pieces, value):
    records = _records(1500, tricky=False)
    records[1100]["MediaID"] = value
    path = _write(tmp_path / "set.json", records)
    outcomes = []
    for name, parallel in (("many", True), ("one", False)):
        try:
            outcomes.append(import_hash_set(store, path, name, examiner="tester",
                                            parallel=parallel).merkle_root)
        except HashSetError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert ("broken JSON" in outcomes[0]) == (not -(2**63) < value < 2**63)


def test_a_case_form_file_is_read_by_one_second_process(store, tmp_path, monkeypatch):
    import triage.hashsets.reading as reading

    monkeypatch.setattr(reading, "MIN_BYTES", 0)
    monkeypatch.setattr(reading, "PiecesReader", None)  # the case form is not cut in pieces
    records = _records(600, tricky=False)
    cases = [{"CaseNumber": f"C{k}", "Media": records[k * 200:(k + 1) * 200]} for k in range(3)]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"@odata.context": CONTEXT.replace("#Media", "#Cases"),
                                "value": cases}))
    two = import_hash_set(store, path, "two", examiner="tester")
    one = import_hash_set(store, path, "one", examiner="tester", parallel=False)
    assert (two.entries, two.merkle_root) == (600, one.merkle_root)
    assert _stored(store, "two") == _stored(store, "one")


def test_a_set_read_in_pieces_matches_as_one_read_in_order(store, tmp_path, pieces):
    from triage.case.models import HashSetMatch, Media

    records = _records(1500, tricky=False)
    for record in records[1::3]:
        del record["SHA1"]  # matched by MD5: a second kind of digest, shared later
    with store.session() as session:
        for i in range(1, 1501, 7):  # a media item for every 7th record, and one that is not
            md5, sha1, sha256 = _digests(i)
            session.add(Media(sha256=sha256, sha1=sha1, md5=md5, size=1, analysed=False))
        session.add(Media(sha256="f" * 64, sha1="f" * 40, md5="f" * 32, size=1, analysed=False))
    path = _write(tmp_path / "set.json", records)
    many = import_hash_set(store, path, "many", examiner="tester")
    one = import_hash_set(store, path, "one", examiner="tester", parallel=False)

    def found(name):
        with store.session() as session:
            return sorted(session.execute(
                select(HashSetMatch.media_id, HashSetMatch.digest, HashSetEntry.record,
                       HashSetEntry.md5, HashSetEntry.sha1, HashSetEntry.category,
                       HashSetEntry.extra)
                .join(HashSetEntry, HashSetEntry.id == HashSetMatch.entry_id)
                .join(HashSet, HashSet.id == HashSetMatch.hash_set_id)
                .where(HashSet.name == name)).all())

    assert many.matches == one.matches == 215
    assert found("many") == found("one")
    assert {digest for _, digest, *_ in found("many")} == {"md5", "sha1"}
    assert verify_hash_set(store, "many", examiner="tester").intact


@pytest.mark.parametrize("parallel", [True, False])
def test_the_files_head_is_read_once_per_import(store, tmp_path, pieces, monkeypatch, parallel):
    import triage.hashsets.formats.base as base

    reads = []
    read_head = base.read_head
    monkeypatch.setattr(base, "read_head", lambda path: reads.append(path) or read_head(path))
    path = _write(tmp_path / "set.json", _records(1500, tricky=True))
    result = import_hash_set(store, path, "once", examiner="tester", parallel=parallel)
    assert result.entries == 1500
    assert reads == [path]
