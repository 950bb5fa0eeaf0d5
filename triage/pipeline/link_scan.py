"""Scan a case's contents for links: resumable, once per content, matched and audited.

The store is the work list, as for ingest: a content (media row) is
scanned when it has no `link_scan` row (or one from an older scanner
version). Its links and its `link_scan` row are written in the same
transaction, so a scan killed at any moment is finished by running it
again, with nothing lost or doubled, and running it on a scanned case does
nothing. Each content is read once, from its first instance that ingest
read whole, through the same locator and reader as ingest
(`triage.pipeline.content`): read-only, whatever the evidence format.

Pictures and videos are not scanned unless asked (`media_strings`): their
bytes are compressed data, and strings of them give noise, not links.

After the scan, the new links are matched against every URL list of the
case; the run, its counts and the matches per list and level are one
audit entry.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace

from sqlalchemy import delete, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.models import File, Link, LinkList, LinkMatch, LinkScan, Media, WorkStatus
from triage.case.store import CaseStore, current_examiner
from triage.evidence import ContentReader, Locator
from triage.links.matching import match_links
from triage.links.shorteners import is_shortened, shorteners
from triage.links.sources import Extraction, Hit, Limits, extract
from triage.pipeline.content import locator, locator_query
from triage.pipeline.progress import ProgressCallback, ProgressTracker
from triage.processes import die_with_parent

SCANNER_VERSION = 1
PARALLEL_BYTES = 256 << 20  # more than this to scan: worker processes pay for their start
PAGE = 500
MEDIA_TYPES = ("image/", "video/")


@dataclass
class ScanOptions:
    limits: Limits = field(default_factory=Limits)
    media_strings: bool = False  # also scan pictures and videos for strings
    shorteners: tuple[str, ...] = ()  # files of extra shortener hosts
    workers: int | None = None  # processes; None: one, or one per core past PARALLEL_BYTES
    commit_every: int = 200
    commit_seconds: float = 2.0


@dataclass
class ScanSummary:
    contents: int = 0
    links: int = 0
    emails: int = 0
    errors: int = 0
    skipped: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0
    matches: dict = field(default_factory=dict)
    cancelled: bool = False

    @property
    def rate(self) -> float:
        """MB/s of content read."""
        return self.bytes_scanned / 1e6 / self.seconds if self.seconds > 0 else 0.0


def scan_links(store: CaseStore, examiner: str | None = None, options: ScanOptions | None = None,
               progress: ProgressCallback | None = None,
               cancel: threading.Event | None = None) -> ScanSummary:
    """Scan every content not scanned yet, then match the new links; see the module docstring."""
    started = time.perf_counter()
    examiner, options = examiner or current_examiner(), options or ScanOptions()
    cancel = cancel or threading.Event()
    summary = ScanSummary()
    if not options.media_strings:
        summary.skipped = _skip_media(store)
    with store.reading() as session:
        first_new_link = session.scalar(select(func.max(Link.id))) or 0
        items, nbytes = session.execute(
            select(func.count(), func.coalesce(func.sum(Media.size), 0))
            .where(_pending(options))).one()
    if options.workers is None:
        options = replace(options, workers=1 if nbytes < PARALLEL_BYTES
                          else min(os.cpu_count() or 1, 8))
    tracker = ProgressTracker("links", int(items), int(nbytes), progress)
    hosts = shorteners(tuple(options.shorteners))
    batch: list[tuple[int, int | None, Extraction | None, str | None]] = []
    last_commit = time.monotonic()
    for media_id, file_id, extraction, error in _results(store, options, cancel):
        batch.append((media_id, file_id, extraction, error))
        tracker.advance(1, extraction.bytes_scanned if extraction else 0)
        if len(batch) >= options.commit_every or \
                time.monotonic() - last_commit >= options.commit_seconds:
            _write(store, batch, hosts, summary)
            batch, last_commit = [], time.monotonic()
    if batch:
        _write(store, batch, hosts, summary)
    tracker.emit()
    summary.cancelled = cancel.is_set()
    summary.seconds = time.perf_counter() - started
    if summary.contents or summary.skipped:
        _match_and_audit(store, examiner, first_new_link, summary)
    return summary


def _pending(options: ScanOptions):
    """Contents with no current scan record (skipped media count as pending when asked for)."""
    current = select(LinkScan.media_id).where(
        LinkScan.media_id == Media.id, LinkScan.version >= SCANNER_VERSION)
    if options.media_strings:
        current = current.where(LinkScan.status != WorkStatus.SKIPPED)
    return ~exists(current)


def _is_media_type():
    return or_(*(Media.detected_type.like(prefix + "%") for prefix in MEDIA_TYPES))


def _skip_media(store: CaseStore) -> int:
    """Record pictures and videos as skipped, in one statement."""
    status = literal(WorkStatus.SKIPPED, type_=LinkScan.__table__.c.status.type)
    query = (select(Media.id, status, literal(SCANNER_VERSION), literal(utcnow()))
             .where(_is_media_type(),
                    ~exists(select(LinkScan.media_id).where(LinkScan.media_id == Media.id))))
    with store.session() as session:
        return session.execute(insert(LinkScan).from_select(
            ["media_id", "status", "version", "scanned_at"], query)
            .execution_options(preserve_rowcount=True)).rowcount or 0  # -1 on psycopg without


def _pending_contents(store: CaseStore, options: ScanOptions):
    """(media id, locator row of its first fully read instance or None), a page at a time."""
    last = 0
    while True:
        with store.reading() as session:
            ids = list(session.scalars(select(Media.id).where(_pending(options), Media.id > last)
                                       .order_by(Media.id).limit(PAGE)))
            if not ids:
                return
            first_file = (select(File.media_id, func.min(File.id).label("file_id"))
                          .where(File.media_id.in_(ids), File.status == WorkStatus.DONE)
                          .group_by(File.media_id).subquery())
            rows = {row.media_id: row for row in session.execute(
                locator_query(File.id, File.media_id, File.name)
                .join(first_file, first_file.c.file_id == File.id))}
        for media_id in ids:
            yield media_id, rows.get(media_id)
        last = ids[-1]


def _results(store: CaseStore, options: ScanOptions, cancel: threading.Event):
    """(media id, file id, extraction, error) for each pending content, here or in workers."""
    pending = ((media_id, row.id if row else None, row.name if row else "",
                locator(row) if row else None)
               for media_id, row in _pending_contents(store, options))
    if options.workers <= 1:
        reader = ContentReader()
        try:
            for media_id, file_id, name, where in pending:
                if cancel.is_set():
                    return
                yield (media_id, file_id, *_scan_one(reader, name, where, options.limits))
        finally:
            reader.close()
        return
    yield from _results_in_workers(pending, options, cancel)


def _results_in_workers(pending, options: ScanOptions, cancel: threading.Event):
    """The same, from a pool of processes, each with its own reader (a few jobs each in flight)."""
    pool = ProcessPoolExecutor(options.workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent)
    in_flight: dict[Future, tuple[int, int | None]] = {}
    try:
        exhausted = False
        while True:
            while not exhausted and not cancel.is_set() and len(in_flight) < 4 * options.workers:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                media_id, file_id, name, where = item
                job = pool.submit(_scan_in_worker, name, where, options.limits)
                in_flight[job] = (media_id, file_id)
            if not in_flight:
                return
            done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
            for job in done:
                media_id, file_id = in_flight.pop(job)
                yield (media_id, file_id, *job.result())
            if cancel.is_set():
                for job in in_flight:
                    job.cancel()
                return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_worker_reader: ContentReader | None = None


def _scan_in_worker(name: str, where: Locator | None, limits: Limits):
    global _worker_reader
    if _worker_reader is None:
        _worker_reader = ContentReader()  # kept open between jobs: opening an image is costly
    return _scan_one(_worker_reader, name, where, limits)


def _scan_one(reader: ContentReader, name: str, where: Locator | None, limits: Limits
              ) -> tuple[Extraction | None, str | None]:
    """One content's links, or why it could not be scanned (never raises for bad content)."""
    if where is None:
        return None, "no instance of this content was read whole"
    try:
        return extract(name, lambda: reader.chunks(where), limits), None
    except Exception as exc:  # bad input of any kind is this item's error, not the scan's end
        return None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"


