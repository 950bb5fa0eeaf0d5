"""md5sum-style hash list: `MD5  NAME` per line, which The Sleuth Kit indexes (`hfind -i md5sum`).

One line per media item (a hash list names content, not each copy of it):
lower-case MD5, two spaces, and where the content was first found
(`EVIDENCE:/path`). TSK's reader refuses GNU md5sum's escaped lines (a
leading backslash), so control characters in a name are written as visible
escapes (``\\n``, ``\\x1b``) instead and the line stays one line. By default
only items with an examiner tag are listed; `categories` narrows that to
target categories (e.g. every UK A item).
"""

from __future__ import annotations

from pathlib import Path

from triage.export.base import Written
from triage.export.items import Item, iter_items


def line_name(item: Item) -> str:
    if item.files:
        first = item.files[0]
        name = f"{first.evidence}:{first.path}"
    else:
        name = f"media-{item.media_id}"
    return "".join(c if c.isprintable() else _escape(c) for c in name)


def _escape(char: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}"
                                                      if ord(char) < 0x100 else
                                                      f"\\u{ord(char):04x}")


def write(context, path: Path) -> Written:
    counts = {"items": 0}
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for item in iter_items(context.session, context.registry, context.target.id,
                               selection=context.selection,
                               precategorised=context.options.precategorised):
            if not context.keep(item):
                continue
            out.write(f"{item.md5.lower()}  {line_name(item)}\n")
            counts["items"] += 1
    return Written([path], counts)
