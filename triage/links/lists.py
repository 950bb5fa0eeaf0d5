"""URL block lists in a case: import (atomic, audited, Merkle-rooted), list, verify, remove.

Three formats, as hotlines hand them out:

- `text`: one URL per line (defanged spellings such as `bad[.]site` are
  undone like links in the evidence); `#` starts a comment;
- `csv`: a header row, a URL column (`url`, `link`, `address`, `uri`,
  `domain`, `host`, or named with `url_column`) and optionally a category
  column (`category`, `classification`, `type`, `label`, or named); every
  other column is kept in the entry's `extra`;
- `hashed`: hex digests (MD5, SHA-1 or SHA-256, one algorithm per list) of
  normalised URLs, one per line, optionally followed by a delimiter and a
  category.

As with hash sets, a bad record stops the import and nothing is kept,
unless `skip_bad`: then the good entries are kept and each bad one is
written to a report. The Merkle root (RFC 6962 over the sorted leaf hashes,
as `triage.hashsets.merkle`) is over the stored entries, one leaf
`url TAB digest TAB category` each, so `verify_link_list` can show later
that the list in the case is the one imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterator

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from triage.case.clock import utcnow
from triage.case.lists import ImportedLists, RejectedReport, Verification
from triage.case.models import LinkList, LinkListEntry, LinkMatch
from triage.case.store import CaseStore, current_examiner
from triage.hashsets.merkle import SortedLeaves
from triage.links.matching import match_links
from triage.links.normal import NotALink, parse_url

FORMATS = ("text", "csv", "hashed")
DIGEST_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
URL_COLUMNS = ("url", "link", "address", "uri", "domain", "host", "website")
CATEGORY_COLUMNS = ("category", "classification", "type", "label", "cat")
BATCH = 5000
_HEX = re.compile(r"^[0-9a-fA-F]+$")


class LinkListError(Exception):
    """A URL list that cannot be imported or found, with the reason."""


URL_LISTS = ImportedLists(LinkList, "URL list", LinkListError, action="linklist",
                          target="link_list", report_prefix="linklist")


@dataclass
class Bad:
    record: int
    reason: str
    text: str


@dataclass
class ListImportResult:
    link_list_id: int
    name: str
    format: str
    digest: str | None
    entries: int
    rejected: int
    report: Path | None
    merkle_root: str
    source_sha256: str
    matches: dict[str, int]
    seconds: float = 0.0


@dataclass
class _Read:
    rows: list[dict] = field(default_factory=list)
    bad: list[Bad] = field(default_factory=list)
    digest: str | None = None


def import_link_list(store: CaseStore, path: Path | str, name: str, format: str | None = None,
                     category: str | None = None, url_column: str | None = None,
                     category_column: str | None = None, skip_bad: bool = False,
                     report: Path | str | None = None, examiner: str | None = None
                     ) -> ListImportResult:
    """Import one file as URL list `name`, match it against the case's links, audit it."""
    started = time.perf_counter()
    path, name = Path(path), URL_LISTS.check_name(name)
    examiner = examiner or current_examiner(store)
    if not path.is_file():
        raise LinkListError(f"{path}: no such file")
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    format = format or detect_format(path.name, text)
    if format not in FORMATS:
        raise LinkListError(f"unknown URL list format {format!r} (one of {', '.join(FORMATS)})")
    read = _READERS[format](text, url_column, category_column)
    if read.bad and not skip_bad:
        bad = read.bad[0]
        raise LinkListError(f"{path.name}: line {bad.record}: {bad.reason}; nothing was imported "
                            f"(--skip-bad imports the good entries and reports the bad ones)")
    if not read.rows:
        raise LinkListError(f"{path.name}: no entries")
    report_path = _write_report(store, name, path, read.bad, report) if read.bad else None
    with store.session() as session:
        URL_LISTS.refuse_taken(session, name)
        link_list = LinkList(
            name=name, format=format, digest=read.digest, category=category,
            source_name=path.name, source_sha256=hashlib.sha256(data).hexdigest(),
            source_size=len(data), entry_count=len(read.rows), rejected_count=len(read.bad),
            imported_at=utcnow(), examiner=examiner, merkle_root=merkle_root(read.rows))
        session.add(link_list)
        session.flush()
        for start in range(0, len(read.rows), BATCH):
            session.execute(insert(LinkListEntry), [
                {**row, "link_list_id": link_list.id} for row in read.rows[start:start + BATCH]])
        matches = match_links(session, [link_list.id])
        URL_LISTS.audit(session, examiner, "import", name, after={
            "name": name, "format": format, "digest": read.digest, "category": category,
            "source": str(path.absolute()), "source_sha256": link_list.source_sha256,
            "source_size": len(data), "entries": len(read.rows), "rejected": len(read.bad),
            "report": str(report_path) if report_path else None,
            "merkle_root": link_list.merkle_root, "matches": matches})
        result = ListImportResult(link_list.id, name, format, read.digest, len(read.rows),
                                  len(read.bad), report_path, link_list.merkle_root,
                                  link_list.source_sha256, matches)
    result.seconds = time.perf_counter() - started
    return result


