"""The fast way of reading a piece gives exactly what reading record by record gives, or steps aside.

A piece of a VICS hash-set form file is read by orjson dicts column by
column (`_plain_columns`) where that holds, else by `media_entry` record by
record. A piece of an NSRL RDSv3 table: SQLite writing the extra fields
(`_sql_columns`), else `_entries` row by row. The fast path must either give
the very entries the plain reader gives (the extra fields' text included:
the Merkle root hangs on it) or return None. It may leave digests in the
file's case: blocks store them in binary.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3

import pytest

ijson = pytest.importorskip("ijson")
orjson = pytest.importorskip("orjson")

from triage.hashsets.blocks import Columns, pack, pack_columns, unpack  # noqa: E402
from triage.hashsets.formats import SetInfo  # noqa: E402
from triage.hashsets.formats import nsrl_rds3  # noqa: E402
from triage.hashsets.formats.vics import _plain_columns, media_entry  # noqa: E402


def _record(i: int) -> dict:
    data = i.to_bytes(8, "little")
    return {"MediaID": i, "Category": i % 5, "MD5": hashlib.md5(data).hexdigest().upper(),
            "SHA1": hashlib.sha1(data).hexdigest(), "MediaSize": 1000 + i,
            "DateUpdated": "2024-01-01T00:00:00.000Z", "IsDistributed": "true",
            "VictimIdentified": False, "Series": "", "Tags": None}


def _piece(records: list) -> bytes:
    return json.dumps(records, separators=(",", ":")).encode()


def _by_media_entry(data: bytes) -> list[tuple]:
    return [tuple(media_entry(record, index)) for index, record
            in enumerate(ijson.items(io.BytesIO(data), "item", use_float=True), 1)]


def _assert_stored_as(columns, rows: list[tuple]) -> None:
    """The fast path's entries are stored as the plain reader's rows would be, byte for byte:
    the same block and the same Merkle leaves (and the same first entry with a category)."""
    block, leaves, _ = pack_columns(columns)
    assert unpack(block) == rows
    assert (block, leaves) == pack(rows)
    assert columns.first_category() == Columns.of_rows(rows).first_category()


def _changed(change) -> list:
    records = [_record(i) for i in range(1, 40)]
    change(records)
    return records


def _absent_and_null(records):
    del records[3]["Tags"], records[5]["Category"], records[6]["MD5"]
    records[7].update(Category=None, MediaSize=None, MD5=None)


def _only_digests(records):
    records[:] = [{"MD5": r["MD5"]} for r in records]


def _categories_after_the_first(records):
    records[0]["Category"] = records[1]["Category"] = None


COMMON = {
    "as Project VIC writes": lambda records: None,
    "keys absent or null": _absent_and_null,
    "no extra fields": _only_digests,
    "no category in the first records": _categories_after_the_first,
    "keys no identifier can name": lambda records: [r.update({"odata.id": 1, "": "x"})
                                                    for r in records],
}
ODD_PIECES = {
    "keys in another order": lambda records: records.__setitem__(
        9, dict(reversed(records[9].items()))),
    "a key the first record lacks": lambda records: records[20].update(Comments="c"),
    '"},{" in a string': lambda records: records[2].update(Series="a},{b"),
    "non-ASCII": lambda records: records[2].update(Series="é"),
    "an escape": lambda records: records[2].update(Series='say "x"'),
    "a float": lambda records: records[2].update(Score=1.5),
    "a Category that is text": lambda records: records[2].update(Category="A1"),
    "a Category that is a boolean": lambda records: records[2].update(Category=True),
    "a negative MediaSize": lambda records: records[2].update(MediaSize=-1),
    "a MediaSize that is text": lambda records: records[2].update(MediaSize="12"),
    "an MD5 of 31 digits": lambda records: records[2].update(MD5="0" * 31),
    "an MD5 that is not hex": lambda records: records[2].update(MD5="g" * 32),
    "no digest at all": lambda records: records[2].update(MD5=None, SHA1=None),
    "a SHA256": lambda records: [r.update(SHA256="a" * 64) for r in records],
    "a nested value": lambda records: records[2].update(Tags=["a"]),
    "an integer past 64 bits": lambda records: records[2].update(MediaID=2**63 - 1),
}


@pytest.mark.parametrize("name", list(COMMON))
def test_the_fast_path_reads_the_common_run_as_media_entry_does(name):
    data = _piece(_changed(COMMON[name]))
    fast = _plain_columns(orjson.loads(data))
    assert fast is not None
    _assert_stored_as(fast, _by_media_entry(data))


@pytest.mark.parametrize("name", list(ODD_PIECES))
def test_the_fast_path_steps_aside_or_agrees_with_media_entry(name):
    data = _piece(_changed(ODD_PIECES[name]))
    fast = _plain_columns(orjson.loads(data))
    if fast is not None:
        _assert_stored_as(fast, _by_media_entry(data))


def test_whitespace_between_records_reads_the_same():
    data = json.dumps([_record(i) for i in range(1, 5)]).encode()
    _assert_stored_as(_plain_columns(orjson.loads(data)), _by_media_entry(data))


# -- NSRL RDSv3 ----------------------------------------------------------------------------

def _nsrl_row(i: int) -> list:
    data = i.to_bytes(8, "little")
    return [hashlib.sha256(data).hexdigest().upper(), hashlib.sha1(data).hexdigest(),
            hashlib.md5(data).hexdigest(), "dll", f"file{i}.dll", 4096 + i, i % 50]


NSRL_COMMON = {
    "as NIST ships it": lambda rows: None,
    "sizes null": lambda rows: rows[3].__setitem__(5, None),
    "text with an apostrophe": lambda rows: rows[3].__setitem__(4, "it's"),
    # Column affinity stores these as the column's type: nothing out of the run is left.
    "a whole real in an integer column": lambda rows: rows[3].__setitem__(6, 2.0),
    "a number in a text column": lambda rows: rows[3].__setitem__(3, 7),
}
NSRL_OUT_OF_THE_SQL_RUN = {
    "an extra column null": lambda rows: rows[3].__setitem__(3, None),
    "non-ASCII": lambda rows: rows[3].__setitem__(4, "fïle"),
    "a quote (escaped)": lambda rows: rows[3].__setitem__(4, 'a "file"'),
    "a control character": lambda rows: rows[3].__setitem__(4, "a\x7fb"),
    "a real": lambda rows: rows[3].__setitem__(6, 1.5),
    "a huge real": lambda rows: rows[3].__setitem__(6, 1e300),
    "a size that is a real": lambda rows: rows[3].__setitem__(5, 4096.5),
    "a blob": lambda rows: rows[3].__setitem__(4, b"xy"),
    "a negative size": lambda rows: rows[3].__setitem__(5, -1),
    "a size that is text": lambda rows: rows[3].__setitem__(5, "12 bytes"),
    "a digest null": lambda rows: rows[3].__setitem__(2, None),
    "a digest too short": lambda rows: rows[3].__setitem__(1, "a" * 39),
    "two digests' lengths off but adding up": lambda rows: (
        rows[3].__setitem__(2, "a" * 31), rows[3].__setitem__(1, "a" * 41)),
    "a digest with a space": lambda rows: rows[3].__setitem__(2, "a" * 30 + " a"),
    "a digest not hex": lambda rows: rows[3].__setitem__(2, "g" * 32),
    "a digest that is an integer": lambda rows: rows[3].__setitem__(2, 12),
}


def _nsrl_columns(path):
    with nsrl_rds3.open_readonly(path) as connection:
        info = SetInfo()
        table, at, others = nsrl_rds3._layout(connection, info)
        rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
        sql = nsrl_rds3._sql_columns(connection, table, info.details["columns"], at, others,
                                     1, len(rows))
        slow = [tuple(item) for item in nsrl_rds3._entries(rows, 1, table, at, others)]
    return sql, slow


def _nsrl_db(tmp_path, change, columns: str = "extension TEXT, file_name TEXT") -> object:
    path = tmp_path / "rds.db"
    rows = [_nsrl_row(i) for i in range(1, 30)]
    change(rows)
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, {columns}, "
                   "file_size INTEGER, package_id INTEGER)")
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?,?,?)", rows)
    return path


@pytest.mark.parametrize("name", list(NSRL_COMMON))
def test_the_sql_path_reads_the_common_run_as_entries_does(tmp_path, name):
    sql, slow = _nsrl_columns(_nsrl_db(tmp_path, NSRL_COMMON[name]))
    assert sql is not None
    _assert_stored_as(sql, slow)


@pytest.mark.parametrize("name", list(NSRL_OUT_OF_THE_SQL_RUN))
def test_the_sql_path_steps_aside_out_of_its_run(tmp_path, name):
    sql, _ = _nsrl_columns(_nsrl_db(tmp_path, NSRL_OUT_OF_THE_SQL_RUN[name]))
    assert sql is None


def test_the_sql_path_quotes_odd_column_names(tmp_path):
    path = _nsrl_db(tmp_path, lambda rows: None, columns='"it\'s" TEXT, "odata.id" TEXT')
    sql, slow = _nsrl_columns(path)
    assert sql is not None
    _assert_stored_as(sql, slow)
    assert slow[0][6] == '{"it\'s":"dll","odata.id":"file1.dll","package_id":1}'


def test_the_sql_path_reads_a_table_of_digests_alone(tmp_path):
    path = tmp_path / "rds.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE FILE (md5 TEXT, SHA1 TEXT)")
        db.executemany("INSERT INTO FILE VALUES (?, ?)", [row[2:0:-1] for row in
                                                         map(_nsrl_row, range(1, 30))])
    sql, slow = _nsrl_columns(path)
    assert sql is not None and sql.sha256 is None
    _assert_stored_as(sql, slow)
