"""The pivot attributes (age band, depiction, conduct, …) that schemes are defined over.

They are data (``resources/schemes/_attributes.toml``), read once. A *box*
is the shape every rule and every partially known item reduces to: for each
attribute in order, the frozenset of values admitted. Translation works on
boxes only, so adding an attribute or a value is an edit to the data file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LineFinder, SchemeError, read_toml

LANGUAGES = ("en", "fr", "de", "es", "nl", "pt")
UNDETERMINED = "undetermined"

Box = tuple[frozenset[str], ...]
"""For each attribute (in AttributeSpace order) the set of values admitted."""


class SpecError(ValueError):
    """A value specification that names something the attribute lacks."""

    def __init__(self, reason: str, needle: str | None = None) -> None:
        super().__init__(reason)
        self.needle = needle


def pick_label(labels: Mapping[str, str], lang: str) -> str:
    """The label in ``lang``, else its base language, else English."""
    return labels.get(lang) or labels.get(lang.split("-")[0].split("_")[0]) or labels["en"]


@dataclass(frozen=True)
class AttributeValue:
    id: str
    labels: Mapping[str, str]

    def label(self, lang: str = "en") -> str:
        return pick_label(self.labels, lang)


@dataclass(frozen=True)
class Attribute:
    id: str
    labels: Mapping[str, str]
    definition: str
    values: tuple[AttributeValue, ...]
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    group: str | None = None
    """Display grouping, e.g. "aggravating" for the sadism and bestiality flags."""
    workflow: bool = False
    """True for pertinence: about the examiner's workflow, not the picture."""

    @property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.values)

    @property
    def all(self) -> frozenset[str]:
        return frozenset(self.value_ids)

    def label(self, lang: str = "en") -> str:
        return pick_label(self.labels, lang)

    def value(self, value_id: str) -> AttributeValue:
        for v in self.values:
            if v.id == value_id:
                return v
        raise KeyError(f"attribute {self.id!r} has no value {value_id!r}")

    def resolve(self, spec: str | Iterable[str]) -> frozenset[str]:
        """Turn a value specification (ids, group names, "!" exclusions) into a value set."""
        items = [spec] if isinstance(spec, str) else list(spec)
        if not items:
            raise SpecError(f"attribute {self.id!r}: empty value list")
        include: set[str] = set()
        exclude: set[str] = set()
        any_positive = False
        for item in items:
            if not isinstance(item, str):
                raise SpecError(f"attribute {self.id!r}: values must be strings, got {item!r}")
            negate = item.startswith("!")
            name = item[1:].strip() if negate else item.strip()
            if name in self.groups:
                values = self.groups[name]
            elif name in self.all:
                values = frozenset((name,))
            else:
                known = ", ".join(self.value_ids)
                groups = ", ".join(self.groups) or "none"
                raise SpecError(f"attribute {self.id!r} has no value or group {name!r} "
                                f"(values: {known}; groups: {groups})", needle=f'"{item}"')
            if negate:
                exclude |= values
            else:
                any_positive = True
                include |= values
        result = (include if any_positive else set(self.all)) - exclude
        if not result:
            raise SpecError(f"attribute {self.id!r}: {items!r} admits no value")
        return frozenset(result)


