"""Browser caches, each entry's body an item named by its URL.

Chromium's disk cache in its "simple" form (`Cache_Data/<hash>_0`, Chrome, Edge and
Electron apps on every system since 2015 on Linux, Android and macOS, Windows since
2021): each entry file holds one cached response; its body is the item, named by its URL.

The body is read exactly as the server sent it, so a picture keeps the digest it has
as a file. The layout (net/disk_cache/simple/simple_entry_format.h): a header with
the key's length, the key, stream 1 (the body) and its EOF record, stream 0 (the
HTTP headers), an optional SHA-256 of the key, and a final EOF record.
"""

from __future__ import annotations

import struct
from typing import Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member, timestamp

INITIAL_MAGIC = struct.pack("<Q", 0xFCFB6D1BA7725C30)
FINAL_MAGIC = struct.pack("<Q", 0xF4FA6F45970D41D8)
HEADER = struct.Struct("<8sIII4x")  # magic, version, key length, key hash
EOF = struct.Struct("<8sIII4x")  # magic, flags, CRC-32 of the stream, stream size
HAS_KEY_SHA256 = 2


class ChromiumSimpleCache(Container):
    kinds = frozenset({"chromium-cache"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "chromium-cache" if head.startswith(INITIAL_MAGIC) else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        data = self.stream.read()
        if len(data) < HEADER.size + 2 * EOF.size:
            raise ContainerError("cache entry shorter than its header and end records")
        _, _, key_length, _ = HEADER.unpack_from(data)
        key = data[HEADER.size:HEADER.size + key_length].decode("utf-8", "backslashreplace")
        body = _body(data, HEADER.size + key_length)
        yield Member(_url(key), size=len(body)), iter((body,))


def _body(data: bytes, start: int) -> bytes:
    """Stream 1, found from the end: the last EOF record gives stream 0's size, the one
    before stream 0 gives stream 1's."""
    position = len(data) - EOF.size
    magic, flags, _, headers_size = EOF.unpack_from(data, position)
    if magic != FINAL_MAGIC:
        raise ContainerError("cache entry has no final EOF record (truncated?)")
    position -= headers_size + (32 if flags & HAS_KEY_SHA256 else 0) + EOF.size
    if position < start:
        raise ContainerError("cache entry's stream sizes do not fit in the file")
    magic, _, _, body_size = EOF.unpack_from(data, position)
    if magic != FINAL_MAGIC or start + body_size != position:
        raise ContainerError("cache entry's body record is damaged")
    return data[start:position]


def _url(key: str) -> str:
    """The URL in a cache key ("1/0/_dk_https://site https://site https://host/p.jpg")."""
    return key.rsplit(" ", 1)[-1]


class FirefoxCache(Container):
    """Firefox's disk cache (`cache2/entries/<hash>`): the body comes first, as the server
    sent it, then Firefox's own record (netwerk/cache2/CacheFileMetadata) whose offset is
    the file's last four bytes; the record holds the URL. Nothing at the start tells such
    a file from the picture it holds, so it is tried on files in a `cache2/entries`
    folder only, and taken when its end record checks out."""

    kinds = frozenset({"firefox-cache"})
    PLACE = "cache2/entries/"

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return None  # told by place and end record: see `recognise`

    @staticmethod
    def recognise(path: str, stream) -> str | None:
        if FirefoxCache.PLACE not in path:
            return None
        try:
            return "firefox-cache" if _firefox_record(stream) else None
        except (OSError, struct.error, ValueError):
            return None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        record = _firefox_record(self.stream)
        if record is None:
            raise ContainerError("not a Firefox cache entry (its end record does not check out)")
        body_size, url, modified = record
        self.stream.seek(0)
        body = self.stream.read(body_size)
        yield Member(url, size=len(body), mtime=timestamp(modified)), iter((body,))


CHUNK = 256 << 10


def _firefox_record(stream) -> tuple[int, str, int] | None:
    """(body size, URL, last modified) from a cache2 entry's end record, or None."""
    size = stream.seek(0, 2)
    if size < 40:
        return None
    stream.seek(size - 4)
    (offset,) = struct.unpack(">I", stream.read(4))
    chunks = -(-offset // CHUNK)
    header = offset + 4 + 2 * chunks
    if header + 32 > size - 4:
        return None
    stream.seek(header)
    version, _, _, modified, _, _, key_size, _ = struct.unpack(">8I", stream.read(32))
    if version not in (1, 2, 3) or header + 32 + key_size + 1 > size - 4:
        return None
    if version == 1:  # no flags field: the key starts four bytes earlier
        stream.seek(header + 28)
    key = stream.read(key_size + 1)
    if key[-1:] != b"\0":
        return None
    text = key[:-1].decode("utf-8", "backslashreplace")
    start = text.find(":http")
    return offset, (text[start + 1:] if start >= 0 else text.split(":", 1)[-1]), modified
