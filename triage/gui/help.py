"""Help at hand, offline: the manual shipped with Triage (F1) and the keyboard shortcuts
(Ctrl+/), the latter made from the window's own actions so that it never goes stale."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from triage.paths import resources_dir

MANUAL = ("manual", "manual.md")
translate = QCoreApplication.translate


def manual_text() -> str:
    path = resources_dir().joinpath(*MANUAL)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"# The manual could not be read\n\n{path}: {exc.strerror}"


def shortcuts_html(actions: list[QAction], gallery_keys: list[tuple[str, str]]) -> str:
    """Every action that has a key, then the gallery's own keys, as two-column tables."""
    rows = []
    for action in actions:
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in action.shortcuts())
        if keys:
            rows.append((keys, action.text().replace("&", "").split("\t")[0]))

    def table(pairs) -> str:
        return "<table cellspacing='2'>" + "".join(
            f"<tr><td style='padding-right:16px'><b>{html.escape(k)}</b></td>"
            f"<td>{html.escape(v)}</td></tr>" for k, v in pairs) + "</table>"

    return (f"<h3>{translate('HelpWindow', 'Menus')}</h3>" + table(sorted(set(rows)))
            + f"<h3>{translate('HelpWindow', 'Gallery')}</h3>" + table(gallery_keys))


class HelpWindow(QDialog):
    """The manual and the shortcut sheet in two tabs; not modal, so it can stay open."""

    MANUAL_TAB, SHORTCUTS_TAB = range(2)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Triage help"))
        self.resize(720, 640)
        self.manual = QTextBrowser()
        self.manual.setOpenExternalLinks(False)  # no browser, no network: the text is all
        self.manual.setMarkdown(manual_text())
        self.shortcuts = QTextBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.manual, self.tr("Manual"))
        self.tabs.addTab(self.shortcuts, self.tr("Keyboard shortcuts"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def show_tab(self, tab: int, actions: list[QAction],
                 gallery_keys: list[tuple[str, str]]) -> None:
        self.shortcuts.setHtml(shortcuts_html(actions, gallery_keys))
        self.tabs.setCurrentIndex(tab)
        self.show()
        self.raise_()
        self.activateWindow()
