"""E-mail attachments: one message (.eml) and mbox mail stores, through the standard
library's `email` parser (it copes with the malformed mail real disks hold, noting
defects instead of failing)."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from typing import BinaryIO, Iterator

from triage.evidence.containers.base import Chunks, Container, Member, timestamp

_HEADER = re.compile(rb"^[!-9;-~]{2,40}:[ \t]")
_KNOWN = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"message-id:",
          b"mime-version:", b"return-path:", b"content-type:", b"delivered-to:")


def _looks_like_headers(head: bytes) -> bool:
    lines = head.split(b"\n", 12)[:12]
    if not lines or not _HEADER.match(lines[0]):
        return False
    return sum(1 for line in lines if line.lower().startswith(_KNOWN)) >= 2


class Eml(Container):
    kinds = frozenset({"eml"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "eml" if _looks_like_headers(head) else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        message = email.message_from_binary_file(self.stream, policy=email.policy.default)
        yield from attachments(message, "")


class Mbox(Container):
    kinds = frozenset({"mbox"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        first, _, rest = head.partition(b"\n")
        return "mbox" if first.startswith(b"From ") and _looks_like_headers(rest) else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        for number, raw in enumerate(_messages(self.stream), 1):
            message = email.message_from_bytes(raw, policy=email.policy.default)
            yield from attachments(message, f"message {number}/")


def _messages(stream: BinaryIO) -> Iterator[bytes]:
    """Messages of an mbox, one at a time: each starts at a `From ` line after a blank one."""
    lines: list[bytes] = []
    blank_before = True
    for line in stream:
        if line.startswith(b"From ") and blank_before:
            if lines:
                yield b"".join(lines)
            lines = []
        else:
            lines.append(line[1:] if line.startswith(b">From ") else line)
        blank_before = line in (b"\n", b"\r\n")
    if lines:
        yield b"".join(lines)


def attachments(message: EmailMessage, prefix: str) -> Iterator[tuple[Member, Chunks | None]]:
    """Every attached or inline part that is not the message's own text, named by its file
    name (or its Content-ID, or its position), as `prefix` + name."""
    sent = _date(message)
    used: set[str] = set()
    for number, part in enumerate(message.walk()):
        if part.is_multipart() or not _is_attachment(part):
            continue
        name = _name(part, number)
        if name in used:
            name = f"part {number}/{name}"
        used.add(name)
        try:
            data = part.get_payload(decode=True) or b""
        except Exception as exc:  # noqa: BLE001 - a malformed part: an error on it, go on
            yield Member(prefix + name, error=f"cannot decode attachment: {exc}"), None
            continue
        yield Member(prefix + name, size=len(data), mtime=sent), iter((data,))


def _is_attachment(part) -> bool:
    if part.get_filename() or part.get_content_disposition() == "attachment":
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def _name(part, number: int) -> str:
    name = part.get_filename()
    if not name and part["Content-ID"]:
        name = str(part["Content-ID"]).strip("<> ")
    name = (name or f"part {number}").replace("/", "_").replace("\\", "_")
    return name


def _date(message: EmailMessage):
    try:
        sent = message["Date"]
        return timestamp(sent.datetime.timestamp()) if sent and sent.datetime else None
    except Exception:  # noqa: BLE001 - a malformed Date header is only a missing time
        return None
