"""Find links in a piece of text: plain, obfuscated, e-mail addresses kept apart, and partial ones.

Two steps. A permissive pattern cuts out *candidates*: a run of host labels
joined by anything that stands for a dot (".", "[.]", "(dot)", " dot ",
"。"…), with an optional (perhaps defanged) scheme before and an optional
path after. Each candidate is then put in normal form by
`triage.links.normal.parse_url`, which applies the named rules and checks
the host against the public-suffix list. Last, guards drop what prose and
file listings produce that looks like a host but is not one:

- a bare name (no scheme, no `www.`, no path, no port) ending in a file
  extension that is also a TLD (`setup.py`, `clip.mov`), or in a TLD that is
  an ordinary word (`ok.so`, `Paris.It`), or whose TLD starts a new sentence;
- dotted numbers (versions, dates, IP addresses without a scheme);
- a candidate that needed a *weak* separator (" dot ", spaces around a dot),
  unless it has a scheme, `www.` or a path, or ends in a TLD common in
  shared links and has no ordinary word as a label ("the dot com bubble");
- a host preceded by `local@`: an e-mail address, reported as kind "email".

Non-ASCII text is first folded character by character (zero-width
characters dropped, NFKC), keeping where each folded character came from,
so the raw text and its offset are those of the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from triage.case.models import LinkConfidence
from triage.links.normal import NormalURL, NotALink, parse_url
from triage.links.rules import NORMALISING_RULES, WEAK_RULES, ZERO_WIDTH
from triage.links.suffixes import RESOURCES

CONTEXT_CHARS = 40

# TLDs that are everyday words: a bare "ok.so" or "Paris.It" in a chat is a missing space.
WORD_TLDS = frozenset(
    "am an as at be by do go he hi id if in is it la me mo my no nu on pe so to tv uk us we "
    "now new one top win fun art box bet day buy car new cat dog red pub bar".split())
# TLDs common in shared links; a candidate that needed a weak separator must end in one.
COMMON_TLDS = frozenset(
    "com net org info biz ru su io co cc tk ml ga cf gq xyz onion ws pw ly gg de nl fr jp cn "
    "site online club shop store link live space website "
    "ua pl br es ch se cz kz by vn ir eu ca au nz ro hu gr pt dk fi lt lv ee sk bg hr rs si".split())
STOPWORDS = frozenset(
    "a an the this that these those my your his her its our their it he she we they you i "
    "and or but so of to in on at by for with from as is are was were be been am do does "
    "did not no yes polka big small red one two".split())

_LABEL = r"[^\W_](?:[\w\-" + ZERO_WIDTH + r"])*+"
_DOT = (r"(?:[ \t]*+(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}"
        r"|<\s*(?:\.|dot)\s*>)[ \t]*+|[ \t]++dot[ \t]++|[ \t]++[.\u3002\uff61][ \t]*+"
        r"|[.\u3002\uff61])")
_SLASH = (r"(?:[ \t]*+(?:\(\s*slash\s*\)|\[\s*slash\s*\]|\{\s*slash\s*\}|<\s*slash\s*>"
          r"|\[\s*/\s*\]|\(\s*/\s*\)|\{\s*/\s*\})[ \t]*+|[ \t]++slash[ \t]++)")
_PATH_CHAR = r"[!#$%&()*+,\-./0-9:;=?@A-Z_a-z~\u00a1-\u1fff\u2070-\u2fff]"
_SCHEME = (r"(?:h(?:tt|xx|\*\*|__|--|\.\.|tx|xt)ps?|ftp|fxp)"
           r"(?:\[\s*:\s*\]|\(\s*:\s*\)|:)?(?://|\[//\]|\[/\]\[/\])|"
           r"(?:h(?:tt|xx|\*\*|__|tx|xt)ps?|ftp|fxp)\[://\]")
CANDIDATE = re.compile(
    r"(?<![\w.\-/\\])"
    r"(?P<scheme>" + _SCHEME + r")?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|" + _LABEL + r"(?:" + _DOT + _LABEL + r")+)"
    r"(?P<port>:\d{1,5}(?!\d))?"
    r"(?P<path>(?:/|" + _SLASH + r"|[?#])(?:" + _SLASH + r"|" + _PATH_CHAR + r")*)?",
    re.IGNORECASE)
_QUICK = re.compile(r"[.\u3002\uff61\uff0e]|dot", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[\w.+\-]{1,64}$")
_PARTIAL = re.compile(
    r"\b(?:go\s+to|goto|visit|open|check(?:\s+out)?|look\s+at|see|type(?:\s+in)?|enter|search"
    r"\s+for)\s+(?:(?:the\s+)?(?:page|link|url|path|folder|site|website|address)\s+)?"
    r"(?P<path>/?[A-Za-z0-9_\-~]+(?:/[A-Za-z0-9_\-~.%]+)+/?)(?![\w/.])", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """One link (or e-mail address) in a text: where, as written, and in normal form."""

    start: int  # character offsets in the text given to `find_links`
    end: int
    raw: str
    kind: str  # "url" or "email"
    url: str  # normal form (for an e-mail: local@host)
    normal: NormalURL | None  # None for a partial link
    rules: tuple[str, ...]
    confidence: LinkConfidence
    context: str


@lru_cache(maxsize=1)
def file_extensions() -> frozenset[str]:
    with open(RESOURCES / "file_extensions.txt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle
                         if line.strip() and not line.startswith("#"))


def find_links(text: str, partial: bool = True) -> list[Found]:
    """Every link in `text`, in order; e-mail addresses as kind "email"; partial paths last."""
    if text.isascii() and not _QUICK.search(text) and "/" not in text:
        return []
    folded, origin, folding_rules = fold_characters(text)
    found = []
    for match in CANDIDATE.finditer(folded):
        item = _candidate(text, folded, origin, folding_rules, match)
        if item is not None:
            found.append(item)
    if partial:
        found.extend(_partials(text, found))
    return found


def fold_characters(text: str) -> tuple[str, list[int] | None, list[str | None] | None]:
    """Zero-width characters dropped and NFKC applied per character, with each one's origin."""
    if text.isascii():
        return text, None, None
    out, origin, rules = [], [], []
    pending = None
    for index, char in enumerate(text):
        if char in ZERO_WIDTH:
            pending = "zero_width"
            continue
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char)
        rule = pending or (None if folded == char else "fullwidth")
        pending = None
        for piece in folded:
            out.append(piece)
            origin.append(index)
            rules.append(rule)
    return "".join(out), origin, rules


