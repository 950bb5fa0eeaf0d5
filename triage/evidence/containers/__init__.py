"""Containers: the one registry that tells them by content and opens them.

Each kind lives in its own module and says by `sniff(head)` whether a
content is one of its own; `container_kind` asks each in turn, in the
order below (most specific first), and `open_container` opens the kind found.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from triage.evidence.containers.archive import STREAMS, Archive, archive_kind
from triage.evidence.containers.blockfile import ChromiumBlockFile
from triage.evidence.containers.browser import ChromiumSimpleCache, FirefoxCache
from triage.evidence.containers.embedded import Html, Rtf
from triage.evidence.containers.mail import Eml, Mbox
from triage.evidence.containers.ole import Ole
from triage.evidence.containers.pdf import Pdf
from triage.evidence.containers.pst import Pst
from triage.evidence.containers.sqlite import SqliteBlobs
from triage.evidence.containers.thumbcache import Thumbcache
from triage.evidence.containers.base import (
    Chunks,
    Container,
    ContainerError,
    Member,
    PasswordNeeded,
    spool,
)

KINDS: list[type[Container]] = [
    Archive, Pdf, Pst, SqliteBlobs, Thumbcache, ChromiumSimpleCache, ChromiumBlockFile,
    FirefoxCache, Ole, Mbox, Eml, Rtf, Html]
# Archives given as evidence are walked as a file system (documents and others are not).
ARCHIVE_KINDS = {"zip", "7z", "rar", "cab", "tar", *STREAMS}


def container_kind(head: bytes) -> str | None:
    """The container kind of a content starting with `head` (HEAD bytes), or None."""
    for cls in KINDS:
        if kind := cls.sniff(head):
            return kind
    return None


PLACES = (FirefoxCache.PLACE,)  # folders whose files are tried by `container_kind_by_place`


def container_kind_by_place(path: str, stream: BinaryIO) -> str | None:
    """The kind of a container told by where it is and how it ends, not how it starts
    (Firefox's cache entries begin with the picture they hold); `stream` is seekable."""
    return FirefoxCache.recognise(path, stream)


def open_container(kind: str, stream: BinaryIO, name: str,
                   passwords: tuple[str, ...] = ()) -> Container:
    for cls in KINDS:
        if kind in cls.kinds:
            return cls(stream, name, passwords)
    raise ContainerError(f"unknown container kind {kind!r}")


def read_chain(stream: BinaryIO, name: str, members: tuple[str, ...],
               passwords: tuple[str, ...] = ()) -> Iterator[bytes]:
    """The bytes of one item inside containers inside `stream`: `members` are the paths
    in each container, outermost first (as ingest recorded them). Where a name repeats in
    a container, the first member of that name is read."""
    held = []
    try:
        for depth, wanted in enumerate(members):
            head = stream.read(1024)
            stream.seek(0)
            kind = container_kind(head)
            if kind is None:
                raise ContainerError(f"{name}: not a container")
            entries = open_container(kind, stream, name, passwords).members()
            held.append(entries)  # its reader stays open while the member is read
            chunks = _find(entries, wanted, name)
            if depth == len(members) - 1:
                yield from chunks
                return
            stream = spool()
            held.append(stream)
            for chunk in chunks:
                stream.write(chunk)
            stream.seek(0)
            name = Member(wanted).name
    finally:
        for thing in reversed(held):
            thing.close()


class OuterCursor:
    """Items of one outermost container read one after another, as link scans and exports
    read them (in the order ingest recorded them): the container stays open and is read
    forward, so a tar.gz of n items costs one decompression, not n. An item behind the
    cursor starts it again from the top."""

    def __init__(self, stream: BinaryIO, name: str, passwords: tuple[str, ...]):
        self._stream, self._name, self._passwords = stream, name, passwords
        self._entries = None

    def chunks(self, members: tuple[str, ...]) -> Iterator[bytes]:
        chunks = self._forward(members[0])
        if len(members) == 1:
            yield from chunks
            return
        with spool() as inner:
            for chunk in chunks:
                inner.write(chunk)
            inner.seek(0)
            yield from read_chain(inner, Member(members[0]).name, members[1:], self._passwords)

    def _forward(self, wanted: str) -> Chunks:
        for attempt in (0, 1):
            if self._entries is None or attempt:
                self._restart()
            try:
                return _find(self._entries, wanted, self._name)
            except _NotFound:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _restart(self) -> None:
        if self._entries is not None:
            self._entries.close()
        self._stream.seek(0)
        kind = container_kind(self._stream.read(1024))
        self._stream.seek(0)
        if kind is None:
            raise ContainerError(f"{self._name}: not a container")
        self._entries = open_container(kind, self._stream, self._name, self._passwords).members()

    def close(self) -> None:
        if self._entries is not None:
            self._entries.close()
        self._stream.close()


class _NotFound(ContainerError):
    pass


def _find(entries, wanted: str, name: str) -> Chunks:
    for member, chunks in entries:
        if member.path == wanted:
            if chunks is None:
                raise ContainerError(f"{wanted!r} in {name}: {member.error or 'not a file'}")
            return chunks
    raise _NotFound(f"{wanted!r}: no longer found in {name}")


__all__ = [
    "ARCHIVE_KINDS",
    "PLACES",
    "Archive",
    "Chunks",
    "Container",
    "ContainerError",
    "Member",
    "OuterCursor",
    "PasswordNeeded",
    "archive_kind",
    "container_kind",
    "container_kind_by_place",
    "open_container",
    "read_chain",
    "spool",
]
