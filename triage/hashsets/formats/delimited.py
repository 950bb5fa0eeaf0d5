"""CSV and TSV hash sets with a header naming the columns (or none, and columns found by content).

Columns are recognised by common names (`MD5`, `SHA-1`, `SHA256`, `Hash`,
`Category`, `FileSize`, …); `--column ROLE=NAME` (or a 1-based number)
overrides or supplies any of them, `--delimiter` and `--header/--no-header`
the rest. Every column that is not a digest, the category or the size is
kept in the entry's extra fields under its header name.

A `PDQ` or `pHash` column (our own `triage files --csv` has both) makes the
set perceptual: the value, checked and lower-cased, is kept in the extra
fields as `pdq` / `phash`, a row may then have no cryptographic digest at
all, and `triage.hashsets.perceptual` matches media to it by distance.

The NSRL legacy and HashKeeper importers are this reader with a fixed header.
"""

from __future__ import annotations

import csv
import itertools
import re
from typing import Iterator

from triage.hashsets.entries import (
    DIGEST_LENGTHS,
    BadRecord,
    Entry,
    FormatError,
    Invalid,
    any_digest,
    category,
    digest,
    dumps,
    size,
)
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source

ROLES = ("md5", "sha1", "sha256", "hash", "category", "size", "pdq", "phash")
PERCEPTUAL_HEX = {"pdq": 64, "phash": 16}  # hex digits of a PDQ (256-bit) and a pHash (64-bit)
_SYNONYMS = {
    "md5": {"md5", "md5hash", "hashmd5", "md5sum", "md5checksum", "md5digest", "md5value"},
    "sha1": {"sha1", "sha1hash", "hashsha1", "sha1sum", "sha1checksum", "sha1digest",
             "sha1value"},
    "sha256": {"sha256", "sha256hash", "hashsha256", "sha256sum", "sha256checksum",
               "sha256digest", "sha256value"},
    "hash": {"hash", "hashvalue", "digest", "checksum", "filehash"},
    "category": {"category", "cat", "categorycode", "vicscategory", "projectviccategory",
                 "classification", "grade", "categoryid"},
    "size": {"size", "filesize", "mediasize", "bytes", "sizebytes", "length", "filelength"},
    "pdq": {"pdq", "pdqhash", "hashpdq", "pdq256"},
    "phash": {"phash", "phashhex", "perceptualhash", "phash64"},
}
_CANDIDATE_DELIMITERS = ("\t", ",", ";", "|")
_HEXLIKE_ANY = re.compile(r"[0-9a-f]+").fullmatch
_HEXLIKE = re.compile(r"[0-9a-fA-F]{32}(?:[0-9a-fA-F]{8})?(?:[0-9a-fA-F]{24})?").fullmatch


def normalise_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def role_of(name: str) -> str | None:
    key = normalise_name(name)
    for role, names in _SYNONYMS.items():
        if key in names:
            return role
    return None


