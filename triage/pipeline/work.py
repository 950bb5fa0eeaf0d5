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
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from triage.evidence import (
    ContentError,
    ContentReader,
    EvidenceError,
    Locator,
    identify,
    open_source,
)
from triage.hashing.digests import MultiHasher, digest_chunks
from triage.media.sniff import HEAD_SIZE, media_kind, sniff

if TYPE_CHECKING:
    from triage.media.analyse import MediaAnalysis
    from triage.pipeline.executors import Executor
    from triage.plugins.batches import BatchedRunners, Outcome
    from triage.plugins.loading import PluginSpec

MAX_PICTURE_BYTES = 256 << 20  # larger "pictures" are recorded, hashed, and not decoded


@dataclass(frozen=True)
class FileJob:
    file_id: int
    where: Locator


@dataclass(frozen=True)
class FileResult:
    file_id: int
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    size: int = 0
    detected_type: str | None = None
    error: str | None = None
    analysis: MediaAnalysis | None = None
    plugins: tuple[Outcome, ...] = ()  # what the case's plugins said, from the same decode


@dataclass(frozen=True)
class EvidenceHashResult:
    sha256: str | None = None
    md5: str | None = None
    stored_md5: str | None = None
    error: str | None = None


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
                  plugins: tuple[PluginSpec, ...] = ()) -> list[FileResult]:
    if not (plugins and analyse_media):
        return [_process_file(job, analyse_media) for job in jobs]
    from triage.plugins.batches import BatchedRunners

    runners = BatchedRunners(plugins)
    results = [_process_file(job, analyse_media, runners) for job in jobs]
    outcomes = runners.finish()  # the last partial batches run here
    return [replace(r, plugins=tuple(outcomes.pop(r.sha256, ()))) for r in results]


def _process_file(job: FileJob, analyse_media: bool,
                  plugins: BatchedRunners | None = None) -> FileResult:
    hasher, kept, detected, error = MultiHasher(), None, None, None
    try:
        for chunk in _shared_reader().chunks(job.where):
            if hasher.size == 0:
                detected = sniff(chunk[:HEAD_SIZE])
                kept = _Kept.start(detected) if analyse_media else None
            hasher.update(chunk)
            if kept:
                kept.add(chunk)
    except (ContentError, EvidenceError) as exc:
        error = str(exc)
    except (OSError, MemoryError) as exc:
        error = f"read failed: {exc}"
    if error:
        if kept:
            kept.close()
        return FileResult(job.file_id, error=error)
    digests = hasher.digests()
    analysis = None
    if kept:
        if digests.sha256 not in _analysed:
            analysis = kept.analyse(detected, plugins, digests.sha256)
            _remember(digests.sha256)
        kept.close()
    return FileResult(job.file_id, digests.md5, digests.sha1, digests.sha256, digests.size,
                      detected, analysis=analysis)


def _one_thread_per_worker() -> None:
    """Every core already runs a worker; decoders' own threads would only fight them."""
    import pillow_heif

    pillow_heif.options.DECODE_THREADS = 1


def forget_analysed() -> None:
    """A new ingest run starts in this process (a cluster worker outlives runs): analyse
    every content again, or a resumed or other case would never get its analyses."""
    _analysed.clear()


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


def hash_evidence(format: str, paths: list[str]) -> EvidenceHashResult:
    """SHA-256 and MD5 of the whole image; for E01 also the MD5 stored at acquisition."""
    try:
        source = open_source(format, paths)
        try:
            # SHA-256 is the record; MD5 only where the format stored one at acquisition
            # to compare with (E01): on a raw image it would cost more than SHA-256 itself.
            stored = source.stored_md5()
            algorithms = ("md5", "sha256") if stored else ("sha256",)
            digests, _ = digest_chunks(source.chunks(), algorithms=algorithms)
            missing = sum(end - start for start, end in source.bad_ranges)
        finally:
            source.close()
    except (EvidenceError, OSError) as exc:
        return EvidenceHashResult(error=f"cannot hash evidence: {exc}")
    if missing:
        return EvidenceHashResult(
            stored_md5=stored,
            error=f"cannot hash evidence: {missing} bytes of the image could not be read "
                  f"(a segment is missing or damaged)")
    return EvidenceHashResult(digests.sha256, digests.md5, stored)


EarlyImageHashes = dict[tuple[str, tuple[str, ...]], Future]  # (format, paths) -> hash job


def start_image_hashes(executor: Executor, paths: list[Path | str]) -> EarlyImageHashes:
    """Start hashing the images of a new case at once, for `Ingest(image_hashes=...)`.

    Opening the store and importing the pipeline take this process most of a
    second, in which the workers would sit idle; the whole-image SHA-256 needs
    nothing from the store. Only for a case not made yet: in an existing one
    the image may be hashed already, and a running job cannot be called back.
    """
    jobs: EarlyImageHashes = {}
    for path in paths:
        try:
            format, segments = identify(Path(path).absolute())
        except EvidenceError:
            continue  # `Ingest.add` registers it with its error
        if has_image_hash(format):
            names = tuple(str(p.absolute()) for p in segments)
            jobs[(format, names)] = executor.submit(hash_evidence, format, list(names))
    return jobs
