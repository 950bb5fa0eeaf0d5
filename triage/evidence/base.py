"""The one interface every evidence source offers: bytes by offset, and a TSK image.

Sources only ever open evidence for reading; nothing in this package writes.
"""

from __future__ import annotations

import io
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

    def checksum_problem(self) -> str | None:
        """Where checksums the format stores (other than an MD5) disagree with the data read;
        None when they agree or the format stores none. Reads the image again."""
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


class OpenedVolume(Source):
    """A volume a library has opened inside an image (an unlocked encrypted volume, a shadow
    copy), read through its `read_buffer_at_offset`. A read it cannot give is an error
    naming the volume: its bytes are derived (decrypted, rebuilt), so zeros would not be
    the image's own."""

    def __init__(self, paths: list[Path], reader, size: int, what: str):
        super().__init__(paths)
        self._reader, self._size, self._what = reader, int(size), what

    @property
    def size(self) -> int:
        return self._size

    # Reads are made in whole aligned sectors of this size and cut to what was asked:
    # libluksde (20260902) and libvshadow give wrong bytes for a read that starts inside a
    # sector and runs past its end (found carving: the walkers read a few bytes anywhere;
    # The Sleuth Kit reads whole sectors). 4096 covers 512- and 4096-byte sectors.
    ALIGNMENT = 4096

    def read(self, offset: int, length: int) -> bytes:
        length = min(length, self._size - offset)
        if length <= 0:
            return b""
        start = offset - offset % self.ALIGNMENT
        stop = min(self._size, -(-(offset + length) // self.ALIGNMENT) * self.ALIGNMENT)
        try:
            data = self._reader.read_buffer_at_offset(stop - start, start)
        except (OSError, IOError) as exc:
            raise EvidenceError(f"{self._what}: cannot read {length} bytes at {offset}: "
                                f"{reason(exc)}") from exc
        return data if (start, stop - start) == (offset, length) else \
            data[offset - start:offset - start + length]


class DamageTolerantImage(Source):
    """An image read through a library that fails on a damaged or missing piece (an E01
    chunk, a virtual disk's grain): such a read is redone a piece at a time, each piece
    that still fails given as zeros and its byte range kept in `bad_ranges`, so that every
    file or hash touching it is reported incomplete while the rest is read."""

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        self._bad: list[tuple[int, int]] = []

    @property
    def bad_ranges(self) -> list[tuple[int, int]]:
        return self._bad

    @abstractmethod
    def read_at(self, offset: int, length: int) -> bytes:
        """The library's own read; raises OSError where it cannot give the data."""

    def piece_size(self) -> int:
        """The unit the library fails in (a chunk, a grain)."""
        return 32768

    def read(self, offset: int, length: int) -> bytes:
        length = min(length, self.size - offset)
        if length <= 0:
            return b""
        try:
            return self.read_at(offset, length)
        except (OSError, IOError):
            return self._read_in_pieces(offset, length)

    def _read_in_pieces(self, offset: int, length: int) -> bytes:
        piece, parts, position, end = self.piece_size(), [], offset, offset + length
        while position < end:
            step = min(piece - position % piece, end - position)
            try:
                parts.append(self.read_at(position, step))
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


class SourceRange(io.RawIOBase):
    """Bytes [offset, offset + length) of a source as a read-only file object, for libyal."""

    def __init__(self, source: Source, offset: int, length: int):
        super().__init__()
        self._source, self._offset, self._length, self._position = source, offset, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._length}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def get_size(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        end = self._length if size is None or size < 0 else min(self._length,
                                                                  self._position + size)
        if end <= self._position:
            return b""
        data = self._source.read(self._offset + self._position, end - self._position)
        self._position += len(data)
        return data


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
