"""The questions the Links view, the CLI and the export ask: filtered pages of links, counts.

No Qt here: a GUI model calls `query_links` from a worker thread with a
read-only session (`store.reading()`) and pages with `after_id` (keyset:
the last row's id), then shows the rows. Each row carries what is needed to
jump to its source file (`file_id`, evidence name, path).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from triage.case.models import (
    Evidence,
    File,
    Link,
    LinkConfidence,
    LinkList,
    LinkListEntry,
    LinkMatch,
    LinkMatchLevel,
)


@dataclass(frozen=True)
class LinkFilter:
    """Which links to show; None means either way."""

    matched: bool | None = None
    level: str | None = None  # with matched: only matches at this level ("exact", …)
    shortened: bool | None = None
    deobfuscated: bool | None = None  # confidence "decoded"
    partial: bool | None = None
    domain: str | None = None  # registrable domain, or any host under it
    text: str | None = None  # substring of the normal form
    kind: str | None = "url"  # "url", "email", or None for both
    media_id: int | None = None


@dataclass(frozen=True)
class LinkHit:
    """One block-list match of a link."""

    list_name: str
    level: str
    category: str | None
    entry: str  # the entry as the list wrote it

    def describe(self) -> str:
        category = f" [{self.category}]" if self.category else ""
        return f"{self.list_name}: {self.level}{category} ({self.entry})"


@dataclass(frozen=True)
class LinkRow:
    id: int
    kind: str
    url: str
    raw: str
    host: str | None
    domain: str | None
    confidence: str
    rules: tuple[str, ...]
    shortened: bool
    extractor: str
    offset: int | None
    line: int | None
    location: str | None
    context: str
    media_id: int
    file_id: int | None
    evidence: str | None
    path: str | None
    extra: dict | None
    matches: tuple[LinkHit, ...] = field(default=())

    def matches_at(self, level: str) -> tuple[LinkHit, ...]:
        return tuple(m for m in self.matches if m.level == level)

    @property
    def display_url(self) -> str:
        """The URL with an internationalised host in Unicode (stored in punycode)."""
        return display_url(self.url)


def display_url(url: str) -> str:
    if "xn--" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    try:
        host = host.encode("ascii").decode("idna")
    except UnicodeError:
        return url
    return f"{scheme}{sep}{host}{slash}{path}"


def _filtered(query: Select, f: LinkFilter) -> Select:
    if f.kind:
        query = query.where(Link.kind == f.kind)
    if f.media_id is not None:
        query = query.where(Link.media_id == f.media_id)
    if f.matched is not None:
        matched = select(LinkMatch.id).where(LinkMatch.link_id == Link.id)
        if f.level:
            matched = matched.where(LinkMatch.level == LinkMatchLevel(f.level))
        query = query.where(matched.exists() if f.matched else ~matched.exists())
    if f.shortened is not None:
        query = query.where(Link.shortened.is_(f.shortened))
    if f.deobfuscated is not None:
        decoded = Link.confidence == LinkConfidence.DECODED
        query = query.where(decoded if f.deobfuscated else ~decoded)
    if f.partial is not None:
        partial = Link.confidence == LinkConfidence.PARTIAL
        query = query.where(partial if f.partial else ~partial)
    if f.domain:
        domain = f.domain.lower().strip(".")
        query = query.where(or_(Link.domain == domain, Link.host == domain,
                                Link.host.like("%." + domain)))
    if f.text:
        query = query.where(Link.url.contains(f.text, autoescape=True))
    return query


def query_links(session: Session, where: LinkFilter = LinkFilter(), limit: int | None = 500,
                after_id: int = 0) -> list[LinkRow]:
    """A page of links in id order (keyset paging: pass the last row's id as `after_id`)."""
    query = _filtered(
        select(Link, Evidence.name.label("evidence"), File.path.label("file_path"))
        .outerjoin(File, File.id == Link.file_id)
        .outerjoin(Evidence, Evidence.id == File.evidence_id)
        .where(Link.id > after_id).order_by(Link.id), where)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    hits = _matches(session, [row.Link.id for row in rows])
    return [_row(row.Link, row.evidence, row.file_path, hits.get(row.Link.id, ()))
            for row in rows]


def iter_links(session: Session, where: LinkFilter = LinkFilter(), page: int = 2000):
    """Every link the filter lets through, a page at a time (for exports)."""
    after = 0
    while True:
        rows = query_links(session, where, page, after)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1].id


def _matches(session: Session, link_ids: list[int]) -> dict[int, tuple[LinkHit, ...]]:
    if not link_ids:
        return {}
    out: dict[int, list[LinkHit]] = {}
    for start in range(0, len(link_ids), 900):
        for link_id, name, level, category, list_category, raw in session.execute(
                select(LinkMatch.link_id, LinkList.name, LinkMatch.level, LinkListEntry.category,
                       LinkList.category, LinkListEntry.raw)
                .join(LinkList, LinkList.id == LinkMatch.link_list_id)
                .join(LinkListEntry, LinkListEntry.id == LinkMatch.entry_id)
                .where(LinkMatch.link_id.in_(link_ids[start:start + 900]))
                .order_by(LinkMatch.link_id, LinkMatch.level, LinkList.name)):
            out.setdefault(link_id, []).append(
                LinkHit(name, level.value, category or list_category, raw))
    return {k: tuple(v) for k, v in out.items()}


def _row(link: Link, evidence: str | None, path: str | None, hits) -> LinkRow:
    return LinkRow(link.id, link.kind, link.url, link.raw, link.host, link.domain,
                   link.confidence.value, tuple(link.rules), link.shortened, link.extractor,
                   link.offset, link.line, link.location, link.context, link.media_id,
                   link.file_id, evidence, path, link.extra, hits)


def link_counts(session: Session) -> dict[str, int]:
    """Totals for a summary line or the view's filter buttons."""
    def count(query) -> int:
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    urls = select(Link.id).where(Link.kind == "url")
    counts = {
        "links": count(urls),
        "emails": count(select(Link.id).where(Link.kind == "email")),
        "decoded": count(urls.where(Link.confidence == LinkConfidence.DECODED)),
        "partial": count(urls.where(Link.confidence == LinkConfidence.PARTIAL)),
        "shortened": count(urls.where(Link.shortened.is_(True))),
        "matched": count(select(LinkMatch.link_id).distinct()),
    }
    for level in LinkMatchLevel:
        counts[f"matched_{level.value}"] = count(
            select(LinkMatch.link_id).where(LinkMatch.level == level).distinct())
    return counts
