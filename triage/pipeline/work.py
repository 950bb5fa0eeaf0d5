"""The per-file work that runs in worker processes: read once, digest, sniff.

Functions here take and return plain, picklable values and never touch the
case store, so any executor (local processes, a cluster) can run them.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.evidence import ContentError, ContentReader, EvidenceError, Locator, open_source
from triage.hashing.digests import digest_chunks
from triage.media.sniff import HEAD_SIZE, sniff


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


@dataclass(frozen=True)
class EvidenceHashResult:
    evidence_id: int
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


def process_files(jobs: list[FileJob]) -> list[FileResult]:
    return [_process_file(job) for job in jobs]


def _process_file(job: FileJob) -> FileResult:
    try:
        digests, head = digest_chunks(_shared_reader().chunks(job.where), HEAD_SIZE)
    except (ContentError, EvidenceError) as exc:
        return FileResult(job.file_id, error=str(exc))
    except (OSError, MemoryError) as exc:
        return FileResult(job.file_id, error=f"read failed: {exc}")
    return FileResult(
        job.file_id, digests.md5, digests.sha1, digests.sha256, digests.size, sniff(head)
    )


def hash_evidence(evidence_id: int, format: str, paths: list[str]) -> EvidenceHashResult:
    """SHA-256 and MD5 of the whole image; for E01 also the MD5 stored at acquisition."""
    try:
        source = open_source(format, paths)
        try:
            digests, _ = digest_chunks(source.chunks())
            stored = source.stored_md5()
            missing = sum(end - start for start, end in source.bad_ranges)
        finally:
            source.close()
    except (EvidenceError, OSError) as exc:
        return EvidenceHashResult(evidence_id, error=f"cannot hash evidence: {exc}")
    if missing:
        return EvidenceHashResult(
            evidence_id, stored_md5=stored,
            error=f"cannot hash evidence: {missing} bytes of the image could not be read "
                  f"(a segment is missing or damaged)")
    return EvidenceHashResult(evidence_id, digests.sha256, digests.md5, stored)
