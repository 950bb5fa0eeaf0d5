"""Raw images: one file (`.dd`, `.raw`, `.img`, any name) or numbered segments (`.001`, `.002`…)."""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path

import pytsk3

from triage.evidence.base import EvidenceError, Source

SEGMENT_NUMBER = re.compile(r"^(?P<stem>.*\.)(?P<number>\d{3,})$")


def split_segments(path: Path) -> list[Path]:
    """All segments of a split raw image named like `path`, or just `path` when it stands alone.

    Segments count up from `.000` or `.001` with no gap; given any segment,
    the whole set is found, so `x.001` and `x.002` on one command line are one
    evidence.
    """
    match = SEGMENT_NUMBER.match(path.name)
    if not match:
        return [path]
    stem, width = match["stem"], len(match["number"])
    first = 0 if (path.parent / f"{stem}{0:0{width}d}").is_file() else 1
    segments = []
    number = first
    while (segment := path.parent / f"{stem}{number:0{width}d}").is_file():
        segments.append(segment)
        number += 1
    return segments if path in segments else [path]


class RawImage(Source):
    format = "raw"

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        try:
            self._file = open(paths[0], "rb")  # read-only, always
            self._size = os.fstat(self._file.fileno()).st_size
        except OSError as exc:
            raise EvidenceError(f"{paths[0]}: cannot open: {exc.strerror}") from exc

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self._file.fileno(), length, offset)

    def tsk_image(self) -> pytsk3.Img_Info:
        # TSK's own raw driver avoids a Python call per read.
        return pytsk3.Img_Info(str(self.paths[0]))

    def close(self) -> None:
        self._file.close()


class SplitRawImage(Source):
    """A raw image cut into segment files, read as one stream."""

    format = "split-raw"

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        self._files, self._starts = [], []
        position = 0
        try:
            for path in paths:
                handle = open(path, "rb")  # read-only, always
                self._files.append(handle)
                self._starts.append(position)
                position += os.fstat(handle.fileno()).st_size
        except OSError as exc:
            self.close()
            raise EvidenceError(f"{path}: cannot open segment: {exc.strerror}") from exc
        self._size = position

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        parts = []
        end = min(offset + length, self._size)
        while offset < end:
            index = bisect.bisect_right(self._starts, offset) - 1
            segment_end = self._starts[index + 1] if index + 1 < len(self._starts) else self._size
            want = min(end, segment_end) - offset
            data = os.pread(self._files[index].fileno(), want, offset - self._starts[index])
            if not data:
                break
            parts.append(data)
            offset += len(data)
        return b"".join(parts)

    def close(self) -> None:
        for handle in self._files:
            handle.close()
