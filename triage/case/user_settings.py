"""This user's settings for shared cases: the role they log in as and their credentials file.

A case folder's `case.toml` is shared: copied to every examiner's machine,
it names the database and nothing about anyone. Who logs in, and where
their password is kept, belong to the user: `databases.toml` in the user's
config folder, one table per database (`"HOST:PORT/DATABASE"`), readable by
its owner only.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from sqlalchemy import URL

from triage.paths import user_config_dir

FILE_NAME = "databases.toml"


def settings_path() -> Path:
    return user_config_dir() / FILE_NAME


def database_key(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


class UserSettingsError(Exception):
    """This user's settings file cannot be read, with the reason."""


def _read() -> dict:
    try:
        return tomllib.loads(settings_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserSettingsError(f"{settings_path()}: cannot read your settings: {exc}"
                                ) from None


def entry_for(url: URL) -> dict:
    """This user's settings for the database `url` names ({} when none)."""
    entry = _read().get(database_key(url), {})
    return entry if isinstance(entry, dict) else {}


def remember(url: URL, user: str | None = None, credentials: Path | str | None = None) -> Path:
    """Record this user's role and/or credentials file for the database `url` names."""
    settings = _read()
    entry = settings.setdefault(database_key(url), {})
    if user:
        entry["user"] = user
    if credentials is not None:
        entry["credentials"] = str(Path(credentials).expanduser().absolute())
    lines = ["# Triage: your own settings for shared case databases (never copied with a case).",
             "# One table per database: the role you log in as, and your credentials file."]
    for key, values in sorted(settings.items()):
        if not isinstance(values, dict):
            continue
        lines.append(f"\n[{json.dumps(key)}]")
        lines += [f"{name} = {json.dumps(str(value))}" for name, value in sorted(values.items())]
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path
