"""De-obfuscation rules: one small named function per trick used to slip a link past a filter.

Each text rule takes the text of one candidate link and returns it with
that trick undone (unchanged when the trick is not there). They run in the
order of `TEXT_RULES`; `apply_text_rules` reports which ones changed
something, and that list is stored with the link. Rules that work on the
host alone (`url_encoding`, `confusables`, `idna`) are applied by
`triage.links.normal` once the host is known, and `trailing_punctuation`
once the candidate's end is known.

The rules only ever run on a candidate that the finder (`triage.links.find`)
already cut out of the text, so a rule like `spaced_dot_word` cannot turn a
sentence into a host: it sees "bad dot site", never a whole paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable
from urllib.parse import unquote

from triage.links.suffixes import RESOURCES

ZERO_WIDTH = "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_ZERO_WIDTH_TABLE = {ord(c): None for c in ZERO_WIDTH}
_I = re.IGNORECASE


def _sub(pattern: str, replacement: str, flags: int = _I) -> Callable[[str], str]:
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.sub(replacement, text)


def zero_width(text: str) -> str:
    """Invisible characters (zero-width space/joiners, soft hyphen, BOM) split a host for a filter."""
    return text.translate(_ZERO_WIDTH_TABLE)


def fullwidth(text: str) -> str:
    """NFKC folds full-width (ｂａｄ．ｓｉｔｅ), circled, mathematical and ligature forms to ASCII."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def ideographic_full_stop(text: str) -> str:
    """U+3002 。 (and its half-width form) is a label separator to IDNA, but not to NFKC."""
    return text.replace("\u3002", ".").replace("\uff61", ".")


bracket_period = _sub(r"\s*\[\s*\.\s*\]\s*", ".")
bracket_period.__doc__ = "`bad[.]site`: the defanging used in threat-intelligence reports."
paren_period = _sub(r"\s*\(\s*\.\s*\)\s*", ".")
paren_period.__doc__ = "`bad(.)site`."
brace_period = _sub(r"\s*\{\s*(?:\.|dot)\s*\}\s*", ".")
brace_period.__doc__ = "`bad{.}site` and `bad{dot}site`."
angle_dot = _sub(r"\s*<\s*(?:\.|dot)\s*>\s*", ".")
angle_dot.__doc__ = "`bad<dot>site` and `bad<.>site`."
bracket_dot = _sub(r"\s*\[\s*dot\s*\]\s*", ".")
bracket_dot.__doc__ = "`bad[dot]site`."
paren_dot = _sub(r"\s*\(\s*dot\s*\)\s*", ".")
paren_dot.__doc__ = "`bad(dot)site`."
spaced_dot_word = _sub(r"[ \t]+dot[ \t]+", ".")
spaced_dot_word.__doc__ = "`bad dot site`: the word, with a space on each side."
spaces_around_dots = _sub(r"[ \t]*\.[ \t]*", ".")
spaces_around_dots.__doc__ = "`bad . site`, `bad .site`: spaces put around a real dot."
slash_words = _sub(
    r"[ \t]*(?:\(\s*slash\s*\)|\[\s*slash\s*\]|\{\s*slash\s*\}|<\s*slash\s*>|\[\s*/\s*\]"
    r"|\(\s*/\s*\)|\{\s*/\s*\})[ \t]*|[ \t]+slash[ \t]+", "/")
slash_words.__doc__ = "`(slash)`, `[slash]`, `[/]`, ` slash `: the path separator written out."
defanged_colon = _sub(r"^([a-z*x_.\-]{3,6})(?:\[\s*:\s*\]|\(\s*:\s*\)|\[\s*://\s*\]|:\[//\]|"
                      r"\[:/\]/)(//)?", r"\1://", _I)
defanged_colon.__doc__ = "`http[:]//`, `http[://]`, `http:[//]`: the scheme's colon bracketed."


def _scheme(match: re.Match) -> str:
    return ("ftp" if match.group(1).lower().startswith("f") else "http") + match.group(2).lower()


_DEFANGED_SCHEME = re.compile(r"^(h(?:xx|\*\*|__|--|\.\.|tx|xt)p|fxp)(s?)(?=:)", _I)


