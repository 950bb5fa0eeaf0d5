"""Links out of one file's content: which extractor fits it, and each extractor.

An extractor gets a function that streams the content (chunks of bytes,
from the evidence, read-only) and yields `Hit`s: a found link and where it
was (byte offset, line, or a place such as a JSON path or a table row).
Nothing loads a whole large file: text is read a line at a time (a line
longer than `line_limit` is read in pieces), strings are scanned in chunks
with a carry-over, JSON is parsed as a stream. Browser history databases
are copied (up to `sqlite_cap`) to a temporary file that SQLite opens
read-only and immutable; the evidence itself is never handed to SQLite.

Which extractor: SQLite header -> browser history (Chromium `urls`,
Firefox `moz_places`) or, for other databases, strings; HTML, JSON and
CSV by name or content; other text by content; archives and compressed
streams (zip, gzip, bzip2, xz, 7z, rar, zstd) are not scanned; anything
else -> strings (UTF-8 and UTF-16LE) of the first `strings_cap` bytes.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import sqlite3
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import PurePosixPath
from typing import Callable, Iterable, Iterator
from urllib.parse import quote

import ijson

from triage.case.models import LinkConfidence
from triage.links.find import Found, confidence_of, context_of, find_links
from triage.links.normal import NotALink, parse_url

Content = Callable[[], Iterator[bytes]]
SQLITE_MAGIC = b"SQLite format 3\x00"
# Archives and compressed streams: their bytes are compressed, so strings of them are noise
# (unpacking containers is not done here).
COMPRESSED_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c",
                    b"Rar!\x1a\x07", b"\x28\xb5\x2f\xfd")
HTML_NAMES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml", ".php", ".asp"})
JSON_NAMES = frozenset({".json", ".jsonl", ".ndjson"})
CSV_NAMES = frozenset({".csv", ".tsv"})
# Printable runs, searched in decoded text (one pass of a single character class is several
# times faster than a byte pattern of alternatives). UTF-8: bytes that are not UTF-8 decode to
# lone surrogates, which end a run. UTF-16LE, at both byte parities: ASCII and Latin-1,
# Greek/Cyrillic, zero-width characters, U+3002 and the full-width forms.
MIN_RUN = 6
_UTF8_TEXT = re.compile("[\t\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]{%d,}" % MIN_RUN)
_UTF16_TEXT = re.compile(
    "[\t\x20-\x7e\u00a0-\u00ff\u0370-\u04ff\u200b-\u200d\u3002\uff01-\uff5e]{%d,}" % MIN_RUN)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
CHROMIUM_EPOCH = datetime(1601, 1, 1)


@dataclass
class Limits:
    text_cap: int = 1 << 30  # bytes of a text, HTML, JSON or CSV file read
    strings_cap: int = 64 << 20  # bytes of any other file scanned for strings
    sqlite_cap: int = 512 << 20  # a larger database is scanned for strings instead
    line_limit: int = 1 << 20  # a longer line is read in pieces of this size
    carry: int = 4096  # bytes kept between chunks so a string split by a chunk is whole


@dataclass(frozen=True)
class Hit:
    found: Found
    offset: int | None = None
    line: int | None = None
    location: str | None = None
    extra: dict | None = None


@dataclass
class Extraction:
    extractor: str
    hits: list[Hit] = field(default_factory=list)
    bytes_scanned: int = 0
    note: str | None = None  # e.g. why an extractor fell back to another


class _Counted(io.RawIOBase):
    """A read-only stream over content chunks, counting bytes and stopping at a cap."""

    def __init__(self, chunks: Iterator[bytes], cap: int):
        self._chunks, self._buffer, self.cap, self.read_bytes = chunks, b"", cap, 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            if self.read_bytes >= self.cap:
                return 0
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk[:self.cap - self.read_bytes]
            self.read_bytes += len(self._buffer)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def choose(name: str, head: bytes) -> str:
    """The extractor for a file, from its name and its first bytes."""
    suffix = PurePosixPath(name.lower()).suffix
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(COMPRESSED_MAGIC):
        return "compressed"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_text(head[2:], utf16=True):
        return "text"
    if not looks_text(head):
        return "strings"
    start = head.lstrip()[:15].lower()
    if suffix in HTML_NAMES or start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in JSON_NAMES:
        return "json"
    if suffix in CSV_NAMES:
        return "csv"
    return "text"


def looks_text(head: bytes, utf16: bool = False) -> bool:
    """No NUL bytes (for UTF-16 text: NUL only as high bytes) and few control characters."""
    sample = head[:8192]
    if utf16:
        sample = sample[::2]
    elif b"\x00" in sample:
        return False
    if not sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    return controls * 100 <= len(sample)


def extract(name: str, content: Content, limits: Limits | None = None,
            kind: str | None = None) -> Extraction:
    """Every link in one content; `kind` forces an extractor (e.g. "strings")."""
    limits = limits or Limits()
    chunks = content()
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 8192:
            break
    chunks_again = _prepend(head, chunks)
    kind = kind or choose(name, head)
    if kind == "sqlite":
        return extract_sqlite(chunks_again, limits)
    if kind == "compressed":
        return Extraction("compressed", note="compressed data: not scanned")
    if kind == "strings":
        return extract_strings(chunks_again, limits)
    if kind == "json":
        result = extract_json(chunks_again, limits)
    elif kind == "csv":
        result = extract_csv(chunks_again, limits, tab=name.lower().endswith(".tsv"))
    else:
        return extract_text(chunks_again, limits, html_text=kind == "html")
    if result.note is None:
        return result
    fallback = extract_text(content(), limits)  # malformed JSON/CSV: read it as text
    fallback.note = result.note
    return fallback


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


# -- text, HTML ------------------------------------------------------------------------------


def extract_text(chunks: Iterator[bytes], limits: Limits, html_text: bool = False) -> Extraction:
    """Lines, in blocks of about `BLOCK` bytes; offsets are bytes from the start (UTF-8 text)."""
    stream = _Counted(chunks, limits.text_cap)
    buffered = io.BufferedReader(stream, 1 << 16)
    result = Extraction("html" if html_text else "text")
    if buffered.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
        result.extractor = "text-utf16"
        text = io.TextIOWrapper(buffered, encoding="utf-16", errors="replace", newline="")
        lines = iter(lambda: text.readline(limits.line_limit), "")
        number = 1
        for block in _blocks(lines, len):
            for i, found in find_in_pieces(block):
                result.hits.append(Hit(found, line=number + i))
            number += len(block)
    else:
        number, offset = 1, 0
        for block in _blocks(iter(lambda: buffered.readline(limits.line_limit), b""), len):
            lines = [raw.decode("utf-8", "replace") for raw in block]
            pieces = [html.unescape(line) if html_text and "&" in line else line
                      for line in lines]
            starts = list(accumulate((len(raw) for raw in block), initial=offset))
            for i, found in find_in_pieces(pieces):
                exact = pieces[i] is lines[i]  # entities decoded: the line's start is all we know
                at = starts[i] + (_byte_length(lines[i], found.start) if exact else 0)
                result.hits.append(Hit(found, offset=at, line=number + i))
            number, offset = number + len(block), starts[-1]
    result.bytes_scanned = stream.read_bytes
    if stream.read_bytes >= limits.text_cap:
        result.note = f"read up to the text cap ({limits.text_cap} bytes)"
    return result


BLOCK = 1 << 18  # lines are searched this many bytes at a time: one regex pass, not one per line


def _blocks(items, size):
    block, held = [], 0
    for item in items:
        block.append(item)
        held += size(item)
        if held >= BLOCK:
            yield block
            block, held = [], 0
    if block:
        yield block


def find_in_pieces(pieces: list[str]) -> list[tuple[int, Found]]:
    """Links in many short texts at once: (index of the text, link with offsets in that text).

    One search over the texts joined by newlines costs far less than one
    search per text; a link never runs from one text into the next.
    """
    joined = "\n".join(pieces)
    starts = list(accumulate((len(p) + 1 for p in pieces), initial=0))
    out = []
    for found in find_links(joined):
        i = bisect_right(starts, found.start) - 1
        start, end = found.start - starts[i], found.end - starts[i]
        if end <= len(pieces[i]):
            out.append((i, replace(found, start=start, end=end,
                                   context=context_of(pieces[i], start, end))))
    return out


def _byte_length(text: str, chars: int) -> int:
    prefix = text[:chars]
    return chars if prefix.isascii() else len(prefix.encode("utf-8", "replace"))


# -- JSON, CSV ------------------------------------------------------------------------------


def extract_json(chunks: Iterator[bytes], limits: Limits) -> Extraction:
    """String values of a JSON document (or JSON lines), each with its path: chat exports."""

    stream = _Counted(chunks, limits.text_cap)
    result = Extraction("json")
    try:
        for prefix, event, value in ijson.parse(io.BufferedReader(stream, 1 << 16),
                                                multiple_values=True):
            if event == "string" and value:
                result.hits.extend(Hit(f, location=prefix or "$") for f in find_links(value))
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError) as exc:
        result.note = f"not valid JSON ({_one_line(exc)}); read as text"
        result.hits = []
    result.bytes_scanned = stream.read_bytes
    return result


def extract_csv(chunks: Iterator[bytes], limits: Limits, tab: bool = False) -> Extraction:
    """Each cell of a CSV/TSV chat export, with its row and column."""
    stream = _Counted(chunks, limits.text_cap)
    buffered = io.BufferedReader(stream, 1 << 16)
    delimiter = "\t" if tab else _delimiter(buffered.peek(4096)[:4096])
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="replace", newline="")
    result = Extraction("csv")
    csv.field_size_limit(limits.line_limit)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for row_number, row in enumerate(reader, 1):
            for column, cell in enumerate(row, 1):
                result.hits.extend(Hit(f, line=reader.line_num, location=f"row {row_number} "
                                       f"column {column}") for f in find_links(cell))
    except csv.Error as exc:
        result.note = f"not valid CSV ({_one_line(exc)}); read as text"
        result.hits = []
    result.bytes_scanned = stream.read_bytes
    return result


def _delimiter(head: bytes) -> str:
    first = head.split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


# -- strings --------------------------------------------------------------------------------


def extract_strings(chunks: Iterable[bytes], limits: Limits) -> Extraction:
    """Printable UTF-8 and UTF-16LE runs of the first `strings_cap` bytes, chunk by chunk."""
    result = Extraction("strings")
    carry, base = b"", 0
    for chunk in chunks:
        chunk = chunk[:limits.strings_cap - result.bytes_scanned]
        result.bytes_scanned += len(chunk)
        buffer = carry + chunk
        keep_from = _carry_start(buffer, limits.carry)
        _scan_runs(buffer, base, 0, keep_from, result.hits)
        carry, base = buffer[keep_from:], base + keep_from
        if result.bytes_scanned >= limits.strings_cap:
            break  # before asking for another chunk
    _scan_runs(carry, base, 0, len(carry) + 1, result.hits)
    if result.bytes_scanned >= limits.strings_cap:
        result.note = f"scanned up to the strings cap ({limits.strings_cap} bytes)"
    return result


def _carry_start(buffer: bytes, carry: int) -> int:
    """Where to cut so that no string straddles the cut.

    Runs before the cut are scanned now; the rest is carried into the next
    chunk. A run that reaches the end of the buffer may go on in the next
    chunk, so the cut moves back to its start (unless it is already longer
    than 64 KiB: then it is scanned in pieces); a run that straddles the cut
    and ends inside the buffer moves the cut to its end.
    """
    cut = max(0, len(buffer) - carry)
    runs = sorted((start, end) for start, end, _, _ in _runs(buffer, max(0, cut - (64 << 10))))
    for _ in range(8):
        moved = False
        for start, end in runs:
            if start >= cut:
                break
            if end <= cut:
                continue
            if end >= len(buffer) - 3:  # a character may be cut in two
                if len(buffer) - start < 64 << 10:
                    cut, moved = start, True
            else:
                cut, moved = end, True
            break
        if not moved:
            return cut
    return cut


def _runs(buffer: bytes, low: int = 0) -> list[tuple[int, int, str, bool]]:
    """Printable runs of buffer[low:]: (start, end) in the buffer, text, UTF-16?"""
    runs = []
    text = buffer[low:].decode("utf-8", "surrogateescape")
    position, offset = 0, low
    for run in _UTF8_TEXT.finditer(text):
        offset += len(text[position:run.start()].encode("utf-8", "surrogateescape"))
        length = len(run.group(0).encode("utf-8", "surrogateescape"))
        runs.append((offset, offset + length, run.group(0), False))
        position, offset = run.end(), offset + length
    for parity in (low, low + 1):
        data = buffer[parity:len(buffer) - (len(buffer) - parity) % 2]
        text = data.decode("utf-16-le", "surrogatepass")
        astral = [m.start() for m in _ASTRAL.finditer(text)]  # two code units, one character
        for run in _UTF16_TEXT.finditer(text):
            start = parity + 2 * (run.start() + bisect_right(astral, run.start()))
            runs.append((start, start + 2 * len(run.group(0)), run.group(0), True))
    return runs


def _scan_runs(buffer: bytes, base: int, start: int, before: int, hits: list[Hit]) -> None:
    runs = [run for run in _runs(buffer, start) if run[0] < before]
    for i, found in find_in_pieces([text for _, _, text, _ in runs]):
        at, _, text, utf16 = runs[i]
        hits.append(Hit(found, offset=base + at + (2 * found.start if utf16 else
                                                   _byte_length(text, found.start)),
                        location="utf-16le string" if utf16 else "utf-8 string"))


# -- browser history ------------------------------------------------------------------------

HISTORY_QUERIES = {
    "chromium-history": ("urls", "SELECT id, url, title, visit_count, last_visit_time FROM urls"),
    "firefox-places": ("moz_places",
                       "SELECT id, url, title, visit_count, last_visit_date FROM moz_places"),
}


def extract_sqlite(chunks: Iterator[bytes], limits: Limits) -> Extraction:
    """A browser history database through a temporary copy; any other database as strings."""
    with tempfile.TemporaryDirectory(prefix="triage-links-") as folder:
        copy = os.path.join(folder, "copy.sqlite")
        copied, complete = _copy(chunks, copy, limits.sqlite_cap)
        if complete:
            result = _history(copy)
            if result is not None:
                result.bytes_scanned = copied
                return result
        with open(copy, "rb") as handle:
            result = extract_strings(iter(lambda: handle.read(1 << 20), b""), limits)
        if not complete:
            result.note = f"database larger than {limits.sqlite_cap} bytes: scanned as strings"
        return result


def _copy(chunks: Iterator[bytes], path: str, cap: int) -> tuple[int, bool]:
    copied = 0
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            copied += len(chunk)
            if copied > cap:
                return copied, False
    return copied, True


def _history(path: str) -> Extraction | None:
    """The visited URLs of a Chromium `History` or Firefox `places.sqlite` copy, or None."""
    uri = f"file:{quote(path)}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        for extractor, (table, query) in HISTORY_QUERIES.items():
            if table in tables:
                return _history_rows(connection, extractor, table, query)
        return None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _history_rows(connection: sqlite3.Connection, extractor: str, table: str,
                  query: str) -> Extraction:
    result = Extraction(extractor)
    for row_id, url, title, visits, last_visit in connection.execute(query):
        found = found_from_url(url if isinstance(url, str) else "")
        if found is None:
            continue
        extra = {"title": title or None, "visit_count": visits,
                 "last_visit": _visit_time(extractor, last_visit)}
        result.hits.append(Hit(found, location=f"{table} id {row_id}",
                               extra={k: v for k, v in extra.items() if v is not None}))
    return result


def _visit_time(extractor: str, value) -> str | None:
    """Chromium counts microseconds from 1601, Firefox from 1970; both UTC."""
    if not value:
        return None
    try:
        if extractor == "chromium-history":
            when = CHROMIUM_EPOCH + timedelta(microseconds=int(value))
        else:
            when = datetime.fromtimestamp(int(value) / 1e6, tz=timezone.utc).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):
        return None
    return when.isoformat(timespec="seconds") + "Z"


def found_from_url(url: str) -> Found | None:
    """A whole string that is one URL (a history row): normalised, no prose guards."""
    try:
        normal = parse_url(url)
    except NotALink:
        return None
    rules = normal.rules
    return Found(0, len(url), url, "url", normal.url, normal, rules,
                 confidence_of(rules) if rules else LinkConfidence.PLAIN, "")
