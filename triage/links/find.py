"""Find links in a piece of text: plain, obfuscated, e-mail addresses kept apart, and partial ones.

Two steps. A permissive pattern cuts out *candidates*: a run of host labels
joined by anything that stands for a dot (".", "[.]", "(dot)", " dot ",
"。"…), with an optional (perhaps defanged) scheme before and an optional
path after. Each candidate is then put in normal form by
`triage.links.normal.parse_url`, which applies the named rules and checks
the host against the public-suffix list. Last, guards drop what prose and
file listings produce that looks like a host but is not one:

- a bare name (no scheme, no `www.`, no path, no defanging trick such as
  `[.]`; a port does not count: `const.cc:7` is a file and a line) ending
  in a file extension that is also
  a TLD (`setup.py`, `clip.mov`), or in a TLD that is an ordinary word
  (`ok.so`, `Paris.It`), or in a generic TLD outside `BARE_GTLDS`
  (`datetime.date`, `pool.map`: code), or whose last label is capitalised
  after a lower-case one (`home.Now`, `logging.INFO`), or followed by `(`
  (`Image.open(`), or with two numeric labels (`libfoo-2.5.1.dev`);
- dotted numbers (versions, dates, IP addresses without a scheme);
- a candidate that needed a *weak* separator (" dot ", spaces around a dot),
  unless it has a scheme or `www.`, or ends in a TLD common in shared links
  (`COMMON_TLDS`) and has no stopword as a label ("the dot com bubble");
- a host preceded by `local@`: an e-mail address, reported as kind "email".

Non-ASCII text is first folded character by character (zero-width
characters dropped, NFKC), keeping where each folded character came from,
so the raw text and its offset are those of the original.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from triage.case.models import LinkConfidence
from triage.links.normal import NormalURL, NotALink, parse_url
from triage.links.rules import NORMALISING_RULES, WEAK_RULES, ZERO_WIDTH, trailing_punctuation
from triage.links.suffixes import RESOURCES, public_suffixes

CONTEXT_CHARS = 40

# TLDs that are everyday words: a bare "ok.so" or "Paris.It" in a chat is a missing space.
WORD_TLDS = frozenset(
    "am an as at be by do go he hi id if in is it la me mo my no nu on pe so to us we "
    "now new one win fun art box bet day buy car cat dog red pub bar".split())
# Tricks only a link is given: a name written with one of them is taken for a host.
STRONG_RULES = frozenset({"bracket_period", "paren_period", "brace_period", "angle_dot",
                          "bracket_dot", "paren_dot", "slash_words", "defanged_colon",
                          "defanged_scheme"})
# TLDs common in shared links; a candidate that needed a weak separator must end in one.
COMMON_TLDS = frozenset(
    "com net org info biz ru su io co cc tk ml ga cf gq xyz onion ws pw ly gg de nl fr jp cn "
    "site online club shop store link live space website top uk "
    "ua pl br es ch se cz kz by vn ir eu ca au nz ro hu gr pt dk fi lt lv ee sk bg hr rs si".split())
# The generic TLDs a bare name (no scheme, "www." or path) may end in; country codes always
# may. New gTLDs that are words ("date", "map", "read", "total") end code far more often.
BARE_GTLDS = frozenset(
    "com net org info biz edu gov mil int xyz top site online club shop store dev tech live "
    "link space website news blog cloud asia mobi tel travel jobs museum aero coop onion".split())
CODE_AFTER = frozenset("(=[{")  # "Image.open(": a call
STOPWORDS = frozenset(
    "a an the this that these those my your his her its our their it he she we they you i "
    "and or but so of to in on at by for with from as is are was were be been am do does "
    "did not no yes polka big small red one two".split())

_LABEL = r"(?:[^\W_]|%[0-9A-Fa-f]{2})(?:[\w\-" + ZERO_WIDTH + r"]|%[0-9A-Fa-f]{2})*+"
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
_PLAIN_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_QUICK = re.compile(r"[.\u3002\uff61\uff0e]|dot", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[\w.+\-]{1,64}$")
_SPELLED_AT = re.compile(
    r"(?P<angle><)?(?<![\w.+\-])(?P<local>[\w.+\-]{1,64})(?:[ \t]*(?P<bracket>\(at\)|\[at\]|\{at\}"
    r"|<at>)[ \t]*|[ \t]+at[ \t]+)$", re.IGNORECASE)
_SLASH_BETWEEN = re.compile(r"/(?=[A-Za-z0-9_\-~])")
_PATH_TOKEN = re.compile(r"/?[A-Za-z0-9_\-~]+(?:/[A-Za-z0-9_\-~.%]+)+/?(?![\w/.])")
_CUE = re.compile(
    r"(?<!\w)(?:go\s+to|goto|visit|open|check(?:\s+out)?|look\s+at|see|type(?:\s+in)?|enter"
    r"|search\s+for)\s+(?:(?:the\s+)?(?:page|link|url|path|folder|site|website|address)\s+)?$",
    re.IGNORECASE)


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
    folded, folding = fold_characters(text)
    found = []
    for match in _candidates(folded):
        item = _candidate(text, folded, folding, match)
        if item is not None:
            found.append(item)
    if partial and "/" in text:
        found.extend(_partials(text, found))
    return found


# Where a candidate may be: a separator that stands for a dot, or a scheme. Prose has few, so
# the candidate pattern runs only from the label before each one, not at every word. Each
# pattern is simple enough for a quick scan; one alternation of them all is several times slower.
_DOT_WORD = "[dD][oO][tT]"
_HOT = (
    re.compile(r"[.\u3002\uff61](?=[^\W_]|%)"),
    re.compile(r"[ \t](?:" + _DOT_WORD + r"[ \t]|\.)"),
    re.compile(r"[\[({<][ \t]*(?:\.|" + _DOT_WORD + r")[ \t]*[\])}>]"),
    re.compile(r"//|\[:|\(:\)"),
)
_LABEL_CHARS = frozenset("-_%*")


def _hot_spots(folded: str):
    return heapq.merge(*((m.start() for m in pattern.finditer(folded)) for pattern in _HOT))


def _candidates(folded: str):
    """The candidate matches, in order, without overlap (as `finditer` would give them)."""
    done = 0
    for hot in _hot_spots(folded):
        if hot < done:
            continue
        start = hot
        while start > done and folded[start - 1] in " \t:[]()":  # spaces; a scheme's ":", "[:]"
            start -= 1
        while start > done and (folded[start - 1].isalnum() or folded[start - 1] in _LABEL_CHARS):
            start -= 1
        match = CANDIDATE.match(folded, start)
        if match is not None:
            done = match.end()
            yield match


class Folding:
    """Where each character of a folded text came from, kept as segments, not per character.

    A stretch of ASCII maps one to one; each non-ASCII character is a
    segment of its own (NFKC may turn it into several characters, all from
    it). `marks` notes where a folding rule changed or dropped a character.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []  # folded offset where each segment starts
        self.segments: list[tuple[int, bool]] = []  # (original offset, maps one to one?)
        self.marks: list[tuple[int, str]] = []  # (folded offset, rule)

    def add(self, folded_at: int, original_at: int, linear: bool) -> None:
        self.starts.append(folded_at)
        self.segments.append((original_at, linear))

    def original(self, at: int) -> int:
        i = bisect_right(self.starts, at) - 1
        original, linear = self.segments[i]
        return original + (at - self.starts[i]) if linear else original

    def rules_in(self, start: int, end: int) -> list[str]:
        """Folding rules that touched the folded text [start, end) (marks are in order)."""
        first = bisect_left(self.marks, (start, ""))
        last = bisect_left(self.marks, (end, ""))
        return list(dict.fromkeys(rule for _, rule in self.marks[first:last]))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold_characters(text: str) -> tuple[str, Folding | None]:
    """Zero-width characters dropped and NFKC applied per non-ASCII character, with origins."""
    if text.isascii():
        return text, None
    folding, out, folded_at, position = Folding(), [], 0, 0
    for run in _NON_ASCII.finditer(text):
        if run.start() > position:
            folding.add(folded_at, position, True)
            out.append(text[position:run.start()])
            folded_at += run.start() - position
        for index in range(run.start(), run.end()):
            char = text[index]
            if char in ZERO_WIDTH:
                folding.marks.append((folded_at, "zero_width"))
                continue
            folded = unicodedata.normalize("NFKC", char)
            folding.add(folded_at, index, False)
            if folded != char:
                folding.marks.append((folded_at, "fullwidth"))
            out.append(folded)
            folded_at += len(folded)
        position = run.end()
    folding.add(folded_at, position, True)
    out.append(text[position:])
    return "".join(out), folding


