"""The one interface every evidence source offers: bytes by offset, and a TSK image.

Sources only ever open evidence for reading; nothing in this package writes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Iterator

import pytsk3

CHUNK = 4 << 20


def reason(exc: BaseException) -> str:
    """The cause in a TSK or libewf error, without the call-site noise they prefix."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[-1] if lines else type(exc).__name__
    return text.rsplit("with error: ", 1)[-1]


class EvidenceError(Exception):
    """Evidence that cannot be opened or read, with the path and the reason."""


class Source(ABC):
    """A disk image (in one or several segment files) or a folder of logical files."""

    format: ClassVar[str]

    def __init__(self, paths: list[Path]):
        self.paths = paths

    @property
    def name(self) -> str:
        return self.paths[0].name

    @property
    def is_image(self) -> bool:
        return True

    @property
    @abstractmethod
    def size(self) -> int:
        """Size of the media the image holds, in bytes."""

    @abstractmethod
    def read(self, offset: int, length: int) -> bytes: ...

    @property
    def bad_ranges(self) -> list[tuple[int, int]]:
        """Byte ranges [start, end) that could not be read and were given as zeros so far."""
        return []

    def start_checksum_check(self):
        """Start checking the format's own checksums (EWF chunks) alongside the image hash;
        gives an object whose `result()` is (failing byte ranges, why no check was made),
        or None where the format keeps no checksums."""
        return None

    def stored_md5(self) -> str | None:
        """The MD5 the acquisition tool stored in the image, where the format keeps one."""
        return None

    def tsk_image(self) -> pytsk3.Img_Info:
        """The image as The Sleuth Kit reads it; formats TSK cannot open natively wrap `read`."""
        return _ExternalImage(self)

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The whole media data in order, for hashing the evidence itself."""
        for offset in range(0, self.size, size):
            data = self.read(offset, min(size, self.size - offset))
            if not data:
                raise EvidenceError(f"{self.name}: read stopped at byte {offset} of {self.size}")
            yield data

    def close(self) -> None:  # noqa: B027 - most sources hold nothing to close
        pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}({[str(p) for p in self.paths]})"


class _ExternalImage(pytsk3.Img_Info):
    """Hands TSK a source it has no driver for (split raw, EWF) through `read` and `get_size`."""

    def __init__(self, source: Source):
        self._source = source
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, length: int) -> bytes:
        return self._source.read(offset, length)

    def get_size(self) -> int:
        return self._source.size

    def close(self) -> None:
        pass


_SHOWN = {code: "^" for code in range(0x20)}
_SHOWN[ord("\\")] = "\\\\"
_SHOWN.update({0xDC00 + byte: f"\\x{byte:02x}" for byte in range(0x80, 0x100)})


def shown_name(raw: bytes) -> tuple[str, bool]:
    """A name as text, and whether that text is exactly the raw name.

    Like TSK's own tools, control characters (HFS+ puts NULs in names) are
    shown as '^'. A byte that is not UTF-8 is shown as \\xNN and a backslash
    as \\\\, so that two names never show alike (the byte 0xFF and the four
    characters \\xff were one path). Wherever the text is not exactly the
    name, the raw bytes are kept as well (`path_bytes`).
    """
    text = raw.decode("utf-8", "surrogateescape")
    shown = text.translate(_SHOWN)
    return shown, shown == text