def defanged_scheme(text: str) -> str:
    """`hxxp://`, `hXXps://`, `h**p://`, `h__p://`, `fxp://`: the scheme mangled so it won't link."""
    return _DEFANGED_SCHEME.sub(_scheme, text)


def missing_colon_slashes(text: str) -> str:
    """`http//bad.site`, `https:/bad.site`: a scheme with its `://` cut short."""
    return re.sub(r"^(https?|ftp)(?::/|//|:)(?=[^/])", r"\1://", text, flags=_I)


TEXT_RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("zero_width", zero_width),
    ("fullwidth", fullwidth),
    ("ideographic_full_stop", ideographic_full_stop),
    ("bracket_period", bracket_period),
    ("paren_period", paren_period),
    ("brace_period", brace_period),
    ("angle_dot", angle_dot),
    ("bracket_dot", bracket_dot),
    ("paren_dot", paren_dot),
    ("spaced_dot_word", spaced_dot_word),
    ("spaces_around_dots", spaces_around_dots),
    ("slash_words", slash_words),
    ("defanged_colon", defanged_colon),
    ("defanged_scheme", defanged_scheme),
    ("missing_colon_slashes", missing_colon_slashes),
)

# Rules that only write a plain link in its normal form; anything else is de-obfuscation.
NORMALISING_RULES = frozenset({"missing_scheme", "trailing_punctuation", "idna"})
# Separators that ordinary prose also produces ("the dot com bubble", "end . It").
WEAK_RULES = frozenset({"spaced_dot_word", "spaces_around_dots"})


# A plain ASCII URL without brackets, spaces or an odd scheme needs no text rule (fast path).
_MAY_NEED_RULES = re.compile(
    r"[\[\](){}<>\s]|^[hf]\S{1,5}[:\[(]|^(?:https?|ftp)(?!://)", re.IGNORECASE)


def apply_text_rules(text: str) -> tuple[str, list[str]]:
    """The candidate with every text rule applied, and the names of those that changed it."""
    if text.isascii() and not _MAY_NEED_RULES.search(text):
        return text, []
    applied = []
    for name, rule in TEXT_RULES:
        rewritten = rule(text)
        if rewritten != text:
            applied.append(name)
            text = rewritten
    return text, applied


# -- trailing punctuation -------------------------------------------------------------------

_TRAILING = ".,;:!?'\"*~\u2019\u201d\u00bb"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


def trailing_punctuation(text: str) -> str:
    """Sentence punctuation after a link, and a closing bracket that the link never opened."""
    while text:
        last = text[-1]
        if last in _TRAILING:
            text = text[:-1]
        elif last in _PAIRS and text.count(last) > text.count(_PAIRS[last]):
            text = text[:-1]
        else:
            break
    return text


# -- host rules -----------------------------------------------------------------------------

_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def url_encoding_host(host: str) -> str:
    """`%62ad.site`: a host spelled in percent-escapes (undone byte-wise as UTF-8)."""
    if "%" not in host:
        return host

    return unquote(host, errors="strict")


def url_encoding_path(path: str) -> str:
    """`/%63ontent`: escapes of unreserved characters decoded, the others' hex upper-cased.

    RFC 3986 section 6.2.2 calls both forms the same resource; nothing else
    in the path changes.
    """
    if "%" not in path:
        return path

    def fold(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()
    return _PERCENT.sub(fold, path)


@lru_cache(maxsize=1)
def confusable_table() -> dict[int, str]:
    table = {}
    with open(RESOURCES / "confusables.txt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                code, ascii_form = line.split("\t")[:2]
                table[int(code, 16)] = ascii_form.strip()
    return table


def confusables(label: str, ascii_tld: bool) -> str:
    """Fold look-alike letters (Cyrillic а, Greek ο…) in a label that is pretending to be Latin.

    A label is folded when it mixes look-alikes with ASCII letters, or when it
    is made only of look-alikes under an ASCII top-level domain. A genuine
    Cyrillic or Greek name (пример.рф) has letters with no Latin look-alike
    or sits under its own script's TLD, and is kept for IDNA.
    """
    if label.isascii():
        return label
    table = confusable_table()
    folded = label.translate(table)
    if not folded.isascii():
        return label
    if any(c.isascii() and c.isalpha() for c in label) or ascii_tld:
        return folded
    return label
