"""The user interface's language: Qt translators for our strings and Qt's own.

The language is the `language` setting (e.g. "fr"), else the system's. Our
translations are `triage_<lang>.qm` in the shipped resources
(`triage.paths.resources_dir()`); English needs none. They
are installed once, before the first window is built, since every widget
translates its strings when it is made. Scheme labels follow the same
language (`language()`), falling back to English where a scheme has none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from triage.paths import resources_dir

_installed: list[QTranslator] = []
_language = "en"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def wanted_language(settings: QSettings) -> str:
    chosen = str(settings.value("language", "") or "")
    return (chosen or QLocale.system().name()).split("_")[0].lower() or "en"


def install_translators(settings: QSettings) -> str:
    """Install the translators for the chosen language (once per application); returns it."""
    global _language
    app = QCoreApplication.instance()
    if app is None or _installed:
        return _language
    language = wanted_language(settings)
    ours = QTranslator(app)
    if language != "en" and ours.load(str(translations_dir() / f"triage_{language}.qm")):
        app.installTranslator(ours)
        _installed.append(ours)
        qt = QTranslator(app)
        if qt.load(f"qtbase_{language}",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
        _language = language
    return _language


def remove_translators() -> None:
    """Back to English (tests; a language change takes effect on the next start)."""
    global _language
    app = QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
    _language = "en"


def language() -> str:
    """The language the interface is shown in ("en" when nothing was installed)."""
    return _language
