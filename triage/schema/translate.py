"""Translation between schemes, computed from the category rules.

Translating a set of attribute combinations (a category's rule, or what is
known about one item) into scheme T: enumerate the combinations, note which
T category each falls into, and whether some fall into none. One category
and nothing outside = *exact*; nothing inside = *none*; anything else =
*ambiguous*, with the candidate categories and ``outside`` telling whether
"not representable in T" is also a possibility.

Enumeration is over equivalence classes of values, not values: two values of
an attribute that every rule involved treats alike give the same answer, so
only one stands for both. The result is the same as enumerating everything,
at a few hundred combinations instead of a hundred thousand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .attributes import AttributeSpace, Box
from .scheme import Scheme

EXACT = "exact"
AMBIGUOUS = "ambiguous"
NONE = "none"


@dataclass(frozen=True)
class Translation:
    """What one source category (or one item's attributes) becomes in a target scheme."""

    source_scheme: str | None
    source_code: str | None
    target_scheme: str
    result: str
    """"exact", "ambiguous" or "none"."""
    targets: tuple[str, ...]
    """Candidate target category codes, in the target scheme's order."""
    outside: bool
    """Some admitted combinations fall outside every target category."""

    @property
    def target(self) -> str | None:
        """The single target code when exact, else None."""
        return self.targets[0] if self.result == EXACT else None

    def as_dict(self) -> dict:
        return {"from": self.source_scheme, "category": self.source_code,
                "to": self.target_scheme, "result": self.result,
                "targets": list(self.targets), "outside": self.outside}


def _value_classes(space: AttributeSpace, boxes: Iterable[Box]) -> list[dict[str, str]]:
    """Per attribute, map each value to the representative of its class.

    Two values are in one class when every box either admits both or neither.
    """
    boxes = list(boxes)
    classes: list[dict[str, str]] = []
    for i, attr in enumerate(space.attributes):
        sets = {b[i] for b in boxes if b[i] != attr.all}
        representative: dict[tuple[bool, ...], str] = {}
        mapping: dict[str, str] = {}
        for value in attr.value_ids:
            signature = tuple(value in s for s in sets)
            mapping[value] = representative.setdefault(signature, value)
        classes.append(mapping)
    return classes


def outcomes(space: AttributeSpace, source: Sequence[Box], target: Scheme) -> tuple[list[str], bool]:
    """Target codes reached by the combinations in ``source``, and whether any fall outside."""
    target_boxes = [b for c in target.categories for b in c.rule]
    classes = _value_classes(space, itertools.chain(source, target_boxes))
    hit: set[str] = set()
    outside = False
    seen: set[tuple[str, ...]] = set()
    for box in source:
        choices = [sorted({classes[i][v] for v in values}) for i, values in enumerate(box)]
        for point in itertools.product(*choices):
            if point in seen:
                continue
            seen.add(point)
            category = target.classify(point)
            if category is None:
                outside = True
            else:
                hit.add(category.code)
    return [c for c in target.codes if c in hit], outside


def verdict(targets: Sequence[str], outside: bool) -> str:
    if not targets:
        return NONE
    if len(targets) == 1 and not outside:
        return EXACT
    return AMBIGUOUS


def translate_boxes(space: AttributeSpace, source: Sequence[Box], target: Scheme, *,
                    source_scheme: str | None = None,
                    source_code: str | None = None) -> Translation:
    targets, outside = outcomes(space, source, target)
    return Translation(source_scheme=source_scheme, source_code=source_code,
                       target_scheme=target.id, result=verdict(targets, outside),
                       targets=tuple(targets), outside=outside)
