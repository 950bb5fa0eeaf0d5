"""An archive given as evidence (a phone's full-file-system extraction arrives as a ZIP or
TAR): its members are walked as the files of a file system.

The archive file itself is hashed like an image; members are read front to
back through libarchive, as every container is (triage.evidence.containers).
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

import pytsk3

from triage.evidence.base import EvidenceError
from triage.evidence.containers import Archive, ContainerError, Member, archive_kind
from triage.evidence.raw import RawImage


class ArchiveSource(RawImage):
    format = "archive"

    @property
    def kind(self) -> str:
        return archive_kind(self.read(0, 1024)) or "archive"

    def tsk_image(self) -> pytsk3.Img_Info:
        raise EvidenceError(f"{self.name}: an archive is walked through libarchive, not TSK")

    def members(self) -> Iterator[tuple[Member, Iterator[bytes] | None]]:
        """Every member in stored order; its index in this order is its address."""
        with open(self.paths[0], "rb") as stream:  # read-only, always
            yield from Archive(stream, self.name).members()


def member_path(member: Member) -> str:
    """A member's path in the evidence: as the archive names it, under "/" like any file
    system's (so `../x` shows as `/../x`: still visibly a name that points out)."""
    return member.path if member.path.startswith("/") else f"/{member.path}"


class MemberCursor:
    """Members of one archive evidence read in order by one worker: reading member 9 after
    member 7 skips member 8, reading member 7 after member 9 starts again from the top
    (a compressed stream has no other way back). Jobs come in walk order, so a worker
    reads its archive about once."""

    def __init__(self, path: str, passwords: tuple[str, ...] = ()):
        self._path = path
        self._passwords = passwords
        self._stream: BinaryIO | None = None
        self._entries = None
        self._index = -1

    def chunks(self, index: int) -> Iterator[bytes]:
        if self._entries is None or index <= self._index:
            self._restart()
        try:
            while self._index < index:
                member, chunks = next(self._entries)
                self._index += 1
        except StopIteration:
            raise ContainerError(f"member {index} not found: the archive holds "
                                 f"{self._index + 1}") from None
        if chunks is None:
            raise ContainerError(f"member {index} ({member.path}) has no content: "
                                 f"{member.error or member.kind}")
        return chunks

    def _restart(self) -> None:
        self.close()
        self._stream = open(self._path, "rb")  # read-only, always
        self._entries = Archive(self._stream, self._path, self._passwords).members()
        self._index = -1

    def close(self) -> None:
        if self._entries is not None:
            self._entries.close()
        if self._stream is not None:
            self._stream.close()
        self._entries = self._stream = None
