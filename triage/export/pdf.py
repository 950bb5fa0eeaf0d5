"""The case report as PDF: the HTML report laid out and printed by Qt (no other dependency).

The one module outside `triage.gui` that imports Qt (house rule). It runs
without a display: when no Qt application exists yet it starts a
QGuiApplication on the "offscreen" platform. Long unbroken text (paths,
hashes) is allowed to wrap anywhere, so no table cell runs past the page
edge; pages carry the case name and "page N of M" in a footer.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from triage.export.base import Written
from triage.export.html import render

PAGE_MARGIN_MM = 15
RESOLUTION = 96  # layout units: pixel sizes in the HTML mean what they mean on screen
FOOTER_PT = 7


def _application():
    # A QApplication, not just a QGuiApplication: a process has one Qt application
    # object for good, and the desktop application (or a test) may need widgets later.
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["triage-export"])
    return app


def write(context, path: Path) -> Written:
    buffer = io.StringIO()
    counts, warnings = render(context, buffer)
    pages = print_html(buffer.getvalue(), path, title=f"Case report: {context.case.name}",
                       footer=f"{context.case.name} — {context.tool} {context.version} — "
                              f"{context.at:%Y-%m-%d %H:%M} UTC")
    counts = {**counts, "pages": pages}
    return Written([path], counts, warnings)


def print_html(markup: str, path: Path, *, title: str, footer: str) -> int:
    """Lay out `markup` on A4 pages and write them to `path` as PDF; return the page count."""
    _application()
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import (
        QAbstractTextDocumentLayout,
        QFont,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
        QTextDocument,
        QTextOption,
    )

    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Triage")
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM,
                                               PAGE_MARGIN_MM, PAGE_MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{path}: cannot write the PDF")
    try:
        page = writer.pageLayout().paintRectPixels(RESOLUTION)
        footer_height = FOOTER_PT * 2.4 * RESOLUTION / 72
        body = QSizeF(page.width(), page.height() - footer_height)

        document = QTextDocument()
        # Lay out for the PDF itself (points and pixels at its resolution), not the screen.
        document.documentLayout().setPaintDevice(writer)
        document.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(option)
        font = QFont("DejaVu Sans")
        font.setPointSizeF(9)
        document.setDefaultFont(font)
        document.setHtml(markup)
        document.setPageSize(body)
        pages = document.pageCount()

        footer_font = QFont("DejaVu Sans")
        footer_font.setPointSizeF(FOOTER_PT)
        for number in range(pages):
            if number:
                writer.newPage()
            top = number * body.height()
            painter.save()
            painter.translate(0, -top)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(QPointF(0, top), body)
            painter.setClipRect(context.clip)
            document.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            line = QRectF(0, body.height() + footer_height * 0.3, body.width(),
                          footer_height * 0.7)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft), footer)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignRight),
                             f"page {number + 1} of {pages}")
    finally:
        painter.end()
    return pages
