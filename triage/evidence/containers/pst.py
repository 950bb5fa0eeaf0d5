"""Outlook mail stores (.pst, .ost), read through libpff's Python binding pypff (LGPL):
every attachment of every message, folder by folder from the store's root.

An attachment is named `folder/…/subject (message N)/file name`, N the message's place
in its folder counting from 1 (as an mbox names `message N/`); the folders are the
store's own, from its root ("Top of Personal Folders/Inbox/…"), never shortened, so
two folders of one name in different places stay apart. The time is the message's
delivery time (else its submit or creation time).

Embedded messages (an attachment that is itself a message, PR_ATTACH_METHOD 5, as
forwarded mail and calendar exceptions are) are not recursed: the pypff binding gives
no way into one (its data is the store's internal node, not a .msg), so each is one
member of kind "other" saying so, as Outlook .msg attachments of that kind are (ole.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO, Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member

SIGNATURE = b"!BDN"
BLOCK = 1 << 20
# What pypff raises on damage; SystemError where its binding returns a value with an
# error set (get_delivery_time on one damaged message).
_READ_ERRORS = (OSError, ValueError, TypeError, OverflowError, MemoryError, SystemError)
# PR_ATTACH_METHOD values with no file data behind them: embedded message, reference.
_EMBEDDED_MESSAGE = 5
_NO_DATA = {2: "a reference to a file outside the store", 3: "a reference to a file "
            "outside the store", 4: "a reference to a file outside the store",
            7: "a reference to a file outside the store"}


class Pst(Container):
    kinds = frozenset({"pst", "ost"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        if not head.startswith(SIGNATURE):
            return None
        return "ost" if head[8:10] == b"SO" else "pst"  # wMagicClient: "SM" or "SO"

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        try:
            import pypff  # only when a mail store is met
        except ImportError:
            raise ContainerError("mail store not read: libpff-python (pypff) is not "
                                 "installed") from None
        store = pypff.file()
        try:
            self.stream.seek(0)
            store.open_file_object(_Reader(self.stream))
            root = store.get_root_folder()
        except _READ_ERRORS as exc:
            _close(store)
            raise ContainerError(f"not a readable Outlook mail store: {_reason(exc)}") from None
        if root is None:
            _close(store)
            raise ContainerError("not a readable Outlook mail store: no root folder")
        try:
            yield from _folder(root, "")
        finally:
            _close(store)


def _close(store) -> None:
    try:
        store.close()
    except _READ_ERRORS:  # never opened, or already closed
        pass


class _Reader:
    """The stream as pypff reads a file object (read, seek, tell, get_size)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        stream.seek(0, 2)
        self._size = stream.tell()
        stream.seek(0)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def get_size(self) -> int:
        return self._size


def _folder(folder, prefix: str) -> Iterator[tuple[Member, Chunks | None]]:
    try:
        messages = folder.get_number_of_sub_messages()
    except _READ_ERRORS as exc:
        yield Member(prefix or "/", kind="other",
                     error=f"cannot list this folder's messages: {_reason(exc)}"), None
        messages = 0
    for index in range(messages):
        place = f"message {index + 1}"
        try:
            message = folder.get_sub_message(index)
            if message is None:
                raise ValueError("not found")
            get_subject = getattr(message, "get_subject", None)  # a message, not any item
            subject = _clean(get_subject()) if get_subject else None
        except _READ_ERRORS as exc:
            yield Member(prefix + place, kind="other",
                         error=f"damaged message: {_reason(exc)}"), None
            continue
        label = f"{subject} ({place})" if subject else place
        yield from _attachments(message, prefix + label + "/")
    try:
        count = folder.get_number_of_sub_folders()
    except _READ_ERRORS as exc:
        yield Member(prefix or "/", kind="other",
                     error=f"cannot list this folder's folders: {_reason(exc)}"), None
        return
    used: set[str] = set()
    for index in range(count):
        try:
            sub = folder.get_sub_folder(index)
            if sub is None:
                raise ValueError("not found")
        except _READ_ERRORS as exc:
            yield Member(f"{prefix}folder {index + 1}", kind="other",
                         error=f"damaged folder: {_reason(exc)}"), None
            continue
        try:
            name = _clean(sub.get_name()) or f"folder {index + 1}"
        except _READ_ERRORS:  # a damaged name: its messages are still read
            name = f"folder {index + 1}"
        if name in used:
            name = f"{name} (folder {index + 1})"
        used.add(name)
        yield from _folder(sub, f"{prefix}{name}/")


