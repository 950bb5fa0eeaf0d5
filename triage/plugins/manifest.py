"""A plugin's manifest (`plugin.toml`): who it is, where its code is, and its pinned model.

Reading a manifest never runs plugin code, so listing plugins is safe. The
model file's SHA-256 is pinned in the manifest and checked before the
plugin is loaded: a model that is not the one the lab vetted is refused.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from triage.hashing.digests import sha256_file
from triage.plugins.api import API_VERSION

MANIFEST_NAME = "plugin.toml"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
DEFAULT_TIMEOUT = 120.0


class PluginError(Exception):
    """A plugin that cannot be found, loaded or run as asked; the message says which and why."""


class ManifestError(PluginError):
    """A manifest that cannot be used, or a model that does not match its pin; says why."""


@dataclass(frozen=True)
class Suggestion:
    """When `label` is flagged, the plugin suggests `category` in `scheme` (a person confirms)."""

    label: str
    scheme: str
    category: str


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    folder: Path
    """The folder holding `plugin.toml` (a plugin folder, or an installed package's folder)."""
    entry: str = ""
    """"module:Class", the module relative to the plugin's folder or package."""
    uses: str = ""
    """Name of another plugin whose code runs this one (a model-only plugin); excludes `entry`."""
    description: str = ""
    timeout: float = DEFAULT_TIMEOUT
    model_file: str = ""
    model_package: str = ""
    model_install: str = ""
    """How to install `model_package` (e.g. "pip install 'triage[classifiers]'"), said when
    it is missing."""
    model_sha256: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    relevance: tuple[str, ...] = ()
    """Labels whose highest score is this plugin's *relevance*: what the gallery's "most
    likely relevant first" order reads. Empty: the plugin does not order the review."""

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    def model_path(self) -> Path | None:
        """Where the model file is: in the plugin's folder, or inside an installed package."""
        if not self.model_file:
            return None
        if self.model_package:

            try:
                return Path(str(resources.files(self.model_package) / self.model_file))
            except (ModuleNotFoundError, TypeError) as exc:
                how = f"; {self.model_install}" if self.model_install else ""
                raise ManifestError(f"{self.name}: model package {self.model_package!r} "
                                    f"is not installed ({exc}){how}") from None
        return self.folder / self.model_file


def read_manifest(folder: Path) -> Manifest:
    """The manifest in `folder`, checked for shape; raises ManifestError with the reason."""
    path = Path(folder) / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML ({exc})") from None
    try:
        return _parse(data, Path(folder))
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc}") from None


def _parse(data: dict, folder: Path) -> Manifest:
    name = _text(data, "name", required=True)
    if not NAME_PATTERN.match(name):
        raise ManifestError(f"name {name!r}: use lower-case letters, digits, '.', '_', '-'")
    api = data.get("api")
    if api != API_VERSION:
        raise ManifestError(f"written for plugin API {api!r}; this Triage has API {API_VERSION}")
    entry, uses = _text(data, "entry"), _text(data, "uses")
    if bool(entry) == bool(uses):
        raise ManifestError("give exactly one of 'entry' (\"module:Class\") or 'uses' "
                            "(the name of a plugin whose code runs this one)")
    if entry and not re.match(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$", entry):
        raise ManifestError(f"entry {entry!r}: expected \"module:Class\"")
    timeout = data.get("timeout", DEFAULT_TIMEOUT)
    if not _number(timeout) or timeout <= 0:
        raise ManifestError(f"timeout {timeout!r}: expected seconds, a positive number")
    model = _table(data, "model")
    model_file, model_sha256 = _text(model, "file"), _text(model, "sha256").lower()
    if model_file and not re.fullmatch(r"[0-9a-f]{64}", model_sha256):
        raise ManifestError(f"model {model_file!r} has no pinned sha256 (64 hex digits); "
                            "pin the SHA-256 of the model file you vetted")
    suggestions = tuple(_suggestion(s) for s in _list(data, "suggest"))
    thresholds = _thresholds(_table(data, "thresholds"))
    unflagged = [s.label for s in suggestions if s.label not in thresholds]
    if unflagged:
        raise ManifestError(f"[[suggest]] label {unflagged[0]!r} has no threshold: a suggestion "
                            "is made only for a flagged label")
    return Manifest(
        name=name, version=_text(data, "version", required=True), folder=folder,
        entry=entry, uses=uses, description=_text(data, "description"),
        timeout=float(timeout), model_file=model_file, model_package=_text(model, "package"),
        model_install=_text(model, "install"),
        model_sha256=model_sha256 if model_file else "",
        thresholds=thresholds, suggestions=suggestions,
        settings=_table(data, "settings"), relevance=_labels(data, "relevance"),
    )


def verify_model(manifest: Manifest) -> Path | None:
    """Check the model file against its pin; the path when it matches, None with no model."""
    path = manifest.model_path()
    if path is None:
        return None
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise ManifestError(f"{manifest.name}: cannot read model {path} "
                            f"({exc.strerror or exc})") from None
    if digest != manifest.model_sha256:
        raise ManifestError(f"{manifest.name}: model {path} has SHA-256 {digest}, but the "
                            f"manifest pins {manifest.model_sha256}; refusing to load it")
    return path


def _text(data: dict, key: str, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ManifestError(f"'{key}' must be {'a non-empty' if required else 'a'} string")
    return value.strip()


def _table(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ManifestError(f"[{key}] must be a table")
    return value


def _list(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ManifestError(f"[[{key}]] must be an array of tables")
    return value


def _labels(data: dict, key: str) -> tuple[str, ...]:
    labels = data.get(key, [])
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        raise ManifestError(f"{key!r} must be a list of labels")
    return tuple(labels)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _thresholds(table: dict) -> dict[str, float]:
    bad = [label for label, value in table.items() if not _number(value)]
    if bad:
        raise ManifestError(f"[thresholds] {', '.join(bad)}: expected a number")
    return {label: float(value) for label, value in table.items()}


def _suggestion(item: Any) -> Suggestion:
    if not isinstance(item, dict):
        raise ManifestError("[[suggest]] entries must be tables")
    return Suggestion(_text(item, "label", True), _text(item, "scheme", True),
                      _text(item, "category", True))