def _span(folding: Folding | None, start: int, end: int) -> tuple[int, int]:
    """Offsets in the folded text back to offsets in the original."""
    if folding is None:
        return start, end
    first = folding.original(start)
    return first, (folding.original(end - 1) + 1) if end > start else first


def _candidate(text: str, folded: str, folding: Folding | None,
               match: re.Match) -> Found | None:
    candidate = match.group(0)
    if _PLAIN_HOST.fullmatch(match.group("host")) and not public_suffixes().is_tld(
            match.group("host").rsplit(".", 1)[-1]):
        return _shorter(text, folded, folding, match)  # fast: "3.50", "v1.2"
    try:
        normal = parse_url(candidate)
    except NotALink:
        return _shorter(text, folded, folding, match)
    end = match.start() + len(candidate.rstrip()) - _trimmed(candidate, normal)
    start, raw_end = _span(folding, match.start(), end)
    raw = text[start:raw_end]
    rules = _merge_rules(folding, match.start(), end, normal.rules)
    email = _email_local(folded, match.start()) if not normal.explicit_scheme else None
    if email is not None:
        local, local_at, spelled = email
        if match.group("path") or normal.is_ip or normal.port is not None:
            return None
        local_start = _span(folding, local_at, match.start())[0]
        rules = ([spelled] if spelled else []) + [r for r in rules if r != "missing_scheme"]
        return Found(local_start, raw_end, text[local_start:raw_end], "email",
                     f"{local}@{normal.host}", normal, tuple(rules), confidence_of(rules),
                     context_of(text, local_start, raw_end))
    if not _plausible(normal, rules, match, folded[match.end():match.end() + 1]):
        return None
    return Found(start, raw_end, raw, "url", normal.url, normal, tuple(rules),
                 confidence_of(rules), context_of(text, start, raw_end))


