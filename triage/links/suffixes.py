"""The public-suffix list, read offline from the snapshot shipped in resources/links.

Which labels of a host are a public suffix decides two things: whether a
dotted word can be a host at all (its last label must be a real top-level
domain), and which part of it is the registrable domain that block lists
are matched on at the `domain` level. The snapshot is read from disk only:
nothing here ever fetches a newer list (no library that might do so is
used). `onion` (RFC 7686) is added: hidden services are common in casework.
"""

from __future__ import annotations

from functools import lru_cache

from triage.paths import resources_dir

RESOURCES = resources_dir() / "links"
SNAPSHOT = RESOURCES / "public_suffix_list.dat"
SPECIAL_USE = ("onion",)


def to_ascii_label(label: str) -> str:
    """A label in A-label (punycode) form; ASCII labels unchanged."""
    if label.isascii():
        return label
    return label.encode("idna").decode("ascii")


class PublicSuffixList:
    """The rules of the list (ICANN and private sections), in A-label form."""

    def __init__(self, lines):
        self.rules: set[str] = set()
        self.exceptions: set[str] = set()
        self.tlds: set[str] = set(SPECIAL_USE)
        self.rules.update(SPECIAL_USE)
        for line in lines:
            rule = line.strip().split(" ")[0]
            if not rule or rule.startswith("//"):
                continue
            rule = self._ascii(rule.lower())
            if rule is None:
                continue
            if rule.startswith("!"):
                self.exceptions.add(rule[1:])
            else:
                self.rules.add(rule)
            self.tlds.add(rule.rsplit(".", 1)[-1].lstrip("!"))

    @staticmethod
    def _ascii(rule: str) -> str | None:
        try:
            return ".".join(label if label in ("*", "!") or label.startswith("!") and label.isascii()
                            else to_ascii_label(label) for label in rule.split("."))
        except UnicodeError:
            return None

    def is_tld(self, label: str) -> bool:
        return label.lower() in self.tlds

    def public_suffix(self, host: str) -> str | None:
        """The longest public suffix of `host` (A-label form), or None if its TLD is unknown."""
        labels = host.lower().split(".")
        if labels[-1] not in self.tlds:
            return None
        for i in range(len(labels)):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return ".".join(labels[i + 1:])
            if candidate in self.rules:
                return candidate
            if i + 1 < len(labels) and "*." + ".".join(labels[i + 1:]) in self.rules:
                return candidate
        return labels[-1]

    def registrable_domain(self, host: str) -> str | None:
        """The public suffix plus one label: what one registrant controls."""
        suffix = self.public_suffix(host)
        if suffix is None:
            return None
        labels = host.lower().split(".")
        size = suffix.count(".") + 1
        if len(labels) <= size:
            return None
        return ".".join(labels[-size - 1:])


@lru_cache(maxsize=1)
def public_suffixes() -> PublicSuffixList:
    with open(SNAPSHOT, encoding="utf-8") as handle:
        return PublicSuffixList(handle)
