"""Plain digest lists: `md5sum`/`sha1sum`/`sha256sum` output, BSD `MD5 (name) = …`, or bare digests.

One digest per line, with or without a file name; the digest's kind is told
by its length (32 MD5, 40 SHA-1, 64 SHA-256), so one list may mix them.
Blank lines and `#` comments are skipped; a first line that only names the
digest (`MD5`, `sha1`, `hash`) is taken as a header. The name, when there is
one, is kept in the entry's extra fields.
"""

from __future__ import annotations

import re
from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry, Invalid, any_digest, dumps
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source

# GNU: "<hex>  name" (text mode), "<hex> *name" (binary mode), "\<hex>  name" (escaped name)
_GNU = re.compile(r"(\\?)([0-9a-fA-F]+)(?:[ \t]+\*?(.*))?")
_BSD = re.compile(r"(MD5|SHA1|SHA-1|SHA256|SHA-256) ?\((.*)\) ?= ?([0-9a-fA-F]+)", re.IGNORECASE)
_HEADER_WORDS = {"md5", "sha1", "sha-1", "sha256", "sha-256", "hash", "digest", "md5sum",
                 "sha1sum", "sha256sum"}


def _unescape(name: str) -> str:
    return name.replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")


def _parse(line: str) -> tuple[str, str, str | None] | None:
    """(kind, hex, name) for a digest line, None for a line of another shape."""
    match = _GNU.fullmatch(line)
    if match:
        kind, value = any_digest(match.group(2))
        name = match.group(3)
        if name is not None and match.group(1):
            name = _unescape(name)
        return kind, value, name
    match = _BSD.fullmatch(line)
    if match:
        kind, value = any_digest(match.group(3))
        return kind, value, match.group(2)
    return None


class HashListFormat(HashSetFormat):
    id = "hashlist"
    title = "Plain digest list (md5sum/sha1sum/sha256sum output, or one digest per line)"

    def sniff(self, head: Head) -> bool:
        lines = [line.strip() for line in head.lines(50)]
        lines = [line for line in lines if not line.startswith("#")]
        if lines and lines[0].lower() in _HEADER_WORDS:
            lines = lines[1:]
        if not lines:
            return False
        if sum("\t" in line for line in lines) > len(lines) / 2:
            return False  # tab-separated columns: that is TSV
        try:
            if _parse(lines[0]) is None:
                return False  # a header of several columns: that is CSV
        except Invalid:
            return False
        good = 0
        for line in lines:
            try:
                good += _parse(line) is not None
            except Invalid:
                pass
        return good >= len(lines) / 2

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        counts = {"md5": 0, "sha1": 0, "sha256": 0}
        named = 0
        for number, raw in enumerate(source.open_text(), 1):
            line = raw.rstrip("\r\n")
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if number == 1 and stripped.lower() in _HEADER_WORDS:
                continue
            try:
                parsed = _parse(stripped)
                if parsed is None:
                    raise Invalid("not a digest line (expected HEX or HEX  NAME)")
            except Invalid as exc:
                yield BadRecord(number, f"line {number}", str(exc), line[:300])
                continue
            kind, value, name = parsed
            counts[kind] += 1
            extra = None
            if name:
                named += 1
                extra = dumps({"name": name})
            yield Entry(number, value if kind == "md5" else None,
                        value if kind == "sha1" else None,
                        value if kind == "sha256" else None, None, None, extra)
        info.details["digests"] = {k: v for k, v in counts.items() if v}
        info.details["named"] = named
