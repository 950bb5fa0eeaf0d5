"""How exports write values and explain categories, the same way in every format."""

from __future__ import annotations

from datetime import datetime

from triage.export.items import AMBIGUOUS, EXACT, NONE, SAME, UNCATEGORISED, Item

RESULT_WORDS = {
    SAME: "as tagged",
    EXACT: "exact translation",
    AMBIGUOUS: "ambiguous: a person must choose",
    NONE: "not representable",
    UNCATEGORISED: "uncategorised",
}


def iso(value: datetime | None, local_clock: bool = False) -> str | None:
    """ISO 8601 UTC with milliseconds and Z, as VICS writes it (None stays None); without the
    Z, which ISO 8601 reads as local time, for a device's clock whose zone is unknown."""
    if value is None:
        return None
    return (value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
            + ("" if local_clock else "Z"))


def flag(value: bool) -> str:
    """VICS flags are the strings "true"/"false" (older readers accept nothing else)."""
    return "true" if value else "false"


def verdict_text(item: Item) -> str:
    """Who said what about the item, in one line ("" when nobody did)."""
    v = item.verdict
    if v is None:
        return ""
    label = f" ({v.label})" if v.label else ""
    text = f"examiner {v.examiner}: {v.scheme} {v.category}{label} on {iso(v.at)}"
    if v.attributes:
        text += "; attributes " + ", ".join(f"{k}={x}" for k, x in v.attributes.items())
    return text


def target_text(item: Item) -> str:
    """How the item's category in the target scheme was reached, in one sentence."""
    t = item.target
    if t.result == SAME:
        return f"{t.scheme} {t.code} ({t.label})"
    if t.result == EXACT:
        return f"translates exactly to {t.scheme} {t.code} ({t.label})"
    if t.result == AMBIGUOUS:
        return (f"is ambiguous in {t.scheme}: it may be {_choices(t)}; "
                "a person must choose, so no category is given")
    if t.result == NONE:
        return f"has no counterpart in {t.scheme}, so no category is given"
    return "uncategorised (no examiner tag)"


def _choices(target) -> str:
    codes = list(target.candidates)
    text = ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else "".join(codes)
    return text + (" (or none of its categories)" if "none of its" in (target.reason or "")
                   else "")


def comments(item: Item) -> str:
    """The VICS Comments text: the verdict, its translation, provenance; nothing silent."""
    parts = []
    if item.verdict is not None:
        parts.append("Categorised by " + verdict_text(item) + ".")
        if item.target.result != SAME:
            parts.append(f"This {target_text(item)}.")
        if item.verdict.note:
            parts.append(f"Note: {item.verdict.note}")
    elif item.target.precategorised:
        parts.append("Pre-categorised from hash sets, not reviewed by an examiner: "
                     f"{target_text(item)}.")
    if item.hash_sets:
        parts.append("Hash sets: " + "; ".join(h.describe() for h in item.hash_sets) + ".")
    for tag in item.other_tags:
        parts.append(f"{tag.source} says {tag.scheme} {tag.category} (not a verdict).")
    return " ".join(parts)
