"""The hash-set formats, registered in one place, and detection by content.

Formats are tried most specific first; the first whose `sniff` accepts the
file's head wins. A file asked to be read as one format but looking like
another (or like nothing we read) is refused with what it looks like.
"""

from __future__ import annotations

from pathlib import Path

from triage.hashsets.entries import FormatError
from triage.hashsets.formats.base import (
    HashSetFormat,
    Head,
    ReadOptions,
    SetInfo,
    Source,
    kind_of,
    read_head,
)
from triage.hashsets.formats.delimited import DelimitedFormat
from triage.hashsets.formats.encase import EncaseFormat
from triage.hashsets.formats.hashkeeper import HashKeeperFormat
from triage.hashsets.formats.hashlist import HashListFormat
from triage.hashsets.formats.nsrl_legacy import NsrlLegacyFormat
from triage.hashsets.formats.nsrl_rds3 import SQLITE_MAGIC, NsrlRds3Format, table_names
from triage.hashsets.formats.vics import VicsFormat

FORMATS: tuple[HashSetFormat, ...] = (
    EncaseFormat(),
    NsrlRds3Format(),
    VicsFormat(),
    NsrlLegacyFormat(),
    HashKeeperFormat(),
    HashListFormat(),
    DelimitedFormat(),
)
BY_ID = {f.id: f for f in FORMATS}

_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive: extract the hash set from it first"),
    (b"\x1f\x8b", "a gzip-compressed file: decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract the hash set from it first"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
    (b"GIF8", "a GIF picture"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text: save it as UTF-8 first"),
    (b"\xfe\xff", "UTF-16 text: save it as UTF-8 first"),
)


def format_by_id(format_id: str) -> HashSetFormat:
    try:
        return BY_ID[format_id]
    except KeyError:
        raise FormatError(f"unknown format {format_id!r}; the formats are "
                          + ", ".join(BY_ID)) from None


def sniff(head: Head) -> HashSetFormat | None:
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    return None


def describe(head: Head) -> str:
    """What a file looks like, in words, for a refusal."""
    fmt = sniff(head)
    if fmt is not None:
        return fmt.title
    if not head.raw:
        return "an empty file"
    for magic, words in _MAGIC:
        if head.raw.startswith(magic):
            return words
    if head.raw.startswith(SQLITE_MAGIC):
        tables = table_names(head.path)
        if "CASE_INFO" in tables:
            return "a Triage case database"
        return "an SQLite database without NSRL tables (DISTINCT_HASH, METADATA or FILE)"
    if b"\x00" in head.raw[:4096]:
        return "binary data of no known hash-set format"
    text = head.text.lstrip()
    if text.startswith(("{", "[")):
        return 'JSON, but not Project VIC VICS (no "value" array of Media or Cases)'
    if text.startswith("<"):
        return "XML or HTML (VICS XML is not read; export VICS JSON instead)"
    return "text in which no line holds an MD5, SHA-1 or SHA-256 digest"


def detect(file: Path | Source, wanted: str | None = None) -> HashSetFormat:
    """The format of a file; with `wanted`, that format or a refusal naming what the file
    looks like. Given a `Source`, its head is the one the import goes on with."""
    try:
        head = file.head if isinstance(file, Source) else read_head(file)
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror or exc}") from None
    if wanted is not None:
        fmt = format_by_id(wanted)
        if fmt.sniff(head):
            return fmt
        raise FormatError(f"not {fmt.title}: it looks like {describe(head)}")
    fmt = sniff(head)
    if fmt is None:
        raise FormatError(f"not a hash set this version reads: it looks like {describe(head)}")
    return fmt


def identify(source: Source, wanted: str | None, kind: str | None
             ) -> tuple[HashSetFormat, str]:
    """The format of the file an import reads, and the kind of set it is imported as: one
    look at the file's head (`Source.head`) for both."""
    fmt = detect(source, wanted)
    return fmt, kind_of(fmt, kind, source.head)


__all__ = ["FORMATS", "BY_ID", "HashSetFormat", "Head", "ReadOptions", "SetInfo", "Source",
           "detect", "describe", "format_by_id", "identify", "kind_of", "sniff"]