def _span(origin: list[int] | None, start: int, end: int, text: str) -> tuple[int, int]:
    if origin is None:
        return start, end
    if start >= len(origin):
        return len(text), len(text)
    return origin[start], (origin[end - 1] + 1) if end > start else origin[start]


def _candidate(text: str, folded: str, origin, folding_rules, match: re.Match) -> Found | None:
    candidate = match.group(0)
    try:
        normal = parse_url(candidate)
    except NotALink:
        return _shorter(text, folded, origin, folding_rules, match)
    end = match.start() + len(candidate.rstrip()) - _trimmed(candidate, normal)
    start, raw_end = _span(origin, match.start(), end, text)
    raw = text[start:raw_end]
    rules = _merge_rules(folding_rules, match.start(), end, normal.rules)
    email = _email_local(folded, match.start()) if not normal.explicit_scheme else None
    if email is not None:
        if match.group("path") or normal.is_ip or normal.port is not None:
            return None
        local_start = _span(origin, match.start() - len(email) - 1, match.start(), text)[0]
        rules = [r for r in rules if r != "missing_scheme"]
        return Found(local_start, raw_end, text[local_start:raw_end], "email",
                     f"{email}@{normal.host}", normal, tuple(rules), confidence_of(rules),
                     _context(text, local_start, raw_end))
    if not _plausible(normal, rules, match, candidate):
        return None
    return Found(start, raw_end, raw, "url", normal.url, normal, tuple(rules),
                 confidence_of(rules), _context(text, start, raw_end))


