"""The one entry type every importer yields, and the checks every importer shares.

An importer turns one file format into a stream of `Entry` (a good record)
and `BadRecord` (a record it could not read, with where and why). It never
decides what to do with a bad record: the import does (stop and keep
nothing, or skip it and report it).
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

import orjson

DIGEST_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
DIGEST_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}
_HEX = re.compile(r"[0-9a-fA-F]*").fullmatch


class HashSetError(Exception):
    """A hash set that cannot be imported, verified or removed, with the reason."""


class FormatError(HashSetError):
    """A file that is not in the format asked for, or is broken past reading on."""


class Entry(NamedTuple):
    """One record of a hash set.

    Digests are lower-case hex or None; `category` is the source's code as
    text, verbatim (None: uncategorised); `extra` is the JSON text of every
    other field the source gave for the record (None when there were none).
    """

    record: int
    md5: str | None
    sha1: str | None
    sha256: str | None
    category: str | None = None
    size: int | None = None
    extra: str | None = None


class BadRecord(NamedTuple):
    """A record that could not be read: `where` names it ("line 12", "record 7 (value[6])")."""

    record: int
    where: str
    reason: str
    text: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class Invalid(ValueError):
    """Raised by the checks below; the importer turns it into a `BadRecord`."""


_LENGTH = {"md5": 32, "sha1": 40, "sha256": 64}


def digest(value, name: str) -> str | None:
    """A digest field: None or empty means absent; anything else must be hex of the right length."""
    if value.__class__ is str and len(value) == _LENGTH[name] and _HEX(value):
        return value.lower()  # the common case, first
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{DIGEST_NAMES[name]} is not a string: {value!r}")
    value = value.strip()
    if not value:
        return None
    length = _LENGTH[name]
    if len(value) != length or not _HEX(value):
        raise Invalid(f"{DIGEST_NAMES[name]} {_show(value)} is not {length} hex digits")
    return value.lower()


def any_digest(value: str) -> tuple[str, str]:
    """A bare hex digest whose kind is told by its length: (kind, lower-case hex)."""
    kind = DIGEST_LENGTHS.get(len(value))
    if kind is None or not _HEX(value):
        raise Invalid(f"{_show(value)} is not an MD5, SHA-1 or SHA-256 hex digest")
    return kind, value.lower()


def category(value) -> str | None:
    """A category code kept as the source wrote it: an integer or a short text; null is none."""
    if value is None:
        return None
    if value.__class__ is int:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Invalid(f"Category {value!r} is neither an integer nor a code")
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 60 or any(c < " " for c in text):
        raise Invalid(f"Category {_show(text)} is not a code (too long or control characters)")
    return text


def size(value) -> int | None:
    """A byte size when it is one; anything else is left to `extra` by the caller."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


try:  # the C encoder, made once: json.dumps builds one per call, which dominates here
    from _json import make_encoder as _make_encoder

    _encode = _make_encoder(None, str, json.encoder.encode_basestring_ascii, None, ":", ",",
                            False, False, True)
except ImportError:  # pragma: no cover - other Pythons
    _encode = None


def dumps(fields: dict) -> str | None:
    """`extra` as stored: compact ASCII JSON in the source's key order, or None when empty."""
    if not fields:
        return None
    if _encode is not None:
        return "".join(_encode(fields, 0))
    return json.dumps(fields, separators=(",", ":"), default=str)


def plain_dumps(fields: dict) -> str | None:
    """`dumps` for a dict of plain values (text, integers, booleans, nulls), by orjson when
    its bytes are those `dumps` writes (ASCII, nothing escaped)."""
    if not fields:
        return None
    text = orjson.dumps(fields)
    if not text.isascii() or b"\\" in text or b"\x7f" in text:
        return dumps(fields)
    return text.decode()


def plain_dumps_all(records: list[dict]) -> list[str | None]:
    """`plain_dumps` of each dict (plain values only, nothing nested), by one orjson call.

    One call for the lot costs a fifth of one call per dict. The output is
    cut back into dicts at each `},{`; a string that holds `},{` (or anything
    `dumps` would write otherwise) shows in the count or the bytes, and then
    each dict is written on its own.
    """
    blob = orjson.dumps(records)
    parts = blob[2:-2].split(b"},{") if records else []
    if (len(parts) != len(records) or not blob.isascii() or b"\\" in blob
            or b"\x7f" in blob):
        return [plain_dumps(record) for record in records]
    return [f"{{{part.decode()}}}" if part else None for part in parts]


def _show(value: str, limit: int = 70) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")
