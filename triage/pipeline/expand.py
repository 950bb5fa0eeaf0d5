"""Open the containers a worker meets while it reads a file, recursively, within limits.

Every item inside goes through the same reading as a file (one pass: digests,
type, the one decode) in the same worker, so a container and everything in
it are one unit of work: recorded together, or redone together after a kill.
Hostile containers are bounded three ways: nesting depth, bytes expanded
from one outermost file (at most `max_ratio` times its size, at least
`min_budget`, never over `max_total`), and a container that holds its own
content (a quine) is not opened again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import BinaryIO, Callable, Iterator

from triage.evidence.encrypted import VolumeKeys
from triage.evidence.containers import (
    PLACES,
    Chunks,
    ContainerError,
    Member,
    container_kind,
    open_container,
)
from triage.pipeline.results import FileResult, ItemResult

@dataclass(frozen=True)
class ContainerLimits:
    """How far a worker opens containers; picklable, sent with each batch."""

    open_containers: bool = True
    max_depth: int = 8
    max_ratio: int = 100
    min_budget: int = 64 << 20
    max_total: int = 256 << 30
    passwords: tuple[str, ...] = ()
    volume_keys: VolumeKeys = VolumeKeys()  # encrypted volumes' credentials: memory only
    # An archive read in place with at least this many files or bytes (ZIP, plain TAR: their
    # members can be reached without decompressing what comes before) is only listed by the
    # worker that meets it; its files then go through the pool as jobs of their own.
    fan_out_items: int = 256
    fan_out_bytes: int = 256 << 20
    # What is carved from free and unpartitioned space ("image", "video"); empty: no carving.
    carve: tuple[str, ...] = ("image", "video")


class LimitReached(ContainerError):
    """More was expanded from one file than its limits allow: a decompression bomb."""


class Budget:
    """Bytes that may still be expanded from one outermost container, across all levels."""

    def __init__(self, limits: ContainerLimits, outer_size: int):
        self.limit = min(limits.max_total, max(limits.min_budget, limits.max_ratio * outer_size))
        self.outer_size = outer_size
        self.used = 0
        self.exhausted: str | None = None

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            self.exhausted = (f"expansion stopped at {self.limit} bytes from a "
                              f"{self.outer_size}-byte file (a decompression bomb?)")
            raise LimitReached(self.exhausted)


@dataclass(frozen=True)
class Scope:
    """Where a read stands: how deep in containers, inside which contents, what budget."""

    limits: ContainerLimits
    depth: int = 0
    ancestors: tuple[str, ...] = ()
    budget: Budget | None = field(default=None, compare=False)

    def inside(self, sha256: str, size: int) -> Scope:
        budget = self.budget or Budget(self.limits, size)
        return replace(self, depth=self.depth + 1, ancestors=self.ancestors + (sha256,),
                       budget=budget)


ReadItem = Callable[[Chunks, str, Scope], FileResult]  # (bytes, name, scope): result, items too


def may_open(head: bytes, scope: Scope) -> str | None:
    """The container kind to open a content as, or None (not one, or not to be opened)."""
    if not scope.limits.open_containers:
        return None
    return container_kind(head)


def may_be_placed(path: str, scope: Scope) -> bool:
    """Whether a file's place makes it worth a look at its end (see container_kind_by_place)."""
    return scope.limits.open_containers and any(place in path for place in PLACES)


def expand(stream: BinaryIO, kind: str, name: str, sha256: str, scope: Scope,
           read: ReadItem) -> tuple[tuple[ItemResult, ...], str | None]:
    """The items of a container and of every container inside it, and why they may be
    incomplete (None when the container was read whole)."""
    if sha256 in scope.ancestors:
        return (), "not opened: the same content as a container it is inside (a quine)"
    if scope.depth >= scope.limits.max_depth:
        return (), f"not opened: nested deeper than {scope.limits.max_depth} containers"
    inner = scope.inside(sha256, _size(stream))
    container = open_container(kind, stream, name, scope.limits.passwords)
    items: list[ItemResult] = []
    note = None
    try:
        for member, chunks in container.members():
            if inner.budget.exhausted:
                note = inner.budget.exhausted
                break
            result = _read_member(member, chunks, inner, read)
            if container.keeps_everything or result.detected_type or result.items or result.error:
                _add(items, member, container.found or kind, result)
    except ContainerError as exc:
        note = str(exc)
    note = note or inner.budget.exhausted or _encrypted_note(items)
    return tuple(items), note


FAN_OUT_KINDS = frozenset({"zip", "tar"})


def listing(stream: BinaryIO, kind: str, name: str, size: int,
            limits: ContainerLimits) -> tuple[ItemResult, ...] | None:
    """The members of a large archive without their bytes, to be read by many workers; None
    when it is small, not randomly accessible, or its declared sizes exceed the limits (then
    it is read in place, where a bomb is metered as it expands)."""
    if kind not in FAN_OUT_KINDS:
        return None
    items, total = [], 0
    try:
        for member, _ in open_container(kind, stream, name, limits.passwords).members():
            if member.kind == "file" and (member.size is None or member.encrypted):
                return None
            total += member.size or 0
            items.append(ItemResult(-1, member, kind, FileResult(0, error=member.error)))
    except ContainerError:
        return None
    budget = Budget(limits, size)
    files = sum(1 for item in items if item.member.kind == "file")
    if total > budget.limit or (files < limits.fan_out_items and size < limits.fan_out_bytes):
        return None
    return tuple(items)


def capped(chunks: Chunks, declared: int | None, limits: ContainerLimits) -> Iterator[bytes]:
    """An archive member read as a job of its own, stopped where it expands past its size
    as listed (with room for a small lie) or the minimum budget, whichever is larger."""
    cap = max(limits.min_budget, 2 * (declared or 0))
    read = 0
    for chunk in chunks:
        read += len(chunk)
        if read > cap:
            raise LimitReached(f"expansion stopped at {cap} bytes: the archive listed this "
                               f"member as {declared} bytes (a decompression bomb?)")
        yield chunk


def _read_member(member: Member, chunks: Chunks | None, scope: Scope,
                 read: ReadItem) -> FileResult:
    if chunks is None:
        return FileResult(0, error=member.error)
    result = read(_metered(chunks, scope.budget), member.name, scope)
    if member.error and not result.error:  # read whole, but the container says damaged
        result = replace(result, note="; ".join(filter(None, (member.error, result.note))))
    return result


def _add(items: list[ItemResult], member: Member, kind: str, result: FileResult) -> None:
    """Append one item and the items found inside it, their parents renumbered to this list."""
    index = len(items)
    items.append(ItemResult(-1, member, kind, replace(result, items=())))
    for item in result.items:
        items.append(replace(item, parent=index if item.parent < 0 else index + 1 + item.parent))


def _encrypted_note(items: list[ItemResult]) -> str | None:
    locked = sum(1 for item in items if item.encrypted and item.result.error)
    if not locked:
        return None
    return (f"encrypted: {locked} of {len(items)} items need a password "
            f"(triage ingest --password)")


def _metered(chunks: Chunks, budget: Budget) -> Iterator[bytes]:
    for chunk in chunks:
        budget.take(len(chunk))
        yield chunk


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(position)
    return size

