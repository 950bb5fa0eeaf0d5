"""Project VIC VICS JSON, hash-set form: Media records straight under `value`.

The records are the case form's (see `triage.export.vics`) without
`MediaFiles` and `Exifs`: a hash set says what content is, not where it was
found. By default only items with an examiner tag are written; an item
whose verdict has no single category in the target scheme is still written,
with the scheme's "uncategorised" value and the reason, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

from triage.export.base import Written
from triage.export.text import iso
from triage.export.vics import data_model, selected_records, warnings, write_records


def write(context, path: Path) -> Written:
    scheme = context.target
    key, url = data_model(scheme, "Media")
    counts: dict = {}
    updated = iso(context.at)

    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("{" + json.dumps(key) + ":" + json.dumps(url) + ',"value":[')
        write_records(out, selected_records(context, counts, updated, with_files=False))
        out.write("]}\n")
    return Written([path], counts, warnings(scheme))
