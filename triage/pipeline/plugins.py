"""Running a plugin over media already in a case (`triage plugins run CASE_DIR NAME`).

Ingest runs the case's plugins on its single decode; a plugin enabled
later, or disabled by a fault during ingest, is run here instead, on every
picture that has no answer from this plugin, version and model yet. Its
pictures are read again from evidence (read-only) and decoded once more,
since the ingest's decode is long gone. Workers load the plugin once each
and return plain answers; the parent stores them, a transaction per job,
so a killed run resumes where it stopped.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field

from sqlalchemy import exists, select

from triage.case.models import File, Media, PluginResult, WorkStatus
from triage.case.store import CaseStore
from triage.evidence import ContentError, EvidenceError, Locator
from triage.pipeline.content import locator, locator_query
from triage.pipeline.executors import Executor, LocalExecutor
from triage.pipeline.progress import ProgressCallback, ProgressTracker
from triage.pipeline.work import _shared_reader
from triage.plugins.batches import BatchedRunners, Outcome, release
from triage.plugins.discovery import Catalogue
from triage.plugins.loading import PluginSpec
from triage.plugins.recording import RunRecorder

JOB_MEDIA = 64
PAGE = 2000


@dataclass(frozen=True)
class MediaJob:
    media_id: int
    where: Locator
    video: bool = False


@dataclass
class PluginRunSummary:
    items: int = 0
    flagged: int = 0
    unreadable: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def answer_media(jobs: list[MediaJob], specs: tuple[PluginSpec, ...]
                 ) -> tuple[list[tuple[int, Outcome]], int]:
    """In a worker: read and decode each item once, feed the plugins; (answers, unreadable).

    A picture goes to picture plugins, a video's keyframes to video
    classifiers and, frame by frame, to picture plugins; an item no loaded
    plugin takes is not read at all.
    """
    runners, unreadable = BatchedRunners(specs), 0
    for job in jobs:
        if not (runners.wants_videos if job.video else runners.wants_pictures):
            continue
        try:
            data = b"".join(_shared_reader().chunks(job.where))
            if job.video:
                runners.feed_video(str(job.media_id), *_keyframes(data))
            else:
                runners.feed(str(job.media_id), _picture(data), data)
        except (_Unreadable, ContentError, EvidenceError, OSError):
            unreadable += 1  # ingest already recorded why; nothing for a plugin to see
    return [(int(key), o) for key, outcomes in runners.finish().items() for o in outcomes], \
        unreadable


class _Unreadable(Exception):
    pass


def _picture(data: bytes):
    from triage.media.decode import DecodeError, decode_picture

    try:
        return decode_picture(data).picture
    except DecodeError as exc:
        raise _Unreadable from exc


def _keyframes(data: bytes) -> tuple[list, list]:
    """A video's keyframes and their times."""
    from triage.media.video import read_video

    try:
        keyframes = read_video(data).keyframes
        return [frame.picture for frame in keyframes], [frame.time for frame in keyframes]
    except Exception as exc:  # VideoError, and OpenCV's own on damaged streams
        raise _Unreadable from exc


class _InProcess:
    """An executor that runs each call at once in this process (tests, `--workers 0`)."""

    workers = 1

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, cancel: bool = False) -> None:
        pass


def run_plugin(store: CaseStore, name: str, examiner: str, workers: int | None = None,
               executor: Executor | None = None, catalogue: Catalogue | None = None,
               progress: ProgressCallback | None = None,
               cancel: threading.Event | None = None) -> PluginRunSummary:
    """Run plugin `name` on every item of the case it has not answered; audited as one run."""
    recorder = RunRecorder(store, examiner, "run", [name], catalogue)
    summary = PluginRunSummary()
    specs = recorder.specs()
    if specs:
        own = executor is None
        executor = executor or (_InProcess() if workers == 0 else LocalExecutor(workers))
        try:
            _run(store, recorder, executor, specs[0], summary, progress,
                 cancel or threading.Event())
        finally:
            if own:
                executor.shutdown(cancel=bool(recorder.errors))
            release(specs[0].run)  # runners this process made for the run (in-process runs)
    recorder.finish()
    state = recorder.runs[name]
    summary.items, summary.flagged, summary.errors = state.items, state.flagged, recorder.errors
    return summary


def _run(store: CaseStore, recorder: RunRecorder, executor, spec: PluginSpec,
         summary: PluginRunSummary, progress: ProgressCallback | None,
         cancel: threading.Event) -> None:
    todo = _unanswered(store, spec)
    tracker = ProgressTracker(f"plugin {spec.name}", len(todo), 0, progress)
    jobs = _jobs(store, todo)
    in_flight: dict[Future, int] = {}
    while True:
        while recorder.specs() and not cancel.is_set() and len(in_flight) < executor.workers * 2:
            job = next(jobs, None)
            if job is None:
                break
            in_flight[executor.submit(answer_media, job, recorder.specs())] = len(job)
        if not in_flight:
            break
        done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
        for future in done:
            size = in_flight.pop(future)
            if future.cancelled():
                continue
            try:
                answers, unreadable = future.result()
            except BrokenExecutor as exc:  # a crash in native code takes the worker with it
                answers, unreadable = [(0, Outcome(spec.name, error=(
                    f"{spec.name}: a worker process died while running it ({exc}); "
                    "disabled for this run")))], 0
            summary.unreadable += unreadable
            with store.session() as session:
                recorder.record(session, answers)
            tracker.advance(size, 0)
        if not recorder.specs() or cancel.is_set():
            for future in in_flight:
                future.cancel()
    tracker.emit()


def _unanswered(store: CaseStore, spec: PluginSpec) -> list[tuple[int, bool]]:
    """(media id, is a video) with no answer yet from this plugin, version and model."""
    manifest = spec.manifest
    answered = exists().where(PluginResult.media_id == Media.id,
                              PluginResult.plugin == manifest.name,
                              PluginResult.version == manifest.version,
                              PluginResult.model_sha256 == manifest.model_sha256)
    with store.reading() as session:
        rows = session.execute(
            select(Media.id, Media.detected_type.like("video/%"))
            .where(Media.detected_type.like("image/%") | Media.detected_type.like("video/%"),
                   Media.analysis_error.is_(None), ~answered)
            .order_by(Media.id))
        return [(media_id, bool(video)) for media_id, video in rows]


def _jobs(store: CaseStore, media: list[tuple[int, bool]]):
    """Jobs of one readable instance per media item, a page of items at a time."""
    job: list[MediaJob] = []
    videos = {media_id for media_id, video in media if video}
    for start in range(0, len(media), PAGE):
        page = [media_id for media_id, _ in media[start:start + PAGE]]
        with store.reading() as session:
            rows = session.execute(
                locator_query(File.media_id)
                .where(File.media_id.in_(page), File.status == WorkStatus.DONE)
                .order_by(File.media_id, File.id)).all()
        seen: set[int] = set()
        for row in rows:
            if row.media_id in seen:
                continue
            seen.add(row.media_id)
            job.append(MediaJob(row.media_id, locator(row), row.media_id in videos))
            if len(job) >= JOB_MEDIA:
                yield job
                job = []
    if job:
        yield job