def _attachments(message, prefix: str) -> Iterator[tuple[Member, Chunks | None]]:
    when = _time(message, "delivery_time", "client_submit_time", "creation_time")
    created = _time(message, "creation_time")
    try:
        count = message.get_number_of_attachments()
    except AttributeError:  # an item that is not a message (a distribution list's entry)
        return
    except _READ_ERRORS as exc:
        yield Member(prefix.rstrip("/"), kind="other",
                     error=f"cannot list attachments: {_reason(exc)}"), None
        return
    used: set[str] = set()
    for index in range(count):
        number = index + 1
        try:
            attachment = message.get_attachment(index)
            if attachment is None:
                raise ValueError("not found")
            entries = _entries(attachment)
            name = (_clean(attachment.get_long_filename()) or _text(entries.get(0x3707))
                    or _text(entries.get(0x3704)) or _text(entries.get(0x3001))
                    or f"attachment {number}")
            name = name.replace("/", "_").replace("\\", "_")
            if name in used:
                name = f"attachment {number}/{name}"
            used.add(name)
            location = prefix + name
            method = _integer(entries.get(0x3705))
            size = attachment.get_size()
        except _READ_ERRORS as exc:
            yield Member(f"{prefix}attachment {number}",
                         error=f"damaged attachment: {_reason(exc)}"), None
            continue
        if method == _EMBEDDED_MESSAGE:
            yield Member(location, kind="other", mtime=when, crtime=created,
                         error="an embedded message: not opened (pypff gives no way in)"), None
            continue
        if method in _NO_DATA:
            yield Member(location, kind="other", mtime=when, crtime=created,
                         error=f"no attached data ({_NO_DATA[method]})"), None
            continue
        yield (Member(location, size=size, mtime=when, crtime=created),
               _blocks(attachment, size or 0, location))


def _blocks(attachment, size: int, location: str) -> Chunks:
    try:
        attachment.seek_offset(0)
        left = size
        while left > 0:
            block = attachment.read_buffer(min(BLOCK, left))
            if not block:
                raise ContainerError(f"{location}: damaged: data ends {left} bytes short")
            left -= len(block)
            yield block
    except _READ_ERRORS as exc:
        raise ContainerError(f"{location}: damaged: {_reason(exc)}") from None


def _entries(item) -> dict[int, tuple[int, bytes | None]]:
    """The item's first record set as entry type -> (value type, raw data): PR_ATTACH_*…"""
    found: dict[int, tuple[int, bytes | None]] = {}
    if item.get_number_of_record_sets() < 1:
        return found
    for entry in item.get_record_set(0).entries:
        try:
            found.setdefault(entry.get_entry_type(), (entry.get_value_type(), entry.get_data()))
        except _READ_ERRORS:
            continue
    return found


def _text(entry) -> str | None:
    if not entry:
        return None
    value_type, data = entry
    if not data:
        return None
    codec = "utf-16-le" if value_type == 0x1F else "latin-1"  # PT_UNICODE, else PT_STRING8
    return _clean(data.decode(codec, "replace").rstrip("\0"))


def _integer(entry) -> int | None:
    if not entry or not entry[1] or len(entry[1]) < 4:
        return None
    return int.from_bytes(entry[1][:4], "little")


def _time(message, *names: str) -> datetime | None:
    for name in names:
        try:
            value = getattr(message, f"get_{name}")()
        except (AttributeError, *_READ_ERRORS):
            continue
        if isinstance(value, datetime) and value.year > 1601:
            return value.replace(tzinfo=None)
    return None


def _clean(name) -> str | None:
    if not isinstance(name, str):
        return None
    name = name.replace("/", "_").replace("\\", "_").replace("\0", "").strip()
    return name or None


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
