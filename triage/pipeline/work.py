"""The per-file work that runs in worker processes: read once, digest, sniff, analyse.

A file's bytes stream once through the digests; a picture's bytes are kept
in memory (a video's spooled to a temporary file) for the one decode that
gives every image-derived value. Functions here take and return plain,
picklable values and never touch the case store, so any executor (local
processes, a cluster) can run them.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, Callable

from triage.evidence import (
    ContainerError,
    ContentError,
    ContentReader,
    EvidenceError,
    Locator,
    identify,
    open_source,
)
from triage.evidence.containers import Chunks, container_kind_by_place, spool
from triage.hashing.digests import MultiHasher, digest_chunks
from triage.media.sniff import HEAD_SIZE, media_kind, sniff
from triage.pipeline.executors import Executor, on_new_run
from triage.pipeline.expand import (
    ContainerLimits,
    Scope,
    capped,
    expand,
    listing,
    may_be_placed,
    may_open,
)
from triage.pipeline.results import FileResult

if TYPE_CHECKING:
    from triage.media.analyse import MediaAnalysis
    from triage.plugins.batches import BatchedRunners
    from triage.plugins.loading import PluginSpec

MAX_PICTURE_BYTES = 256 << 20  # larger "pictures" are recorded, hashed, and not decoded


@dataclass(frozen=True)
class FileJob:
    file_id: int
    where: Locator
    size: int | None = None  # as listed; bounds what an archive member may expand to


@dataclass(frozen=True)
class EvidenceHashResult:
    sha256: str | None = None
    md5: str | None = None
    stored_md5: str | None = None
    error: str | None = None
    damaged: tuple[tuple[int, int], ...] = ()  # byte ranges whose chunk checksum fails (EWF)
    warning: str | None = None  # the hash stands, but something about the image is wrong


_reader: ContentReader | None = None


def _shared_reader() -> ContentReader:
    """One reader per worker process, so images and file systems stay open between batches."""
    global _reader
    if _reader is None:
        _reader = ContentReader()
    return _reader


_analysed: set[str] = set()  # contents this worker already analysed in this run


def warm_up() -> None:
    """Sent once per worker while the walk runs, so worker start-up overlaps it."""
    _shared_reader()


def process_files(jobs: list[FileJob], analyse_media: bool = True,
                  plugins: tuple[PluginSpec, ...] = (),
                  limits: ContainerLimits | None = None, again: bool = False) -> list[FileResult]:
    """`again`: decode contents this worker has decoded already in this run (a plugin tried
    alone on a file that killed a worker must see it)."""
    limits = limits or ContainerLimits()
    if not (plugins and analyse_media):
        return [_process_file(job, _Reading(analyse_media, None, limits, again))
                for job in jobs]
    from triage.plugins.batches import BatchedRunners

    runners = BatchedRunners(plugins)
    results = [_process_file(job, _Reading(analyse_media, runners, limits, again))
               for job in jobs]
    outcomes = runners.finish()  # the last partial batches run here
    return [_with_outcomes(r, outcomes) for r in results]


def _with_outcomes(result: FileResult, outcomes: dict) -> FileResult:
    items = tuple(replace(i, result=replace(i.result, plugins=tuple(
        outcomes.get(i.result.sha256, ())))) for i in result.items)
    return replace(result, plugins=tuple(outcomes.pop(result.sha256, ())), items=items)


@dataclass(frozen=True)
class _Reading:
    """How one batch reads its contents: decode or not, with which plugins, which limits."""

    analyse_media: bool
    plugins: BatchedRunners | None
    limits: ContainerLimits
    again: bool = False  # decode even what this worker decoded already


def _process_file(job: FileJob, how: _Reading) -> FileResult:
    """A file's result; a container's items with it, read from the file a second time
    (seekable, so an archive's index at its end is read where it is, never copied)."""
    if job.where.carve is not None:
        return _carve(job, how)
    reader = _shared_reader()
    reader.passwords = how.limits.passwords  # archive evidence, items read again
    reader.volume_keys = how.limits.volume_keys
    scope = Scope(how.limits)
    in_place = reader.seekable(job.where)
    chunks = reader.chunks(job.where)
    if job.where.members:  # an archive member listed by another job
        chunks = capped(chunks, job.size, how.limits)
    result, kind, spooled = _read(chunks, scope, how, keep=not in_place)
    result = replace(result, file_id=job.file_id)
    name = PurePosixPath(job.where.path).name
    if spooled is not None:  # a member of an archive evidence: no cheap way back to it
        with spooled:
            spooled.seek(0)
            return _expanded(result, spooled, kind, name, scope, how)
    if result.error or not (kind or (in_place and may_be_placed(job.where.path, scope))):
        return result
    try:
        with reader.open(job.where) as stream:
            kind = kind or container_kind_by_place(job.where.path, stream)
            if kind is None:
                return result
            items = listing(stream, kind, name, result.size, how.limits)
            if items is not None:
                return replace(result, items=items, fanned_out=True)
            stream.seek(0)
            return _expanded(result, stream, kind, name, scope, how)
    except (ContentError, EvidenceError, OSError) as exc:
        return replace(result, note=f"container not opened: {exc}")


def _carve(job: FileJob, how: _Reading) -> FileResult:
    """An area of free space: what is carved from it are its items."""
    # Imported here: carving validates by decoding, whose libraries a worker loads only
    # when it first needs them (half a second each).
    from triage.pipeline.carve import carve_area

    runs, end = job.where.carve
    # Carved candidates are always decoded (that is how they are judged), even hashes-only.
    judging = replace(how, analyse_media=True)
    reader = _shared_reader()
    reader.volume_keys = how.limits.volume_keys  # an unlocked volume is carved decrypted
    try:
        source = reader.volume_source(job.where)
        result = carve_area(source, runs, end, how.limits.carve,
                            partial(_read_carved, how=judging))
    except (EvidenceError, ContentError, OSError) as exc:
        return FileResult(job.file_id, error=f"carving stopped: {exc}")
    return replace(result, file_id=job.file_id)


def _read_carved(data: bytes, again: bool, how: _Reading) -> FileResult:
    how = replace(how, again=how.again or again)
    result, _, _ = _read(iter((data,)), Scope(how.limits), how, keep=False)
    return result


def _read_item(chunks: Chunks, name: str, scope: Scope, how: _Reading) -> FileResult:
    """An item inside a container: read like a file; a container inside is spooled and opened."""
    result, kind, spooled = _read(chunks, scope, how, keep=True)
    if spooled is None:
        return result
    with spooled:
        spooled.seek(0)
        return _expanded(result, spooled, kind, name, scope, how)


def _expanded(result: FileResult, stream: BinaryIO, kind: str, name: str, scope: Scope,
              how: _Reading) -> FileResult:
    try:
        items, note = expand(stream, kind, name, result.sha256, scope,
                             partial(_read_item, how=how))
    except Exception as exc:  # noqa: BLE001 - a parser's bug on hostile input must not stop ingest
        items, note = (), f"container could not be read: {type(exc).__name__}: {exc}"
    return replace(result, items=items, note=note)


def _read(chunks: Chunks, scope: Scope, how: _Reading,
          keep: bool) -> tuple[FileResult, str | None, BinaryIO | None]:
    """One pass over a content: digests, type, the decode; with `keep`, a container's bytes
    are kept for opening. Returns (result, container kind or None, kept container bytes)."""
    hasher, kept, detected, error, kind, spooled = MultiHasher(), None, None, None, None, None
    try:
        for chunk in _headed(chunks):
            if hasher.size == 0:
                head = chunk[:HEAD_SIZE]
                detected = sniff(head)
                kept = _Kept.start(detected) if how.analyse_media else None
                kind = may_open(head, scope)
                spooled = spool() if kind and keep else None
            hasher.update(chunk)
            if kept:
                kept.add(chunk)
            if spooled:
                spooled.write(chunk)
    except (ContentError, EvidenceError, ContainerError) as exc:
        error = str(exc)
    except (OSError, MemoryError) as exc:
        error = f"read failed: {exc}"
    if error:
        for held in (kept, spooled):
            if held:
                held.close()
        return FileResult(0, error=error), None, None
    digests = hasher.digests()
    analysis = None
    if kept:
        if how.again or digests.sha256 not in _analysed:
            analysis = kept.analyse(detected, how.plugins, digests.sha256)
            _remember(digests.sha256)
        kept.close()
    return (FileResult(0, digests.md5, digests.sha1, digests.sha256, digests.size, detected,
                       analysis=analysis), kind, spooled)


def _headed(chunks: Chunks) -> Chunks:
    """The same bytes, the first chunk at least HEAD_SIZE long where the content is: an
    archive hands out small first blocks, and types are told from the first chunk."""
    head = b""
    for chunk in chunks:
        if head is None:
            yield chunk
            continue
        head += chunk
        if len(head) >= HEAD_SIZE:
            yield head
            head = None
    if head:
        yield head


def _one_thread_per_worker() -> None:
    """Every core already runs a worker; decoders' own threads would only fight them."""
    import pillow_heif

    pillow_heif.options.DECODE_THREADS = 1


def forget_analysed() -> None:
    """A new ingest run starts in this process (a cluster worker outlives runs): analyse
    every content again, or a resumed or other case would never get its analyses."""
    _analysed.clear()


on_new_run(forget_analysed)


def _remember(sha256: str) -> None:
    if len(_analysed) > 500_000:  # bound the memory of a long run; a repeat costs one decode
        _analysed.clear()
    _analysed.add(sha256)


class _Kept:
    """The bytes of one picture (in memory) or video (in a temporary file) for its decode."""

    def __init__(self, video: bool):
        self._chunks: list[bytes] = []
        self._size = 0
        self._spool = tempfile.NamedTemporaryFile(prefix="triage-", delete=False) if video else None

    @classmethod
    def start(cls, detected: str | None) -> "_Kept | None":
        kind = media_kind(detected)
        return cls(video=kind == "video") if kind in ("image", "video") else None

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._spool:
            self._spool.write(chunk)
        elif self._size <= MAX_PICTURE_BYTES:
            self._chunks.append(chunk)
        else:
            self._chunks = []

    def analyse(self, detected: str | None, plugins: BatchedRunners | None = None,
                key: str = "") -> MediaAnalysis:
        """The one decode; the case's `plugins`, if any, get its working picture (or a
        video's keyframes) as the answers for `key`."""
        # Imported here: decoding libraries cost half a second per worker to load,
        # and a hashes-only ingest never needs them.
        from triage.media.analyse import MediaAnalysis, analyse

        _one_thread_per_worker()

        from triage.similarity.features import extra_hashes, pack_extra_hashes

        if self._spool:
            self._spool.flush()
            return analyse(self._spool.name, detected,
                           on_keyframes=plugins and partial(plugins.feed_video, key))
        if self._size > MAX_PICTURE_BYTES:
            return MediaAnalysis(kind="image", error=f"picture of {self._size} bytes is larger "
                                 f"than {MAX_PICTURE_BYTES} bytes; not decoded")
        data = b"".join(self._chunks)

        def derive(picture):
            if plugins:
                plugins.feed(key, picture, data)
            return pack_extra_hashes(extra_hashes(picture))

        return analyse(data, detected, derive=derive)

    def close(self) -> None:
        self._chunks = []
        if self._spool:
            self._spool.close()
            os.unlink(self._spool.name)
            self._spool = None


def has_image_hash(format: str) -> bool:
    """Whether evidence of this format gets a whole-image hash (a folder is no one image;
    unknown evidence could not be opened)."""
    return format not in ("folder", "unknown")


def hash_evidence(format: str, paths: list[str],
                  progress: Callable[[int, int], None] | None = None,
                  progress_file: str | None = None) -> EvidenceHashResult:
    """SHA-256 and MD5 of the whole image; for E01 also the MD5 stored at acquisition.
    `progress(bytes_done, bytes_total)` is called as it goes (a terabyte takes hours); in a
    worker process, the bytes done go to `progress_file` (see `ImageHashProgress`) instead."""
    if progress is None and progress_file:
        progress = _file_reporter(progress_file)
    check = None
    try:
        source = open_source(format, paths)
        try:
            check = source.start_checksum_check()
            # SHA-256 is the record; MD5 only where the format stored one at acquisition
            # to compare with (E01): on a raw image it would cost more than SHA-256 itself.
            stored = source.stored_md5()
            algorithms = ("md5", "sha256") if stored else ("sha256",)
            chunks = source.chunks()
            if progress is not None:
                chunks = _counted(chunks, source.size, progress)
            digests, _ = digest_chunks(chunks, algorithms=algorithms)
            missing = sum(end - start for start, end in source.bad_ranges)
            damaged, warning = check.result() if check else ([], None)
            problem = None if missing else source.checksum_problem()
        finally:
            if check:
                check.stop()
            source.close()
    except (EvidenceError, OSError) as exc:
        return EvidenceHashResult(error=f"cannot hash evidence: {exc}")
    if missing:
        return EvidenceHashResult(
            stored_md5=stored,
            error=f"cannot hash evidence: {missing} bytes of the image could not be read "
                  f"(a segment is missing or damaged)")
    if damaged:
        warning = (f"{len(damaged)} chunk run(s) of the image fail their checksum and read as "
                   f"zeros ({damaged_ranges(damaged)}); files stored there carry an error")
    if problem:  # the format's own checksums disagree (DMG): the hash of what was read stands
        warning = f"{warning}; {problem}" if warning else problem
    return EvidenceHashResult(digests.sha256, digests.md5, stored,
                              damaged=tuple(damaged), warning=warning)


def damaged_ranges(ranges, shown: int = 3) -> str:
    """Byte ranges as an examiner reads them: 'bytes 98304-131071, ...' (last byte included)."""
    text = ", ".join(f"bytes {start}-{end - 1}" for start, end in ranges[:shown])
    return text + (f" and {len(ranges) - shown} more" if len(ranges) > shown else "")


def _counted(chunks, total: int, progress: Callable[[int, int], None]):
    done = 0
    for chunk in chunks:
        done += len(chunk)
        progress(done, total)
        yield chunk


class ImageHashProgress:
    """How far a worker process has read an image it hashes, for the ingest's progress bar.

    The hash runs in a worker for hours on a large image; its bytes done go
    into a small file that the ingesting process reads while it waits (a
    pipe or a manager would need a channel the executor does not give, and
    must not be a socket). A worker on another machine (Dask) finds no such
    file and reports nothing: the bar then counts images only.
    """

    def __init__(self) -> None:
        descriptor, self.path = tempfile.mkstemp(prefix="triage-image-hash-", suffix=".progress")
        os.close(descriptor)

    def bytes_done(self) -> int:
        try:
            with open(self.path, "rb") as handle:
                return int.from_bytes(handle.read(8), "little")
        except OSError:
            return 0

    def close(self) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _file_reporter(path: str, every_s: float = 0.5) -> Callable[[int, int], None] | None:
    """A `progress` callback writing the bytes done into `path`, if it exists here."""
    if not os.path.exists(path):  # never created here: see ImageHashProgress
        return None
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s or done >= total:
            last[0] = now
            try:
                descriptor = os.open(path, os.O_WRONLY)
                try:
                    os.pwrite(descriptor, done.to_bytes(8, "little"), 0)
                finally:
                    os.close(descriptor)
            except OSError:
                pass

    return report


@dataclass(frozen=True)
class ImageHashJob:
    future: Future
    progress: ImageHashProgress

    def cancel(self) -> None:
        self.future.cancel()
        self.progress.close()


def submit_image_hash(executor: Executor, format: str, paths: list[str]) -> ImageHashJob:
    progress = ImageHashProgress()
    return ImageHashJob(executor.submit(hash_evidence, format, paths, None, progress.path),
                        progress)


EarlyImageHashes = dict[tuple[str, tuple[str, ...]], ImageHashJob]  # (format, paths) -> job


def start_image_hashes(executor: Executor, paths: list[Path | str],
                       parents: tuple[Path, ...] = ()) -> EarlyImageHashes:
    """Start hashing the images of a new case at once, for `Ingest(image_hashes=...)`.

    Opening the store and importing the pipeline take this process most of a
    second, in which the workers would sit idle; the whole-image SHA-256 needs
    nothing from the store. Only for a case not made yet: in an existing one
    the image may be hashed already, and a running job cannot be called back.
    """
    jobs: EarlyImageHashes = {}
    for path in paths:
        try:
            format, segments = identify(Path(path).absolute(), parents)
        except EvidenceError:
            continue  # `Ingest.add` registers it with its error
        if has_image_hash(format):
            names = tuple(str(p.absolute()) for p in segments)
            jobs[(format, names)] = submit_image_hash(executor, format, list(names))
    return jobs
