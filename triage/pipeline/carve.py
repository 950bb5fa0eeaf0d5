"""Carve one area in a worker: candidates by structure, kept only where they decode.

Every candidate goes through the same reading as a file (digests, type, the
one decode), so a carved picture is hashed, matched and stacked like any
other. The decode is the judge: what does not decode is dropped; a
candidate whose structure stops short (fragmented, overwritten, at the end
of the space) is kept as *partial* where Pillow decodes what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from triage.evidence import Source
from triage.evidence.carving import Candidate, Scanner
from triage.evidence.containers import Member
from triage.media.decode import truncated_allowed
from triage.media.sniff import FILE_EXTENSION, HEAD_SIZE, media_kind, sniff
from triage.pipeline.results import FileResult, ItemResult

CARVED = "carved"  # the container kind of carved items, and the folder of their names


# One candidate's bytes: digests, type and the decode; with False, a content this worker has
# decoded already is not decoded again (its result then has no analysis).
ReadCarved = Callable[[bytes, bool], FileResult]

_verdicts: dict[str, bool] = {}  # content -> whether it decoded, in this worker


@dataclass
class CarvedMember(Member):
    """A carved item: where it starts in the evidence, and whether it is whole."""

    offset: int = 0
    carved: str = "complete"  # or "partial"


def carved_name(offset: int, detected: str | None) -> str:
    return f"{CARVED}/{offset:010d}.{FILE_EXTENSION.get(detected or '', 'bin')}"


def carve_area(source: Source, runs: tuple[tuple[int, int], ...], end: int,
               kinds: tuple[str, ...], read: ReadCarved) -> FileResult:
    """The items carved from `runs` of `source`, with a note that counts what was found."""
    scanner = Scanner(source, list(runs), end)
    items: list[ItemResult] = []
    dropped = partial = 0
    for candidate in scanner.candidates():
        head = scanner.content_head(candidate, HEAD_SIZE)
        if media_kind(sniff(head)) not in kinds:
            continue
        data = scanner.content(candidate)
        result = _judged(candidate, data, read)
        if result is None:
            dropped += 1
            continue
        state = "complete" if candidate.shape.complete else "partial"
        partial += state == "partial"
        items.append(_item(-1, candidate.offset, result, state))
        if state == "partial":  # its length is a guess: what follows may start a file
            continue
        scanner.skip_to(candidate.offset + candidate.length)
        parent = len(items) - 1
        for start, length in candidate.shape.embedded:  # EXIF thumbnails: items of their own
            thumbnail = _judged_bytes(data[start:start + length], read)
            if thumbnail is not None:
                items.append(_item(parent, candidate.offset + start, thumbnail, "complete"))
    counts = scanner.counts
    note = (f"carved {len(items)} items ({partial} partial) from {counts.bytes} bytes; "
            f"{counts.candidates} candidates, {counts.truncated} cut short (fragmented or "
            f"overwritten), {dropped} dropped (did not decode)")
    return FileResult(0, items=tuple(items), note=note)


def _judged(candidate: Candidate, data: bytes, read: ReadCarved) -> FileResult | None:
    if candidate.shape.complete:
        return _judged_bytes(data, read)
    with truncated_allowed():
        result = read(data, True)
    return result if _decoded(result) else None


def _judged_bytes(data: bytes, read: ReadCarved) -> FileResult | None:
    """The result if the bytes decode; a content met again (stale copies are many) is judged
    by its first decode in this worker, not decoded again."""
    result = read(data, False)
    if result.sha256 and result.analysis is None:
        if result.sha256 not in _verdicts:  # decoded as a file, before: decode it now
            result = read(data, True)
        elif _verdicts[result.sha256]:
            return result
    return result if _decoded(result) else None


def _decoded(result: FileResult) -> bool:
    ok = bool(result.sha256 and result.analysis is not None and result.analysis.error is None)
    if result.sha256:
        if len(_verdicts) > 100_000:
            _verdicts.clear()
        _verdicts[result.sha256] = ok
    return ok


def _item(parent: int, offset: int, result: FileResult, state: str) -> ItemResult:
    member = CarvedMember(carved_name(offset, result.detected_type), size=result.size,
                          offset=offset, carved=state)
    return ItemResult(parent, member, CARVED, result)
