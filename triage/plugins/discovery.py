"""Finding plugins: the repository's `plugins/` folder, per-user folders, and entry points.

Discovery reads manifests only; no plugin code runs until a plugin is
loaded for a run. A name found twice keeps its first place (repository,
then user folders, then installed packages) and the other is reported, so
an installed package can never silently replace a vetted plugin.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from triage.paths import shipped_plugins_dir, user_data_dir
from triage.plugins.manifest import MANIFEST_NAME, Manifest, ManifestError, PluginError, read_manifest

ENTRY_POINT_GROUP = "triage.plugins"
PATH_VARIABLE = "TRIAGE_PLUGIN_PATH"


@dataclass(frozen=True)
class Found:
    """A plugin found by discovery: its manifest, and where its code is imported from."""

    manifest: Manifest
    origin: str
    """"folder" (a plugin folder) or "entry point" (an installed package)."""
    package: str = ""
    """The installed package to import its entry from; "" for a plugin folder."""

    @property
    def name(self) -> str:
        return self.manifest.name


@dataclass
class Catalogue:
    plugins: dict[str, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def get(self, name: str) -> Found:
        found = self.plugins.get(name)
        if found is None:
            known = ", ".join(sorted(self.plugins)) or "none"
            raise PluginError(f"no plugin named {name!r} (found: {known})")
        return found


def repository_folder() -> Path:
    """The plugins shipped with Triage (the checkout's `plugins/`)."""
    return shipped_plugins_dir()


def user_folders() -> list[Path]:
    """$TRIAGE_PLUGIN_PATH (folders separated by os.pathsep), else the per-user data folder."""
    value = os.environ.get(PATH_VARIABLE)
    if value is not None:
        return [Path(p) for p in value.split(os.pathsep) if p]
    return [user_data_dir() / "plugins"]


def discover(folders: list[Path] | None = None, entry_points: bool = True) -> Catalogue:
    """Every plugin there is; `folders` replaces the repository and user folders."""
    catalogue = Catalogue()
    for folder in folders if folders is not None else [repository_folder(), *user_folders()]:
        for plugin_folder in _plugin_folders(Path(folder)):
            _add(catalogue, plugin_folder, "folder", "")
    if entry_points:
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            folder = _package_folder(entry.module)
            if folder is None:
                catalogue.problems.append(f"entry point {entry.name} = {entry.value}: "
                                          f"package {entry.module!r} not found")
                continue
            _add(catalogue, folder, "entry point", entry.module)
    return catalogue


def _plugin_folders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p / MANIFEST_NAME).is_file())


def _package_folder(module: str) -> Path | None:
    """The folder of an installed package, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(spec.origin).parent if spec.origin else None


def _add(catalogue: Catalogue, folder: Path, origin: str, package: str) -> None:
    try:
        manifest = read_manifest(folder)
    except ManifestError as exc:
        catalogue.problems.append(str(exc))
        return
    first = catalogue.plugins.get(manifest.name)
    if first is not None:
        catalogue.problems.append(f"{folder}: plugin {manifest.name!r} is already found at "
                                  f"{first.manifest.folder}; this one is ignored")
        return
    catalogue.plugins[manifest.name] = Found(manifest, origin, package)