def _shorter(text, folded, origin, folding_rules, match: re.Match) -> Found | None:
    """A host that ran on into the next word ("bad.site.Then"): retry without its last label."""
    if match.group("path") or match.group("port"):
        return None
    host = match.group("host")
    cut = max(host.rfind("."), host.rfind("\u3002"))
    if cut <= 0 or not re.search(r"[.\u3002]", host[:cut]):
        return None
    shorter = CANDIDATE.match(folded, match.start(), match.start("host") + cut)
    if shorter is None or shorter.end() != match.start("host") + cut:
        return None
    return _candidate(text, folded, origin, folding_rules, shorter)


def _trimmed(candidate: str, normal: NormalURL) -> int:
    """How many characters trailing punctuation took off the end of the candidate."""
    if "trailing_punctuation" not in normal.rules:
        return 0
    stripped = candidate.rstrip()
    return len(stripped) - len(_trim(stripped))


def _trim(text: str) -> str:
    from triage.links.rules import trailing_punctuation

    return trailing_punctuation(text)


def _merge_rules(folding_rules, start: int, end: int, rules: tuple[str, ...]) -> list[str]:
    merged = []
    if folding_rules is not None:
        for rule in ("zero_width", "fullwidth"):
            if rule in folding_rules[start:end]:
                merged.append(rule)
    merged.extend(r for r in rules if r not in merged)
    return merged


def _email_local(folded: str, start: int) -> str | None:
    if start == 0 or folded[start - 1] != "@":
        return None
    local = _EMAIL_LOCAL.search(folded, 0, start - 1)
    return local.group(0) if local and local.group(0).strip(".") else None


def _plausible(normal: NormalURL, rules: list[str], match: re.Match, candidate: str) -> bool:
    """The guards against prose, version numbers and file names (module docstring)."""
    # Even a lone "/" says URL; a "?" that ends a sentence does not.
    has_path = normal.path != "/" or _trim(match.group("path") or "").startswith("/")
    anchored = normal.explicit_scheme or normal.host.startswith("www.") or has_path \
        or normal.port is not None
    if normal.is_ip:
        return normal.explicit_scheme
    tld = normal.tld
    labels = normal.host.split(".")
    if WEAK_RULES.intersection(rules) and not (normal.explicit_scheme
                                               or normal.host.startswith("www.")):
        if tld not in COMMON_TLDS or any(label in STOPWORDS for label in labels[:-1]):
            return False
    if anchored:
        return True
    if tld in file_extensions() or tld in WORD_TLDS:
        return False
    return not _sentence_start(match.group("host"))


def _sentence_start(host: str) -> bool:
    """"home.Now": a lower-case word, a dot, a capitalised word: a missing space, not a host."""
    parts = re.split(r"[.\u3002\uff61]", host)
    last, before = parts[-1], parts[-2] if len(parts) > 1 else ""
    return (len(last) > 1 and last[0].isupper() and last[1:].islower()
            and before[-1:].islower())


def confidence_of(rules) -> LinkConfidence:
    if any(rule not in NORMALISING_RULES for rule in rules):
        return LinkConfidence.DECODED
    return LinkConfidence.PLAIN


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    return " ".join(f"{before}{text[start:end]}{after}".split())


def _partials(text: str, found: list[Found]) -> list[Found]:
    """"go to content/123 on the website": a path with no host, after words that point to it."""
    taken = [(f.start, f.end) for f in found]
    partials = []
    for match in _PARTIAL.finditer(text):
        path = match.group("path")
        start, end = match.span("path")
        if any(s < end and start < e for s, e in taken) or not _path_like(path):
            continue
        url = path if path.startswith("/") else "/" + path
        partials.append(Found(start, end, path, "url", url, None, ("partial_path",),
                              LinkConfidence.PARTIAL, _context(text, start, end)))
    return partials


def _path_like(path: str) -> bool:
    """A path, not "and/or", "24/7" or a date: a letter and a digit in it, or three segments."""
    segments = [s for s in path.strip("/").split("/") if s]
    if all(s.isdigit() for s in segments):
        return False
    has_digit = any(c.isdigit() for c in path)
    has_alpha = any(c.isalpha() for c in path)
    return has_alpha and (has_digit or len(segments) >= 3)
