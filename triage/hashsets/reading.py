"""Turn a hash-set file into blocks of entries ready to insert, here or in other processes.

Reading (parsing, digest checks, the extra fields, the Merkle leaves, packing
the blocks) is nearly all the work of an import, so a large file is read
elsewhere while this process writes:

- `PiecesReader`: the format cuts the file into pieces (VICS hash-set form,
  NSRL tables) and a pool of spawned processes reads them, several at once;
  see its docstring.
- `ChildReader`: one spawned process reads the whole file in order; batches
  come through a pipe (pickled; the pipe's small buffer is the back-pressure,
  so memory stays bounded).

At the end comes what the readers learnt about the set, the file's SHA-256
and the Merkle root of the entries sent. An error in a reader comes back here as
the same exception. Only this process touches the case: readers are started
fresh (spawn) and get nothing but the file's path and its first bytes
(`Head`, read once per import); this process matches the blocks as it stores
them.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from triage.hashing.digests import sha256_file
from triage.hashsets.blocks import Block, Columns, pack, pack_columns
from triage.hashsets.entries import BadRecord, FormatError, HashSetError
from triage.hashsets.formats import Head, ReadOptions, SetInfo, Source, format_by_id
from triage.hashsets.merkle import SortedLeaves
from triage.processes import die_with_parent

BATCH = 10_000  # entries per block when reading in order
MIN_BYTES = 32 << 20  # smaller files are read in-process: a process start costs more
MAX_WORKERS = 6  # reading processes for one file, at most
WINDOW = 3  # pieces in flight per reading process: bounds memory when writing is slower


@dataclass
class Batch:
    blocks: list[Block]  # record numbers final (offsets applied)
    bad: list[BadRecord]
    position: int  # bytes of the file read so far
    first_category: int | None  # record number of the first entry with a category
    count: int  # entries in the blocks


@dataclass
class Outcome:
    """What is known once the whole file has been read."""

    scheme: str | None = None
    details: dict | None = None
    sha256: str = ""
    merkle_root: str = ""


def read_batches(format_id: str, source: Source, info: SetInfo, options: ReadOptions,
                 leaves: SortedLeaves) -> Iterator[Batch]:
    """Entries packed in blocks; every entry also goes into the Merkle leaves."""
    yield from _batches(format_by_id(format_id).read(source, info, options), leaves, source)


class LocalReader:
    """Batches read in this process."""

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions):
        self._args = (format_id, source, info, options)
        self.outcome = Outcome()

    def __iter__(self) -> Iterator[Batch]:
        format_id, source, info, options = self._args
        leaves = SortedLeaves()
        yield from read_batches(format_id, source, info, options, leaves)
        self.outcome = Outcome(info.scheme, info.details, source.sha256(), leaves.root())


def _read_in_child(format_id: str, head: Head, options: ReadOptions, connection) -> None:
    die_with_parent()
    source = Source(head.path, head)
    info = SetInfo()
    leaves = SortedLeaves()

    def send(message) -> None:
        connection.send_bytes(pickle.dumps(message, 5))

    try:
        for batch in read_batches(format_id, source, info, options, leaves):
            send(("batch", batch.blocks, batch.bad, batch.position, batch.first_category,
                  batch.count))
        send(("done", info.scheme, info.details, source.sha256(), leaves.root()))
    except (HashSetError, OSError) as exc:
        send(("error", type(exc).__name__, str(exc)))
    except BaseException as exc:  # a bug: say so rather than leave the writer waiting
        send(("error", "bug", f"{type(exc).__name__}: {exc}"))
    finally:
        source.close()
        connection.close()


class ChildReader:
    """Batches read by a spawned process; `outcome` is filled when the last batch is in."""

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions):
        self._args = (format_id, source.head, options)
        self._info = info
        self.outcome = Outcome()
        self._process = None

    def __iter__(self) -> Iterator[Batch]:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_read_in_child, args=(*self._args, sender),
                                        daemon=True, name="triage-hashset-reader")
        self._process.start()
        sender.close()
        try:
            while True:
                try:
                    message = pickle.loads(receiver.recv_bytes())
                except EOFError:
                    raise HashSetError("the reading process ended without a word") from None
                if message[0] == "batch":
                    yield Batch(*message[1:])
                elif message[0] == "done":
                    self.outcome = Outcome(*message[1:])
                    self._info.scheme = self.outcome.scheme
                    self._info.details.update(self.outcome.details or {})
                    return
                else:
                    _, kind, text = message
                    raise FormatError(text) if kind == "FormatError" else HashSetError(text)
        finally:
            receiver.close()
            self._stop()

    def _stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(5)
            self._process = None


def _read_piece(format_id: str, path: str, piece):
    """In a worker: one piece, its entries packed in a block, with their Merkle leaves."""
    done = format_by_id(format_id).read_piece(Path(path), piece)
    if not done.fallback:
        columns = done.columns or (Columns.of_rows(done.rows) if done.rows else None)
        if columns is not None:
            try:
                done.block, done.leaves, _ = pack_columns(columns)
            except ValueError:  # a field the fast path cannot pack: read by the plain reader,
                done.fallback = True  # which names the record (or stores it) on its own
                done.rows, done.columns, done.bad = [], None, []
                return done
            done.first_category = columns.first_category()
            done.count = len(columns.records)
        done.rows, done.columns = [], None
    return done


class PiecesReader:
    """Batches read by several spawned processes, a piece of the file each, in file order.

    The format cuts the file into pieces (`HashSetFormat.pieces`); each
    worker reads its piece straight from the file and sends back its entries
    packed in a block, and their Merkle leaf hashes, so this process (the
    writer) parses nothing: it stores, matches and builds the Merkle root. Pieces are taken in file order and at
    most `WINDOW` per worker are in flight, so memory stays bounded when
    writing is the slower side. A piece that cannot be read on its own (the
    format guessed its start wrongly, or the file is broken there) is read
    again, with everything after it, in order here (`read_from`): the result
    and the error messages are those of reading the file from the start.
    """

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions,
                 pieces: list, workers: int):
        self._format_id = format_id
        self._source = source
        self._info = info
        self._options = options
        self._pieces = pieces
        self._workers = workers
        self.outcome = Outcome()

    def __iter__(self) -> Iterator[Batch]:
        fmt = format_by_id(self._format_id)
        path = str(self._source.path)
        leaves = SortedLeaves()
        records = 0
        rest = None
        pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=die_with_parent)
        try:
            sha256 = pool.submit(sha256_file, path)
            todo = iter(self._pieces)
            pending: deque = deque()

            def submit_next() -> None:
                piece = next(todo, None)
                if piece is not None:
                    pending.append((piece, pool.submit(_read_piece, self._format_id, path,
                                                       piece)))

            for _ in range(WINDOW * self._workers):
                submit_next()
            while pending:
                piece, future = pending.popleft()
                done = future.result()
                if done.fallback:
                    rest = piece
                    break
                submit_next()
                if done.leaves:
                    leaves.add_buckets(done.leaves)
                bad = [fmt.renumbered(item, records) for item in done.bad] if records else done.bad
                first = done.first_category
                blocks = [] if done.block is None else [
                    done.block._replace(record_offset=done.block.record_offset + records)]
                yield Batch(blocks, bad, done.position,
                            None if first is None else first + records, done.count)
                records += done.records
            for _, future in pending:
                future.cancel()
            source_sha256 = sha256.result()
            if rest is not None:
                entries = fmt.read_from(self._source, self._info, self._options, rest,
                                        records + 1)
                yield from _batches(entries, leaves, self._source)
            self.outcome = Outcome(self._info.scheme, self._info.details, source_sha256,
                                   leaves.root())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            leaves.discard()


def _batches(entries, leaves: SortedLeaves, source: Source) -> Iterator[Batch]:
    rows: list[tuple] = []
    bad: list[BadRecord] = []
    first = None
    for item in entries:
        if item.__class__ is BadRecord:
            bad.append(item)
        else:
            if first is None and item[4] is not None:
                first = item[0]
            rows.append(tuple(item))
            if len(rows) >= BATCH:
                yield Batch([_packed(rows, leaves)], bad, source.position, first, len(rows))
                rows, bad, first = [], [], None
    yield Batch([_packed(rows, leaves)] if rows else [], bad, source.position, first, len(rows))


def _packed(rows: list[tuple], leaves: SortedLeaves) -> Block:
    block, hashes = pack(rows)
    leaves.add_buckets(hashes)
    return block


def workers() -> int:
    """Reading processes for a large file: the cores less the writer's, at least two."""
    return max(2, min(MAX_WORKERS, (os.cpu_count() or 1) - 1))


def reader_for(format_id: str, source: Source, info: SetInfo, options: ReadOptions,
               parallel: bool) -> LocalReader | ChildReader | PiecesReader:
    """How to read a file: in pieces by several processes, by one other process, or here."""
    large = source.head.size >= MIN_BYTES
    if parallel and large and (os.cpu_count() or 1) > 1:
        pieces = format_by_id(format_id).pieces(source, info, options)
        if pieces:
            return PiecesReader(format_id, source, info, options, pieces, workers())
        return ChildReader(format_id, source, info, options)
    return LocalReader(format_id, source, info, options)
