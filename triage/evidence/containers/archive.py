"""Archives and compressed streams through libarchive: ZIP (ZIP64 too), TAR, 7z, RAR,
CAB, and gzip/bzip2/xz streams, with or without a TAR inside.

libarchive (BSD; Debian's libarchive13) reads every one of these from one
stream, seeking where the format has its index at the end (ZIP's central
directory, 7z's header), and decrypts ZIP and RAR entries with the
passwords it is given; Python's zipfile and tarfile cover two of the kinds.
"""

from __future__ import annotations

import ctypes
import logging
from contextlib import contextmanager
from typing import BinaryIO, Iterator

try:
    import libarchive
    from libarchive import ffi
    from libarchive.read import ArchiveRead, new_archive_read
except (ImportError, OSError, AttributeError) as _exc:  # no libarchive13 on this machine
    libarchive = None
    MISSING = (f"archives cannot be read here: libarchive is missing ({_exc}); install "
               "libarchive13 (Debian/Ubuntu) or the system's libarchive")

from triage.evidence.containers.base import (
    Chunks,
    Container,
    ContainerError,
    Member,
    PasswordNeeded,
    text,
    timestamp,
)

BLOCK = 1 << 16

SIGNATURES = (
    (0, b"PK\x03\x04", "zip"),
    (0, b"PK\x05\x06", "zip"),  # an empty ZIP
    (0, b"PK\x07\x08", "zip"),  # spanned, first part
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"Rar!\x1a\x07", "rar"),
    (0, b"MSCF\0\0\0\0", "cab"),
    (257, b"ustar", "tar"),
    (0, b"\x1f\x8b", "gzip"),
    (0, b"BZh", "bzip2"),
    (0, b"\xfd7zXZ\x00", "xz"),
)
STREAMS = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}  # one file, compressed; maybe a TAR

if libarchive is not None:
    _is_encrypted = ffi.libarchive.archive_entry_is_encrypted
    _is_encrypted.argtypes, _is_encrypted.restype = [ffi.c_archive_entry_p], ctypes.c_int

_KINDS = {0o100000: "file", 0o040000: "dir", 0o120000: "link"}


