"""Random access to one contiguous stretch of the evidence, served from the block being scanned.

The scanner reads the disk in large sequential blocks; the structure walkers
ask for a few bytes here and there (a segment length, a box header) and
almost always find them in the block already read. Only a file that runs
past the block costs a read of its own.
"""

from __future__ import annotations

import re

from triage.evidence.base import Source

READ_SIZE = 1 << 20


class Window:
    """Bytes [offset, end) of a source; `end` is where the stretch (partition, gap) stops."""

    def __init__(self, source: Source, end: int):
        self.source = source
        self.end = end
        self.base = 0
        self.block = b""

    def hold(self, base: int, block: bytes) -> None:
        """The block the scanner has just read, at byte `base` of the source."""
        self.base, self.block = base, block

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset`, fewer only at the end of the stretch."""
        length = min(length, self.end - offset)
        if length <= 0:
            return b""
        start = offset - self.base
        if 0 <= start and start + length <= len(self.block):
            return self.block[start:start + length]
        return self.source.read(offset, length)

    def search(self, pattern: re.Pattern[bytes], offset: int, limit: int) -> int | None:
        """Where `pattern` first matches in [offset, limit), or None; blocks read from the
        source overlap by at least 1 KiB, and by the pattern's length (a run of zeros), to
        see a match that straddles two."""
        limit = min(limit, self.end)
        start = offset - self.base
        if 0 <= start and limit - self.base <= len(self.block):
            found = pattern.search(self.block, start, limit - self.base)
            return found.start() + self.base if found else None
        position, overlap = offset, max(1024, len(pattern.pattern))
        while position < limit:
            data = self.read(position, min(READ_SIZE + overlap, limit - position))
            if not data:
                return None
            found = pattern.search(data)
            if found and (found.start() < READ_SIZE or position + len(data) >= limit):
                return position + found.start()
            if len(data) <= overlap:
                return None
            position += len(data) - overlap
        return None