def _write(store: CaseStore, batch, hosts: frozenset[str], summary: ScanSummary) -> None:
    """One transaction: old results of these contents out, their links and scan rows in."""
    media_ids = [item[0] for item in batch]
    link_rows, scan_rows = [], []
    now = utcnow()
    for media_id, file_id, extraction, error in batch:
        hits = extraction.hits if extraction else []
        link_rows.extend(_link_row(media_id, file_id, extraction.extractor, hit, hosts)
                         for hit in hits)
        scan_rows.append({
            "media_id": media_id, "file_id": file_id, "version": SCANNER_VERSION,
            "status": WorkStatus.ERROR if error else WorkStatus.DONE,
            "extractor": extraction.extractor if extraction else None,
            "links": len(hits), "bytes_scanned": extraction.bytes_scanned if extraction else 0,
            "error": error or (extraction.note if extraction else None), "scanned_at": now})
        summary.contents += 1
        summary.errors += bool(error)
        summary.bytes_scanned += extraction.bytes_scanned if extraction else 0
        summary.links += sum(1 for hit in hits if hit.found.kind == "url")
        summary.emails += sum(1 for hit in hits if hit.found.kind == "email")
    with store.session() as session:
        _forget(session, media_ids)
        if link_rows:
            session.execute(insert(Link), link_rows)
        session.execute(insert(LinkScan), scan_rows)


