"""Pictures embedded in PDF documents, through pypdf (BSD; pure Python).

pypdf hands out JPEG (DCTDecode) and JPEG 2000 streams as stored, so a
picture pasted into a document keeps the digest it had as a file; other
encodings (Flate, CCITT, ...) are decoded into a PNG, the picture as shown.
pikepdf does the same faster but is MPL-2.0, outside the project's licences.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Iterator

from triage.evidence.containers.base import (
    Chunks,
    Container,
    ContainerError,
    Member,
    PasswordNeeded,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # hostile PDFs make it chatty


class Pdf(Container):
    kinds = frozenset({"pdf"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "pdf" if b"%PDF-" in head[:1024] else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        from pypdf import PdfReader  # a second to import: only when a PDF is met

        try:
            reader = PdfReader(self.stream, strict=False)
            self._unlock(reader)
            pages = list(reader.pages)
        except ContainerError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged input
            raise ContainerError(f"not a readable PDF: {type(exc).__name__}: {exc}") from None
        seen: set[str] = set()
        for number, page in enumerate(pages, 1):
            yield from self._page_images(number, page, seen)

    def _unlock(self, reader) -> None:
        if not reader.is_encrypted:
            return
        for password in ("", *self.passwords):
            try:
                if reader.decrypt(password):
                    return
            except Exception:  # noqa: BLE001 - an unsupported cipher: say so below
                break
        raise PasswordNeeded("encrypted: the PDF needs a password (triage ingest --password)")

    @staticmethod
    def _page_images(number: int, page, seen: set[str]) -> Iterator[tuple[Member, Chunks]]:
        """Each picture once (a logo repeated on every page is one item, on its first page)."""
        try:
            images = list(page.images)
        except Exception as exc:  # noqa: BLE001
            yield Member(f"page {number}", kind="other",
                         error=f"pictures of this page unreadable: {exc}"), None
            return
        for image in images:
            try:
                data = image.data
            except Exception as exc:  # noqa: BLE001
                yield Member(f"page {number}/{image.name}",
                             error=f"cannot read picture: {exc}"), None
                continue
            key = hashlib.sha1(data).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            yield Member(f"page {number}/{image.name}", size=len(data)), iter((data,))