def _shorter(text: str, folded: str, folding: Folding | None, match: re.Match) -> Found | None:
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
    return _candidate(text, folded, folding, shorter)


def _trimmed(candidate: str, normal: NormalURL) -> int:
    """How many characters trailing punctuation took off the end of the candidate."""
    if "trailing_punctuation" not in normal.rules:
        return 0
    stripped = candidate.rstrip()
    return len(stripped) - len(trailing_punctuation(stripped))


def _merge_rules(folding: Folding | None, start: int, end: int,
                 rules: tuple[str, ...]) -> list[str]:
    merged = folding.rules_in(start, end) if folding is not None else []
    merged.extend(r for r in rules if r not in merged)
    return merged


def _email_local(folded: str, start: int) -> tuple[str, int, str | None] | None:
    """The local part of an e-mail address whose host starts at `start`: (local, its start, rule).

    "user@host", and the spam-proofed "user (at) host", "user [at] host", and
    "user at host" where the local part cannot be an ordinary word ("look at
    bad.site" is a link): it has a dot, plus, digit or underscore, or sits in
    angle brackets as in a mail header ("<dmitry at gmail.com>").
    """
    if start > 0 and folded[start - 1] == "@":
        local = _EMAIL_LOCAL.search(folded, max(0, start - 80), start - 1)
        if local and local.group(0).strip("."):
            return local.group(0), local.start(), None
        return None
    spelled = _SPELLED_AT.search(folded, max(0, start - 90), start)
    if spelled is None or not spelled.group("local").strip("."):
        return None
    local = spelled.group("local")
    if spelled.group("bracket") or spelled.group("angle") or any(
            c in local for c in ".+_") or any(c.isdigit() for c in local):
        return local, spelled.start("local"), "spelled_at"
    return None