class _Warnings(logging.Handler):
    """libarchive's warnings (a bad CRC, a size that does not match): the data was read,
    damaged; they are kept for the item being read instead of going to stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_warnings = _Warnings()
_logger = logging.getLogger("libarchive")
_logger.addHandler(_warnings)
_logger.propagate = False


def archive_kind(head: bytes) -> str | None:
    for offset, magic, kind in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            if kind == "zip":
                return _document_kind(head) or kind
            if kind == "bzip2" and head[3:4] not in b"123456789":
                continue
            return kind
    return None


def _document_kind(head: bytes) -> str | None:
    """OOXML and ODF documents are ZIPs; say which, for counts and the location chain."""
    if head[30:38] == b"mimetype" and b"opendocument" in head[38:120]:
        return "odf"
    if b"[Content_Types].xml" in head[:200] or b"word/" in head[:200] or b"xl/" in head[:200]:
        return "ooxml"
    return None


class Archive(Container):
    kinds = frozenset({kind for _, _, kind in SIGNATURES} | {"ooxml", "odf"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return archive_kind(head)

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        if libarchive is None:
            raise ContainerError(MISSING)
        head = self.stream.read(512)
        self.stream.seek(0)
        raw = archive_kind(head) in STREAMS
        try:
            yield from self._entries("all")
        except _NotAnArchive:
            if not raw:
                raise ContainerError("not an archive libarchive can read") from None
            self.stream.seek(0)
            yield from self._entries("raw")  # a compressed single file, not a TAR

    def _entries(self, format_name: str) -> Iterator[tuple[Member, Chunks | None]]:
        count = 0
        with _reader(self.stream, format_name, self.passwords) as archive:
            entries = iter(archive)
            while True:
                try:
                    entry = next(entries)
                except StopIteration:
                    return
                except libarchive.ArchiveError as exc:
                    if count == 0 and _unrecognised(exc):
                        raise _NotAnArchive from None
                    raise ContainerError(f"archive damaged after {count} members: "
                                         f"{_reason(exc)}") from None
                count += 1
                member = self._member(entry, format_name)
                yield member, _blocks(entry, member) if member.kind == "file" else None

    def _member(self, entry, format_name: str) -> Member:
        raw = ffi.entry_pathname(entry._entry_p) or b""
        path = text(raw)
        if format_name == "raw":  # libarchive calls it "data": name it after the stream
            path = _unwrapped_name(self.name)
        mode = ffi.entry_filetype(entry._entry_p)
        size = entry.size if ffi.entry_size_is_set(entry._entry_p) else None
        return Member(
            path=path.rstrip("/") if mode == 0o040000 else path,
            kind=_KINDS.get(mode, "other"), size=size,
            mtime=timestamp(entry.mtime), atime=timestamp(entry.atime),
            ctime=timestamp(entry.ctime), crtime=timestamp(entry.birthtime),
            encrypted=bool(_is_encrypted(entry._entry_p) > 0),
        )


class _NotAnArchive(Exception):
    pass


def _unrecognised(exc: libarchive.ArchiveError) -> bool:
    return "Unrecognized archive format" in str(exc) or "Truncated input" in str(exc)


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "msg", None) or str(exc)
    return message.decode() if isinstance(message, bytes) else str(message)


def _blocks(entry, member: Member) -> Chunks:
    """The entry's data; a damaged or encrypted entry raises ContainerError, not libarchive's.
    Data read whole but with warnings (a bad CRC) is kept, the warnings on `member.error`."""
    _warnings.messages.clear()
    try:
        for block in entry.get_blocks(BLOCK):
            yield block
        if _warnings.messages:
            member.error = "damaged: " + "; ".join(dict.fromkeys(_warnings.messages))
    except libarchive.ArchiveError as exc:
        message = _reason(exc)
        if "assphrase" in message or "ncrypt" in message or "ecrypt" in message:
            raise PasswordNeeded(f"encrypted: {message}") from None
        raise ContainerError(f"damaged: {message}") from None


def _unwrapped_name(name: str) -> str:
    """`syslog.gz` holds `syslog`; `x.tgz` (when not a TAR) holds `x.tar`."""
    lower = name.lower()
    for suffix, inner in ((".tgz", ".tar"), (".tbz2", ".tar"), (".txz", ".tar"),
                          (".gz", ""), (".bz2", ""), (".xz", ""), (".z", "")):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + inner
    return name + ".uncompressed"


@contextmanager
def _reader(stream: BinaryIO, format_name: str, passwords: tuple[str, ...]):
    """libarchive-c's stream_reader, with every password the examiner gave tried in turn."""
    buffer = ctypes.create_string_buffer(BLOCK)
    pointer = ctypes.cast(buffer, ctypes.c_void_p)

    def read(archive_p, context, target):
        data = stream.read(BLOCK)
        ctypes.memmove(buffer, data, len(data))
        ctypes.cast(target, ctypes.POINTER(ctypes.c_void_p))[0] = pointer
        return len(data)

    def seek(archive_p, context, offset, whence):
        stream.seek(offset, whence)
        return stream.tell()

    read_callback, seek_callback = ffi.READ_CALLBACK(read), ffi.SEEK_CALLBACK(seek)
    with new_archive_read(format_name, "all", passwords[0] if passwords else None) as archive_p:
        for password in passwords[1:]:
            ffi.read_add_passphrase(archive_p, password.encode("utf-8"))
        ffi.read_set_seek_callback(archive_p, seek_callback)
        try:
            ffi.read_open(archive_p, None, ffi.NO_OPEN_CB, read_callback, ffi.NO_CLOSE_CB)
        except libarchive.ArchiveError as exc:
            if _unrecognised(exc):
                raise _NotAnArchive from None
            raise ContainerError(f"cannot open archive: {_reason(exc)}") from None
        yield ArchiveRead(archive_p)