def _forget(session: Session, media_ids: list[int]) -> None:
    old_links = select(Link.id).where(Link.media_id.in_(media_ids))
    session.execute(delete(LinkMatch).where(LinkMatch.link_id.in_(old_links)))
    session.execute(delete(Link).where(Link.media_id.in_(media_ids)))
    session.execute(delete(LinkScan).where(LinkScan.media_id.in_(media_ids)))


def _link_row(media_id: int, file_id: int | None, extractor: str, hit: Hit,
              hosts: frozenset[str]) -> dict:
    found, normal = hit.found, hit.found.normal
    is_url = found.kind == "url" and normal is not None
    return {
        "media_id": media_id, "file_id": file_id, "kind": found.kind, "extractor": extractor,
        "offset": hit.offset, "line": hit.line, "location": hit.location,
        "context": found.context, "raw": found.raw, "url": found.url,
        "host": normal.host if normal else None,
        "host_key": normal.host_key if is_url else None,
        "domain": normal.domain if normal else None,
        "path": normal.path if is_url else (found.url if found.kind == "url" else ""),  # partial
        "match_key": normal.match_key if is_url else None,
        "rules": list(found.rules), "confidence": found.confidence,
        "shortened": is_url and is_shortened(normal.host, hosts),
        "extra": hit.extra,
    }


def _match_and_audit(store: CaseStore, examiner: str, first_new_link: int,
                     summary: ScanSummary) -> None:
    with store.session() as session:
        summary.matches = match_links(session, after_link=first_new_link)
        per_list = dict(session.execute(
            select(LinkList.name, func.count()).select_from(LinkMatch)
            .join(LinkList, LinkList.id == LinkMatch.link_list_id)
            .where(LinkMatch.link_id > first_new_link).group_by(LinkList.name)).all())
        append_audit(session, examiner, "links.scan", target="links", after={
            "scanner_version": SCANNER_VERSION, "contents": summary.contents,
            "links": summary.links, "emails": summary.emails, "errors": summary.errors,
            "skipped_media": summary.skipped, "bytes_scanned": summary.bytes_scanned,
            "cancelled": summary.cancelled, "matches": summary.matches,
            "matches_per_list": per_list,
        })
