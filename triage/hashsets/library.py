"""Hash sets in a case: import (atomic), list, verify, remove; every change audited.

An import is one transaction: the set, all its entries, its matches and the
audit entry are committed together or not at all. A bad record stops the
import and nothing of the file is kept, unless `skip_bad` is given: then the
good entries are kept and each bad one is written to a report (where in the
file, why, and the record's text).

Entries go into the store packed in blocks (`blocks`), a few hundred rows
for millions of entries, packed by the processes that read the file.
"""

from __future__ import annotations

import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Callable

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
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
from triage.hashsets.blocks import (
    Matched,
    MediaDigests,
    block_leaves,
    iter_blocks,
    record_numbers,
    unpack,
)
from triage.hashsets.entries import FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, detect, kind_of
from triage.hashsets.matching import (
    match_all,
    match_block,
    refresh_verdicts,
    sets_exist,
    store_matched,
    verdict_counts,
)
from triage.hashsets.merkle import SortedLeaves
from triage.hashsets.perceptual import match_near, near_match_counts
from triage.hashsets.reading import PiecesReader, reader_for
from triage.hashsets.vpdq import FORMAT as VPDQ_FORMAT
from triage.hashsets.vpdq import recompute as recompute_vpdq
from triage.hashsets.vpdq import remove_videos as remove_vpdq_videos

