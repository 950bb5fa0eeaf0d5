"""What every container offers: its members, one after another, each with its bytes.

A container is a file system over a file (DESIGN.md): an archive, a
document, a mail store, an app database. Unlike a disk image it is read
front to back, once: a compressed stream has no cheaper way in. Members are
never written anywhere under their own names, so a `../` or absolute member
name is only ever a label.
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import BinaryIO, ClassVar, Iterator

from triage.evidence.base import shown_name


class ContainerError(Exception):
    """A container, or one member of it, that cannot be read, with the reason."""


class PasswordNeeded(ContainerError):
    """An encrypted member or document that no password given so far opens."""


@dataclass
class Member:
    """One item inside a container, named as the container names it (never cleaned up)."""

    path: str
    kind: str = "file"  # "file", "dir", "link" or "other", as for file-system entries
    size: int | None = None
    mtime: datetime | None = None
    atime: datetime | None = None
    ctime: datetime | None = None
    crtime: datetime | None = None
    encrypted: bool = False
    error: str | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path.rstrip("/") or "/").name or self.path


Chunks = Iterator[bytes]


class Container(ABC):
    """One kind of container over a seekable, read-only stream of the container's bytes."""

    kinds: ClassVar[frozenset[str]]  # what `sniff` may answer
    keeps_everything: ClassVar[bool] = True  # False: only items recognised by content count

    def __init__(self, stream: BinaryIO, name: str, passwords: tuple[str, ...] = ()):
        self.stream = stream
        self.name = name
        self.passwords = passwords
        self.found: str | None = None  # the kind, where only opening it tells (OLE: a .msg)

    @staticmethod
    @abstractmethod
    def sniff(head: bytes) -> str | None:
        """The kind of container a content starting with `head` is, if it is one of ours."""

    @abstractmethod
    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        """Members in stored order, each with its bytes (valid until the next member).

        A damaged member is yielded with its `error` and no bytes; damage
        that ends the listing raises ContainerError after what could be read.
        """


def timestamp(seconds: float | int | None) -> datetime | None:
    if not seconds:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def text(raw: bytes) -> str:
    """A stored name as text, shown as the walk shows file names (unambiguous escapes)."""
    return shown_name(raw)[0]


SPOOL_MEMORY = 64 << 20  # a nested container up to this size is opened from memory


def spool() -> BinaryIO:
    """Where a nested container's bytes wait to be opened (an archive's index is at its end).

    In memory up to SPOOL_MEMORY, then in a private temporary file that is
    deleted when closed (as a video is for its decode). Nothing is ever
    written under a member's own name, so no member path can escape.
    """
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, prefix="triage-")
