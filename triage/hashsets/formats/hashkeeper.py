"""HashKeeper `.hsh`: quoted CSV whose header starts `"file_id","hashset_id","file_name","directory","hash"`.

Layout as documented by The Sleuth Kit (tsk/hashdb/hashkeeper.c): twelve
columns, the MD5 in `hash`; the rest (names, sizes, dates, comments) kept
as extra fields.
"""

from __future__ import annotations

from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source
from triage.hashsets.formats.delimited import read_delimited

HEADER_START = '"file_id","hashset_id","file_name","directory","hash"'
ROLES = {"hash": "md5", "file_size": "size"}


class HashKeeperFormat(HashSetFormat):
    id = "hashkeeper"
    title = "HashKeeper .hsh"

    def sniff(self, head: Head) -> bool:
        lines = head.lines(1)
        return bool(lines) and lines[0].startswith(HEADER_START)

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        options.header = True
        return read_delimited(source, info, options, fixed=ROLES, delimiter=",")
