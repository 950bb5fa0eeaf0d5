"""Ingest: register evidence, walk it into the store, then hash every file's content.

The store is the work list. Walking an evidence is one transaction (all of
its entries or none); each file row is `pending` until a batch of results
that includes it is committed. A run that is killed at any moment is
finished by running it again: pending rows are redone, done rows are not,
and content rows are keyed by digest so nothing is counted twice.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.review.gallery import rank_found_order
from triage.case.models import (
    CHAIN_SEPARATOR,
    AuditEntry,
    CaseSetting,
    EntryKind,
    Evidence,
    File,
    Keyframe,
    Link,
    LinkScan,
    Media,
    Partition,
    VideoFrames,
    WorkStatus,
)
from triage.case.store import CaseStore, current_examiner
from triage.case.thumbnails import FILMSTRIP, THUMBNAIL
from triage.evidence import (
    CarveArea,
    ContentError,
    ContentReader,
    EvidenceError,
    VolumeKeys,
    FileRecord,
    PartitionRecord,
    identify,
    open_source,
    walk,
)
from triage.evidence.walk import LOCKED_NOT_CARVED
from triage.hashing.frames import PACKED_FORMAT
from triage.hashsets import match_case
from triage.media.sniff import extension_mismatch, media_kind
from triage.pipeline.content import PASSWORDS, locator, locator_query
from triage.pipeline.expand import ContainerLimits
from triage.pipeline.executors import WORKER_LOST, Executor, LocalExecutor, WorkerLost
from triage.pipeline.progress import ProgressCallback, ProgressTracker
from triage.pipeline.reallocated import mark_reallocated
from triage.pipeline.work import (
    EarlyImageHashes,
    EvidenceHashResult,
    FileJob,
    FileResult,
    ImageHashJob,
    has_image_hash,
    process_files,
    submit_image_hash,
    warm_up,
)
from triage.plugins.recording import RunRecorder

if TYPE_CHECKING:
    from triage.media.analyse import MediaAnalysis

HASHED_KINDS = (EntryKind.FILE, EntryKind.VIRTUAL, EntryKind.LINK)  # a link's content is its target
INSERT_BATCH = 5000
PAGE = 2000
QUEUED_PER_WORKER = 6  # jobs in flight per worker: they stay busy while a batch is written
WAITING_PER_QUEUE = 4  # finished jobs held back (times the queue) for a slow earlier one


@dataclass
class IngestOptions:
    workers: int | None = None
    job_files: int = 64
    job_bytes: int = 32 << 20
    commit_every: int = 1000
    commit_seconds: float = 2.0
    analyse_media: bool = True  # decode pictures and videos: perceptual hashes, thumbnails, EXIF
    containers: ContainerLimits = field(default_factory=ContainerLimits)
    passwords: tuple[str, ...] = ()  # for encrypted containers; kept in the case, tried in turn
    parents: tuple[Path, ...] = ()  # parents of differential virtual disks, named by the examiner
    # Encrypted volumes' credentials (with `passwords`, tried on volumes too): memory only.
    volume_keys: VolumeKeys = field(default_factory=VolumeKeys)
    shadow_copies: bool = True  # walk NTFS volumes' VSS snapshots too (each a volume again)


@dataclass
class IngestSummary:
    files_hashed: int = 0
    file_errors: int = 0
    evidence_errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    plugin_errors: dict[str, str] = field(default_factory=dict)  # plugin -> why it stopped


class Ingest:
    """One ingest run over a case; create it, `add` evidence paths, then `run`."""

    def __init__(
        self,
        store: CaseStore,
        examiner: str | None = None,
        options: IngestOptions | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        executor: Executor | None = None,
        image_hashes: EarlyImageHashes | None = None,
    ):
        self.store = store
        self.examiner = examiner or current_examiner(store)
        self.options = options or IngestOptions()
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self._executor = executor
        self._image_hashes = image_hashes or {}
        self._plugins: RunRecorder | None = None
        self._fanned_out = False  # an archive's files were added as pending rows this run
        self._volume_passwords: set[str] = set()  # passwords that unlocked a volume: not kept
        self._areas: set[int] = set()  # pending jobs that are carve areas (their note differs)

    # -- registration -------------------------------------------------------------------

    def add(self, path: Path | str) -> int:
        """Register an evidence path (once: adding it again resumes it) and return its id.

        Evidence that exists but cannot be opened is registered with its error,
        so the case shows what was given and why nothing came of it.
        """
        path = Path(path).absolute()
        error, size = None, None
        try:
            format, segments = identify(path, self.options.parents)
        except EvidenceError as exc:
            if not path.exists():
                raise
            format, segments, error = "unknown", [path], str(exc)
        paths = [str(p.absolute()) for p in segments]
        with self.store.session() as session:
            for evidence in session.scalars(select(Evidence).where(Evidence.format == format)):
                if evidence.paths == paths:
                    return evidence.id
        if error is None:
            try:
                source = open_source(format, segments)
                size = source.size
                source.close()
            except EvidenceError as exc:
                error = str(exc)
        return self._register(segments[0].name, format, paths, size, error)

    def _register(self, name: str, format: str, paths: list[str], size: int | None,
                  error: str | None) -> int:
        with self.store.session() as session:
            evidence = Evidence(
                name=name, format=format, paths=paths, size=size,
                added_at=utcnow(), added_by=self.examiner, error=error,
                walk_status=WorkStatus.ERROR if error else WorkStatus.PENDING,
                hash_status=WorkStatus.PENDING if has_image_hash(format)
                else WorkStatus.SKIPPED,
            )
            session.add(evidence)
            session.flush()
            append_audit(session, self.examiner, "evidence.add", target=f"evidence:{evidence.id}",
                         after={"name": name, "format": format, "paths": paths,
                                "size": size, "error": error})
            return evidence.id

    # -- the run ------------------------------------------------------------------------

    def run(self) -> IngestSummary:
        summary = IngestSummary()
        executor = self._executor or LocalExecutor(self.options.workers)
        for _ in range(executor.workers):
            executor.submit(warm_up)  # workers start while the walk runs
        try:
            # The image hashes need no walk: a worker reads the image while the walk runs.
            evidence_jobs = self._submit_evidence_hashes(executor)
            for evidence_id in self._evidence_ids(Evidence.walk_status == WorkStatus.PENDING):
                if self.cancel.is_set():
                    break
                self._walk(evidence_id)
            self._use_passwords()  # after the walk: a volume's password is not kept
            if not self.cancel.is_set():
                self._plugins = RunRecorder(self.store, self.examiner, "ingest",
                                            None if self.options.analyse_media else ())
                self._process_files(executor, summary)
                self._plugins.finish()
                summary.plugin_errors = self._plugins.errors
            lost = self._collect_evidence_hashes(evidence_jobs,
                                                 wait_for_all=not self.cancel.is_set())
            if lost and not self.cancel.is_set():  # their worker died for a file's sake: again
                self._collect_evidence_hashes(self._submit_evidence_hashes(executor), True)
        finally:
            if self._executor is None:
                executor.shutdown(cancel=self.cancel.is_set())
        summary.cancelled = self.cancel.is_set()
        if not summary.cancelled:
            self._audit_completion()
            with self.store.session() as session:
                rank_found_order(session)  # the gallery's "order found"
            match_case(self.store, self.examiner)  # hash sets: every media, all sets
            if self.options.analyse_media and (summary.files_hashed or self._unstacked_media()):
                from triage.pipeline.stacking import build_stacks

                build_stacks(self.store, self.examiner)
            if self.options.analyse_media:  # not --hashes-only: `triage links scan` does it later
                # links in text, HTML, chats, histories
                from triage.pipeline.link_scan import ScanOptions, scan_links

                scan_links(self.store, self.examiner, ScanOptions(volume_keys=self.volume_keys),
                           progress=self.progress, cancel=self.cancel)
        with self.store.session() as session:
            summary.evidence_errors = [
                f"{e.name}: {e.error}" for e in session.scalars(select(Evidence)) if e.error
            ]
            summary.file_errors = session.scalar(
                select(func.count()).select_from(File).where(File.status == WorkStatus.ERROR)
            )
        return summary

    def _unstacked_media(self) -> bool:
        """Whether an analysed picture or video has no stack yet: the run that hashed it
        was killed before the stacks were built, and this one hashes nothing new."""
        with self.store.reading() as session:
            return session.scalar(select(Media.id).where(
                Media.stack_id.is_(None),
                or_(Media.phash.is_not(None) & Media.pdq.is_not(None),
                    Media.id.in_(select(Keyframe.media_id)))).limit(1)) is not None

    def _use_passwords(self) -> None:
        """Keep new passwords in the case and open again what they may now open.

        The case's password list grows with every `--password`; each run tries
        them all. Files holding an encrypted item that could not be read go
        back to pending (their items are read again, all of them), so the run
        gives what one with the password from the start would have given.
        """
        with self.store.session() as session:
            setting = session.get(CaseSetting, PASSWORDS)
            known = list(setting.value) if setting else []
            new = [p for p in self.options.passwords
                   if p not in known and p not in self._volume_passwords]
            if new:
                if setting is None:
                    setting = CaseSetting(key=PASSWORDS, value=[])
                    session.add(setting)
                setting.value = known + new
                reopened = _reopen_encrypted(session)
                append_audit(session, self.examiner, "ingest.passwords", target="case",
                             after={"added": len(new), "reopened_files": reopened})
        self.options = replace(self.options, containers=replace(
            self.options.containers, passwords=tuple(known + new) + tuple(
                p for p in self.options.passwords if p in self._volume_passwords),
            volume_keys=self.volume_keys))

    @property
    def volume_keys(self) -> VolumeKeys:
        """The volume credentials of this run: `--password`s are tried on volumes too."""
        keys = self.options.volume_keys
        return replace(keys, passwords=tuple(dict.fromkeys(
            keys.passwords + self.options.passwords)))

    def _evidence_ids(self, condition) -> list[int]:
        with self.store.reading() as session:
            return list(session.scalars(select(Evidence.id).where(condition).order_by(Evidence.id)))

    # -- walk ---------------------------------------------------------------------------

    def _walk(self, evidence_id: int) -> None:
        """All entries of one evidence in one transaction: a killed walk leaves nothing behind.

        A cancelled walk is rolled back the same way; the next run walks again.
        """
        tracker = ProgressTracker("walk", 0, 0, self.progress)
        try:
            with self.store.session() as session:
                evidence = session.get(Evidence, evidence_id)
                counts = _walk_into(session, evidence, tracker, self.cancel, self.volume_keys,
                                    carve=bool(self.options.containers.carve),
                                    snapshots=self.options.shadow_copies)
                self._note_unlocked(session, evidence)
                counts["reallocated"] = mark_reallocated(session, evidence, self.volume_keys)
                evidence.walk_status = WorkStatus.DONE
                if evidence.format == "folder":
                    evidence.size = counts["bytes"]
                append_audit(session, self.examiner, "evidence.walk",
                             target=f"evidence:{evidence_id}", after=counts)
        except _WalkCancelled:
            pass
        except EvidenceError as exc:
            self._fail_evidence(evidence_id, str(exc))
        except OSError as exc:
            self._fail_evidence(evidence_id, f"walk failed: {exc}")
        tracker.emit()

    def unlock(self, evidence_id: int) -> list[str]:
        """Open the locked volumes of an evidence with this run's credentials: each that opens
        gets its files as pending rows (nothing else of the evidence is recorded again), and
        `run` then hashes them. Returns one line per locked volume saying what came of it."""
        with self.store.session() as session:
            evidence = session.get(Evidence, evidence_id)
            locked = {p.index: p for p in evidence.partitions
                      if p.error and "-encrypted volume, locked" in p.error}
            if not locked:
                return []
            source = open_source(evidence.format, evidence.paths)
            outcomes, rows, areas, opened = [], [], [], None
            try:
                carve = self._carves_on_unlock(session, evidence, locked)
                for record in walk(source, self.volume_keys, carve=carve, snapshots=False):
                    if isinstance(record, PartitionRecord):
                        opened = self._unlocked_partition(session, evidence, locked, record)
                        if record.index in locked:
                            outcomes.append(f"partition {record.index}: " + (
                                record.description.rsplit(" › ", 1)[-1] if opened is not None
                                else record.error or "locked"))
                    elif opened is None or record.partition_index != opened.index:
                        continue
                    elif isinstance(record, CarveArea):  # its free space, carved decrypted
                        areas.append(_area_row(evidence.id, opened.id, record))
                    else:
                        rows.append(_file_row(evidence.id, opened.id, record))
                for batch in (rows, areas):  # the areas after the files, as in a first walk
                    for start in range(0, len(batch), INSERT_BATCH):
                        session.execute(insert(File), batch[start:start + INSERT_BATCH])
            finally:
                source.close()
            return outcomes

    def _carves_on_unlock(self, session: Session, evidence: Evidence,
                          locked: dict[int, Partition]) -> bool:
        """Whether a volume unlocked now is carved: where this run carves and the first walk
        did (it left the locked volume its note, or carve areas elsewhere in the evidence);
        evidence walked with --no-carve stays uncarved, as everywhere else."""
        if not self.options.containers.carve:
            return False
        if any(p.note == LOCKED_NOT_CARVED for p in locked.values()):
            return True
        return session.scalar(select(File.id).where(
            File.evidence_id == evidence.id, File.carve_area.is_not(None)).limit(1)) is not None

    def _unlocked_partition(self, session: Session, evidence: Evidence,
                            locked: dict[int, Partition], record: PartitionRecord
                            ) -> Partition | None:
        """The stored partition `record` unlocked, brought up to date and audited."""
        partition = locked.get(record.index)
        if partition is None or not record.unlocked_with:
            return None
        partition.description, partition.fs_type = record.description, record.fs_type
        partition.unlocked_with = record.unlocked_with
        partition.error, partition.note = record.error, record.note
        self._note_unlocked(session, evidence, [partition])
        return partition

    def _note_unlocked(self, session: Session, evidence: Evidence,
                       partitions: list[Partition] | None = None) -> None:
        """Audit each volume unlocked, by whom and with which kind of credential (never the
        credential). Where an encrypted volume was met, opened or not, the run's passwords
        were meant for it: none is kept as a container password (a wrong one included)."""
        for partition in evidence.partitions if partitions is None else partitions:
            if partition.error and "-encrypted volume, locked" in partition.error:
                self._volume_passwords.update(self.volume_keys.passwords)
            if not partition.unlocked_with:
                continue
            append_audit(session, self.examiner, "volume.unlock",
                         target=f"evidence:{evidence.id}",
                         after={"partition": partition.index,
                                "volume": partition.description.rsplit(" › ", 1)[-1]})
            if partition.unlocked_with == "password":
                self._volume_passwords.update(self.volume_keys.passwords)

    def _fail_evidence(self, evidence_id: int, error: str) -> None:
        with self.store.session() as session:
            evidence = session.get(Evidence, evidence_id)
            evidence.error, evidence.walk_status = error, WorkStatus.ERROR
            append_audit(session, self.examiner, "evidence.error",
                         target=f"evidence:{evidence_id}", after={"error": error})

    # -- evidence hashes ----------------------------------------------------------------

    def _submit_evidence_hashes(self, executor: Executor) -> list[tuple[int, ImageHashJob]]:
        """(evidence id, its image hash job) for every evidence not hashed yet; a hash
        started before the case was opened (`start_image_hashes`) is taken, not redone."""
        with self.store.session() as session:
            pending = session.scalars(
                select(Evidence).where(Evidence.hash_status == WorkStatus.PENDING,
                                       Evidence.walk_status != WorkStatus.ERROR)
            ).all()
            early = self._image_hashes
            self._image_hashes = {}  # once: after a worker was lost they are run again
            jobs = [(e.id, early.pop((e.format, tuple(e.paths)), None)
                     or submit_image_hash(executor, e.format, e.paths))
                    for e in pending]
        for job in early.values():  # evidence the case already had hashed
            job.cancel()
        return jobs

    def _collect_evidence_hashes(self, jobs: list[tuple[int, ImageHashJob]],
                                 wait_for_all: bool) -> int:
        """Record image hashes as they finish (waiting for them is a stage of its own, its
        progress in bytes read by the workers); returns how many were lost with a dead
        worker (they stay pending)."""
        running = {job.future: (evidence_id, job) for evidence_id, job in jobs
                   if not job.future.cancelled()}
        sizes = self._evidence_sizes([evidence_id for evidence_id, _ in running.values()])
        read_already = sum(job.progress.bytes_done() for _, job in running.values())
        tracker = ProgressTracker("image hashes", len(running), sum(sizes.values()),
                                  self.progress, bytes_done=read_already)
        finished_bytes, lost, pending = 0, 0, set(running)
        try:
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    evidence_id, _ = running[future]
                    finished_bytes += sizes.get(evidence_id, 0)
                    if not future.cancelled():
                        try:
                            self._record_evidence_hash(evidence_id, future.result())
                        except WORKER_LOST:
                            lost += 1
                read = finished_bytes + sum(running[f][1].progress.bytes_done() for f in pending)
                tracker.advance(len(done), max(0, read - tracker.bytes_done))
                if not wait_for_all or self.cancel.is_set():
                    break
        finally:
            for _, job in running.values():
                job.progress.close()
        tracker.emit()
        return lost

    def _evidence_sizes(self, evidence_ids: list[int]) -> dict[int, int]:
        with self.store.reading() as session:
            return {evidence_id: size or 0 for evidence_id, size in session.execute(
                select(Evidence.id, Evidence.size).where(Evidence.id.in_(evidence_ids)))}

    def _record_evidence_hash(self, evidence_id: int, result: EvidenceHashResult) -> None:
        if result.damaged and self._pending_file_count(evidence_id):
            return  # cancelled before its files were read: hashed again when resumed, then marked
        with self.store.session() as session:
            evidence = session.get(Evidence, evidence_id)
            evidence.sha256, evidence.md5 = result.sha256, result.md5
            evidence.stored_md5 = result.stored_md5
            evidence.hash_status = WorkStatus.ERROR if result.error else WorkStatus.DONE
            problems = [result.error] if result.error else []
            if not result.error and result.stored_md5 and result.stored_md5 != result.md5:
                problems.append(f"image MD5 {result.md5} differs from the MD5 stored at "
                                f"acquisition {result.stored_md5}")
            if result.warning:
                problems.append(result.warning)
            if problems:
                evidence.error = "; ".join(problems)
            damaged = _mark_damaged_files(session, evidence_id, result.damaged)
            append_audit(session, self.examiner, "evidence.hash",
                         target=f"evidence:{evidence.id}",
                         after={"sha256": result.sha256, "md5": result.md5,
                                "stored_md5": result.stored_md5, "error": evidence.error,
                                **({"damaged_files": damaged} if result.damaged else {})})

    def _pending_file_count(self, evidence_id: int) -> int:
        with self.store.reading() as session:
            return session.scalar(select(func.count()).select_from(File).where(
                File.evidence_id == evidence_id, File.status == WorkStatus.PENDING))

    # -- file content -------------------------------------------------------------------

    def _process_files(self, executor: Executor, summary: IngestSummary) -> None:
        options = self.options
        items, nbytes = self._pending_totals()
        tracker = ProgressTracker("hash", items, nbytes, self.progress)
        names: dict[int, tuple[str, int]] = {}
        in_flight: dict[Future, tuple[int, FileBatch]] = {}  # -> (order submitted, batch)
        retries: deque[FileBatch] = deque()  # after a worker died
        results: list[FileResult] = []
        order = _InOrder()
        last_commit = time.monotonic()
        jobs = self._pending_jobs(names)
        exhausted = False
        queue_length = executor.workers * QUEUED_PER_WORKER
        while True:
            while (not self.cancel.is_set() and len(in_flight) < queue_length
                   and order.waiting < queue_length * WAITING_PER_QUEUE
                   and not any(task.retried for _, task in in_flight.values())):
                if retries:  # alone, so that if it kills a worker it is the one to blame
                    if in_flight:
                        break
                    task = retries.popleft()
                elif exhausted or (batch := next(jobs, None)) is None:
                    exhausted = True
                    break
                else:
                    task = FileBatch(batch, options.analyse_media)
                plugins = self._plugins.specs() if task.analyse and task.plugins else ()
                if task.trying is not None:  # one plugin alone, to see if it kills the worker
                    plugins = tuple(p for p in plugins if p.name == task.trying)
                limits = (options.containers if task.containers
                          else replace(options.containers, open_containers=False))
                in_flight[executor.submit(process_files, task.batch, task.analyse, plugins,
                                          limits, task.trying is not None)] = (order.next(), task)
            if not in_flight:
                results.extend(order.flush())
                if not self._fanned_out or self.cancel.is_set():
                    break
                # Archives were listed for the pool: their files are pending rows now.
                self._write_results(results, names, summary)
                results, self._fanned_out, exhausted = [], False, False
                jobs = self._pending_jobs(names)
                continue
            done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                sequence, task = in_flight.pop(future)
                if future.cancelled():
                    order.put(sequence, [])
                    continue
                try:
                    batch_results = task.noted(future.result())
                except WORKER_LOST as exc:
                    if task.trying is not None:  # that plugin alone killed it: the culprit
                        self._stop_plugin(task.trying, task.batch[0], names)
                        batch_results = []
                    else:
                        if task.last_resort:
                            _check_workers_live(executor)  # else every file would be blamed
                        batch_results = task.after_worker_lost(exc, retries,
                                                               bool(self._plugins.specs()))
                else:
                    if task.plugins_suspected:  # decoded fine without them: a plugin killed it
                        self._try_plugins_alone(task, retries, names)
                    if task.trying is not None:  # innocent; its file was stored already
                        batch_results = []
                results.extend(order.put(sequence, batch_results))
                self._fanned_out |= any(r.fanned_out for r in batch_results)
                tracker.advance(len(batch_results), sum(names[r.file_id][1] for r in batch_results))
            if self.cancel.is_set():
                for future in in_flight:
                    future.cancel()
            if results and (len(results) >= options.commit_every
                            or time.monotonic() - last_commit >= options.commit_seconds):
                self._write_results(results, names, summary)
                results, last_commit = [], time.monotonic()
        results.extend(order.flush())
        if results:
            self._write_results(results, names, summary)
        tracker.emit()

    def _try_plugins_alone(self, task: FileBatch, retries: deque,
                           names: dict[int, tuple[str, int]]) -> None:
        """A file killed its worker with the plugins and not without them: run each plugin
        alone on it, so that the one that kills the worker is named and stopped and the
        others go on (their answers for this one file are not kept)."""
        running = [spec.name for spec in self._plugins.specs()]
        if len(running) == 1:
            self._stop_plugin(running[0], task.batch[0], names)
            return
        retries.extend(replace(task, plugins=True, plugins_suspected=False, trying=name)
                       for name in running)

    def _stop_plugin(self, name: str, job: FileJob, names: dict[int, tuple[str, int]]) -> None:
        # The file's own result may be written (and its name let go) before the retry that
        # names the plugin comes back: then the name comes from where the file is.
        shown = names[job.file_id][0] if job.file_id in names else \
            PurePosixPath(job.where.path or "").name
        reason = (f"{name} killed the worker process on {shown!r} (file id "
                  f"{job.file_id}); it was stopped for the rest of this run")
        with self.store.session() as session:
            self._plugins.stop(session, name, reason)

    def _pending_totals(self) -> tuple[int, int]:
        with self.store.reading() as session:
            row = session.execute(
                select(func.count(), func.coalesce(func.sum(File.size), 0))
                .where(File.status == WorkStatus.PENDING)
            ).one()
        return int(row[0]), int(row[1])

    def _pending_jobs(self, names: dict[int, tuple[str, int]]):
        """Pending files in id order, a page at a time, cut into jobs of bounded count and bytes."""
        last_id, job, job_bytes = 0, [], 0
        while True:
            with self.store.reading() as session:
                rows = session.execute(
                    locator_query(File.id, File.name, File.size)
                    .where(File.status == WorkStatus.PENDING, File.id > last_id)
                    .order_by(File.id).limit(PAGE)
                ).all()
            if not rows:
                break
            for row in rows:
                names[row.id] = (row.name, row.size or 0)
                if row.carve_area is not None:
                    self._areas.add(row.id)
                job.append(FileJob(row.id, locator(row), row.size))
                job_bytes += row.size or 0
                if len(job) >= self.options.job_files or job_bytes >= self.options.job_bytes:
                    yield job
                    job, job_bytes = [], 0
            last_id = rows[-1].id
        if job:
            yield job

    def _write_results(self, results: list[FileResult], names: dict[int, tuple[str, int]],
                       summary: IngestSummary) -> None:
        """One transaction per batch: content rows first (once per digest), then the file rows.

        Thumbnails go to their own store first; a kill between the two writes
        redoes the batch, which writes the same thumbnails again.
        """
        if not results:
            return
        every = [r for result in results for r in (result, *(i.result for i in result.items))]
        analysed = {r.sha256: r.analysis for r in every if r.sha256 and r.analysis}
        self.store.thumbnails.put_many(_pictures(analysed))
        with self.store.session() as session:
            media_ids = _upsert_media(session, [r for r in every if r.sha256])
            _record_analyses(session, analysed, media_ids)
            self._plugins.record(session, ((media_ids[r.sha256], outcome) for r in every
                                           if r.sha256 for outcome in r.plugins))
            updates, area_updates = [], []
            for result in results:
                name, _ = names.pop(result.file_id)
                area = result.file_id in self._areas  # its note: what carving found there
                self._areas.discard(result.file_id)
                (area_updates if area else updates).append({
                    "id": result.file_id,
                    "media_id": media_ids.get(result.sha256) if result.sha256 else None,
                    "status": WorkStatus.ERROR if result.error else WorkStatus.DONE,
                    "error": result.error or (None if area else result.note),
                    **({"note": result.note} if area else {}),
                    "encrypted": _encrypted(result),
                    "extension_mismatch": (not result.error
                                           and extension_mismatch(name, result.detected_type)),
                })
            for batch in (updates, area_updates):  # one set of columns per statement
                if batch:
                    session.execute(update(File), batch)
            _insert_items(session, [r for r in results if r.items], media_ids)
        summary.files_hashed += sum(1 for r in every if r.sha256)

    def _audit_completion(self) -> None:
        for evidence_id in self._evidence_ids(Evidence.walk_status == WorkStatus.DONE):
            with self.store.session() as session:
                counts = dict(session.execute(
                    select(File.status, func.count()).where(File.evidence_id == evidence_id)
                    .group_by(File.status)
                ).all())
                if counts.get(WorkStatus.PENDING):
                    continue
                after = {status.value: count for status, count in counts.items()}
                last = session.scalar(
                    select(func.max(File.id)).where(File.evidence_id == evidence_id))
                marker = f"evidence:{evidence_id}"
                done = session.scalar(select(AuditEntry.id).where(
                    AuditEntry.action == "ingest.complete", AuditEntry.target == marker))
                if done is None and last is not None:
                    append_audit(session, self.examiner, "ingest.complete", target=marker,
                                 after=after)


class _WalkCancelled(Exception):
    """Raised inside the walk transaction so that it rolls back."""


@dataclass(frozen=True)
class FileBatch:
    """Per-file work for one task, and what is known of it after a worker died on it."""

    batch: list[FileJob]
    analyse: bool
    plugins: bool = True  # run the case's plugins on the decode
    containers: bool = True  # open the containers found (archives, documents, ...)
    retried: bool = False
    plugins_suspected: bool = False
    trying: str | None = None  # the one plugin run, to tell whether it kills the worker
    decode_crashed: bool = False
    container_crashed: bool = False

    @property
    def last_resort(self) -> bool:
        """One file, alone, only read and hashed: a worker lost now blames the file."""
        return (self.retried and len(self.batch) == 1 and not self.analyse
                and not self.containers)

    def after_worker_lost(self, lost: Exception, retries: deque,
                          plugins_running: bool) -> list[FileResult]:
        """A worker died on this batch: find the file that kills it, keep what it can give.

        Every batch the dead worker's pool held is retried a file at a time, each file
        alone. A file that kills its worker then is decoded again without the plugins
        (a plugin that then turns out to be the killer is stopped for the run), then
        hashed without decoding (decoders are where native crashes live), then without
        opening it as a container (a parser's crash on a hostile archive); one that kills
        even that is an error on that file. The ingest goes on either way.
        """
        if len(self.batch) > 1 or not self.retried:  # maybe another task killed the worker
            retries.extend(replace(self, batch=[job], retried=True) for job in self.batch)
            return []
        if self.analyse and self.plugins and plugins_running:
            retries.append(replace(self, plugins=False, plugins_suspected=True))
            return []
        if self.analyse:
            retries.append(replace(self, analyse=False, decode_crashed=True))
            return []
        if self.containers:
            retries.append(replace(self, containers=False, container_crashed=True))
            return []
        return [FileResult(self.batch[0].file_id,
                           error=f"reading this file killed the worker process ({lost})")]

    def noted(self, results: list[FileResult]) -> list[FileResult]:
        """Results, with a decode crash recorded on the media of a file hashed without it,
        and a container's crash on the file not opened because of it."""
        if self.container_crashed:
            results = [r if r.error else replace(
                r, note="not opened: opening this container killed the worker process (a "
                "crash in its parser); hashed as a file") for r in results]
        if not self.decode_crashed:
            return results
        from triage.media.analyse import MediaAnalysis  # rare: keep decoders out of start-up

        return [_decode_crash_noted(r, MediaAnalysis) if r.sha256 and not r.error else r
                for r in results]


class _InOrder:
    """Hands batch results on in the order the batches were submitted, whatever order the
    workers finish them in.

    Content rows and the rows of items found in containers get their ids as
    results are written; written in file order, they get the same ids with
    one worker or many and in a resumed run, so stack ids, file ids and
    exports are identical from run to run.
    """

    def __init__(self) -> None:
        self._submitted = 0
        self._due = 0
        self._ready: dict[int, list[FileResult]] = {}

    @property
    def waiting(self) -> int:
        return len(self._ready)

    def next(self) -> int:
        self._submitted += 1
        return self._submitted - 1

    def put(self, sequence: int, results: list[FileResult]) -> list[FileResult]:
        """Take one batch's results; return those now due, in order."""
        self._ready[sequence] = results
        due = []
        while self._due in self._ready:
            due.extend(self._ready.pop(self._due))
            self._due += 1
        return due

    def flush(self) -> list[FileResult]:
        """Everything still waiting (a cancelled run), in order; nothing is in flight."""
        due = [r for sequence in sorted(self._ready) for r in self._ready[sequence]]
        self._ready.clear()
        self._due = self._submitted
        return due


def _decode_crash_noted(result: FileResult, analysis_type) -> FileResult:
    """A picture or video hashed without its decode says why; a container whose items were
    (one of them killed the decoder) says so as its note."""
    kind = media_kind(result.detected_type)
    if kind in ("image", "video"):
        return replace(result, analysis=analysis_type(
            kind=kind, error="decoding this file killed the worker process (a crash in a "
                             "decoder); it was hashed without decoding"))
    if result.items:
        return replace(result, note=result.note or "its items were hashed without decoding: "
                       "decoding one of them killed the worker process")
    return result


def _check_workers_live(executor: Executor) -> None:
    """Raise if a worker process dies with no file at all: then nothing is the files' fault
    (a library missing, memory exhausted), and blaming each file in turn would mark every
    one an error instead of leaving them pending for a resume."""
    try:
        executor.submit(warm_up).result()
    except WORKER_LOST as exc:
        raise WorkerLost(f"the worker processes die on their own ({exc}); the files not yet "
                         "recorded stay pending: run the ingest again to resume") from None


def _walk_into(session: Session, evidence: Evidence, tracker: ProgressTracker,
               cancel: threading.Event, keys: VolumeKeys, carve: bool = True,
               snapshots: bool = True) -> dict:
    source = open_source(evidence.format, evidence.paths)
    partition_ids: dict[int, int] = {}
    rows: list[dict] = []
    carve_rows: list[dict] = []
    counts = {"partitions": 0, "partition_errors": 0, "entries": 0, "entry_errors": 0,
              "bytes": 0}
    try:
        for record in walk(source, keys, carve, snapshots):
            if cancel.is_set():
                raise _WalkCancelled
            if isinstance(record, CarveArea):  # after the entries: found-order stays theirs
                carve_rows.append(_area_row(evidence.id,
                                            partition_ids.get(record.partition_index), record))
                counts["carve_areas"] = counts.get("carve_areas", 0) + 1
                counts["carve_bytes"] = counts.get("carve_bytes", 0) + record.size
                continue
            if isinstance(record, PartitionRecord):
                partition_ids[record.index] = _add_partition(session, evidence.id, record)
                counts["partitions"] += 1
                counts["partition_errors"] += bool(record.error)
                continue
            rows.append(_file_row(evidence.id, partition_ids.get(record.partition_index), record))
            counts["entries"] += 1
            counts["entry_errors"] += bool(record.error)
            counts["bytes"] += (record.size or 0) if record.kind == "file" else 0
            tracker.advance(1, 0, record.path)
            if len(rows) >= INSERT_BATCH:
                session.execute(insert(File), rows)
                rows = []
        if rows:
            session.execute(insert(File), rows)
        for start in range(0, len(carve_rows), INSERT_BATCH):
            session.execute(insert(File), carve_rows[start:start + INSERT_BATCH])
    finally:
        source.close()
    return counts


def _add_partition(session: Session, evidence_id: int, record: PartitionRecord) -> int:
    partition = Partition(
        evidence_id=evidence_id, index=record.index, offset=record.offset, length=record.length,
        description=record.description, fs_type=record.fs_type, error=record.error,
        snapshot=record.snapshot, note=record.note, unlocked_with=record.unlocked_with,
    )
    session.add(partition)
    session.flush()
    return partition.id


def _file_row(evidence_id: int, partition_id: int | None, record: FileRecord) -> dict:
    kind = EntryKind(record.kind)
    hashed = record.readable and kind in HASHED_KINDS
    return {
        "evidence_id": evidence_id, "partition_id": partition_id,
        "path": record.path, "name": record.name, "path_bytes": record.path_bytes,
        "kind": kind, "deleted": record.deleted, "size": record.size,
        "meta_addr": record.meta_addr, "attr_type": record.attr_type,
        "attr_id": record.attr_id, "crtime": record.crtime, "mtime": record.mtime,
        "atime": record.atime, "ctime": record.ctime, "extension_mismatch": False,
        "status": WorkStatus.PENDING if hashed else WorkStatus.SKIPPED,
        "error": record.error,
    }


def _area_row(evidence_id: int, partition_id: int | None, area: CarveArea) -> dict:
    """An area to carve: a virtual file, pending like any other, whose items are what the
    worker carves from it."""
    path = f"/{area.name}"
    return {
        "evidence_id": evidence_id, "partition_id": partition_id, "path": path,
        "name": area.name, "path_bytes": None, "kind": EntryKind.VIRTUAL, "deleted": False,
        "size": area.size, "meta_addr": None, "attr_type": None, "attr_id": None,
        "crtime": None, "mtime": None, "atime": None, "ctime": None,
        "extension_mismatch": False, "status": WorkStatus.PENDING, "error": None,
        "carve_area": {"runs": [list(run) for run in area.runs], "end": area.end},
        "carved_offset": area.runs[0][0],
    }


def _mark_damaged_files(session: Session, evidence_id: int,
                        damaged: tuple[tuple[int, int], ...]) -> int:
    """Give an error to every file whose stored data overlaps image data that fails its
    checksum, and return how many. Their extents are looked up again only here, for
    evidence that has such damage: the walk and the workers never pay for it. The
    content hash is kept (it is what the image holds now), named as damaged."""
    if not damaged:
        return 0
    rows = session.execute(locator_query(File.id).where(
        File.evidence_id == evidence_id, File.outer_id.is_(None),
        File.meta_addr.is_not(None), File.status != WorkStatus.ERROR,
        File.kind.in_(HASHED_KINDS))).all()
    reader, updates = ContentReader(), []
    try:
        for row in rows:
            try:
                touched = reader.touched_range(locator(row), list(damaged))
            except (ContentError, EvidenceError, OSError) as exc:
                touched, why = None, str(exc)
                updates.append({"id": row.id, "status": WorkStatus.ERROR,
                                "error": f"cannot tell whether its data lies in the damaged "
                                         f"image chunks: {why}"})
            if touched:
                updates.append({"id": row.id, "status": WorkStatus.ERROR, "error": (
                    f"content lies partly in image data that fails its checksum (bytes "
                    f"{touched[0]}-{touched[1] - 1}); libewf read it as zeros, so its "
                    f"hashes are of the damaged content")})
    finally:
        reader.close()
    if updates:
        session.execute(update(File), updates)
    return len(updates)


def _insert_items(session: Session, containers: list[FileResult],
                  media_ids: dict[str, int]) -> None:
    """The items found inside these files, as file rows under them, level by level so
    that each item gets its container's new id (a few statements per batch)."""
    parents = {row.id: row for row in session.execute(
        select(File.id, File.evidence_id, File.partition_id, File.path, File.deleted,
               File.outer_id, File.container_chain)
        .where(File.id.in_([r.file_id for r in containers])))}
    for result in containers:
        parent = parents[result.file_id]
        outer, base = (parent.outer_id, parent.container_chain) if parent.outer_id else (
            parent.id, [])
        ids: list[int] = [0] * len(result.items)
        paths: list[str] = [""] * len(result.items)
        chains: list[list[str]] = [base] * len(result.items)
        for level in _levels(result.items):
            rows = []
            for index in level:
                item = result.items[index]
                above = (parent.id, parent.path, base) if item.parent < 0 else (
                    ids[item.parent], paths[item.parent], chains[item.parent])
                paths[index] = f"{above[1]}{CHAIN_SEPARATOR}{item.member.path}"
                chains[index] = above[2] + [item.member.path]
                row = _item_row(parent, above[0], paths[index], item, media_ids)
                if result.fanned_out and row["kind"] == EntryKind.FILE and not row["error"]:
                    row["status"] = WorkStatus.PENDING  # a job of its own, read from the chain
                rows.append(row | {"outer_id": outer, "container_chain": chains[index]})
            new = session.scalars(insert(File).returning(File.id, sort_by_parameter_order=True),
                                  rows).all()
            for index, file_id in zip(level, new):
                ids[index] = file_id


def _encrypted(result: FileResult) -> bool:
    """A file that could not be read for want of a password (a member of an archive given
    as evidence), or a document that could not be opened (an encrypted PDF)."""
    if (result.error or "").startswith("encrypted"):
        return True
    return (result.note or "").startswith("encrypted") and not result.items


def _levels(items) -> list[list[int]]:
    """Item indexes by nesting level: containers' items before the items inside them."""
    depth: list[int] = []
    for item in items:
        depth.append(0 if item.parent < 0 else depth[item.parent] + 1)
    levels: list[list[int]] = [[] for _ in range(max(depth, default=-1) + 1)]
    for index, level in enumerate(depth):
        levels[level].append(index)
    return levels


def _item_row(parent, parent_id: int, path: str, item, media_ids: dict[str, int]) -> dict:
    member, result = item.member, item.result
    kind = EntryKind(member.kind)
    hashed = bool(result.sha256)
    status = (WorkStatus.DONE if hashed else WorkStatus.ERROR if result.error
              else WorkStatus.SKIPPED)
    return {
        "evidence_id": parent.evidence_id, "partition_id": parent.partition_id,
        "path": path, "name": member.name, "path_bytes": None, "kind": kind,
        # a carved item is deleted content: nothing points to it any more
        "deleted": parent.deleted or getattr(member, "carved", None) is not None,
        "size": result.size if hashed else member.size,
        "meta_addr": None, "attr_type": None, "attr_id": None,
        "crtime": member.crtime, "mtime": member.mtime, "atime": member.atime,
        "ctime": member.ctime,
        "extension_mismatch": hashed and extension_mismatch(member.name, result.detected_type),
        "media_id": media_ids.get(result.sha256) if hashed else None,
        "status": status, "error": result.error or result.note,
        "parent_id": parent_id, "container_path": member.path,
        "container_kind": item.container, "encrypted": item.encrypted,
        "carved_offset": getattr(member, "offset", None),
        "carved": getattr(member, "carved", None),
    }


def _reopen_encrypted(session: Session) -> int:
    """Put back to pending every outermost file holding an encrypted item not yet read
    (or an encrypted document), its items removed; returns how many files."""
    locked = session.scalars(select(File.id).where(
        File.encrypted, (File.status == WorkStatus.ERROR) | File.error.like("encrypted%"))).all()
    tops = {_outermost(session, file_id) for file_id in locked}
    descendants = _descendants(session, tops)
    if descendants:
        for table in (Link, LinkScan):
            session.execute(update(table).where(table.file_id.in_(descendants))
                            .values(file_id=None))
        for level in reversed(_chunks(descendants, 500)):
            session.execute(File.__table__.delete().where(File.id.in_(level)))
    if tops:
        session.execute(update(File).where(File.id.in_(tops)).values(
            status=WorkStatus.PENDING, error=None, encrypted=False, media_id=None))
    return len(tops)


def _outermost(session: Session, file_id: int) -> int:
    while (parent := session.scalar(select(File.parent_id).where(File.id == file_id))):
        file_id = parent
    return file_id


def _descendants(session: Session, ids: set[int]) -> list[int]:
    """Every item inside these files, containers' items before the items inside them."""
    found, level = [], list(ids)
    while level:
        level = [i for chunk in _chunks(level, 500) for i in session.scalars(
            select(File.id).where(File.parent_id.in_(chunk)))]
        found.extend(level)
    return found


def _chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _pictures(analysed: dict[str, MediaAnalysis]) -> list[tuple[str, str, bytes]]:
    rows = []
    for sha256, analysis in analysed.items():
        if analysis.thumbnail:
            rows.append((sha256, THUMBNAIL, analysis.thumbnail))
        if analysis.video and analysis.video.filmstrip:
            rows.append((sha256, FILMSTRIP, analysis.video.filmstrip))
    return rows


def _record_analyses(session: Session, analysed: dict[str, MediaAnalysis],
                     media_ids: dict[str, int]) -> None:
    """Store each content's analysis once: only where the media row has none yet."""
    if not analysed:
        return
    ids = {media_ids[sha256]: sha256 for sha256 in analysed}
    missing = session.scalars(select(Media.id).where(Media.id.in_(list(ids)),
                                                     Media.analysed.is_(False))).all()
    if not missing:
        return
    session.execute(update(Media), [_analysis_values(i, analysed[ids[i]]) for i in missing])
    keyframes = [
        {"media_id": i, "index": k.index, "time": k.time, "phash": k.phash, "dhash": k.dhash,
         "pdq": k.pdq, "pdq_quality": k.pdq_quality, "featureless": k.featureless}
        for i in missing if analysed[ids[i]].video
        for k in analysed[ids[i]].video.keyframes
    ]
    if keyframes:
        session.execute(insert(Keyframe), keyframes)
    frames = [
        {"media_id": i, "step": video.frame_step, "count": len(video.frame_hashes),
         "format": PACKED_FORMAT, "frames": video.frame_hashes.pack()}
        for i in missing if (video := analysed[ids[i]].video) and len(video.frame_hashes)
    ]
    if frames:
        session.execute(insert(VideoFrames), frames)


def _analysis_values(media_id: int, analysis: MediaAnalysis) -> dict:
    video = analysis.video
    return {
        "id": media_id, "analysed": True, "width": analysis.width, "height": analysis.height,
        "phash": analysis.phash, "dhash": analysis.dhash, "pdq": analysis.pdq,
        "pdq_quality": analysis.pdq_quality, "featureless": analysis.featureless,
        "exif": analysis.exif or None, "analysis_error": analysis.error,
        "extra_hashes": analysis.derived,
        "video": video and {"duration": video.duration, "fps": video.fps,
                            "frame_count": video.frame_count, "codec": video.codec,
                            "scenes": video.scenes},
    }


def _upsert_media(session: Session, results: list[FileResult]) -> dict[str, int]:
    """Insert content rows that are new, and return the id of every digest in the batch."""
    if not results:
        return {}
    rows = {r.sha256: {"sha256": r.sha256, "sha1": r.sha1, "md5": r.md5, "size": r.size,
                       "detected_type": r.detected_type} for r in results}
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(Media).on_conflict_do_nothing(index_elements=["sha256"]),
                    list(rows.values()))
    found = session.execute(select(Media.sha256, Media.id).where(Media.sha256.in_(list(rows))))
    return dict(found.all())
