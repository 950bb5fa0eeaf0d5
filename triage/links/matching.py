"""Links against URL block lists, at three levels reported apart: exact, host + path prefix, domain.

- exact: the link's match key (normal form without scheme and leading
  `www.`) equals the entry's;
- prefix: same host (without `www.`) and the entry's path is a prefix of the
  link's, ending at a segment boundary ("/content" covers "/content/1" and
  "/content?x", not "/contents"); an entry with no path ("bad.site")
  covers the whole host;
- domain: same registrable domain (public-suffix list).

A (link, entry) pair is recorded once, at the strongest level it reaches:
the levels are inserted strongest first and the pair is unique.

Hashed lists hold digests of normalised URLs, and we cannot know how the
list's maker wrote them (scheme or not, `www.` or not), so each link is
hashed in every spelling of its normal form (README.md, "Hashed lists"):
its URL, each path prefix, its domain; a digest found in the list is a match
at the level of the spelling that gave it.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from triage.case.models import Link, LinkList, LinkListEntry, LinkMatch, LinkMatchLevel
from triage.links.normal import NormalURL, NotALink, parse_url

LEVELS = (LinkMatchLevel.EXACT, LinkMatchLevel.PREFIX, LinkMatchLevel.DOMAIN)
PAGE = 2000
_COLUMNS = ["link_id", "link_list_id", "entry_id", "level"]


def match_links(session: Session, list_ids: Iterable[int] | None = None,
                after_link: int = 0) -> dict[str, int]:
    """Record matches of links with id > `after_link` against the lists (all when None).

    Returns the number of new matches at each level.
    """
    query = select(LinkList.id, LinkList.digest)
    if list_ids is not None:
        query = query.where(LinkList.id.in_(list(list_ids)))
    lists = session.execute(query).all()
    counts = {level.value: 0 for level in LEVELS}
    plain = [row.id for row in lists if row.digest is None]
    if plain:
        for level in LEVELS:
            counts[level.value] += _insert(session, _plain_query(level, plain, after_link))
    for row in lists:
        if row.digest is not None:
            for level, n in _match_hashed(session, row.id, row.digest, after_link).items():
                counts[level] += n
    return counts


def _level(level: LinkMatchLevel):
    return literal(level, type_=LinkMatch.__table__.c.level.type)


def _plain_query(level: LinkMatchLevel, list_ids: list[int], after_link: int) -> Select:
    entry = LinkListEntry
    base = select(Link.id, entry.link_list_id, entry.id, _level(level))
    where = [Link.kind == "url", Link.id > after_link, entry.link_list_id.in_(list_ids)]
    if level is LinkMatchLevel.EXACT:
        return base.join(entry, entry.match_key == Link.match_key).where(*where)
    if level is LinkMatchLevel.DOMAIN:
        return base.join(entry, entry.domain == Link.domain).where(*where)
    n = func.length(entry.path)
    boundary = or_(func.length(Link.path) == n, func.substr(entry.path, n, 1) == "/",
                   func.substr(Link.path, n + 1, 1).in_(["/", "?"]))
    return (base.join(entry, entry.host_key == Link.host_key)
            .where(*where, entry.path.is_not(None),
                   func.substr(Link.path, 1, n) == entry.path, boundary))


def _insert(session: Session, query: Select) -> int:
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = (dialect_insert(LinkMatch).from_select(_COLUMNS, query)
                 .on_conflict_do_nothing(index_elements=["link_id", "entry_id"]))
    # preserve_rowcount: psycopg reports an INSERT…SELECT's count only when asked to keep it
    return session.execute(statement.execution_options(preserve_rowcount=True)).rowcount or 0


# -- hashed lists ---------------------------------------------------------------------------


def spellings(normal: NormalURL) -> Iterator[tuple[str, LinkMatchLevel]]:
    """Every way a list maker may have written this link (or a prefix, or its domain)."""
    port = "" if normal.port is None else f":{normal.port}"
    hosts = {normal.host, normal.host_key, "www." + normal.host_key}
    paths = [(normal.path, LinkMatchLevel.EXACT)]
    if normal.path == "/":
        paths.append(("", LinkMatchLevel.EXACT))
    paths.extend((p, LinkMatchLevel.PREFIX) for p in _prefixes(normal.path))
    for host in hosts:
        for path, level in paths:
            for scheme in ("http://", "https://", ""):
                yield f"{scheme}{host}{port}{path}", level
    for host in {normal.domain, "www." + normal.domain}:
        for tail in ("", "/"):
            for scheme in ("http://", "https://", ""):
                yield f"{scheme}{host}{tail}", LinkMatchLevel.DOMAIN


def _prefixes(path: str) -> list[str]:
    """Proper prefixes of a path at segment boundaries, with and without the trailing slash."""
    path = path.split("?", 1)[0]
    out = []
    cut = path.find("/", 1)
    while cut != -1:
        out += [path[:cut], path[:cut + 1]]
        cut = path.find("/", cut + 1)
    if "?" in path or out or path not in ("/", ""):
        out += ["/", ""]
    return [p for p in dict.fromkeys(out)]


def _match_hashed(session: Session, list_id: int, algorithm: str,
                  after_link: int) -> dict[str, int]:
    counts = {level.value: 0 for level in LEVELS}
    last = after_link
    while True:
        links = session.execute(select(Link.id, Link.url).where(
            Link.kind == "url", Link.id > last, Link.host.is_not(None))
            .order_by(Link.id).limit(PAGE)).all()
        if not links:
            return counts
        last = links[-1].id
        wanted: dict[str, list[tuple[int, LinkMatchLevel]]] = {}
        for link in links:
            for digest, level in _digests(link.url, algorithm):
                wanted.setdefault(digest, []).append((link.id, level))
        best: dict[tuple[int, int], LinkMatchLevel] = {}
        keys = list(wanted)
        for start in range(0, len(keys), 500):
            for entry_id, digest in session.execute(
                    select(LinkListEntry.id, LinkListEntry.digest).where(
                        LinkListEntry.link_list_id == list_id,
                        LinkListEntry.digest.in_(keys[start:start + 500]))):
                for link_id, level in wanted[digest]:
                    pair = (link_id, entry_id)
                    if pair not in best or LEVELS.index(level) < LEVELS.index(best[pair]):
                        best[pair] = level
        for level in LEVELS:
            rows = [{"link_id": l, "link_list_id": list_id, "entry_id": e, "level": level}
                    for (l, e), lv in best.items() if lv is level]
            if rows:
                counts[level.value] += _insert_rows(session, rows)


def _digests(url: str, algorithm: str) -> Iterable[tuple[str, LinkMatchLevel]]:
    try:
        normal = parse_url(url)
    except NotALink:
        return ()
    out: dict[str, LinkMatchLevel] = {}
    for text, level in spellings(normal):
        digest = hashlib.new(algorithm, text.encode("utf-8")).hexdigest()
        if digest not in out or LEVELS.index(level) < LEVELS.index(out[digest]):
            out[digest] = level
    return out.items()


def _insert_rows(session: Session, rows: list[dict]) -> int:
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(LinkMatch).on_conflict_do_nothing(
        index_elements=["link_id", "entry_id"])
    before = session.scalar(select(func.count()).select_from(LinkMatch))
    session.execute(statement, rows)
    return session.scalar(select(func.count()).select_from(LinkMatch)) - before

