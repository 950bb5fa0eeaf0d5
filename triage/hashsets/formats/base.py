"""What every hash-set format module provides, and the file access they share.

A format declares what it is (`id`, `title`, the kind of set it implies)
and implements two things: `sniff(head)` — does this look like mine? — and
`read(source, options)` — the entries. The registry in `__init__` owns
detection and refusal; the import owns transactions, batching and reports.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ClassVar, Iterator

from triage.hashsets.entries import BadRecord, Entry, FormatError

HEAD_BYTES = 64 * 1024
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Head:
    """The first bytes of a file, for sniffing: raw, and as text without a UTF-8 BOM."""

    path: Path
    raw: bytes
    size: int

    @property
    def bom(self) -> bool:
        return self.raw.startswith(BOM)

    @property
    def text(self) -> str:
        data = self.raw[3:] if self.bom else self.raw
        return data.decode("utf-8", errors="replace")

    def lines(self, limit: int = 20) -> list[str]:
        """Whole non-empty lines of the head (the last, maybe cut short, is dropped)."""
        text = self.text
        lines = text.splitlines()
        if len(self.raw) >= HEAD_BYTES and lines and not text.endswith(("\n", "\r")):
            lines.pop()
        return [line for line in lines if line.strip()][:limit]


def read_head(path: Path) -> Head:
    with open(path, "rb") as f:
        raw = f.read(HEAD_BYTES)
    return Head(path, raw, path.stat().st_size)


@dataclass
class ReadOptions:
    """What the examiner may say about a file the format cannot say itself.

    `columns` maps a role (md5, sha1, sha256, hash, category, size) to a
    column name or 1-based number, for delimited files; `delimiter` and
    `header` (True, False, or None to detect) likewise.
    """

    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    header: bool | None = None


@dataclass
class SetInfo:
    """What the file says about the set as a whole, filled in while reading."""

    scheme: str | None = None
    details: dict = field(default_factory=dict)


class HashingReader(io.RawIOBase):
    """A read-only binary stream that hashes (SHA-256) every byte read through it.

    The source's SHA-256 is then computed in the same single pass that
    parses it; `finish` reads what the parser left (trailing whitespace).
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._sha256 = hashlib.sha256()
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._sha256.update(data)
        self.position += n
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._sha256.update(data)
        self.position += len(data)
        return data

    def finish(self) -> str:
        while data := self._raw.read(1 << 20):
            self._sha256.update(data)
        return self._sha256.hexdigest()

    def release(self) -> None:
        """Close the file itself (wrappers closing this stream leave it open for `finish`)."""
        self._raw.close()


class Source:
    """The file being imported: its head read once (sniffing, the kind, the format's own
    look at it all share it), the file opened once for reading, hashed on the way."""

    def __init__(self, path: Path, head: Head | None = None):
        self.path = path
        self._head = head
        self._stream: HashingReader | None = None

    @property
    def head(self) -> Head:
        """The file's first bytes (`read_head`), read on first use; `OSError` if unreadable."""
        if self._head is None:
            self._head = read_head(self.path)
        return self._head

    def open(self) -> HashingReader:
        """The file as a binary stream, from its first byte (a BOM is the format's business)."""
        if self._stream is not None:
            raise RuntimeError("a source is read once")
        self._stream = HashingReader(open(self.path, "rb", buffering=0))
        return self._stream

    def open_buffered(self) -> io.BufferedReader:
        return io.BufferedReader(self.open(), 1 << 20)

    @property
    def position(self) -> int:
        """How far into the file reading has got (bytes, read-ahead included)."""
        return self._stream.position if self._stream is not None else 0

    def open_text(self, skip_bom: bool = True) -> io.TextIOWrapper:
        """The file as text: UTF-8 (a BOM skipped), undecodable bytes replaced, newlines kept."""
        stream = self.open_buffered()
        encoding = "utf-8-sig" if skip_bom else "utf-8"
        return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")

    def sha256(self) -> str:
        """The SHA-256 of the whole file; reads it now if no parser did."""
        if self._stream is None:
            digest = hashlib.sha256()
            with open(self.path, "rb") as f:
                while data := f.read(1 << 20):
                    digest.update(data)
            return digest.hexdigest()
        return self._stream.finish()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.release()


@dataclass
class Piece:
    """What one reading process made of one piece of a file (see `HashSetFormat.pieces`).

    Entries come as `rows` or, from a format that reads a piece column by
    column, as `columns` (`triage.hashsets.blocks.Columns`). Record numbers
    in them and in `bad` count from 1 within the piece; the import adds the records of the pieces before. `fallback` means
    the piece could not be read on its own (a guess at where it starts was
    wrong, or the file is broken there): it and everything after it is then
    read in order by `read_from`, which finds the real error if there is one.
    """

    start: int  # where the piece starts in the file (bytes, or row)
    position: int = 0  # bytes of the file read once this piece is in
    rows: list = field(default_factory=list)
    columns: object = None
    bad: list = field(default_factory=list)
    records: int = 0
    first_category: int | None = None  # record number of the first entry with a category
    leaves: list | None = None  # Merkle leaf hashes by first byte (merkle.leaf_buckets)
    fallback: bool = False
    count: int = 0  # rows (entries)
    block: object = None  # the rows packed (`triage.hashsets.blocks.Block`), by the worker


class HashSetFormat:
    """One file format of hash sets. Subclasses declare, then implement `sniff` and `read`.

    A format may also let several processes read one large file at once:
    `pieces` cuts it (or says it cannot: None), `read_piece` reads one piece
    in a worker process, and `read_from` reads in order from a piece on when
    a piece could not be read on its own.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    # The kind of set the format itself says it is (NSRL: known-good; Project VIC: alert);
    # None: the examiner must say (`--kind`), never a guess.
    implied_kind: ClassVar[str | None] = None
    binary: ClassVar[bool] = False  # sniffed from bytes, not text

    def sniff(self, head: Head) -> bool:
        raise NotImplementedError

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        raise NotImplementedError

    def pieces(self, source: Source, info: SetInfo, options: ReadOptions) -> list | None:
        """Picklable descriptions of pieces that `read_piece` reads independently, or None.

        Fills `info` as `read` would.
        """
        return None

    def read_piece(self, path: Path, piece) -> Piece:
        raise NotImplementedError

    def read_from(self, source: Source, info: SetInfo, options: ReadOptions, piece,
                  first_record: int) -> Iterator[Entry | BadRecord]:
        """Entries in order from the start of `piece` on, numbered from `first_record`."""
        raise NotImplementedError

    def renumbered(self, bad: BadRecord, before: int) -> BadRecord:
        """A bad record of a piece, numbered in the whole file (`before` records precede it)."""
        raise NotImplementedError


def kind_of(fmt: HashSetFormat, kind: str | None, head: Head) -> str:
    """The kind a set is imported as: the examiner's, else its format's; else an error that
    names the format and what its first line says (a known-good list must never become an
    alert list because its header was not the one expected)."""
    if kind:
        return kind
    if fmt.implied_kind:
        return fmt.implied_kind
    lines = head.text.splitlines() if not fmt.binary else []
    seen = f", first line {lines[0].strip()[:120]!r}" if lines and lines[0].strip() else ""
    raise FormatError(f"read as {fmt.title}{seen}, a format that does not say whether its "
                      "entries are alert (known material) or known-good: name it with "
                      "--kind alert or --kind known-good")
