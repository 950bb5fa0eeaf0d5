"""MD5, SHA-1 and SHA-256 of one stream, computed in a single pass over its bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Digests:
    md5: str
    sha1: str
    sha256: str
    size: int


class MultiHasher:
    """Feeds each chunk to all three hashers, so the bytes are read only once."""

    def __init__(self) -> None:
        self._hashers = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())
        self.size = 0

    def update(self, chunk: bytes) -> None:
        for hasher in self._hashers:
            hasher.update(chunk)
        self.size += len(chunk)

    def digests(self) -> Digests:
        md5, sha1, sha256 = (hasher.hexdigest() for hasher in self._hashers)
        return Digests(md5, sha1, sha256, self.size)


def digest_chunks(chunks: Iterable[bytes], head_size: int = 0) -> tuple[Digests, bytes]:
    """Digests of a stream, plus its first `head_size` bytes for type sniffing."""
    hasher = MultiHasher()
    head = b""
    for chunk in chunks:
        if len(head) < head_size:
            head += chunk[: head_size - len(head)]
        hasher.update(chunk)
    return hasher.digests(), head
