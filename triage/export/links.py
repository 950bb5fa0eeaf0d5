"""Links and their block-list matches as CSV or JSON, one record per link.

Columns (CSV) and keys (JSON) are the issue's: the source file (evidence,
path, file and media ids), where in it (byte offset, line, location), a
context snippet, the raw text, the normal form, the de-obfuscation rules,
confidence, shortened, and the matches at each level (list, category,
entry), kept apart. Cells that a spreadsheet would run as a formula are
guarded as in the media CSV (text found in evidence is chosen by whoever
made the evidence).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable, TextIO

from triage.export.csvlist import guard
from triage.links.queries import LinkFilter, LinkRow, iter_links, link_counts

COLUMNS = [
    "link_id", "kind", "url", "display_url", "raw", "host", "domain", "confidence", "rules", "shortened",
    "extractor", "evidence", "path", "file_id", "media_id", "offset", "line", "location",
    "context", "exact_matches", "prefix_matches", "domain_matches", "extra",
]
LEVELS = ("exact", "prefix", "domain")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return guard(value) if isinstance(value, str) else value


def csv_row(row: LinkRow) -> list:
    return [_cell(v) for v in (
        row.id, row.kind, row.url, row.display_url, row.raw, row.host, row.domain, row.confidence,
        ";".join(row.rules), row.shortened, row.extractor, row.evidence, row.path, row.file_id,
        row.media_id, row.offset, row.line, row.location, row.context,
        *(" | ".join(m.describe() for m in row.matches_at(level)) for level in LEVELS),
        json.dumps(row.extra, ensure_ascii=False, sort_keys=True) if row.extra else None)]


def write_csv(rows: Iterable[LinkRow], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(csv_row(row))
        count += 1
    return count


def json_record(row: LinkRow) -> dict:
    return {
        "link_id": row.id, "kind": row.kind, "url": row.url, "display_url": row.display_url,
        "raw": row.raw, "host": row.host,
        "domain": row.domain, "confidence": row.confidence, "rules": list(row.rules),
        "shortened": row.shortened, "extractor": row.extractor,
        "source": {"evidence": row.evidence, "path": row.path, "file_id": row.file_id,
                   "media_id": row.media_id, "offset": row.offset, "line": row.line,
                   "location": row.location},
        "context": row.context, "extra": row.extra,
        "matches": {level: [{"list": m.list_name, "category": m.category, "entry": m.entry}
                            for m in row.matches_at(level)] for level in LEVELS},
    }


def write_json(rows: Iterable[LinkRow], out: TextIO) -> int:
    """A JSON array written as it goes, so a large case never sits in memory whole."""
    out.write("[")
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(json_record(row), ensure_ascii=False, sort_keys=True))
        count += 1
    out.write("\n]\n")
    return count


def write_file(rows: Iterable[LinkRow], path: Path, format: str) -> int:
    """Write to `path` (format "csv" or "json"); returns the number of links written."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        return (write_json if format == "json" else write_csv)(rows, out)


def report_section(session, limit: int = 200) -> dict:
    """What a case report shows about links: the counts, and the matched links with sources.

    For the HTML/PDF report: a dict of plain values (no markup), the matched
    links first by strongest level, at most `limit` of them.
    """
    matched = list(iter_links(session, LinkFilter(matched=True)))
    order = {"exact": 0, "prefix": 1, "domain": 2}
    matched.sort(key=lambda row: (min(order[m.level] for m in row.matches), row.id))
    return {
        "counts": link_counts(session),
        "matched": [json_record(row) for row in matched[:limit]],
        "matched_total": len(matched),
    }
