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
        try:
            self._handle.open([str(p) for p in paths], "r")
            self._size = self._handle.get_media_size()
        except (OSError, IOError) as exc:
            raise EvidenceError(f"{paths[0]}: not a readable EWF image: {reason(exc)}") from exc

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        try:
            return self._handle.read_buffer_at_offset(length, offset)
        except (OSError, IOError) as exc:
            raise IOError(f"{self.name}: cannot read EWF data at byte {offset}: the image is "
                          f"damaged, or a segment is missing or truncated") from exc

    def stored_md5(self) -> str | None:
        value = self._handle.get_hash_value("MD5")
        return value.lower() if value else None

    def close(self) -> None:
        self._handle.close()