MATCHED_AT_ONCE = 64  # blocks whose matches are stored together
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
    name = _check_name(name)
    if not path.is_file():
        raise HashSetError(f"{path}: no such file")
    try:
        fmt = detect(path, format if format or not options.columns else "csv")
        set_kind = HashSetKind(kind_of(fmt, kind, path))
    except FormatError as exc:
        raise HashSetError(f"{path.name}: {exc}") from None
    report_path = Path(report) if report else _default_report(store, name) if skip_bad else None
    source = Source(path)
    info = SetInfo()
    reader = None
    shared = tempfile.TemporaryDirectory(prefix="triage-media-")  # for the reading processes
    try:
        with store.session() as session, _large_cache(session):
            if session.scalar(select(HashSet.id).where(HashSet.name == name)) is not None:
                raise HashSetError(f"a hash set named {name!r} is already in this case")
            hash_set = HashSet(
                name=name, kind=set_kind, scheme=None, format=fmt.id, source_name=path.name,
                source_sha256="", source_size=path.stat().st_size, entry_count=0,
                rejected_count=0, imported_at=utcnow(), examiner=examiner, merkle_root="",
            )
            session.add(hash_set)
            session.flush()
            reader = reader_for(fmt.id, source, info, options, parallel, shared.name)
            media = MediaDigests(  # shared only with processes that read in pieces
                session, shared=shared.name if isinstance(reader, PiecesReader) else None)
            phases = _Phases()
            counts = _load(session, reader, hash_set.id, media, skip_bad, report_path,
                           source.path, progress)
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
            phases.done("Merkle root (after matching)")
            append_audit(session, examiner, "hashset.import", target=f"hash_set:{name}", after={
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
        if reader is not None:
            reader.outcome.close()
        shared.cleanup()
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


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise HashSetError("a hash set needs a name (--name)")
    if len(name) > 200 or any(c < " " for c in name):
        raise HashSetError("a hash set name is at most 200 printable characters")
    return name


def _default_report(store: CaseStore, name: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "hashset"
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return store.folder / "reports" / f"hashset-{safe}-rejected-{stamp}.tsv"


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
    """Insert the reader's blocks and match them (where the reader has not); (entries kept,
    records rejected, first categorised record, matches made)."""
    size = path.stat().st_size
    kept = rejected = matches = 0
    found: list[Matched] = []  # what reading processes matched, not yet stored
    first_category = None
    report = None
    try:
        for batch in reader:
            if batch.bad:
                if not skip_bad:
                    bad = batch.bad[0]
                    raise HashSetError(
                        f"{path.name}: {bad.where}: {bad.reason}; nothing was imported "
                        f"(--skip-bad imports the good entries and reports the bad ones)")
                if report is None:
                    report = _open_report(report_path, path)
                for bad in batch.bad:
                    report.write(f"{bad.where}\t{_one_line(bad.reason)}\t{_one_line(bad.text)}\n")
                rejected += len(batch.bad)
            if batch.blocks:
                session.execute(insert(HashSetBlock),
                                [block.columns(hash_set_id) for block in batch.blocks])
                kept += batch.count
                for block, matched in zip(batch.blocks, batch.matched or repeat(None)):
                    if matched is None:
                        matches += match_block(session, hash_set_id, block, media, None)
                    else:
                        found.append(matched)
                if len(found) >= MATCHED_AT_ONCE:
                    matches += store_matched(session, hash_set_id, found)
                    found = []
            if first_category is None:
                first_category = batch.first_category
            if progress:
                progress(kept, batch.position, size)
        matches += store_matched(session, hash_set_id, found)
    finally:
        if report is not None:
            report.close()
    if kept == 0:
        raise HashSetError(f"{path.name}: no entries"
                           + (f" ({rejected} bad records, see the report)" if rejected else ""))
    return kept, rejected, first_category, matches


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _open_report(path: Path, source: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    report = open(path, "w", encoding="utf-8")
    report.write(f"# records of {source} not imported\nwhere\treason\trecord\n")
    return report


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


def _get(session: Session, name: str) -> HashSet:
    hash_set = session.scalar(select(HashSet).where(HashSet.name == name))
    if hash_set is None:
        known = list(session.scalars(select(HashSet.name).order_by(HashSet.name)))
        raise HashSetError(f"no hash set named {name!r} in this case"
                           + (f" (there are: {', '.join(known)})" if known else ""))
    return hash_set


@dataclass(frozen=True)
class Verification:
    name: str
    intact: bool
    recorded_root: str
    computed_root: str
    recorded_entries: int
    stored_entries: int
    altered_entries: int = 0  # matched entries, as shown, that differ from the set's blocks

    def __str__(self) -> str:
        if self.intact:
            return (f"{self.name}: intact ({self.stored_entries} entries, "
                    f"Merkle root {self.computed_root})")
        problems = []
        if self.recorded_entries != self.stored_entries:
            problems.append(f"{self.stored_entries} entries in the store, "
                            f"{self.recorded_entries} imported")
        if self.recorded_root != self.computed_root:
            problems.append(f"Merkle root is {self.computed_root}, "
                            f"{self.recorded_root} at import")
        if self.altered_entries:
            problems.append(f"{self.altered_entries} matched entries differ from the set")
        return f"{self.name}: CHANGED since import: " + "; ".join(problems)


def verify_hash_set(store: CaseStore, name: str, examiner: str | None = None) -> Verification:
    """Recompute the set's Merkle root from the store and compare; the result is audited.

    The matched entries that the case shows (`hash_set_entry`) are checked
    against the blocks too. The recomputation reads a snapshot without taking
    the write lock (a set of millions takes a while); only the audit entry is
    written.
    """
    with store.reading() as session:
        hash_set = _get(session, name)
        computed, stored, altered = (recompute_vpdq(session, hash_set.id)
                                     if hash_set.format == VPDQ_FORMAT
                                     else _recompute(session, hash_set.id))
        result = Verification(name, computed == hash_set.merkle_root and not altered
                              and stored == hash_set.entry_count, hash_set.merkle_root,
                              computed, hash_set.entry_count, stored, altered)
    with store.session() as session:
        append_audit(session, examiner or current_examiner(store), "hashset.verify",
                     target=f"hash_set:{name}", after={
                         "intact": result.intact, "recorded_root": result.recorded_root,
                         "computed_root": computed, "recorded_entries": result.recorded_entries,
                         "stored_entries": stored, "altered_entries": altered})
    return result


def _recompute(session: Session, hash_set_id: int) -> tuple[str, int, int]:
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
        hash_set = _get(session, name)
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
        append_audit(session, examiner or current_examiner(store), "hashset.remove",
                     target=f"hash_set:{name}", before=before, after=after)
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
