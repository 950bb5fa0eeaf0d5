"""Links out of file contents: text, HTML, JSON, CSV, browser histories, strings; caps and offsets."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.links import Limits, extract
from triage.links.sources import choose


def content_of(data: bytes, chunk: int = 1 << 20):
    return lambda: (data[i:i + chunk] for i in range(0, len(data), chunk))


def urls(extraction, kind="url"):
    return [h.found.url for h in extraction.hits if h.found.kind == kind]


def test_text_lines_with_byte_offsets_and_line_numbers():
    data = "héllo\nvisit hxxp://bad[.]site/content/1 now\nmail a.b@example.com\n".encode()
    result = extract("chat.txt", content_of(data, 7))
    assert result.extractor == "text"
    (link,) = [h for h in result.hits if h.found.kind == "url"]
    assert link.line == 2 and link.found.url == "http://bad.site/content/1"
    assert data[link.offset:].startswith(link.found.raw.encode())
    assert link.found.rules == ("bracket_period", "defanged_scheme")
    assert urls(result, "email") == ["a.b@example.com"]
    assert result.bytes_scanned == len(data)


def test_utf16_text_with_a_bom():
    data = "line one\r\nsee http://bad.site/x\r\n".encode("utf-16")
    result = extract("log.txt", content_of(data))
    assert result.extractor == "text-utf16"
    assert urls(result) == ["http://bad.site/x"] and result.hits[0].line == 2


def test_html_entities_are_decoded():
    data = b'<html><a href="http://bad.site/x?a=1&amp;b=2">x</a> bad&#46;site/y</html>'
    result = extract("page.htm", content_of(data))
    assert result.extractor == "html"
    assert urls(result) == ["http://bad.site/x?a=1&b=2", "http://bad.site/y"]


def test_json_chat_export_string_values_with_their_path():
    data = json.dumps({"messages": [{"from": "a", "text": "go to bad(dot)site(slash)abc"},
                                    {"text": "see http://json.example.com/p"}]}).encode()
    result = extract("result.json", content_of(data, 5))
    assert result.extractor == "json"
    assert urls(result) == ["http://bad.site/abc", "http://json.example.com/p"]
    assert {h.location for h in result.hits} == {"messages.item.text"}


def test_json_lines_too():
    data = b'{"t": "a http://one.example.com/"}\n{"t": "b http://two.example.com/"}\n'
    assert urls(extract("x.jsonl", content_of(data))) == ["http://one.example.com/",
                                                          "http://two.example.com/"]


def test_broken_json_is_read_as_text_and_says_so():
    data = b'{"text": "see http://bad.site/x", "cut'
    result = extract("x.json", content_of(data))
    assert result.extractor == "text" and "not valid JSON" in result.note
    assert urls(result) == ["http://bad.site/x"]


def test_csv_cells_with_row_and_column():
    data = b'from;text\nbob;"look at bit.ly/abc123"\nann;"two\nlines www.example.org"\n'
    result = extract("chat.csv", content_of(data))
    assert result.extractor == "csv"
    assert [(h.found.url, h.location) for h in result.hits] == [
        ("http://bit.ly/abc123", "row 2 column 2"), ("http://www.example.org/", "row 3 column 2")]


def _history(path: Path, table: str, rows: list[tuple]) -> bytes:
    connection = sqlite3.connect(path)
    time_column = "last_visit_time" if table == "urls" else "last_visit_date"
    connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, url TEXT, title TEXT, "
                       f"visit_count INTEGER, {time_column} INTEGER)")
    connection.executemany(f"INSERT INTO {table} (url, title, visit_count, {time_column}) "
                           "VALUES (?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_chromium_history(tmp_path):
    data = _history(tmp_path / "History", "urls", [
        ("https://www.bad.site/content/2", "Title", 3, 13300000000000000),
        ("chrome://settings/", "Settings", 1, 0), ("data:text/plain,x", None, 1, 0)])
    result = extract("History", content_of(data, 4096))
    assert result.extractor == "chromium-history"
    (hit,) = result.hits
    assert hit.found.url == "https://www.bad.site/content/2" and hit.location == "urls id 1"
    assert hit.extra == {"title": "Title", "visit_count": 3, "last_visit": "2022-06-18T04:26:40Z"}


def test_firefox_places(tmp_path):
    data = _history(tmp_path / "places.sqlite", "moz_places",
                    [("http://ff.example.net/a", None, 1, 1700000000000000)])
    result = extract("places.sqlite", content_of(data))
    assert result.extractor == "firefox-places"
    assert urls(result) == ["http://ff.example.net/a"]
    assert result.hits[0].extra["last_visit"] == "2023-11-14T22:13:20Z"


def test_another_database_is_scanned_for_strings(tmp_path):
    connection = sqlite3.connect(tmp_path / "msgstore.db")
    connection.execute("CREATE TABLE messages (body TEXT)")
    connection.execute("INSERT INTO messages VALUES ('meet at hxxps://bad[.]site/m')")
    connection.commit()
    connection.close()
    result = extract("msgstore.db", content_of((tmp_path / "msgstore.db").read_bytes()))
    assert result.extractor == "strings" and urls(result) == ["https://bad.site/m"]


def test_a_database_larger_than_the_cap_is_scanned_for_strings(tmp_path):
    data = _history(tmp_path / "History", "urls", [("http://big.example.com/", "", 1, 0)])
    result = extract("History", content_of(data), Limits(sqlite_cap=100))
    assert result.extractor == "strings" and "larger than" in result.note


def test_history_is_read_from_a_copy_and_the_evidence_is_untouched(tmp_path):
    """The extractor gets bytes, never a path; the file is not opened for writing by anyone."""
    path = tmp_path / "History"
    _history(path, "urls", [("http://a.example.com/", "", 1, 0)])
    os.chmod(path, 0o444)
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
              sorted(p.name for p in tmp_path.iterdir()))

    def chunks():
        with open(path, "rb") as handle:
            yield from iter(lambda: handle.read(1000), b"")
    assert urls(extract("History", chunks)) == ["http://a.example.com/"]
    assert before == (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
                      sorted(p.name for p in tmp_path.iterdir()))  # no -wal/-shm/journal


BLOB = (bytes(range(256)) * 4 + b"x visit hxxp://bad[.]site/content/1 and www.example.com/x y"
        + b"\x00" * 7 + "see ｂａｄ．ｓｉｔｅ/abc and http://utf16.example.org/p".encode("utf-16-le")
        + bytes(300))
BLOB_LINKS = sorted([
    (BLOB.index(b"hxxp://bad"), "http://bad.site/content/1", "utf-8 string"),
    (BLOB.index(b"www.example"), "http://www.example.com/x", "utf-8 string"),
    (BLOB.index("ｂａｄ".encode("utf-16-le")), "http://bad.site/abc", "utf-16le string"),
    (BLOB.index("http://utf16".encode("utf-16-le")), "http://utf16.example.org/p",
     "utf-16le string")])


def test_strings_utf8_and_utf16le_with_offsets():
    result = extract("blob.bin", content_of(BLOB))
    assert result.extractor == "strings"
    assert sorted((h.offset, h.found.url, h.location) for h in result.hits) == BLOB_LINKS


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 700), st.integers(1, 200))
def test_strings_do_not_depend_on_where_chunks_end(chunk, carry):
    result = extract("blob.bin", content_of(BLOB, chunk), Limits(carry=carry))
    assert sorted((h.offset, h.found.url, h.location) for h in result.hits) == BLOB_LINKS


def test_strings_stop_at_the_cap_and_read_no_further():
    """Nothing past the cap is read (but for the first 8 KiB, read to choose the extractor)."""
    read = []
    blob = BLOB + bytes(20000)

    def chunks():
        for i in range(0, len(blob), 100):
            read.append(i)
            yield blob[i:i + 100]
    cap = BLOB.index(b"www.example") + 3
    result = extract("blob.bin", chunks, Limits(strings_cap=cap))
    assert result.bytes_scanned == cap and "cap" in result.note
    assert [h.found.url for h in result.hits] == ["http://bad.site/content/1"]
    assert max(read) < 8192


def test_text_cap():
    data = b"http://one.example.com/\n" * 10 + b"http://late.example.com/\n"
    result = extract("a.txt", content_of(data), Limits(text_cap=240))
    assert "http://late.example.com/" not in urls(result) and result.bytes_scanned == 240
    assert "text cap" in result.note


def test_a_very_long_line_is_read_in_pieces():
    data = b"x" * 5000 + b" http://long.example.com/ " + b"y" * 5000
    result = extract("a.txt", content_of(data), Limits(line_limit=1024))
    assert urls(result) == ["http://long.example.com/"]


@pytest.mark.parametrize("name, head, kind", [
    ("History", b"SQLite format 3\x00rest", "sqlite"),
    ("a.html", b"<p>hi</p>", "html"),
    ("noext", b"<!DOCTYPE html><html>", "html"),
    ("a.json", b"{}", "json"),
    ("a.csv", b"a,b\n", "csv"),
    ("a.txt", b"plain words\n", "text"),
    ("a.dat", b"\x00\x01\x02binary", "strings"),
    ("a.txt", b"\xff\xfeh\x00i\x00", "text"),
    ("a.docx", b"PK\x03\x04\x14\x00", "compressed"),
    ("a.gz", b"\x1f\x8b\x08\x00", "compressed"),
])
def test_choice_of_extractor(name, head, kind):
    assert choose(name, head) == kind


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.json", "a.csv", "a.html", "a.bin",
                                                  "History"]))
def test_any_bytes_extract_without_error(data, name):
    result = extract(name, content_of(data, 97))
    assert all(h.offset is None or 0 <= h.offset < max(len(data), 1) for h in result.hits)
