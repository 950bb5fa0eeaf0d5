"""Pictures written into text documents: `data:` URIs in HTML (saved web pages, chat
exports, mail bodies) and `\\pict` groups in RTF (what Word and WordPad save a pasted
picture as). Both carry the picture's bytes as they were, in base64 or hex; each item is
named by where it starts in the document ("byte 1234/picture 1.jpg").
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member

MAX_DOCUMENT = 512 << 20  # larger "documents" are not searched for pictures
_DATA_URI = re.compile(rb"data:(image|video)/([a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]{64,})",
                       re.IGNORECASE)
_PICT = re.compile(rb"\{\\\*?\\?pict((?:\\[a-z]+-?\d*\s?|\{[^{}]*\})*)\s*([0-9a-fA-F\s]{64,})\}")
_BLIP = re.compile(rb"\\(jpegblip|pngblip|emfblip|wmetafile|dibitmap|macpict)")
_EXTENSIONS = {b"jpegblip": "jpg", b"pngblip": "png", b"emfblip": "emf", b"wmetafile": "wmf",
               b"dibitmap": "dib", b"macpict": "pict"}


class Html(Container):
    kinds = frozenset({"html"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
        if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
            return "html"
        return None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        text = _read(self.stream)
        for number, match in enumerate(_DATA_URI.finditer(text), 1):
            subtype = match[2].decode().lower()
            extension = subtype.split("+")[0].replace("jpeg", "jpg")
            path = f"byte {match.start()}/data URI {number}.{extension}"
            try:
                data = base64.b64decode(re.sub(rb"\s+", b"", match[3]))
            except binascii.Error as exc:
                yield Member(path, error=f"bad base64: {exc}"), None
                continue
            yield Member(path, size=len(data)), iter((data,))


class Rtf(Container):
    kinds = frozenset({"rtf"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "rtf" if head.startswith(b"{\\rtf") else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        text = _read(self.stream)
        for number, match in enumerate(_PICT.finditer(text), 1):
            blip = _BLIP.search(match[1])
            extension = _EXTENSIONS.get(blip[1], "bin") if blip else "bin"
            path = f"byte {match.start()}/picture {number}.{extension}"
            try:
                data = binascii.unhexlify(re.sub(rb"\s+", b"", match[2]))
            except binascii.Error as exc:
                yield Member(path, error=f"bad hex: {exc}"), None
                continue
            yield Member(path, size=len(data)), iter((data,))


def _read(stream) -> bytes:
    text = stream.read(MAX_DOCUMENT + 1)
    if len(text) > MAX_DOCUMENT:
        raise ContainerError(f"larger than {MAX_DOCUMENT} bytes: not searched for pictures")
    return text
