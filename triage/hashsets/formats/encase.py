"""EnCase (version 6 and earlier) `.hash` hash sets: binary, MD5 only.

Layout as documented by The Sleuth Kit (tsk/hashdb/encase.cpp): the
signature `HASH\\r\\n\\xff\\x00` at offset 0, the set's name in UTF-16LE at
offset 1032 (up to 39 characters), then 18-byte records from offset 1152:
a 16-byte MD5 and two bytes TSK does not interpret (kept in extra as hex).
EnCase 7 and later hash libraries are a different, unpublished layout.
"""

from __future__ import annotations

from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry, FormatError
from triage.hashsets.formats.base import HashSetFormat, Head, ReadOptions, SetInfo, Source

SIGNATURE = b"HASH\r\n\xff\x00"
NAME_OFFSET, NAME_BYTES = 1032, 78
RECORDS_OFFSET, RECORD_BYTES = 1152, 18


class EncaseFormat(HashSetFormat):
    id = "encase"
    title = "EnCase 6 .hash (binary, MD5)"
    binary = True

    def sniff(self, head: Head) -> bool:
        return head.raw.startswith(SIGNATURE)

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        stream = source.open_buffered()
        header = stream.read(RECORDS_OFFSET)
        name = header[NAME_OFFSET:NAME_OFFSET + NAME_BYTES].decode("utf-16-le", "replace")
        info.details["set_name"] = name.split("\x00", 1)[0]
        if len(header) < RECORDS_OFFSET:
            raise FormatError(f"file ends at byte {len(header)}, inside the "
                              f"{RECORDS_OFFSET}-byte header")
        index = 0
        while record := stream.read(RECORD_BYTES * 4096):
            for start in range(0, len(record), RECORD_BYTES):
                index += 1
                chunk = record[start:start + RECORD_BYTES]
                offset = RECORDS_OFFSET + (index - 1) * RECORD_BYTES
                if len(chunk) < RECORD_BYTES:
                    yield BadRecord(index, f"record {index} (byte {offset})",
                                    f"truncated: {len(chunk)} of {RECORD_BYTES} bytes")
                    continue
                yield Entry(index, chunk[:16].hex(), None, None, None, None,
                            '{"trailer":"%s"}' % chunk[16:].hex())