def _plausible(normal: NormalURL, rules: list[str], match: re.Match, after: str) -> bool:
    """The guards against prose, version numbers and file names (module docstring)."""
    # Even a lone "/" says URL; a "?" that ends a sentence does not.
    has_path = normal.path != "/" or trailing_punctuation(match.group("path") or "").startswith("/")
    # A port does not anchor: "const.cc:7" is a file and a line number.
    # So does a defanging trick ("bad[.]to"): nobody brackets the dot of a file name.
    anchored = normal.explicit_scheme or normal.host.startswith("www.") or has_path \
        or not STRONG_RULES.isdisjoint(rules)
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
    if tld in file_extensions() or tld in WORD_TLDS or after in CODE_AFTER:
        return False
    if len(tld) > 2 and tld not in BARE_GTLDS and not tld.startswith("xn--"):
        return False  # "datetime.date", "pool.map": code, not a host named without a scheme
    if sum(label.isdigit() for label in labels) >= 2:  # "libfoo-2.5.1.dev": a version
        return False
    return not _sentence_start(match.group("host"))


def _sentence_start(host: str) -> bool:
    """"home.Now", "logging.INFO": a lower-case word, a dot, a capitalised or upper-case word.

    A missing space after a full stop, or a constant in code; not a host.
    """
    parts = re.split(r"[.\u3002\uff61]", host)
    last, before = parts[-1], parts[-2] if len(parts) > 1 else ""
    return len(last) > 1 and last[0].isupper() and before.islower()  # not "BadSite.Com"


def confidence_of(rules) -> LinkConfidence:
    if any(rule not in NORMALISING_RULES for rule in rules):
        return LinkConfidence.DECODED
    return LinkConfidence.PLAIN


def context_of(text: str, start: int, end: int) -> str:
    """Up to CONTEXT_CHARS either side of a link, whitespace collapsed."""
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    return " ".join(f"{before}{text[start:end]}{after}".split())


def _partials(text: str, found: list[Found]) -> list[Found]:
    """"go to content/123 on the website": a path with no host, after words that point to it.

    Paths are found from their slashes (a quick scan), then the words before
    them are checked for a cue.
    """
    taken = [(f.start, f.end) for f in found]
    partials, done = [], 0
    for slash in _SLASH_BETWEEN.finditer(text):
        if slash.start() < done:
            continue
        start = slash.start()
        while start > done and (text[start - 1].isalnum() or text[start - 1] in "_-~"):
            start -= 1
        if start > 0 and text[start - 1] == "/":
            start -= 1
        match = _PATH_TOKEN.match(text, start)
        if match is None or (start > 0 and text[start - 1] in ".:%@\\"):
            continue
        path = trailing_punctuation(match.group(0))
        done, end = match.end(), start + len(path)
        if any(s < end and start < e for s, e in taken) or not _path_like(path) \
                or not _CUE.search(text, max(0, start - 60), start):
            continue
        url = path if path.startswith("/") else "/" + path
        partials.append(Found(start, end, path, "url", url, None, ("partial_path",),
                              LinkConfidence.PARTIAL, context_of(text, start, end)))
    return partials


LOCAL_ROOTS = frozenset(
    "usr etc home var opt tmp bin sbin lib lib64 dev proc sys mnt media srv root run boot "
    "Users Library Applications System Volumes private".split())


def _path_like(path: str) -> bool:
    """A path, not "and/or", "24/7", a date or a local file ("/usr/share/doc/…").

    A letter and a digit in it, or three segments.
    """
    segments = [s for s in path.strip("/").split("/") if s]
    if path.startswith("/") and segments[0] in LOCAL_ROOTS:
        return False
    if all(s.isdigit() for s in segments):
        return False
    has_digit = any(c.isdigit() for c in path)
    has_alpha = any(c.isalpha() for c in path)
    return has_alpha and (has_digit or len(segments) >= 3)
