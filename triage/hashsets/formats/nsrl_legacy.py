"""NSRL RDS 2.x `NSRLFile.txt`: quoted CSV with a fixed header; imported as known-good.

Two header layouts exist (TSK's nsrl.c documents both):
`"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"`
and the older `"SHA-1","FileName","FileSize","ProductCode","OpSystemCode","MD4","MD5","CRC32","SpecialCode"`.
Columns are taken by name, so either works; everything but the digests and
the size is kept as extra fields.
"""

from __future__ import annotations

from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source
from triage.hashsets.formats.delimited import read_delimited

ROLES = {"SHA-1": "sha1", "MD5": "md5", "SHA-256": "sha256", "FileSize": "size"}


class NsrlLegacyFormat(HashSetFormat):
    id = "nsrl-legacy"
    title = "NSRL RDS 2.x NSRLFile.txt (known-good)"
    implied_kind = "known-good"

    def sniff(self, head: Head) -> bool:
        lines = head.lines(1)
        return bool(lines) and lines[0].startswith('"SHA-1",') and '"MD5"' in lines[0] \
            and '"FileName"' in lines[0]

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        options.header = True
        return read_delimited(source, info, options, fixed=ROLES, delimiter=",")
