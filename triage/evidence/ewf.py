"""Expert Witness Format (E01, single or multi-segment) through libewf-python.

The pytsk3 wheel is built without libewf and would read an .E01 as raw
bytes, so EWF is decoded here and handed to TSK as an external image.
"""

from __future__ import annotations

from pathlib import Path

import pyewf

from triage.evidence.base import EvidenceError, Source, reason

SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")


def ewf_segments(path: Path) -> list[Path]:
    try:
        return [Path(p) for p in pyewf.glob(str(path))]
    except (OSError, IOError) as exc:
        raise EvidenceError(f"{path}: cannot find EWF segments: {exc}") from exc


class EwfImage(Source):
    format = "ewf"

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        self._handle = pyewf.handle()
        self._bad: list[tuple[int, int]] = []
        try:
            self._handle.open([str(p) for p in paths], "r")
            self._size = self._handle.get_media_size()
        except (OSError, IOError) as exc:
            raise EvidenceError(f"{paths[0]}: not a readable EWF image: {reason(exc)}") from exc

    @property
    def size(self) -> int:
        return self._size

    @property
    def bad_ranges(self) -> list[tuple[int, int]]:
        return self._bad

    def read(self, offset: int, length: int) -> bytes:
        """Read; where a chunk cannot be read (a missing or damaged segment), give zeros.

        Losing a whole partition because one segment of the set is missing
        would be worse: the unreadable ranges are recorded, and every file
        or hash that touches them is reported as incomplete.
        """
        try:
            return self._handle.read_buffer_at_offset(length, offset)
        except (OSError, IOError):
            return self._read_chunkwise(offset, length)

    def _read_chunkwise(self, offset: int, length: int) -> bytes:
        chunk = self._handle.get_chunk_size() or 32768
        end = min(offset + length, self._size)
        parts, position = [], offset
        while position < end:
            step = min(chunk - position % chunk, end - position)
            try:
                parts.append(self._handle.read_buffer_at_offset(step, position))
            except (OSError, IOError):
                parts.append(bytes(step))
                self._mark_bad(position, position + step)
            position += step
        return b"".join(parts)

    def _mark_bad(self, start: int, end: int) -> None:
        if self._bad and self._bad[-1][1] == start:
            self._bad[-1] = (self._bad[-1][0], end)
        elif (start, end) not in self._bad:
            self._bad.append((start, end))

    def stored_md5(self) -> str | None:
        value = self._handle.get_hash_value("MD5")
        return value.lower() if value else None

    def close(self) -> None:
        self._handle.close()

