"""Hash sets in a case: import (atomic), list, verify, remove; every change audited.

An import is one transaction: the set, all its entries, its matches and the
audit entry are committed together or not at all. A bad record stops the
import and nothing of the file is kept, unless `skip_bad` is given: then the
good entries are kept and each bad one is written to a report (where in the
file, why, and the record's text).

Entries go into the store packed in blocks (`blocks`), a few hundred rows
for millions of entries, packed by the processes that read the file
(`reading`), and are matched here as they are stored (`matching`).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.lists import ImportedLists, RejectedReport, Verification
from triage.case.models import (
    HashSet,
    HashSetBlock,
    HashSetEntry,
    HashSetKind,
    HashSetMatch,
    HashSetNearMatch,
    Media,
)
from triage.case.store import CaseStore, current_examiner
from triage.hashsets.block_store import iter_blocks
from triage.hashsets.blocks import block_leaves, record_numbers, unpack
from triage.hashsets.entries import FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, identify
from triage.hashsets.matching import (
    match_all,
    refresh_verdicts,
    sets_exist,
    store_blocks,
    verdict_counts,
)
from triage.hashsets.media_index import MediaDigests
from triage.hashsets.merkle import SortedLeaves
from triage.hashsets.perceptual import match_near, near_match_counts
from triage.hashsets.reading import reader_for
from triage.hashsets.vpdq import FORMAT as VPDQ_FORMAT
from triage.hashsets.vpdq import recompute as recompute_vpdq
from triage.hashsets.vpdq import remove_videos as remove_vpdq_videos

HASH_SETS = ImportedLists(HashSet, "hash set", HashSetError, action="hashset",
                          target="hash_set", report_prefix="hashset")
CACHE_KIB = 64 * 1024  # SQLite page cache while matching (the match and entry indexes)

Progress = Callable[[int, int, int], None]  # entries so far, bytes read, file size


@dataclass
class ImportResult:
    hash_set_id: int
    name: str
    kind: str
    scheme: str | None
    format: str
    entries: int
    rejected: int
    report: Path | None
    merkle_root: str
    source_sha256: str
    matches: int
    seconds: float
    details: dict = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds > 0 else float("inf")


def import_hash_set(
    store: CaseStore,
    path: Path | str,
    name: str,
    kind: str | HashSetKind | None = None,
    scheme: str | None = None,
    format: str | None = None,
    skip_bad: bool = False,
    report: Path | str | None = None,
    options: ReadOptions | None = None,
    examiner: str | None = None,
    progress: Progress | None = None,
    parallel: bool = True,
) -> ImportResult:
    """Import one file as a new hash set named `name`, match it, audit it; all or nothing.

    With `parallel`, a large file is parsed by a second process while this
    one writes (see `triage.hashsets.reading`).
    """
    started = time.perf_counter()
    path = Path(path)
    examiner = examiner or current_examiner(store)
    options = options or ReadOptions()
    name = HASH_SETS.check_name(name)
    if not path.is_file():
        raise HashSetError(f"{path}: no such file")
    source = Source(path)  # its head, read once, serves detection, the kind and the format
    try:
        fmt, kind = identify(source, format if format or not options.columns else "csv", kind)
        set_kind = HashSetKind(kind)
    except FormatError as exc:
        raise HashSetError(f"{path.name}: {exc}") from None
    report_path = Path(report) if report else HASH_SETS.report_path(store, name) \
        if skip_bad else None
    info = SetInfo()
    try:
        with store.session() as session, _large_cache(session):
            HASH_SETS.refuse_taken(session, name)
            hash_set = HashSet(
                name=name, kind=set_kind, scheme=None, format=fmt.id, source_name=path.name,
                source_sha256="", source_size=path.stat().st_size, entry_count=0,
                rejected_count=0, imported_at=utcnow(), examiner=examiner, merkle_root="",
            )
            session.add(hash_set)
            session.flush()
            reader = reader_for(fmt.id, source, info, options, parallel)
            phases = _Phases()
            counts = _load(session, reader, hash_set.id, MediaDigests(session), skip_bad,
                           report_path, source.path, progress)
            matches = counts[3]
            phases.done("read, write and match entries")
            hash_set.scheme = _resolved_scheme(scheme, info)
            if counts[2] is not None and hash_set.scheme is None:
                raise HashSetError(
                    f"{path.name}: record {counts[2]} has a category but the file does not "
                    f"say under which scheme: name it with --scheme")
            hash_set.entry_count, hash_set.rejected_count = counts[:2]
            hash_set.source_sha256 = reader.outcome.sha256
            hash_set.details = info.details or None
            session.flush()
            refresh_verdicts(session, "SELECT media_id FROM hash_set_match WHERE hash_set_id = "
                             ":set", {"set": hash_set.id})
            near = match_near(session, hash_set.id) if "perceptual" in info.details else None
            phases.done("verdicts and near matches")
            hash_set.merkle_root = reader.outcome.merkle_root  # of the entries written
            HASH_SETS.audit(session, examiner, "import", name, after={
                "name": name, "kind": set_kind.value, "scheme": hash_set.scheme,
                "format": fmt.id, "source": str(path.absolute()),
                "source_sha256": hash_set.source_sha256, "source_size": hash_set.source_size,
                "entries": counts[0], "rejected": counts[1],
                "report": str(report_path) if counts[1] else None,
                "merkle_root": hash_set.merkle_root, "matches": matches,
                **({"near_matches": near} if near is not None else {}),
            })
            result = ImportResult(hash_set.id, name, set_kind.value, hash_set.scheme, fmt.id,
                                  counts[0], counts[1], report_path if counts[1] else None,
                                  hash_set.merkle_root, hash_set.source_sha256, matches, 0.0,
                                  info.details, phases.seconds)
        phases.done("commit")
    except FormatError as exc:  # broken past reading on (e.g. JSON cut short)
        _discard(report_path)
        raise HashSetError(f"{path.name}: {exc}; nothing was imported") from None
    except BaseException:
        _discard(report_path)
        raise
    finally:
        source.close()
    if report_path is not None and not result.rejected:
        _discard(report_path)
    result.seconds = time.perf_counter() - started
    return result


class _Phases:
    """Seconds per step of an import, for the benchmark and the curious.

    Each step gives wall seconds and, as "<step> CPU", this process's CPU
    seconds (all its threads; not the reading processes').
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()

    def done(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[name] = round(now - self._last, 3)
        self.seconds[name + " CPU"] = round(cpu - self._last_cpu, 3)
        self._last, self._last_cpu = now, cpu


@contextmanager
def _large_cache(session: Session):
    """A larger SQLite page cache for matching's index work, given back afterwards."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


def _discard(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def _resolved_scheme(asked: str | None, info: SetInfo) -> str | None:
    if asked and info.scheme and asked != info.scheme:
        raise HashSetError(
            f"the file's data model names the scheme {info.scheme!r}; reading its codes as "
            f"{asked!r} would re-interpret them (leave out --scheme)")
    return asked or info.scheme


def _load(session: Session, reader, hash_set_id: int, media: MediaDigests, skip_bad: bool,
          report_path: Path | None, path: Path, progress: Progress | None
          ) -> tuple[int, int, int | None, int]:
    """Insert the reader's blocks and match them; (entries kept, records rejected, first
    categorised record, matches made)."""
    size = path.stat().st_size
    kept = rejected = matches = 0
    first_category = None
    with RejectedReport(report_path, path) as report:
        for batch in reader:
            if batch.bad:
                if not skip_bad:
                    bad = batch.bad[0]
                    raise HashSetError(
                        f"{path.name}: {bad.where}: {bad.reason}; nothing was imported "
                        f"(--skip-bad imports the good entries and reports the bad ones)")
                for bad in batch.bad:
                    report.write(bad.where, bad.reason, bad.text)
                rejected += len(batch.bad)
            if batch.blocks:
                matches += store_blocks(session, hash_set_id, batch.blocks, media)
                kept += batch.count
            if first_category is None:
                first_category = batch.first_category
            if progress:
                progress(kept, batch.position, size)
    if kept == 0:
        raise HashSetError(f"{path.name}: no entries"
                           + (f" ({rejected} bad records, see the report)" if rejected else ""))
    return kept, rejected, first_category, matches


# -- list, verify, remove -------------------------------------------------------------------


@dataclass(frozen=True)
class HashSetSummary:
    name: str
    kind: str
    scheme: str | None
    format: str
    entries: int
    rejected: int
    matched_media: int
    source_name: str
    source_sha256: str
    imported_at: object
    examiner: str
    merkle_root: str
    near_matched_media: int = 0  # media within a perceptual distance (sets with PDQ/pHash)


def list_hash_sets(session: Session) -> list[HashSetSummary]:
    matched = dict(session.execute(
        select(HashSetMatch.hash_set_id, func.count(func.distinct(HashSetMatch.media_id)))
        .group_by(HashSetMatch.hash_set_id)).all())
    near = near_match_counts(session)
    return [
        HashSetSummary(s.name, s.kind.value, s.scheme, s.format, s.entry_count, s.rejected_count,
                       matched.get(s.id, 0), s.source_name, s.source_sha256, s.imported_at,
                       s.examiner, s.merkle_root, near.get(s.id, 0))
        for s in session.scalars(select(HashSet).order_by(HashSet.name))
    ]


def verify_hash_set(store: CaseStore, name: str, examiner: str | None = None) -> Verification:
    """Recompute the set's Merkle root from the store and compare; the result is audited.

    The matched entries that the case shows (`hash_set_entry`) are checked
    against the blocks too.
    """
    return HASH_SETS.verify(store, name, _recompute, examiner)


def _recompute(session: Session, hash_set_id: int) -> tuple[str, int, int]:
    """(root, entries stored, entries altered) of a set as stored now."""
    if session.get(HashSet, hash_set_id).format == VPDQ_FORMAT:  # videos, not entry blocks
        return recompute_vpdq(session, hash_set_id)
    return _recompute_blocks(session, hash_set_id)


def _recompute_blocks(session: Session, hash_set_id: int) -> tuple[str, int, int]:
    """The Merkle root of a set's blocks, their entries, and the unpacked entries that differ."""
    unpacked = {row[0]: tuple(row) for row in session.execute(text(
        "SELECT record, md5, sha1, sha256, category, size, CAST(extra AS TEXT) "
        "FROM hash_set_entry WHERE hash_set_id = :set"), {"set": hash_set_id})}
    leaves = SortedLeaves()
    altered = 0
    for _, block in iter_blocks(session, hash_set_id):
        leaves.add_buckets(block_leaves(block))
        if unpacked:
            positions = [i for i, record in enumerate(record_numbers(block))
                         if record in unpacked]
            for row in unpack(block, positions):
                altered += unpacked.pop(row[0]) != row
    return leaves.root(), leaves.count, altered + len(unpacked)


def remove_hash_set(store: CaseStore, name: str, examiner: str | None = None) -> dict:
    """Remove a set, its entries and its matches; re-derive the verdicts of the media it matched."""
    with store.session() as session, _large_cache(session):
        hash_set = HASH_SETS.get(session, name)
        before = {"name": name, "kind": hash_set.kind.value, "scheme": hash_set.scheme,
                  "format": hash_set.format, "source_name": hash_set.source_name,
                  "source_sha256": hash_set.source_sha256, "entries": hash_set.entry_count,
                  "merkle_root": hash_set.merkle_root}
        session.execute(text("CREATE TEMP TABLE IF NOT EXISTS _hashset_affected "
                             "(media_id INTEGER PRIMARY KEY)"))
        session.execute(text("DELETE FROM _hashset_affected"))
        session.execute(text("INSERT INTO _hashset_affected SELECT DISTINCT media_id "
                             "FROM hash_set_match WHERE hash_set_id = :set"), {"set": hash_set.id})
        unmatched = session.execute(delete(HashSetMatch).where(
            HashSetMatch.hash_set_id == hash_set.id)).rowcount
        session.execute(delete(HashSetNearMatch).where(
            HashSetNearMatch.hash_set_id == hash_set.id))
        session.execute(delete(HashSetEntry).where(HashSetEntry.hash_set_id == hash_set.id))
        session.execute(delete(HashSetBlock).where(HashSetBlock.hash_set_id == hash_set.id))
        remove_vpdq_videos(session, hash_set.id)
        session.delete(hash_set)
        session.flush()
        refresh_verdicts(session, "SELECT media_id FROM _hashset_affected")
        session.execute(text("DELETE FROM _hashset_affected"))
        after = {"matches_removed": unmatched}
        HASH_SETS.audit(session, examiner or current_examiner(store), "remove", name,
                        before=before, after=after)
    return {**before, **after}


def match_case(store: CaseStore, examiner: str | None = None) -> dict | None:
    """Match every media item against every set again (after ingest); audited. None if no sets."""
    with store.session() as session, _large_cache(session):
        if not sets_exist(session):
            return None
        matches = match_all(session)
        refresh_verdicts(session)
        counts = {"matches": matches, "near_matches": match_near(session),
                  **verdict_counts(session),
                  "media": session.scalar(select(func.count()).select_from(Media))}
        append_audit(session, examiner or current_examiner(store), "hashset.match",
                     target="case", after=counts)
    return counts
