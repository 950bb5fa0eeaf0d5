"""URL shorteners: a link on one is flagged *shortened*; where it leads cannot be known offline.

The list is data (resources/links/shorteners.txt, one host per line, `#`
comments); an examiner adds hosts there or in a file of their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from triage.links.suffixes import RESOURCES

SHIPPED = RESOURCES / "shorteners.txt"


def read_hosts(path: Path | str) -> frozenset[str]:
    with open(path, encoding="utf-8") as handle:
        return frozenset(line.split("#", 1)[0].strip().lower() for line in handle
                         if line.split("#", 1)[0].strip())


@lru_cache(maxsize=8)
def shorteners(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The shipped list plus the hosts in each file of `extra`."""
    hosts = set(read_hosts(SHIPPED))
    for path in extra:
        hosts.update(read_hosts(path))
    return frozenset(hosts)


def is_shortened(host: str | None, hosts: frozenset[str]) -> bool:
    """`host` or one of its parent domains is a shortener (`www.bit.ly` is `bit.ly`)."""
    if not host:
        return False
    labels = host.split(".")
    return any(".".join(labels[i:]) in hosts for i in range(len(labels) - 1))
