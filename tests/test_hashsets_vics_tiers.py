"""The fast ways of reading a VICS piece give exactly what `media_entry` gives, or step aside.

A piece of a hash-set form file is read by the first of three tiers that
holds: msgspec record types (`_typed_columns`), orjson dicts column by
column (`_plain_columns`), then `media_entry` record by record. Each fast
tier must either give the very entries `media_entry` gives (the extra
fields' text included: the Merkle root hangs on it) or return None.
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest

pytest.importorskip("msgspec")
ijson = pytest.importorskip("ijson")
orjson = pytest.importorskip("orjson")

from triage.hashsets.formats.vics import _plain_columns, _typed_columns, media_entry  # noqa: E402


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


def _changed(change) -> list:
    records = [_record(i) for i in range(1, 40)]
    change(records)
    return records


def _absent_and_null(records):
    del records[3]["Tags"], records[5]["Category"], records[6]["MD5"]
    records[7].update(Category=None, MediaSize=None, MD5=None)


def _only_digests(records):
    records[:] = [{"MD5": r["MD5"]} for r in records]


COMMON = {
    "as Project VIC writes": lambda records: None,
    "keys absent or null": _absent_and_null,
    "no extra fields": _only_digests,
    "keys no identifier can name": lambda records: [r.update({"odata.id": 1, "": "x"})
                                                    for r in records],
}
OUT_OF_THE_TYPED_RUN = {
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
def test_the_typed_tier_reads_the_common_run_as_media_entry_does(name):
    data = _piece(_changed(COMMON[name]))
    typed = _typed_columns(data)
    assert typed is not None
    assert list(zip(*typed)) == _by_media_entry(data)


@pytest.mark.parametrize("name", list(OUT_OF_THE_TYPED_RUN))
def test_fast_tiers_step_aside_or_agree_with_media_entry(name):
    data = _piece(_changed(OUT_OF_THE_TYPED_RUN[name]))
    expected = _by_media_entry(data)
    for tier in (_typed_columns(data), _plain_columns(orjson.loads(data))):
        assert tier is None or list(zip(*tier)) == expected
    if name != "an integer past 64 bits":  # 2**63 - 1 is within: the typed tier reads it
        assert _typed_columns(data) is None


def test_a_repeated_key_steps_aside():
    data = _piece([_record(1)])
    assert _typed_columns(data) is not None
    assert _typed_columns(data.replace(b'"Series":""', b'"Series":"","Series":"x"')) is None


def test_whitespace_steps_aside():
    records = [_record(i) for i in range(1, 5)]
    assert _typed_columns(json.dumps(records).encode()) is None