class AttributeSpace:
    """The ordered set of pivot attributes; builds and checks boxes."""

    def __init__(self, attributes: Iterable[Attribute], path: Path | None = None) -> None:
        self.attributes: tuple[Attribute, ...] = tuple(attributes)
        self.path = path
        self._index = {a.id: n for n, a in enumerate(self.attributes)}

    def __iter__(self):
        return iter(self.attributes)

    def __len__(self) -> int:
        return len(self.attributes)

    def __contains__(self, attribute_id: object) -> bool:
        return attribute_id in self._index

    def __getitem__(self, attribute_id: str) -> Attribute:
        return self.attributes[self._index[attribute_id]]

    def index(self, attribute_id: str) -> int:
        return self._index[attribute_id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.attributes)

    def full_box(self) -> Box:
        return tuple(a.all for a in self.attributes)

    def box(self, spec: Mapping[str, Any] | None) -> Box:
        """A box from {attribute: value spec}; unnamed attributes admit every value.

        Raises SpecError for an unknown attribute or value.
        """
        spec = dict(spec or {})
        unknown = [k for k in spec if k not in self._index]
        if unknown:
            raise SpecError(f"unknown attribute {unknown[0]!r} (attributes: {', '.join(self.ids)})",
                            needle=unknown[0])
        return tuple(a.resolve(spec[a.id]) if a.id in spec and spec[a.id] is not None else a.all
                     for a in self.attributes)

    def describe(self, box: Box, lang: str | None = None) -> dict[str, list[str]]:
        """{attribute: [values]} for the attributes the box constrains (for display and JSON)."""
        out: dict[str, list[str]] = {}
        for attr, values in zip(self.attributes, box):
            if values != attr.all:
                ordered = [v for v in attr.values if v.id in values]
                out[attr.id] = [v.label(lang) if lang else v.id for v in ordered]
        return out


def intersect(a: Box, b: Box) -> Box | None:
    """The intersection of two boxes, or None when they do not meet."""
    out = tuple(x & y for x, y in zip(a, b))
    return None if any(not s for s in out) else out


def contains(box: Box, point: tuple[str, ...]) -> bool:
    return all(v in s for v, s in zip(point, box))


def load_attributes(path: Path) -> AttributeSpace:
    """Read the pivot attribute file; a malformed one raises SchemeError."""
    data, text = read_toml(path)
    lines = LineFinder(text)
    raw_attrs = data.get("attribute")
    if not isinstance(raw_attrs, list) or not raw_attrs:
        raise SchemeError(path, "no [[attribute]] tables", key="attribute")
    attributes: list[Attribute] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_attrs):
        def fail(reason: str, key: str | None = None, needle: str | None = None) -> SchemeError:
            return SchemeError(path, reason, key=f"attribute[{n}]" + (f".{key}" if key else ""),
                               line=lines.find(array="attribute", index=n, key=key, needle=needle))
        attr_id = raw.get("id")
        if not isinstance(attr_id, str) or not attr_id:
            raise fail("missing or empty 'id'", "id")
        if attr_id in seen:
            raise fail(f"attribute {attr_id!r} defined twice", "id")
        seen.add(attr_id)
        labels = raw.get("labels")
        if not isinstance(labels, dict) or "en" not in labels:
            raise fail("'labels' must be a table with at least 'en'", "labels")
        values: list[AttributeValue] = []
        for m, rv in enumerate(raw.get("value", [])):
            vid = rv.get("id")
            vlabels = rv.get("labels")
            if not isinstance(vid, str) or not vid:
                raise fail(f"value {m} has no 'id'", "value")
            if not isinstance(vlabels, dict) or "en" not in vlabels:
                raise fail(f"value {vid!r} needs 'labels' with at least 'en'", "id", f'"{vid}"')
            if any(v.id == vid for v in values):
                raise fail(f"value {vid!r} listed twice", "id", f'"{vid}"')
            values.append(AttributeValue(vid, dict(vlabels)))
        if UNDETERMINED not in {v.id for v in values}:
            raise fail(f"attribute {attr_id!r} lacks the value {UNDETERMINED!r}", "id")
        ids = {v.id for v in values}
        groups: dict[str, frozenset[str]] = {}
        for gname, members in (raw.get("groups") or {}).items():
            if gname in ids:
                raise fail(f"group {gname!r} has the name of a value", "groups", gname)
            missing = [m for m in members if m not in ids]
            if missing:
                raise fail(f"group {gname!r} names unknown value {missing[0]!r}", "groups",
                           missing[0])
            groups[gname] = frozenset(members)
        attributes.append(Attribute(
            id=attr_id, labels=dict(labels), definition=str(raw.get("definition", "")),
            values=tuple(values), groups=groups, group=raw.get("group"),
            workflow=bool(raw.get("workflow", False))))
    return AttributeSpace(attributes, path)