def detect_format(file_name: str, text: str) -> str:
    """`hashed` when the first records are hex digests, `csv` for .csv/.tsv, else `text`."""
    firsts = [_first_token(line) for line in islice(_records(text), 20)]
    body = firsts[1:] if len(firsts) > 1 else firsts  # the first may be a header
    if body and all(_is_digest(token) for token in body):
        return "hashed"
    if file_name.lower().endswith((".csv", ".tsv")):
        return "csv"
    return "text"


def _is_digest(token: str) -> bool:
    return len(token) in DIGEST_LENGTHS and _HEX.match(token) is not None


def _records(text: str) -> Iterator[str]:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield stripped


def _first_token(line: str) -> str:
    return re.split(r"[,;\t ]", line.strip(), maxsplit=1)[0]


def entry_row(record: int, raw: str, category: str | None, extra: dict | None = None) -> dict:
    """The stored entry of one URL; raises `NotALink`."""
    normal = parse_url(raw)
    return {"record": record, "raw": raw, "url": normal.url, "match_key": normal.match_key,
            "host_key": normal.host_key, "path": normal.path if normal.path != "/" else "",
            "domain": normal.domain, "digest": None, "category": category or None,
            "extra": extra or None}


def _read_text(text: str, url_column=None, category_column=None) -> _Read:
    read = _Read()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        try:
            read.rows.append(entry_row(number, line, None))
        except NotALink as exc:
            read.bad.append(Bad(number, str(exc), line))
    return read


def _read_csv(text: str, url_column=None, category_column=None) -> _Read:
    read = _Read()
    sample = text[:4096].split("\n", 1)[0]
    delimiter = max(",;\t|", key=sample.count) if any(d in sample for d in ",;\t|") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(rows, [])]
    lower = [h.lower() for h in header]
    url_at = _column(lower, url_column, URL_COLUMNS, required=True)
    category_at = _column(lower, category_column, CATEGORY_COLUMNS, required=False)
    for row in rows:
        number = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if url_at >= len(row):
            read.bad.append(Bad(number, "no URL column in this row", ",".join(row)))
            continue
        extra = {header[i]: cell for i, cell in enumerate(row)
                 if i not in (url_at, category_at) and i < len(header) and cell.strip()}
        category = row[category_at].strip() if category_at is not None and \
            category_at < len(row) else None
        try:
            read.rows.append(entry_row(number, row[url_at].strip(), category, extra))
        except NotALink as exc:
            read.bad.append(Bad(number, str(exc), row[url_at]))
    return read


def _column(header: list[str], asked: str | None, names: tuple[str, ...], required: bool):
    if asked:
        if asked.isdigit() and 0 < int(asked) <= len(header):
            return int(asked) - 1
        if asked.lower() in header:
            return header.index(asked.lower())
        raise LinkListError(f"no column {asked!r} in the header ({', '.join(header)})")
    for name in names:
        if name in header:
            return header.index(name)
    if required:
        raise LinkListError(f"no URL column in the header ({', '.join(header)}); "
                            f"name it with --url-column")
    return None


