"""Hash-set importers, one format at a time, from small generated files (no case needed).

Digests here are of made-up bytes; the end-to-end tests in
test_hashsets_case.py use digests of pictures the test ingests.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from pathlib import Path

import pytest

from triage.hashsets.entries import BadRecord, Entry, FormatError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, detect
from triage.hashsets.merkle import MerkleBuilder, merkle_root_of

V2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{model}/$metadata#{entity}"
V13 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#{entity}"


def digests(i: int) -> tuple[str, str, str]:
    data = f"item {i}".encode()
    return (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
            hashlib.sha256(data).hexdigest())


def read(path: Path, fmt: str | None = None, **options) -> tuple[str, SetInfo, list]:
    found = detect(path, fmt)
    info = SetInfo()
    source = Source(path)
    try:
        items = list(found.read(source, info, ReadOptions(**options)))
        source.sha256()
    finally:
        source.close()
    return found.id, info, items


def media(i: int, category=1, upper=True, **more) -> dict:
    md5, sha1, _ = digests(i)
    record = {"MediaID": i, "Category": category, "MD5": md5.upper() if upper else md5,
              "SHA1": sha1, "MediaSize": 1000 + i, "IsDistributed": "true", "Series": "",
              **more}
    if category is None:
        del record["Category"]
    return record


def write_vics(path: Path, records: list, model="US", entity="Media", key="@odata.context",
               bom=False, version="2.0") -> Path:
    context = V2.format(model=model, entity=entity) if version == "2.0" \
        else V13.format(entity=entity)
    text = json.dumps({key: context, "value": records})
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


# -- VICS -------------------------------------------------------------------------------------


def test_vics_2_us_hash_set_form_with_bom_and_upper_case_md5(tmp_path):
    path = write_vics(tmp_path / "us.json", [media(1), media(2, category=0), media(3, None)],
                      bom=True)
    fmt, info, items = read(path)
    assert fmt == "vics" and info.scheme == "vics-us" and info.details["bom"] is True
    assert info.details["form"] == "hash set" and info.details["data_model"] == "2.0/US"
    assert [(e.record, e.md5, e.sha1, e.category, e.size) for e in items] == [
        (1, digests(1)[0], digests(1)[1], "1", 1001),
        (2, digests(2)[0], digests(2)[1], "0", 1002),  # 0 is a category (Non-Pertinent)
        (3, digests(3)[0], digests(3)[1], None, 1003),  # missing Category: uncategorised
    ]
    assert json.loads(items[0].extra) == {"MediaID": 1, "IsDistributed": "true", "Series": ""}


def test_vics_uk_and_default_data_models_name_their_schemes(tmp_path):
    _, uk, items = read(write_vics(tmp_path / "uk.json", [media(1, category=2)], model="UK"))
    assert uk.scheme == "vics-uk" and items[0].category == "2"  # verbatim, never mapped
    _, default, _ = read(write_vics(tmp_path / "d.json", [media(1)], model="Default"))
    assert default.scheme == "vics-us" and default.details["data_model"] == "2.0/Default"
    _, custom, _ = read(write_vics(tmp_path / "c.json", [media(1)], model="CUSTOM"))
    assert custom.scheme == "vics-custom"


def test_vics_1x_metadata_key_and_odata_record_keys(tmp_path):
    record = media(1, category=5, **{"odata.id": "Media(1)", "odata.editLink": "Media(1)"})
    path = write_vics(tmp_path / "v13.json", [record], key="odata.metadata", version="1.3")
    fmt, info, items = read(path)
    assert fmt == "vics" and info.scheme == "dhs-legacy"
    assert info.details["context_key"] == "odata.metadata"
    assert items[0].category == "5"
    assert json.loads(items[0].extra)["odata.id"] == "Media(1)"


def test_vics_case_form_streams_media_of_every_case(tmp_path):
    cases = [
        {"CaseID": "{00000000-0000-0000-0000-000000000001}", "CaseNumber": "CASE-1",
         "SourceApplicationName": "ExampleTool",
         "Media": [media(1, MediaFiles=[{"FileName": "a.jpg", "FilePath": "x\\"}]),
                   media(2, category=3)]},
        {"CaseID": "{00000000-0000-0000-0000-000000000002}", "CaseNumber": "CASE-2",
         "TotalMediaFiles": 99, "Media": [media(3, category=None)]},
    ]
    path = write_vics(tmp_path / "case.json", cases, entity="Cases")
    fmt, info, items = read(path)
    assert info.details["form"] == "case" and info.details["case_count"] == 2
    assert [c["CaseNumber"] for c in info.details["cases"]] == ["CASE-1", "CASE-2"]
    assert [(e.record, e.md5, e.category) for e in items] == [
        (1, digests(1)[0], "1"), (2, digests(2)[0], "3"), (3, digests(3)[0], None)]
    assert json.loads(items[0].extra)["MediaFiles"][0]["FileName"] == "a.jpg"


def test_vics_sha256_from_alternative_hashes(tmp_path):
    sha256 = digests(1)[2]
    record = media(1, AlternativeHashes=[{"HashName": "SHA256", "HashValue": sha256.upper()}])
    _, _, items = read(write_vics(tmp_path / "alt.json", [record]))
    assert items[0].sha256 == sha256


def test_vics_malformed_records_are_named_by_index_with_the_reason(tmp_path):
    records = [media(1), {**media(2), "MD5": "XYZ"}, {"MediaID": 3, "Category": 1},
               {**media(4), "Category": [1]}, "not an object", media(6)]
    _, _, items = read(write_vics(tmp_path / "bad.json", records))
    bad = [(b.record, b.where, b.reason) for b in items if isinstance(b, BadRecord)]
    assert bad[0] == (2, "record 2 (value[1])", "MD5 'XYZ' is not 32 hex digits")
    assert bad[1][:2] == (3, "record 3 (value[2])") and "no MD5" in bad[1][2]
    assert bad[2][0] == 4 and "Category" in bad[2][2]
    assert bad[3][:2] == (5, "record 5 (value[4])")
    assert [e.record for e in items if isinstance(e, Entry)] == [1, 6]


def test_vics_cut_short_is_a_format_error(tmp_path):
    path = write_vics(tmp_path / "cut.json", [media(i) for i in range(1, 50)])
    path.write_bytes(path.read_bytes()[:-2000])
    with pytest.raises(FormatError, match="broken JSON after record"):
        read(path)


# -- plain lists, CSV/TSV ---------------------------------------------------------------------


def test_md5sum_sha1sum_sha256sum_lists_mixed_with_names_and_comments(tmp_path):
    md5, sha1, sha256 = digests(1)
    path = tmp_path / "list.txt"
    path.write_text(f"# made by hand\n{md5.upper()}  a.jpg\n\n{sha1} *b c.png\n{sha256}\n"
                    f"SHA256 (d.gif) = {digests(2)[2]}\n")
    fmt, info, items = read(path)
    assert fmt == "hashlist"
    assert [(e.record, e.md5, e.sha1, e.sha256) for e in items] == [
        (2, md5, None, None), (4, None, sha1, None), (5, None, None, sha256),
        (6, None, None, digests(2)[2])]
    assert json.loads(items[1].extra) == {"name": "b c.png"}
    assert info.details["digests"] == {"md5": 1, "sha1": 1, "sha256": 2}


def test_hash_list_bad_line_is_named_by_line_number(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(f"MD5\n{digests(1)[0]}\n{digests(2)[0][:-1]}\n{digests(3)[0]}\n")
    _, _, items = read(path)
    bad = [b for b in items if isinstance(b, BadRecord)]
    assert [(b.where, "is not an MD5, SHA-1 or SHA-256" in b.reason) for b in bad] == [
        ("line 3", True)]


def test_csv_header_names_columns_and_other_columns_go_to_extra(tmp_path):
    md5, sha1, _ = digests(1)
    path = tmp_path / "set.csv"
    path.write_text(f"Image ID,MD5 Hash,SHA-1,Category,File Size,Series\n"
                    f"17,{md5.upper()},{sha1},2,123,s1\n18,{digests(2)[0]},,,,\n")
    fmt, info, items = read(path)
    assert fmt == "csv" and info.details["columns"] == {
        "md5": "MD5 Hash", "sha1": "SHA-1", "category": "Category", "size": "File Size"}
    assert items[0] == Entry(2, md5, sha1, None, "2", 123,
                             json.dumps({"Image ID": "17", "Series": "s1"}, separators=(",", ":")))
    assert items[1].category is None and items[1].sha1 is None


def test_tsv_without_header_finds_digest_columns_by_content(tmp_path):
    path = tmp_path / "set.tsv"
    path.write_text("".join(f"{digests(i)[1]}\tname {i}\t{digests(i)[2]}\n" for i in range(3)))
    fmt, info, items = read(path)
    assert fmt == "csv" and info.details["header"] is False
    assert info.details["delimiter"] == "tab"
    assert [(e.sha1, e.sha256) for e in items] == [digests(i)[1:] for i in range(3)]


def test_csv_column_override_and_generic_hash_column(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(f"ref;checksum;grade_given\n1;{digests(1)[2]};B\n2;{digests(2)[0]};A\n")
    _, info, items = read(path, columns={"category": "grade_given"})
    assert [(e.md5, e.sha256, e.category) for e in items] == [
        (None, digests(1)[2], "B"), (digests(2)[0], None, "A")]
    _, _, items = read(path, columns={"category": "3"}, delimiter=";")
    assert items[0].category == "B"
    with pytest.raises(FormatError, match="no column named 'nope'"):
        read(path, columns={"category": "nope"})


def test_csv_short_row_is_a_bad_record_with_its_line(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(f"md5,category\n{digests(1)[0]},1\n\n{digests(2)[0]}\nzz,1\n")
    _, _, items = read(path)
    bad = [(b.where, b.reason) for b in items if isinstance(b, BadRecord)]
    assert bad[0][0] == "line 4" and "columns" in bad[0][1]
    assert bad[1][0] == "line 5" and "MD5 'zz'" in bad[1][1]


def test_csv_quote_left_open_is_an_error_on_its_line_and_the_rest_is_read(tmp_path):
    """A quote never closed took every later line into one field: 29 of 30 entries lost."""
    rows = [f'{digests(i)[0]},1,"photo {i}.jpg"' for i in range(30)]
    rows[1] = f'{digests(1)[0]},1,"photo 1.jpg'  # the quote is never closed
    path = tmp_path / "set.csv"
    path.write_text("md5,category,name\n" + "\n".join(rows) + "\n")
    _, _, items = read(path)
    bad = [b for b in items if isinstance(b, BadRecord)]
    entries = [e for e in items if isinstance(e, Entry)]
    assert [(b.where, "not closed" in b.reason) for b in bad] == [("line 3", True)]
    assert len(entries) == 29 and entries[-1].md5 == digests(29)[0]
    assert [e.record for e in entries][:3] == [2, 4, 5]


# -- NSRL, HashKeeper, EnCase -----------------------------------------------------------------


def test_nsrl_legacy_nsrlfile_txt(tmp_path):
    md5, sha1, _ = digests(1)
    path = tmp_path / "NSRLFile.txt"
    path.write_text('"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode",'
                    '"OpSystemCode","SpecialCode"\n'
                    f'"{sha1.upper()}","{md5.upper()}","AABBCCDD","setup, final.exe",4096,'
                    '1234,"358",""\n')
    fmt, info, items = read(path)
    assert fmt == "nsrl-legacy"
    entry = items[0]
    assert (entry.md5, entry.sha1, entry.size) == (md5, sha1, 4096)
    assert json.loads(entry.extra)["FileName"] == "setup, final.exe"


def make_rds3(path: Path, rows: list[tuple]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, crc32 TEXT, "
                   "file_name TEXT, file_size INTEGER, package_id INTEGER)")
        db.execute("CREATE VIEW FILE AS SELECT sha256, sha1, md5, crc32, file_name, file_size, "
                   "package_id FROM METADATA")
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?,?,?)", rows)
    return path


def test_nsrl_rds3_sqlite_read_only(tmp_path):
    md5, sha1, sha256 = digests(1)
    path = make_rds3(tmp_path / "RDS_modern.db", [
        (sha256.upper(), sha1.upper(), md5.upper(), None, "kernel32.dll", 100, 7),
        ("nothex", sha1, md5, None, "x", 1, 1)])
    before = sorted(p.name for p in tmp_path.iterdir())
    fmt, info, items = read(path)
    assert fmt == "nsrl-rds3" and info.details["table"] == "METADATA"
    assert items[0] == Entry(1, md5, sha1, sha256, None, 100,
                             '{"file_name":"kernel32.dll","package_id":7}')
    assert isinstance(items[1], BadRecord) and items[1].where == "row 2 of METADATA"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no -wal, no -shm


def test_hashkeeper(tmp_path):
    path = tmp_path / "set.hsh"
    header = ('"file_id","hashset_id","file_name","directory","hash","file_size",'
              '"date_modified","time_modified","time_zone","comments","date_accessed",'
              '"time_accessed"')
    path.write_text(f'{header}\n1,7,"a.jpg","C:\\pics","{digests(1)[0].upper()}",55,'
                    '"2003/01/01","12:00:00","",,"",""\n')
    fmt, _, items = read(path)
    assert fmt == "hashkeeper" and items[0].md5 == digests(1)[0] and items[0].size == 55


def test_encase_v6_hash_file(tmp_path):
    header = bytearray(1152)
    header[:8] = b"HASH\r\n\xff\x00"
    name = "Example set".encode("utf-16-le")
    header[1032:1032 + len(name)] = name
    records = b"".join(bytes.fromhex(digests(i)[0]) + b"\x00\x01" for i in range(3))
    path = tmp_path / "set.hash"
    path.write_bytes(bytes(header) + records + b"\x01\x02")
    fmt, info, items = read(path)
    assert fmt == "encase" and info.details["set_name"] == "Example set"
    assert [e.md5 for e in items[:3]] == [digests(i)[0] for i in range(3)]
    assert isinstance(items[3], BadRecord) and "truncated" in items[3].reason


# -- detection and refusal --------------------------------------------------------------------


def test_wrong_format_is_refused_naming_what_it_looks_like(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text(digests(1)[0] + "\n")
    with pytest.raises(FormatError, match="not Project VIC VICS JSON.*looks like Plain digest"):
        detect(listing, "vics")
    vics = write_vics(tmp_path / "set.json", [media(1)])
    with pytest.raises(FormatError, match="looks like Project VIC VICS JSON"):
        detect(vics, "nsrl-legacy")
    png = tmp_path / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(FormatError, match="looks like a PNG picture"):
        detect(png)
    other = tmp_path / "other.json"
    other.write_text('{"items": [1, 2]}')
    with pytest.raises(FormatError, match="JSON, but not Project VIC"):
        detect(other)
    zipped = tmp_path / "rds.zip"
    zipped.write_bytes(b"PK\x03\x04" + bytes(40))
    with pytest.raises(FormatError, match="ZIP archive"):
        detect(zipped)


# -- Merkle root ------------------------------------------------------------------------------


def _rfc6962(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _rfc6962(leaves[:k]) + _rfc6962(leaves[k:])).digest()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 100])
def test_merkle_builder_is_rfc6962(n, monkeypatch):
    import triage.hashsets.merkle as merkle

    monkeypatch.setattr(merkle, "CHUNK", 4)  # exercise chunking with small numbers
    leaves = [struct.pack(">I", i) for i in range(n)]
    builder = MerkleBuilder()
    for start in range(0, n, 3):
        builder.add_leaves(leaves[start:start + 3])
    assert builder.root() == _rfc6962(leaves).hex()


def test_merkle_leaf_is_the_documented_tab_separated_line():
    row = ("a" * 32, None, None, "1", 5, '{"x":1}')
    expected = hashlib.sha256(b"\x00" + ("a" * 32 + "\t\t\t1\t5\t" + '{"x":1}').encode())
    assert merkle_root_of([row]) == expected.hexdigest()


def test_merkle_root_sorts_leaf_hashes_so_file_order_does_not_matter():
    from triage.hashsets.merkle import SortedLeaves, leaf_bytes

    rows = [(digests(i)[0], None, None, str(i % 3), i, None) for i in range(300)]
    hashes = sorted(hashlib.sha256(b"\x00" + leaf_bytes(*row)).digest() for row in rows)
    expected = _rfc6962_of_hashes(hashes)
    assert merkle_root_of(rows) == expected
    assert merkle_root_of(list(reversed(rows))) == expected
    spilling = SortedLeaves(memory_limit=1000)  # through temporary files
    for start in range(0, 300, 7):
        spilling.add_rows(rows[start:start + 7])
    assert spilling.root() == expected


def _rfc6962_of_hashes(hashes: list[bytes]) -> str:
    def node(part):
        if len(part) == 1:
            return part[0]
        k = 1
        while k * 2 < len(part):
            k *= 2
        return hashlib.sha256(b"\x01" + node(part[:k]) + node(part[k:])).digest()
    return node(hashes).hex()


def test_a_csv_field_over_the_csv_modules_limit_is_a_format_error(tmp_path):
    """Found by fuzzing (tests/fuzz hash_set): a 128 KB field in the first lines escaped
    the reader as csv.Error, an internal error."""
    path = tmp_path / "set.csv"
    path.write_bytes(b"SHA-1,MD5\n" + b"a" * 200_000 + b"\n")
    with pytest.raises(FormatError, match="not CSV"):
        read(path)
