"""Errors raised while reading attribute and scheme files, and a line finder.

A file someone dropped in their scheme folder is refused with the file, the
line and the reason, so they can fix it without reading our code.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any


class SchemeError(Exception):
    """A scheme or attribute file that cannot be used, with where and why."""

    def __init__(self, path: Path | str | None, reason: str, *, line: int | None = None,
                 key: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = reason
        self.line = line
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<scheme>"
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.reason}"


class TranslationError(ValueError):
    """A translation that cannot be computed (e.g. attributes contradict the category)."""


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning any failure into a SchemeError with the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError(path, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SchemeError(path, "file is not UTF-8 text", line=line) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        reason = _TOML_POSITION.sub("", message).strip()
        if match:
            reason += f" (column {match.group(2)})"
        raise SchemeError(path, f"not valid TOML: {reason}", line=line) from exc
    return data, text


class LineFinder:
    """Find, cheaply and approximately, the line a key sits on in a TOML text.

    Schema errors are found after parsing, when tomllib has forgotten lines;
    this scans the text for the n-th ``[[table]]`` block and a key or a quoted
    value inside it, which is right for files written the way ours are.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def block(self, array: str, index: int) -> tuple[int, int] | None:
        """0-based [start, end) line span of the index-th ``[[array]]`` block."""
        header = re.compile(r"^\s*\[\[\s*" + re.escape(array) + r"\s*\]\]")
        starts = [n for n, line in enumerate(self.lines) if header.match(line)]
        if index >= len(starts):
            return None
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self.lines)
        # A following [[other]] array header (not a sub-table) also ends the block.
        other = re.compile(r"^\s*\[\[(?!\s*" + re.escape(array) + r"[\].])")
        for n in range(start + 1, end):
            if other.match(self.lines[n]):
                end = n
                break
        return start, end

    def find(self, *, array: str | None = None, index: int = 0, key: str | None = None,
             needle: str | None = None) -> int | None:
        """1-based line of ``key =`` (then of ``needle``) inside a block, or None."""
        if array is not None:
            span = self.block(array, index)
            if span is None:
                return None
        else:
            first_table = next((n for n, line in enumerate(self.lines)
                                if line.lstrip().startswith("[")), len(self.lines))
            span = (0, first_table)
            if key is not None and self._key_line(key, 0, first_table) is None:
                span = (0, len(self.lines))      # a key of a plain [table] such as [vics]
        start, end = span
        found = start
        if key is not None:
            hit = self._key_line(key, start, end)
            if hit is not None:
                found = hit
            elif needle is None:
                return start + 1 if array is not None else None
        if needle is not None:
            for n in range(found, end):
                if needle in self.lines[n]:
                    return n + 1
        return found + 1

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        """0-based line of ``key = …`` or a ``[….key]`` header in [start, end)."""
        pattern = re.compile(r"^\s*(" + re.escape(key) + r"\s*=|\[\s*[\w.]*\b"
                             + re.escape(key) + r"\s*\])")
        for n in range(start, end):
            if pattern.match(self.lines[n]):
                return n
        return None
