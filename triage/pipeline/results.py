"""What per-file work gives back: plain, picklable values any executor can carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.evidence.containers import Member
    from triage.media.analyse import MediaAnalysis
    from triage.plugins.batches import Outcome


@dataclass(frozen=True)
class FileResult:
    file_id: int
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    size: int = 0
    detected_type: str | None = None
    error: str | None = None
    analysis: MediaAnalysis | None = None
    plugins: tuple[Outcome, ...] = ()  # what the case's plugins said, from the same decode
    items: tuple[ItemResult, ...] = ()  # found inside, when the content is a container
    note: str | None = None  # why a container's items are incomplete (limits, damage, password)
    fanned_out: bool = False  # `items` is only the listing: each item is a job of its own


@dataclass(frozen=True)
class ItemResult:
    """One item found inside a container, and what reading it gave.

    Items come flattened, each after the container it is in: `parent` is the
    index of that container's item in the same list, or -1 for the file the
    worker was given.
    """

    parent: int
    member: Member
    container: str  # the kind of container it was found in ("zip", "pdf", ...)
    result: FileResult

    @property
    def encrypted(self) -> bool:
        return self.member.encrypted or (self.result.error or "").startswith("encrypted")