def _read_hashed(text: str, url_column=None, category_column=None) -> _Read:
    read = _Read()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"[,;\t ]", line, maxsplit=1)]
        digest = parts[0].lower()
        if not _is_digest(digest):
            if number == 1 and not read.rows:
                continue  # a header
            read.bad.append(Bad(number, "not an MD5, SHA-1 or SHA-256 hex digest", line))
            continue
        algorithm = DIGEST_LENGTHS[len(digest)]
        if read.digest is None:
            read.digest = algorithm
        if algorithm != read.digest:
            read.bad.append(Bad(number, f"a {algorithm} digest in a {read.digest} list", line))
            continue
        category = parts[1] if len(parts) > 1 and parts[1] else None
        read.rows.append({"record": number, "raw": line, "url": None, "match_key": None,
                          "host_key": None, "path": None, "domain": None, "digest": digest,
                          "category": category, "extra": None})
    return read


_READERS = {"text": _read_text, "csv": _read_csv, "hashed": _read_hashed}


def merkle_root(rows) -> str:
    """RFC 6962 root over the sorted leaf hashes of `url TAB digest TAB category` per entry."""
    leaves = SortedLeaves()
    leaves.add_leaves([_leaf(r["url"], r["digest"], r["category"]) for r in rows])
    return leaves.root()


def _leaf(url, digest, category) -> bytes:
    return f"{url or ''}\t{digest or ''}\t{category or ''}".encode()


def _write_report(store: CaseStore, name: str, source: Path, bad: list[Bad],
                  report: Path | str | None) -> Path:
    with RejectedReport(Path(report) if report else URL_LISTS.report_path(store, name), source,
                        where="line") as out:
        for item in bad:
            out.write(item.record, item.reason, item.text)
    return out.path


# -- list, verify, remove -------------------------------------------------------------------


@dataclass(frozen=True)
class LinkListSummary:
    name: str
    format: str
    digest: str | None
    category: str | None
    entries: int
    rejected: int
    matched_links: int
    source_name: str
    source_sha256: str
    imported_at: object
    examiner: str
    merkle_root: str


def list_link_lists(session: Session) -> list[LinkListSummary]:
    matched = dict(session.execute(
        select(LinkMatch.link_list_id, func.count(func.distinct(LinkMatch.link_id)))
        .group_by(LinkMatch.link_list_id)).all())
    return [LinkListSummary(l.name, l.format, l.digest, l.category, l.entry_count,
                            l.rejected_count, matched.get(l.id, 0), l.source_name,
                            l.source_sha256, l.imported_at, l.examiner, l.merkle_root)
            for l in session.scalars(select(LinkList).order_by(LinkList.name))]


def verify_link_list(store: CaseStore, name: str, examiner: str | None = None) -> Verification:
    """Recompute the list's Merkle root from the case and compare; the check is audited."""
    return URL_LISTS.verify(store, name, _recompute, examiner)


def _recompute(session: Session, link_list_id: int) -> tuple[str, int, int]:
    leaves = SortedLeaves()
    rows = session.execute(select(LinkListEntry.url, LinkListEntry.digest, LinkListEntry.category)
                           .where(LinkListEntry.link_list_id == link_list_id))
    leaves.add_leaves([_leaf(*row) for row in rows])
    count = leaves.count
    return leaves.root(), count, 0


def remove_link_list(store: CaseStore, name: str, examiner: str | None = None) -> dict:
    """Remove a list, its entries and its matches; audited with what was removed."""
    with store.session() as session:
        link_list = URL_LISTS.get(session, name)
        matches = session.execute(delete(LinkMatch).where(
            LinkMatch.link_list_id == link_list.id)).rowcount
        session.execute(delete(LinkListEntry).where(LinkListEntry.link_list_id == link_list.id))
        removed = {"name": name, "entries": link_list.entry_count,
                   "merkle_root": link_list.merkle_root, "matches_removed": matches}
        session.delete(link_list)
        URL_LISTS.audit(session, examiner or current_examiner(store), "remove", name,
                        before=removed)
    return removed
