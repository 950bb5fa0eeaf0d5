"""Where Triage keeps per-user things: one answer for every package that needs it."""

from __future__ import annotations

import os
from pathlib import Path


def user_data_dir() -> Path:
    """Triage's per-user data folder: $XDG_DATA_HOME/triage (%LOCALAPPDATA% on Windows),
    else ~/.local/share/triage. Schemes, plugins, the hash-set library and the demo case."""
    data_home = os.environ.get("XDG_DATA_HOME")
    if os.name == "nt" and not data_home:
        data_home = os.environ.get("LOCALAPPDATA")
    base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
    return base / "triage"


_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The shipped data files: `triage/resources` when installed from a wheel, the
    checkout's (or a PyInstaller build's) `resources/` beside the package otherwise."""
    installed = _PACKAGE / "resources"
    return installed if installed.is_dir() else _PACKAGE.parent / "resources"


def shipped_plugins_dir() -> Path:
    """The plugins that ship with Triage: `triage/shipped_plugins` when installed from a
    wheel, the checkout's `plugins/` beside the package otherwise."""
    installed = _PACKAGE / "shipped_plugins"
    return installed if installed.is_dir() else _PACKAGE.parent / "plugins"


def user_config_dir() -> Path:
    """Triage's per-user settings folder: $XDG_CONFIG_HOME/triage (%APPDATA% on Windows),
    else ~/.config/triage. What belongs to this user on this machine, never to a case."""
    config_home = os.environ.get("XDG_CONFIG_HOME")
    if os.name == "nt" and not config_home:
        config_home = os.environ.get("APPDATA")
    base = Path(config_home).expanduser() if config_home else Path.home() / ".config"
    return base / "triage"
