"""A classification scheme read from its TOML file: categories, rules, VICS codes.

Each category carries a *rule*: a list of boxes over the pivot attributes
(``all`` constraints shared by every alternative, ``any`` alternatives; no
``any`` means one alternative). Everything else is presentation: labels in
several languages, hotkey, colour, and whether it is a workflow label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .attributes import LANGUAGES, AttributeSpace, Box, SpecError, contains, intersect, pick_label
from .errors import LineFinder, SchemeError, read_toml

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
FORMAT = 1


@dataclass(frozen=True)
class Category:
    scheme_id: str
    code: str
    labels: Mapping[str, str]
    definition: str
    hotkey: str
    colour: str
    workflow: bool
    rule: tuple[Box, ...]
    vics: int | None = None

    @property
    def label(self) -> str:
        return self.labels["en"]

    def label_in(self, lang: str = "en") -> str:
        return pick_label(self.labels, lang)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Category):
            return NotImplemented
        return (self.scheme_id, self.code) == (other.scheme_id, other.code)

    def __hash__(self) -> int:
        return hash((self.scheme_id, self.code))

    def admits(self, box: Box) -> bool:
        """Whether some attribute combination in ``box`` falls into this category."""
        return any(intersect(box, b) is not None for b in self.rule)

    def holds(self, point: tuple[str, ...]) -> bool:
        """Whether a fully specified attribute combination falls into this category."""
        return any(contains(b, point) for b in self.rule)


@dataclass(frozen=True)
class VicsMapping:
    """How this scheme's categories are written as VICS ``Category`` integers.

    ``uncategorised`` is what an item without a category is written as: None
    (JSON null) for VICS 2.0 US, 0 for the legacy DHS numbering. Public tools
    disagree on this (see the reference), so it belongs to the scheme file.
    """

    context: str | None
    uncategorised: int | None


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    version: str
    source: str
    categories: tuple[Category, ...]
    aliases: tuple[str, ...] = ()
    description: str = ""
    vics: VicsMapping | None = None
    path: Path | None = None
    builtin: bool = True
    _by_code: Mapping[str, Category] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.categories})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scheme):
            return NotImplemented
        return (self.id, self.version, self.path) == (other.id, other.version, other.path)

    def __hash__(self) -> int:
        return hash((self.id, self.version))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def category(self, code: str | int) -> Category:
        """The category with this code (exact, then case-insensitive match)."""
        code = str(code).strip()
        if code in self._by_code:
            return self._by_code[code]
        folded = {k.casefold(): v for k, v in self._by_code.items()}
        if code.casefold() in folded:
            return folded[code.casefold()]
        raise KeyError(f"scheme {self.id!r} has no category {code!r} "
                       f"(categories: {', '.join(self.codes)})")

    def by_hotkey(self, key: str) -> Category | None:
        for c in self.categories:
            if c.hotkey == key:
                return c
        return None

    def classify(self, point: tuple[str, ...]) -> Category | None:
        """The category a fully specified attribute combination falls into, if any."""
        for c in self.categories:
            if c.holds(point):
                return c
        return None

    # VICS codes ---------------------------------------------------------

    def vics_code(self, code: str | None) -> int | None:
        """The VICS ``Category`` value for a category code (None = uncategorised)."""
        if self.vics is None:
            raise ValueError(f"scheme {self.id!r} has no VICS integer codes; "
                             "write its categories by label")
        if code is None:
            return self.vics.uncategorised
        category = self.category(code)
        if category.vics is None:
            raise ValueError(f"category {category.code!r} of scheme {self.id!r} has no VICS code")
        return category.vics

    def from_vics(self, value: int | str | None) -> Category | None:
        """The category a VICS ``Category`` value means here; None = uncategorised.

        Accepts the integer, its string form, or None/"" for null. An integer
        that means nothing in this scheme raises ValueError: never guess.
        """
        if self.vics is None:
            raise ValueError(f"scheme {self.id!r} has no VICS integer codes")
        if value is None or (isinstance(value, str) and value.strip() in ("", "null")):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"VICS category {value!r} is not an integer") from None
        if number == self.vics.uncategorised:
            return None
        for c in self.categories:
            if c.vics == number:
                return c
        raise ValueError(f"VICS category {number} has no meaning in scheme {self.id!r}")


def load_scheme(path: Path, space: AttributeSpace, *, builtin: bool = False) -> Scheme:
    """Read and check one scheme file; anything wrong raises SchemeError with the line."""
    data, text = read_toml(path)
    return parse_scheme(data, text, path, space, builtin=builtin)


def parse_scheme(data: Mapping[str, Any], text: str, path: Path, space: AttributeSpace, *,
                 builtin: bool = False) -> Scheme:
    lines = LineFinder(text)

    def top_fail(reason: str, key: str, needle: str | None = None) -> SchemeError:
        return SchemeError(path, reason, key=key, line=lines.find(key=key, needle=needle))

    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise top_fail(f"unsupported format {fmt!r} (this version reads format {FORMAT})", "format")
    for key in ("id", "name", "version", "source"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise top_fail(f"missing or empty '{key}' (a string)", key)
    scheme_id = data["id"].strip()
    if not _ID.match(scheme_id):
        raise top_fail(f"id {scheme_id!r} must be lower case letters, digits, '.', '_' or '-'",
                       "id")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise top_fail("'aliases' must be a list of strings", "aliases")

    vics: VicsMapping | None = None
    raw_vics = data.get("vics")
    if raw_vics is not None:
        if not isinstance(raw_vics, dict):
            raise top_fail("'vics' must be a table", "vics")
        unc = raw_vics.get("uncategorised", "null")
        if unc == "null":
            unc = None
        elif not isinstance(unc, int) or isinstance(unc, bool):
            raise SchemeError(path, "vics.uncategorised must be an integer or \"null\"",
                              key="vics.uncategorised",
                              line=lines.find(key="uncategorised"))
        context = raw_vics.get("context")
        vics = VicsMapping(context=str(context) if context is not None else None,
                           uncategorised=unc)

    raw_categories = data.get("category")
    if not isinstance(raw_categories, list) or not raw_categories:
        raise SchemeError(path, "no [[category]] tables", key="category")

    categories: list[Category] = []
    codes: dict[str, int] = {}
    hotkeys: dict[str, str] = {}
    vics_codes: dict[int, str] = {}
    for n, raw in enumerate(raw_categories):
        def fail(reason: str, key: str | None = None, needle: str | None = None) -> SchemeError:
            return SchemeError(path, reason,
                               key=f"category[{n}]" + (f".{key}" if key else ""),
                               line=lines.find(array="category", index=n, key=key, needle=needle))

        code = raw.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not code.strip():
            raise fail("missing or empty 'code' (a string)", "code")
        code = code.strip()
        if code.casefold() in codes:
            raise fail(f"code {code!r} used twice", "code")
        codes[code.casefold()] = n

        labels = raw.get("labels")
        if not isinstance(labels, dict) or not isinstance(labels.get("en"), str):
            raise fail("'labels' must be a table with at least an English label 'en'", "labels")
        bad = [k for k, v in labels.items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise fail(f"label {bad[0]!r} is empty or not a string", "labels", bad[0])

        definition = raw.get("definition")
        if not isinstance(definition, str) or not definition.strip():
            raise fail("missing or empty 'definition'", "definition")

        hotkey = raw.get("hotkey")
        if isinstance(hotkey, int) and not isinstance(hotkey, bool):
            hotkey = str(hotkey)
        if not isinstance(hotkey, str) or len(hotkey) != 1 or not hotkey.isprintable() \
                or hotkey.isspace():
            raise fail("'hotkey' must be one printable character", "hotkey")
        if hotkey.casefold() in hotkeys:
            raise fail(f"hotkey {hotkey!r} already used by category {hotkeys[hotkey.casefold()]!r}",
                       "hotkey")
        hotkeys[hotkey.casefold()] = code

        colour = raw.get("colour")
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise fail("'colour' must be a hex colour like \"#a1b2c3\"", "colour")

        workflow = raw.get("workflow", False)
        if not isinstance(workflow, bool):
            raise fail("'workflow' must be true or false", "workflow")

        vics_code = raw.get("vics")
        if vics_code is not None:
            if vics is None:
                raise fail("'vics' code given but the scheme has no [vics] table", "vics")
            if not isinstance(vics_code, int) or isinstance(vics_code, bool):
                raise fail("'vics' must be an integer", "vics")
            if vics_code == vics.uncategorised:
                raise fail(f"vics code {vics_code} is the scheme's 'uncategorised' value", "vics")
            if vics_code in vics_codes:
                raise fail(f"vics code {vics_code} already used by category "
                           f"{vics_codes[vics_code]!r}", "vics")
            vics_codes[vics_code] = code
        elif vics is not None:
            raise fail("the scheme has a [vics] table, so every category needs a 'vics' code",
                       "code")

        rule = _parse_rule(raw.get("rule"), space, fail)
        categories.append(Category(
            scheme_id=scheme_id, code=code, labels=dict(labels), definition=definition.strip(),
            hotkey=hotkey, colour=colour.lower(), workflow=workflow, rule=rule, vics=vics_code))

    _check_disjoint(categories, fail_at=lambda n, reason: SchemeError(
        path, reason, key=f"category[{n}].rule",
        line=lines.find(array="category", index=n, key="rule")))

    return Scheme(
        id=scheme_id, name=data["name"].strip(), version=str(data["version"]).strip(),
        source=data["source"].strip(), categories=tuple(categories),
        aliases=tuple(a.strip() for a in aliases), description=str(data.get("description", "")),
        vics=vics, path=path, builtin=builtin)


def _parse_rule(raw: Any, space: AttributeSpace, fail) -> tuple[Box, ...]:
    if not isinstance(raw, dict):
        raise fail("missing [category.rule] table (with 'all' and/or 'any')", "rule")
    unknown = [k for k in raw if k not in ("all", "any")]
    if unknown:
        raise fail(f"rule key {unknown[0]!r} is not 'all' or 'any'", "rule", unknown[0])
    common = raw.get("all", {})
    if not isinstance(common, dict):
        raise fail("rule 'all' must be a table of attribute = values", "all")
    alternatives = raw.get("any", [{}])
    if not isinstance(alternatives, list) or not alternatives \
            or not all(isinstance(a, dict) for a in alternatives):
        raise fail("rule 'any' must be a non-empty list of tables", "any")
    try:
        base = space.box(common)
    except SpecError as exc:
        raise fail(f"rule 'all': {exc}", "all", exc.needle) from None
    boxes: list[Box] = []
    for m, alt in enumerate(alternatives):
        try:
            box = space.box(alt)
        except SpecError as exc:
            raise fail(f"rule 'any' entry {m + 1}: {exc}", "any", exc.needle) from None
        met = intersect(base, box)
        if met is None:
            raise fail(f"rule 'any' entry {m + 1} contradicts 'all': it admits nothing", "any")
        boxes.append(met)
    return tuple(boxes)


def _check_disjoint(categories: list[Category], fail_at) -> None:
    """Refuse a scheme where one attribute combination falls into two categories.

    Then a fully described item has at most one category in every scheme, and
    translation of a category into its own scheme is exact.
    """
    for i, a in enumerate(categories):
        for j in range(i + 1, len(categories)):
            b = categories[j]
            for box_a in a.rule:
                for box_b in b.rule:
                    if intersect(box_a, box_b) is not None:
                        raise fail_at(j, f"rule of category {b.code!r} overlaps category "
                                         f"{a.code!r}: an item could fall into both")


def missing_languages(scheme: Scheme, languages: Iterable[str] = LANGUAGES) -> list[str]:
    """'code:lang' for every category label missing in one of ``languages``."""
    return [f"{c.code}:{lang}" for c in scheme.categories for lang in languages
            if lang not in c.labels]
