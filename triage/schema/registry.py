"""Finding, loading and holding the schemes; the entry points the rest of Triage calls.

Built-in schemes ship in ``resources/schemes``; an examiner adds one by
dropping a ``.toml`` file in the per-user folder (``$TRIAGE_SCHEME_DIR``, else
``$XDG_DATA_HOME/triage/schemes``, else ``~/.local/share/triage/schemes``). A
user file that is malformed, or that reuses an id, is refused and reported in
``SchemeRegistry.errors``; the other schemes still load.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .attributes import AttributeSpace, Box, SpecError, intersect, load_attributes
from .errors import SchemeError, TranslationError
from .scheme import Category, Scheme, load_scheme
from .translate import Translation, translate_boxes

ATTRIBUTES_FILE = "_attributes.toml"


def builtin_scheme_dir() -> Path:
    """The folder of the shipped scheme files.

    ``$TRIAGE_BUILTIN_SCHEME_DIR`` wins (packagers, tests); then the checkout's
    ``resources/schemes``; then a copy installed inside the package
    (``triage/resources/schemes``) or under ``<prefix>/share/triage/schemes``.
    """
    override = os.environ.get("TRIAGE_BUILTIN_SCHEME_DIR")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent.parent          # .../triage
    candidates = [
        package.parent / "resources" / "schemes",              # checkout
        package / "resources" / "schemes",                     # copied into the package
    ]
    candidates.append(Path(sys.prefix) / "share" / "triage" / "schemes")
    for candidate in candidates:
        if (candidate / ATTRIBUTES_FILE).is_file():
            return candidate
    return candidates[0]


def user_scheme_dir() -> Path:
    """The per-user folder where an examiner drops extra scheme files."""
    override = os.environ.get("TRIAGE_SCHEME_DIR")
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME")
    if os.name == "nt" and not data_home:
        data_home = os.environ.get("LOCALAPPDATA")
    base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
    return base / "triage" / "schemes"


def _scheme_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml")
                  if p.is_file() and not p.name.startswith(("_", ".")))


class SchemeRegistry:
    """All usable schemes, the pivot attributes, and translation between them."""

    def __init__(self, attributes: AttributeSpace) -> None:
        self.attributes = attributes
        self._schemes: dict[str, Scheme] = {}
        self._names: dict[str, str] = {}
        self.errors: list[SchemeError] = []
        """Files refused while loading (each with file, line and reason)."""
        self._cache: dict[tuple[str, str, str], Translation] = {}

    # holding ------------------------------------------------------------

    def add(self, scheme: Scheme) -> None:
        """Register a scheme; an id or alias clash raises SchemeError."""
        names = [scheme.id, *scheme.aliases]
        for name in names:
            owner = self._names.get(name.casefold())
            if owner is not None:
                other = self._schemes[owner]
                what = "id" if name == scheme.id else "alias"
                raise SchemeError(scheme.path, f"{what} {name!r} is already used by scheme "
                                  f"{other.id!r} ({other.path})", key="id" if what == "id"
                                  else "aliases")
        self._schemes[scheme.id] = scheme
        for name in names:
            self._names[name.casefold()] = scheme.id

    def __iter__(self) -> Iterator[Scheme]:
        return iter(self._schemes.values())

    def __len__(self) -> int:
        return len(self._schemes)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().casefold() in self._names

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._schemes)

    def get(self, name: str | Scheme) -> Scheme:
        """A scheme by id or alias (case-insensitive); KeyError lists the known ids."""
        if isinstance(name, Scheme):
            return name
        key = name.strip().casefold()
        if key in self._names:
            return self._schemes[self._names[key]]
        raise KeyError(f"no scheme {name!r} (schemes: {', '.join(self._schemes)})")

    def category(self, scheme: str | Scheme, code: str | int) -> Category:
        return self.get(scheme).category(code)

    # attributes ---------------------------------------------------------

    def box(self, attributes: Mapping[str, Any] | None) -> Box:
        """A box from {attribute: value, list of values, or group}; unnamed = any value.

        Raises ValueError naming the unknown attribute or value.
        """
        try:
            return self.attributes.box(attributes)
        except SpecError as exc:
            raise ValueError(str(exc)) from None

    def point(self, attributes: Mapping[str, str]) -> tuple[str, ...]:
        """A fully specified combination; every attribute must have exactly one value."""
        box = self.box(attributes)
        loose = [a.id for a, s in zip(self.attributes, box) if len(s) != 1]
        if loose:
            raise ValueError(f"attribute(s) not given one value: {', '.join(loose)}")
        return tuple(next(iter(s)) for s in box)

    def classify(self, attributes: Mapping[str, str], scheme: str | Scheme) -> Category | None:
        """The category of ``scheme`` a fully described item falls into, or None."""
        return self.get(scheme).classify(self.point(attributes))

    # translation --------------------------------------------------------

    def translate(self, source: str | Scheme, code: str | int, target: str | Scheme) -> Translation:
        """Category ``code`` of scheme ``source`` in scheme ``target`` (exact/ambiguous/none)."""
        src, dst = self.get(source), self.get(target)
        category = src.category(code)
        key = (src.id, category.code, dst.id)
        cached = self._cache.get(key)
        if cached is None:
            cached = translate_boxes(self.attributes, category.rule, dst,
                                     source_scheme=src.id, source_code=category.code)
            self._cache[key] = cached
        return cached

    def translate_table(self, source: str | Scheme, target: str | Scheme) -> list[Translation]:
        """One translation per category of ``source``, in its order."""
        src = self.get(source)
        return [self.translate(src, c.code, target) for c in src.categories]

    def translate_attributes(self, attributes: Mapping[str, Any], target: str | Scheme, *,
                             within: tuple[str | Scheme, str | int] | None = None) -> Translation:
        """Translate one item from what is known of it.

        ``attributes`` maps attribute ids to a value, a list of values or a
        group; attributes not given may be anything (so give ``pertinence``).
        ``within=(scheme, code)`` restricts to the item's category in its
        current scheme: the category's rule and the attributes must agree,
        else TranslationError.
        """
        box = self.box(attributes)
        boxes = [box]
        source_scheme = source_code = None
        if within is not None:
            category = self.get(within[0]).category(within[1])
            source_scheme, source_code = category.scheme_id, category.code
            boxes = [m for b in category.rule if (m := intersect(box, b)) is not None]
            if not boxes:
                raise TranslationError(
                    f"attributes {dict(attributes)!r} contradict category {category.code!r} "
                    f"of scheme {category.scheme_id!r}")
        return translate_boxes(self.attributes, boxes, self.get(target),
                               source_scheme=source_scheme, source_code=source_code)


def load_schemes(builtin_dir: Path | str | None = None, user_dir: Path | str | None = None, *,
                 include_user: bool = True) -> SchemeRegistry:
    """Load the pivot attributes, the built-in schemes and the user's schemes.

    A broken built-in file or attribute file raises SchemeError (the install
    is damaged); a broken user file is refused, recorded in ``errors``, and
    loading goes on.
    """
    builtin = Path(builtin_dir) if builtin_dir is not None else builtin_scheme_dir()
    attributes_path = builtin / ATTRIBUTES_FILE
    if not attributes_path.is_file():
        raise SchemeError(attributes_path, "pivot attribute file not found")
    registry = SchemeRegistry(load_attributes(attributes_path))
    for path in _scheme_files(builtin):
        registry.add(load_scheme(path, registry.attributes, builtin=True))
    if include_user:
        folder = Path(user_dir) if user_dir is not None else user_scheme_dir()
        if folder.resolve() != builtin.resolve():
            for path in _scheme_files(folder):
                try:
                    registry.add(load_scheme(path, registry.attributes, builtin=False))
                except SchemeError as exc:
                    registry.errors.append(exc)
    return registry


def check_scheme_file(path: Path | str, registry: SchemeRegistry | None = None) -> Scheme:
    """Check one scheme file against the pivot attributes; SchemeError if it is refused."""
    registry = registry or default_registry()
    return load_scheme(Path(path), registry.attributes, builtin=False)


@functools.cache
def default_registry() -> SchemeRegistry:
    """The registry from the default folders, loaded once per process."""
    return load_schemes()
