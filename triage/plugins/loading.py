"""Loading a plugin's code for a run: resolve its code, check its model pin, import, declare.

A `PluginSpec` is plain data (picklable), so the parent resolves and checks
a plugin once and every worker process loads it from the same spec.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from triage.plugins.api import Context, Input, Kind, Plugin
from triage.plugins.discovery import Catalogue, Found
from triage.plugins.manifest import Manifest, PluginError, verify_model


@dataclass(frozen=True)
class PluginSpec:
    manifest: Manifest
    code_folder: Path
    """The folder (or installed package folder) whose module `entry` names."""
    package: str
    """The installed package to import `entry` from; "" to import it from `code_folder`."""
    entry: str
    run: str = ""
    """A token naming the run, so a long-lived worker (a cluster) keeps no state across runs."""

    @property
    def name(self) -> str:
        return self.manifest.name


def resolve(found: Found, catalogue: Catalogue) -> PluginSpec:
    """The spec of a found plugin, its model checked against its pin (raises PluginError)."""
    manifest = found.manifest
    code = found
    if manifest.uses:
        code = catalogue.get(manifest.uses)
        if code.manifest.uses:
            raise PluginError(f"{manifest.name}: uses {code.name!r}, which itself uses "
                              f"{code.manifest.uses!r}; name the plugin with the code")
    verify_model(manifest)
    return PluginSpec(manifest, code.manifest.folder, code.package, code.manifest.entry)


@dataclass
class Loaded:
    """A plugin instance ready to run, with its declarations read and checked."""

    spec: PluginSpec
    plugin: Plugin
    kind: Kind
    input: Input
    size: tuple[int, int] | None
    batch_size: int
    labels: frozenset[str]


def load(spec: PluginSpec, threads: int = 1) -> Loaded:
    """Import and construct the plugin; any failure is a PluginError naming it."""
    manifest = spec.manifest
    model_path = verify_model(manifest)
    context = Context(name=manifest.name, version=manifest.version, folder=manifest.folder,
                      settings=manifest.settings, model_path=model_path,
                      model_sha256=manifest.model_sha256, threads=threads)
    try:
        plugin_class = _plugin_class(spec)
        plugin = plugin_class(context)
    except PluginError:
        raise
    except Exception as exc:  # a plugin's own code: anything may go wrong
        raise PluginError(f"{manifest.name}: cannot load ({type(exc).__name__}: {exc})") from exc
    return _declared(spec, plugin)


def _plugin_class(spec: PluginSpec) -> type[Plugin]:
    module_name, _, class_name = spec.entry.partition(":")
    package = spec.package or _folder_package(spec.code_folder)
    module = importlib.import_module(f"{package}.{module_name}")
    plugin_class = getattr(module, class_name, None)
    if not (isinstance(plugin_class, type) and issubclass(plugin_class, Plugin)):
        raise PluginError(f"{spec.name}: {spec.entry} is not a subclass of "
                          "triage.plugins.api.Plugin")
    return plugin_class


def _folder_package(folder: Path) -> str:
    """Make a plugin folder importable as a package of its own (relative imports work).

    The package name carries a digest of the folder, so two folders with the
    same plugin name (a test copy, an older release) never share modules.
    """
    folder = Path(folder).resolve()
    tag = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    name = f"_triage_plugin_{re.sub(r'[^0-9A-Za-z_]', '_', folder.name)}_{tag}"
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
    return name


def _declared(spec: PluginSpec, plugin: Plugin) -> Loaded:
    name = spec.name
    try:
        kind, input_ = Kind(plugin.kind), Input(plugin.input)
    except ValueError as exc:
        raise PluginError(f"{name}: {exc}") from None
    size = plugin.size
    if size is not None:
        if not (len(size) == 2 and all(isinstance(s, int) and s > 0 for s in size)):
            raise PluginError(f"{name}: size {size!r} is not (width, height) in pixels")
        size = (int(size[0]), int(size[1]))
    batch_size = plugin.batch_size
    if not isinstance(batch_size, int) or batch_size < 1:
        raise PluginError(f"{name}: batch_size {batch_size!r} is not a whole number >= 1")
    if kind is Kind.VIDEO_CLASSIFIER and input_ is not Input.RGB:
        raise PluginError(f"{name}: a video classifier takes keyframes (Input.RGB)")
    labels = plugin.labels
    if isinstance(labels, str) or not all(isinstance(label, str) for label in labels):
        raise PluginError(f"{name}: labels must be a list of strings")
    return Loaded(spec, plugin, kind, input_, size, batch_size, frozenset(labels))
