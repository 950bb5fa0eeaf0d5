"""The selected file of the file table, whole: every hash, the four timestamps, where it was
found, its error, what hash sets say of its content and the tags with who gave them when.

The row itself is in the table's model; what belongs to the content (hash-set
matches, tags) is read on the reader thread by the content's SHA-256.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTextBrowser, QWidget
from sqlalchemy import select

from triage.review import gallery
from triage.case.models import Media
from triage.review.queries import FileListing
from triage.gui import formatting
from triage.gui.detail import (clock_text, digest, esc, hit_text, html_section, html_table,
                                when)
from triage.gui.file_table_model import evidence_label
from triage.gui.workers import StoreReader

translate = QCoreApplication.translate


def content_detail(session, sha256: str) -> gallery.MediaDetail | None:
    media_id = session.scalar(select(Media.id).where(Media.sha256 == sha256))
    return gallery.media_detail(session, media_id) if media_id is not None else None


class FileDetailPane(QTextBrowser):
    """Shows `show(listing)` at once, then its content's matches and tags once read."""

    def __init__(self, reader: StoreReader, parent: QWidget | None = None):
        super().__init__(parent)
        self._reader = reader
        self._shown: FileListing | None = None
        self.setOpenLinks(False)
        self.setPlaceholderText(self.tr("Select a file to see all it is known by."))

    def show(self, listing: FileListing | None) -> None:
        self._shown = listing
        if listing is None:
            self.clear()
            return
        self.setHtml(file_detail_html(listing, None))
        if listing.sha256:
            self._reader.submit(partial(content_detail, sha256=listing.sha256),
                                partial(self._content_arrived, listing), lambda _m: None)

    def _content_arrived(self, listing: FileListing, detail) -> None:
        if listing is self._shown:
            self.setHtml(file_detail_html(listing, detail))


def carved_text(state: str, offset: int | None, size: int | None,
                carved_in: str | None = None) -> str:
    """Where a carved item lies (its offset counts in the evidence, or in the layer its
    partition is read through: `FileListing.carved_in`), and whether it is whole."""
    text = (translate("FileDetailPane", "partial: the picture was cut short, decoded in part")
            if state == "partial" else translate("FileDetailPane", "complete"))
    if carved_in == "decrypted volume":
        where = translate("FileDetailPane", "byte {offset} of the decrypted volume, {size} bytes")
    elif carved_in and carved_in.startswith("VSS snapshot "):
        where = translate("FileDetailPane", "byte {offset} of VSS snapshot {number}, {size} bytes")
    else:
        where = translate("FileDetailPane", "byte {offset} of the evidence, {size} bytes")
    number = carved_in.rsplit(" ", 1)[-1] if carved_in else ""
    return "<b style='color:#b00020'>{}</b> — {}".format(
        esc(text), esc(where.format(offset=offset, size=size, number=number)))


def file_detail_html(f: FileListing, content: gallery.MediaDetail | None) -> str:
    kind = f.detected_type or "—"
    if f.extension_mismatch:
        kind += " " + translate("FileDetailPane", "(the name's extension says otherwise)")
    parts = [html_table([
        (translate("FileDetailPane", "Path"), esc(f.path) + (" <b style='color:#b00020'>({})</b>".format(
            translate("FileDetailPane", "deleted")) if f.deleted else "")),
        *([(translate("FileDetailPane", "Carved"), carved_text(f.carved, f.carved_offset, f.size,
                                                             f.carved_in))]
          if f.carved in ("complete", "partial") else []),
        (translate("FileDetailPane", "Evidence"), esc(evidence_label(f))
         + (f" ({esc(f.partition_type)})" if f.partition_type else "")),
        (translate("FileDetailPane", "Entry"), f"{esc(f.kind)}, inode {esc(f.meta_addr)}"),
        (translate("FileDetailPane", "Size"), esc(formatting.exact_size(f.size))),
        (translate("FileDetailPane", "Type"), esc(kind)),
        ("MD5", digest(f.md5)), ("SHA-1", digest(f.sha1)), ("SHA-256", digest(f.sha256)),
        (translate("FileDetailPane", "Created"), when(f.crtime)),
        (translate("FileDetailPane", "Modified"), when(f.mtime)),
        (translate("FileDetailPane", "Accessed"), when(f.atime)),
        (translate("FileDetailPane", "Changed"), when(f.ctime)),
        (translate("FileDetailPane", "Times"), clock_text(f.time_zone)),
    ])]
    if f.error:
        parts.append(f"<p style='color:#b00020'>{esc(f.error)}</p>")
    if f.note:
        parts.append(f"<p style='color:#8a5a00'>{esc(f.note)}</p>")
    if content is not None:
        if content.analysis_error:
            parts.append(f"<p style='color:#b00020'>{esc(content.analysis_error)}</p>")
        if content.hits:
            parts.append(html_section(translate("FileDetailPane", "Hash-set matches"),
                                  html_table([(h.hash_set, hit_text(h)) for h in content.hits])))
        if content.tags:
            parts.append(html_section(translate("FileDetailPane", "Tags"), html_table([
                (t.source, f"{esc(t.scheme)} {esc(t.category)} ({esc(t.state)}), "
                           f"{esc(t.examiner)} {when(t.at)}") for t in content.tags])))
        if len(content.instances) > 1:
            parts.append(html_section(
                translate("FileDetailPane", "The same content is found {n} times").format(
                    n=len(content.instances)),
                "<br>".join(f"{esc(i.evidence)}: {esc(i.path)}" for i in content.instances)))
    return "".join(parts)
