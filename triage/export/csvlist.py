"""CSV of the exported items: one row per file of each media item, every column.

An item found in three places is three rows with the same media columns; an
item with no file row (rare) is one row with the file columns empty. Times
are ISO 8601 UTC. A text cell that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return; file names on evidence are
chosen by whoever made the evidence) is written with a leading apostrophe,
as OWASP advises; the VICS export keeps such names unchanged.
"""

from __future__ import annotations

import csv
from pathlib import Path

from triage.export.base import Written
from triage.export.items import Item, iter_items
from triage.export.text import iso

COLUMNS = [
    "media_id", "md5", "sha1", "sha256", "size", "detected_type",
    "working_scheme", "working_state", "working_category",
    "verdict_scheme", "verdict_category", "verdict_label", "attributes", "examiner",
    "tagged_at", "note",
    "target_scheme", "target_result", "target_category", "target_label", "target_candidates",
    "target_reason", "precategorised", "hash_sets", "other_tags",
    "evidence", "partition_index", "partition_offset", "fs_type", "path", "name", "deleted",
    "file_size", "meta_addr", "crtime", "mtime", "atime", "ctime", "extension_mismatch",
    "plugin_flags", "relevance", "relevance_scores", "carved", "carved_offset", "time_zone",
    "file_note",
    "carved_in",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return iso(value)
    return guard(value) if isinstance(value, str) else value


def media_columns(item: Item, working: str) -> list:
    v, t = item.verdict, item.target
    return [
        item.media_id, item.md5, item.sha1, item.sha256, item.size, item.detected_type,
        working, v.state if v else "", v.working_category if v else "",
        v.scheme if v else "", v.category if v else "", v.label if v else "",
        ";".join(f"{k}={x}" for k, x in v.attributes.items()) if v and v.attributes else "",
        v.examiner if v else "", v.at if v else None, v.note if v else "",
        t.scheme, t.result, t.code, t.label, ";".join(t.candidates), t.reason,
        t.precategorised,
        " | ".join(h.describe() for h in item.hash_sets),
        " | ".join(f"{o.source}: {o.scheme} {o.category}" for o in item.other_tags),
    ]


def classifier_columns(item: Item) -> list:
    """The highest relevance score, then each classifier's: suggestions, never verdicts."""
    scores = item.classifier_scores
    return [f"{scores[0].score:.4f}" if scores else None,
            ";".join(sorted(s.describe() for s in scores))]


def write(context, path: Path) -> Written:
    counts = {"items": 0, "rows": 0}
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for item in iter_items(context.session, context.registry, context.target.id,
                               selection=context.selection,
                               precategorised=context.options.precategorised):
            if not context.keep(item):
                continue
            counts["items"] += 1
            head = media_columns(item, context.working.id)
            for f in item.files or [None]:
                carving = [None] * 5 if f is None else [
                    f.carved, f.carved_offset, f.time_zone, f.note,
                    f.carved_in]
                tail = [None] * 14 if f is None else [
                    f.evidence, f.partition_index, f.partition_offset, f.fs_type, f.path,
                    f.name, f.deleted, f.size, f.meta_addr,
                    *(iso(t, f.local_clock) for t in (f.crtime, f.mtime, f.atime, f.ctime)),
                    f.extension_mismatch]
                flags = ";".join(item.plugin_flags)  # suggestions, as plugins gave them
                writer.writerow([_cell(c) for c in head + tail + [flags]
                                 + classifier_columns(item) + carving])
                counts["rows"] += 1
    return Written([path], counts)
