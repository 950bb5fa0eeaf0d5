"""What every export format shares: the options, the context it writes from, what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from triage import __version__
from triage.export.items import CaseFacts, Item
from triage.schema import Scheme, SchemeRegistry

TOOL_NAME = "Triage"


@dataclass(frozen=True)
class Format:
    id: str
    module: str
    suffix: str
    title: str
    selection: str  # which media it covers by default


class ExportError(Exception):
    """An export that cannot be made as asked, with the reason."""


@dataclass
class ExportOptions:
    scheme: str | None = None
    """Target scheme id or alias; the case's working scheme when None."""
    selection: str | None = None
    """TAGGED, MEDIA or ALL; the format's default when None."""
    categories: tuple[str, ...] = ()
    """Keep only items whose target category is one of these codes (empty: keep all)."""
    precategorised: bool = False
    """Write the hash sets' agreed category for items the examiner has not tagged
    (marked as pre-categorised, with the set's name)."""
    thumbnails: str = "blurred"
    """Reports: "blurred" (default), "none" or "clear"."""
    case_number: str | None = None
    """VICS CaseNumber; the case's name when None."""
    overwrite: bool = False
    copy_media: bool = False
    """VICS case: also write each item's content beside the export, named in RelativeFilePath."""


@dataclass
class Context:
    """What a format's `write` gets: an open session and everything already resolved."""

    session: Session
    registry: SchemeRegistry
    case: CaseFacts
    target: Scheme
    working: Scheme
    options: ExportOptions
    selection: str
    examiner: str
    at: datetime
    format: Format
    tool: str = TOOL_NAME
    version: str = __version__
    thumbnail: Callable[[str], bytes | None] = lambda sha256: None  # stored JPEG by SHA-256
    media_content: Callable[[str], Iterable[bytes]] | None = None  # content by SHA-256
    out: Path | None = None  # the export's final path (formats write to a temporary name)

    def keep(self, item: Item) -> bool:
        """Whether the category filter lets `item` through."""
        return not self.options.categories or item.target.code in self.options.categories


@dataclass
class Written:
    """What a format wrote: its files (the first is the main one), counts and warnings."""

    files: list[Path]
    counts: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


