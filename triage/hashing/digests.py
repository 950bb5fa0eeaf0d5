"""MD5, SHA-1 and SHA-256 of one stream, computed in a single pass over its bytes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Iterable


ALL = ("md5", "sha1", "sha256")


@dataclass(frozen=True)
class Digests:
    md5: str | None
    sha1: str | None
    sha256: str | None
    size: int


class MultiHasher:
    """Feeds each chunk to every hasher, so the bytes are read only once."""

    def __init__(self, algorithms: tuple[str, ...] = ALL) -> None:
        self._hashers = tuple(hashlib.new(name) if name in algorithms else None for name in ALL)
        self.size = 0

    def update(self, chunk: bytes) -> None:
        for hasher in self._hashers:
            if hasher is not None:
                hasher.update(chunk)
        self.size += len(chunk)

    def digests(self) -> Digests:
        md5, sha1, sha256 = (h.hexdigest() if h else None for h in self._hashers)
        return Digests(md5, sha1, sha256, self.size)


def digest_chunks(chunks: Iterable[bytes], head_size: int = 0,
                  algorithms: tuple[str, ...] = ALL) -> tuple[Digests, bytes]:
    """Digests of a stream, plus its first `head_size` bytes for type sniffing."""
    hasher = MultiHasher(algorithms)
    head = b""
    for chunk in chunks:
        if len(head) < head_size:
            head += chunk[: head_size - len(head)]
        hasher.update(chunk)
    return hasher.digests(), head


def sha256_file(path: str | os.PathLike) -> str:
    """The SHA-256 of a whole file (hash-set sources, models, exports, samples)."""
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