def guess_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits most sample lines (the first always) into the same number (>1)
    of columns; a malformed row or two does not hide the layout."""
    best, best_columns = None, 1
    for delimiter in _CANDIDATE_DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        columns = widths[0]
        if columns > best_columns and widths.count(columns) >= 0.6 * len(widths):
            best, best_columns = delimiter, columns
    return best


def _is_digest(cell: str) -> bool:
    cell = cell.strip()
    return len(cell) in DIGEST_LENGTHS and bool(_HEXLIKE(cell))


def looks_delimited(head: Head) -> bool:
    """A header naming a digest column, or a column of digests, under a consistent delimiter.

    A lone column is delimited only under a `PDQ` or `pHash` header: without it, 64 hex
    digits a line is a SHA-256 list.
    """
    lines = head.lines()
    if not lines:
        return False
    delimiter = guess_delimiter(lines[:10])
    if delimiter is None:
        return role_of(lines[0].strip()) in PERCEPTUAL_HEX
    rows = list(csv.reader(lines, delimiter=delimiter))
    if any(role_of(cell) in ("md5", "sha1", "sha256", "hash", "pdq", "phash") for cell in rows[0]):
        return True
    body = rows[1:] if not any(_is_digest(c) for c in rows[0]) else rows
    return bool(body) and any(all(_is_digest(row[i]) for row in body if i < len(row))
                              for i in range(len(body[0])))


class Layout:
    """Which column is what: resolved from the header, the options and the content."""

    def __init__(self, header: list[str] | None, sample: list[list[str]], options: ReadOptions,
                 fixed: dict[str, str] | None = None):
        self.names = header or [f"column{i + 1}" for i in range(len(sample[0]) if sample else 0)]
        self.roles: dict[str, int] = {}
        if header:
            for i, name in enumerate(header):
                role = (fixed or {}).get(name) if fixed else role_of(name)
                if role and role not in self.roles:
                    self.roles[role] = i
        else:
            self._from_content(sample)
        for role, column in options.columns.items():
            if role not in ROLES:
                raise FormatError(f"--column {role}=…: the roles are {', '.join(ROLES)}")
            self.roles[role] = self._index(column)
        if not any(r in self.roles for r in ("md5", "sha1", "sha256", "hash", "pdq", "phash")):
            raise FormatError("no column holds digests: name one with --column md5=NAME "
                              "(or sha1=, sha256=, hash=, pdq=, phash=)")

    def _from_content(self, sample: list[list[str]]) -> None:
        for i in range(len(self.names)):
            lengths = {len(row[i].strip()) for row in sample if i < len(row) and row[i].strip()}
            if lengths and all(_is_digest(row[i]) for row in sample if i < len(row)
                               and row[i].strip()):
                role = DIGEST_LENGTHS[lengths.pop()] if len(lengths) == 1 else "hash"
                self.roles.setdefault(role, i)

    def _index(self, column: str) -> int:
        if column.isdigit():
            index = int(column) - 1
            if not 0 <= index < len(self.names):
                raise FormatError(f"column {column} is not there: the file has "
                                  f"{len(self.names)} columns")
            return index
        wanted = [i for i, name in enumerate(self.names) if name == column]
        if not wanted:
            wanted = [i for i, name in enumerate(self.names)
                      if normalise_name(name) == normalise_name(column)]
        if not wanted:
            raise FormatError(f"no column named {column!r}; the columns are "
                              + ", ".join(repr(n) for n in self.names))
        return wanted[0]

    def describe(self) -> dict:
        return {role: self.names[i] for role, i in sorted(self.roles.items(), key=lambda x: x[1])}


def read_delimited(source: Source, info: SetInfo, options: ReadOptions,
                   fixed: dict[str, str] | None = None,
                   delimiter: str | None = None) -> Iterator[Entry | BadRecord]:
    """Rows → entries. `fixed` maps header names to roles for formats with a known header."""
    stream = source.open_text()
    head_lines, sample_lines = [], []
    for line in stream:
        head_lines.append(line)
        if line.strip():
            sample_lines.append(line)
            if len(sample_lines) >= 50:
                break
    delimiter = options.delimiter or delimiter or guess_delimiter(sample_lines[:10]) or ","
    try:
        sample = [row for row in csv.reader(sample_lines, delimiter=delimiter) if row]
    except csv.Error as exc:  # found by fuzzing: a 128 KB field in the first lines
        raise FormatError(f"not CSV in its first {len(sample_lines)} lines: {exc}") from None
    if not sample:
        return
    header_present = options.header
    if header_present is None:
        header_present = not any(_is_digest(cell) for cell in sample[0])
    header = [cell.strip() for cell in sample[0]] if header_present else None
    layout = Layout(header, sample[1:] if header_present else sample, options, fixed)
    info.details["columns"] = layout.describe()
    info.details["delimiter"] = {"\t": "tab"}.get(delimiter, delimiter)
    info.details["header"] = header_present
    if perceptual := [role for role in PERCEPTUAL_HEX if role in layout.roles]:
        info.details["perceptual"] = perceptual
    yield from _rows(itertools.chain(head_lines, stream), delimiter, header_present, layout)


class _Lines:
    """The lines a csv reader takes, numbered and kept per record, so that a record that
    swallowed the lines after it (a quote never closed) can give them back to be read
    as the records they are; the csv module alone would return them as one field."""

    def __init__(self, lines):
        self._source = enumerate(lines, 1)
        self._returned: list[tuple[int, str]] = []
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        number_and_line = self._returned.pop() if self._returned else next(self._source)
        self.taken.append(number_and_line)
        return number_and_line[1]

    def give_back(self, taken: list[tuple[int, str]]) -> None:
        self._returned.extend(reversed(taken))


def _rows(lines, delimiter: str, header_present: bool,
          layout: Layout) -> Iterator[Entry | BadRecord]:
    lines = _Lines(lines)
    reader = csv.reader(lines, delimiter=delimiter)
    roles = layout.roles
    md5_at, sha1_at, sha256_at = roles.get("md5"), roles.get("sha1"), roles.get("sha256")
    hash_at, category_at, size_at = roles.get("hash"), roles.get("category"), roles.get("size")
    perceptual_at = [(role, roles[role]) for role in PERCEPTUAL_HEX if role in roles]
    used = set(roles.values())
    others = [(i, name) for i, name in enumerate(layout.names) if i not in used]
    width = len(layout.names)
    first = True
    while True:
        lines.taken = []
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = lines.taken[0][0] if lines.taken else 0
            yield BadRecord(line, f"line {line}", f"not CSV: {exc}")
            continue
        line = lines.taken[0][0]
        if len(lines.taken) > 1:  # a quoted field ran over the end of its line
            yield BadRecord(line, f"line {line}", "a quote opened on this line is not closed "
                            f"on it (the record would take in {len(lines.taken) - 1} more "
                            "line(s), which are read on their own)",
                            lines.taken[0][1].rstrip("\r\n")[:300])
            lines.give_back(lines.taken[1:])
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if first:
            first = False
            if header_present:
                continue
        where = f"line {line}"
        try:
            if len(row) < width and len(row) <= max(used):
                raise Invalid(f"{len(row)} columns where the header has {width}")
            md5 = digest(row[md5_at], "md5") if md5_at is not None else None
            sha1 = digest(row[sha1_at], "sha1") if sha1_at is not None else None
            sha256 = digest(row[sha256_at], "sha256") if sha256_at is not None else None
            if hash_at is not None and (value := row[hash_at].strip()):
                kind, value = any_digest(value)
                known = {"md5": md5, "sha1": sha1, "sha256": sha256}[kind]
                if known is None:
                    md5, sha1, sha256 = (value if kind == "md5" else md5,
                                         value if kind == "sha1" else sha1,
                                         value if kind == "sha256" else sha256)
                elif known != value:
                    raise Invalid(f"two different {kind} digests in one row")
            code = category(row[category_at]) if category_at is not None else None
            perceptual = {role: value for role, i in perceptual_at
                          if (value := perceptual_hash(row[i] if i < len(row) else "", role))}
        except Invalid as exc:
            yield BadRecord(line, where, str(exc), delimiter.join(row)[:300])
            continue
        if md5 is None and sha1 is None and sha256 is None and not perceptual:
            yield BadRecord(line, where, "no digest in the row", delimiter.join(row)[:300])
            continue
        row_size = None
        extra = {name: row[i] for i, name in others if i < len(row) and row[i] != ""}
        extra.update(perceptual)
        if size_at is not None and size_at < len(row):
            row_size = size(row[size_at])
            if row_size is None and row[size_at].strip():
                extra[layout.names[size_at]] = row[size_at]
        yield Entry(line, md5, sha1, sha256, code, row_size, dumps(extra))


def perceptual_hash(value: str, role: str) -> str | None:
    """A PDQ or pHash cell: empty is absent; otherwise hex of the algorithm's length."""
    value = value.strip().lower()
    if not value:
        return None
    if len(value) != PERCEPTUAL_HEX[role] or not _HEXLIKE_ANY(value):
        raise Invalid(f"{role} {value[:80]!r} is not {PERCEPTUAL_HEX[role]} hex digits")
    return value


class DelimitedFormat(HashSetFormat):
    id = "csv"
    title = "CSV or TSV with a header naming the digest (and category) columns"

    def sniff(self, head: Head) -> bool:
        return looks_delimited(head)

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        return read_delimited(source, info, options)
