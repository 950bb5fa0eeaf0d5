"""Find pictures and videos by signature in byte ranges of an evidence, each byte read once.

The ranges are read in large sequential blocks; the first two bytes of every
signature are looked up at every offset at once (numpy, a table of flags),
slices of zeros are passed over, and each hit is handed to its format's
walker, which reads the structure from the block already in memory. A file
found whole is skipped over, so nothing inside it (a JPEG's preview in a
video, say) is carved a second time.

Measured and left out (bench/carving.py image, 16 MiB blocks, one process):
one compiled regex of all signatures (310 MB/s) and `bytes.find` per
signature (120-200 MB/s) are slower than the flag table (690 MB/s); reading
into a reused buffer saves nothing (0.56 ms against 0.50 ms a block); one
lookup at even offsets that also flags odd candidates was no faster. Areas
are already carved in parallel, one per worker (`AREA_BYTES` each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

import numpy as np

from triage.evidence.base import Source
from triage.evidence.carving.formats import FORMATS, Format, Shape
from triage.evidence.carving.window import Window

BLOCK = 16 << 20
_OVERLAP = 64  # longer than any signature and its place in the file (_LOOKAHEAD)


@dataclass(frozen=True)
class Candidate:
    offset: int  # from the start of the evidence
    shape: Shape
    format: Format

    @property
    def length(self) -> int:
        return self.shape.length


@dataclass
class ScanCounts:
    bytes: int = 0
    signatures: int = 0  # signature hits, most of them in other data
    candidates: int = 0  # hits whose structure holds together
    truncated: int = 0  # candidates whose structure stops short (fragmented or overwritten)


@dataclass
class Scanner:
    """Candidates in `runs` ((offset, length) pairs, in order); a file may run past its run up
    to `end`, where the partition or gap stops."""

    source: Source
    runs: list[tuple[int, int]]
    end: int
    formats: tuple[Format, ...] = FORMATS
    counts: ScanCounts = field(default_factory=ScanCounts)
    _skip_to: int = 0

    def __post_init__(self) -> None:
        self._window = Window(self.source, self.end)

    def candidates(self) -> Iterator[Candidate]:
        for start, length in self.runs:
            position, stop = start, min(start + length, self.end)
            while position < stop:
                block_end = min(position + BLOCK, stop)
                block = self.source.read(position, min(block_end + _OVERLAP, self.end) - position)
                if not block:
                    break
                self._window.hold(position, block)
                self.counts.bytes += block_end - position
                yield from self._in_block(position, block, block_end - position)
                position = block_end

    def skip_to(self, offset: int) -> None:
        """The caller kept the file that ends at `offset`: nothing before it starts a file."""
        self._skip_to = max(self._skip_to, offset)

    def content(self, candidate: Candidate) -> bytes:
        return self._window.read(candidate.offset, candidate.length)

    def content_head(self, candidate: Candidate, size: int) -> bytes:
        return self._window.read(candidate.offset, min(size, candidate.length))

    def _in_block(self, base: int, block: bytes, size: int) -> Iterator[Candidate]:
        for offset, format in sorted(self._hits(block, size), key=lambda hit: hit[0]):
            offset += base
            if offset < self._skip_to:
                continue
            self.counts.signatures += 1
            shape = format.walk(self._window, offset)
            if shape is None or shape.length <= 0:
                continue
            self.counts.candidates += 1
            self.counts.truncated += not shape.complete
            yield Candidate(offset, shape, format)

    def _hits(self, block: bytes, size: int) -> Iterator[tuple[int, Format]]:
        """(offset in the block, format) of every signature whose file starts in [0, size).

        Every byte offset is a possible start (a picture in unpartitioned space need not be
        sector-aligned). The first two bytes of every signature are looked up at once in a
        table of 65,536 flags, at even and at odd offsets, which reads the block at a few
        hundred MB/s whatever it holds (`bytes.find` per signature was 70 MB/s for all ten);
        the few hits are then checked whole. The block goes by slices, and a slice of zeros
        (never written, wiped, trimmed: most of a new drive's free space) is passed over at
        memory speed, as no signature starts with a zero byte: a zeroed disk went from 0.8 to
        6-13 GB/s (`bench/carving.py`, "zeroed disk"; PhotoRec 5.8 GB/s there), the bench
        image with its random data stayed at 450-480 MB/s."""
        table, prefixes = _prefix_table(self.formats)
        limit = min(len(block) - 1, size + _LOOKAHEAD)  # where a two-byte key still fits
        view = memoryview(block)
        for first in range(0, limit, _SLICE):
            last = min(first + _SLICE, limit)
            zeros = _ZEROS if last - first == _SLICE else bytes(last - first)
            if block.startswith(zeros, first, last):
                continue
            for parity in (0, 1):
                count = (last - first - parity + 1) // 2
                if count <= 0:
                    continue
                keys = np.frombuffer(view, dtype="<u2", count=count, offset=first + parity)
                for index in np.flatnonzero(table[keys]).tolist():
                    position = first + parity + 2 * index
                    for format in prefixes[int(keys[index])]:
                        start = position - format.magic_at
                        if 0 <= start < size and block.startswith(format.magic, position):
                            yield start, format


_SLICE = 1 << 20
_ZEROS = bytes(_SLICE)
_LOOKAHEAD = 8  # a signature may sit this far into its file (ISO-BMFF's `ftyp` at 4)


@lru_cache(maxsize=8)
def _prefix_table(formats: tuple[Format, ...]) -> tuple[np.ndarray, dict[int, list[Format]]]:
    table = np.zeros(1 << 16, dtype=bool)
    prefixes: dict[int, list[Format]] = {}
    for format in formats:
        key = int.from_bytes(format.magic[:2], "little")
        table[key] = True
        prefixes.setdefault(key, []).append(format)
    return table, prefixes
