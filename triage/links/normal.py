"""The normal form of a URL: what links are stored as and block lists are matched on.

See triage/links/README.md for the definition. `parse_url` takes any text
that is meant to be one URL (a candidate cut out of prose, a browser
history row, a block-list line), undoes its obfuscation with the named
rules, and returns the normal form with the rules it needed; text that
cannot be a URL raises `NotALink` with the reason.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from triage.links.rules import (
    apply_text_rules,
    confusables,
    trailing_punctuation,
    url_encoding_host,
    url_encoding_path,
)
from triage.links.suffixes import public_suffixes

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*)://", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):(?!\d)", re.IGNORECASE)  # mailto:, file:
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class NotALink(ValueError):
    """Text that is not a URL, with the reason."""


@dataclass(frozen=True)
class NormalURL:
    """A URL in normal form, and the parts block lists are matched on."""

    scheme: str
    host: str  # lower-case; A-labels (punycode) for internationalised names; or an IP
    port: int | None  # None when it is the scheme's default
    path: str  # path (at least "/") and "?query" as found; never the fragment
    domain: str  # registrable domain (public suffix + one label); the IP for an IP host
    is_ip: bool = False
    rules: tuple[str, ...] = field(default=(), compare=False)
    explicit_scheme: bool = field(default=True, compare=False)

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.path}"

    @property
    def host_key(self) -> str:
        """The host without a leading `www.`: lists match with and without it."""
        return self.host[4:] if self.host.startswith("www.") and self.host.count(".") > 1 \
            else self.host

    @property
    def match_key(self) -> str:
        """What an exact match compares: host without `www.`, port, path and query; no scheme."""
        host = f"[{self.host_key}]" if ":" in self.host_key else self.host_key
        port = "" if self.port is None else f":{self.port}"
        return f"{host}{port}{self.path}"

    @property
    def display_host(self) -> str:
        """The host as a person reads it (U-labels)."""
        try:
            return self.host.encode("ascii").decode("idna") if "xn--" in self.host else self.host
        except UnicodeError:
            return self.host

    @property
    def tld(self) -> str:
        return self.host.rsplit(".", 1)[-1]


def parse_url(text: str) -> NormalURL:
    """`text` (one URL, perhaps obfuscated) in normal form; raises `NotALink`."""
    text, rules = apply_text_rules(text.strip())
    trimmed = trailing_punctuation(text)
    if trimmed != text:
        rules.append("trailing_punctuation")
        text = trimmed
    explicit = _SCHEME.match(text) is not None
    if not explicit:
        if "://" in text or text.startswith(("//", "/")):
            raise NotALink("no host")
        other = _OTHER_SCHEME.match(text)
        if other:
            raise NotALink(f"scheme {other.group(1).lower()!r} is not a web link")
        if "@" in text.split("/", 1)[0]:
            raise NotALink("an e-mail address, not a link")
        text = "http://" + text
        rules.append("missing_scheme")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise NotALink(str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise NotALink(f"scheme {scheme!r} is not a web link")
    host, port = _host_and_port(parts.netloc, scheme)
    host, is_ip, host_rules = normal_host(host)
    rules.extend(host_rules)
    path = parts.path or "/"
    decoded = url_encoding_path(path)
    if decoded != path and "url_encoding" not in rules:
        rules.append("url_encoding")
    if parts.query:
        decoded += "?" + parts.query
    domain = host if is_ip else (public_suffixes().registrable_domain(host) or host)
    return NormalURL(scheme, host, port, decoded, domain, is_ip, tuple(rules), explicit)


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    hostport = netloc.rsplit("@", 1)[-1]  # user-info is not part of where the link goes
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = hostport.partition(":")
    port = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise NotALink(f"bad port {port_text!r}")
        port = int(port_text)
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return host, port


def normal_host(host: str) -> tuple[str, bool, list[str]]:
    """(host in normal form, is it an IP address, host rules applied); raises `NotALink`."""
    rules = []
    try:
        decoded = url_encoding_host(host)
    except UnicodeDecodeError:
        raise NotALink("host escapes are not UTF-8") from None
    if decoded != host:
        rules.append("url_encoding")
        host = decoded
    host = host.rstrip(".").lower()
    if not host:
        raise NotALink("no host")
    ip = _ip(host)
    if ip is not None:
        return ip, True, rules
    labels = host.split(".")
    ascii_tld = labels[-1].isascii()
    folded = [confusables(label, ascii_tld) for label in labels]
    if folded != labels:
        rules.append("confusables")
        labels = folded
    if not all(label.isascii() for label in labels):
        try:
            labels = [label if label.isascii() else label.encode("idna").decode("ascii")
                      for label in labels]
        except UnicodeError:
            raise NotALink("host is not a valid internationalised name") from None
        rules.append("idna")
    host = ".".join(labels).lower()
    _check_host(host)
    return host, False, rules


def _ip(host: str) -> str | None:
    if not (host[-1].isdigit() or ":" in host):
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _check_host(host: str) -> None:
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253:
        raise NotALink("a host needs a name and a top-level domain")
    if not all(_LABEL.match(label) for label in labels):
        raise NotALink("host has a label that is not letters, digits and inner hyphens")
    if labels[-1].startswith("xn--"):
        _check_punycode(labels[-1])
    elif not labels[-1].isalpha():
        raise NotALink("top-level domain is not letters")
    if not public_suffixes().is_tld(labels[-1]):
        raise NotALink(f"unknown top-level domain {labels[-1]!r}")
    for label in labels:
        if label.startswith("xn--"):
            _check_punycode(label)


def _check_punycode(label: str) -> None:
    try:
        label.encode("ascii").decode("idna")
    except UnicodeError:
        raise NotALink(f"{label!r} is not valid punycode") from None
