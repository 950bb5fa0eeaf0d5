"""Windows Explorer thumbnail caches (`thumbcache_*.db`, Vista and later): each cached
thumbnail an item named by its cache entry id. A thumbnail proves a picture was on the
machine (and viewed) long after the picture itself was deleted.

A small parser of the documented format (libyal's "Windows Explorer Thumbnail Cache
database format"; Fox-IT's dissect.thumbcache is AGPL): a header, then entries one after
another, each `CMMM`, its size, its 64-bit id, sizes, and the data.
"""

from __future__ import annotations

import struct
from typing import Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member

SIGNATURE = b"CMMM"
VISTA, SEVEN = 20, 21  # 30, 31, 32: Windows 8, 8.1, 10 and 11
VERSIONS = (20, 21, 30, 31, 32)
MAX_ENTRIES = 1_000_000


class Thumbcache(Container):
    kinds = frozenset({"thumbcache"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        if head.startswith(SIGNATURE) and len(head) >= 8:
            if struct.unpack_from("<I", head, 4)[0] in VERSIONS:
                return "thumbcache"
        return None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        try:
            yield from self._entries(self.stream.read())
        except struct.error as exc:
            raise ContainerError(f"damaged: an entry runs past the end ({exc})") from None

    def _entries(self, data: bytes) -> Iterator[tuple[Member, Chunks | None]]:
        version = struct.unpack_from("<I", data, 4)[0]
        offset = struct.unpack_from("<I", data, 12 if version in (VISTA, SEVEN) else 16)[0]
        if data[offset:offset + 4] != SIGNATURE:
            offset = data.find(SIGNATURE, 4)  # an unexpected header: the first entry
        for _ in range(MAX_ENTRIES):
            if offset < 0 or offset + 24 > len(data):
                return
            if data[offset:offset + 4] != SIGNATURE:
                raise ContainerError(f"entry at byte {offset} has no CMMM signature: "
                                     "the cache is damaged from there on")
            size, entry = _entry(data, offset, version)
            if entry is not None:
                yield entry
            if size < 24:
                raise ContainerError(f"entry at byte {offset} declares {size} bytes")
            offset += size


def _entry(data: bytes, offset: int, version: int) -> tuple[int, tuple | None]:
    """(entry size, (member, chunks) or None for an empty entry)."""
    size, cache_id = struct.unpack_from("<IQ", data, offset + 4)
    position = offset + 16
    if version == VISTA:
        position += 8  # the file extension, four UTF-16 characters
    id_size, padding, data_size = struct.unpack_from("<III", data, position)
    position += 12 + (8 if version >= 30 else 0) + 4 + 16  # width, height; unknown; checksums
    if data_size == 0:
        return size, None
    name = f"{cache_id:016x}"
    start = position + id_size + padding
    payload = data[start:start + data_size]
    if len(payload) < data_size or start + data_size > offset + size:
        return size, (Member(name, size=data_size,
                             error="thumbnail data runs past its entry"), None)
    return size, (Member(name, size=data_size), iter((payload,)))
