"""Turn a hash-set file into batches of rows ready to insert, here or in a second process.

Reading (parsing, digest checks, the extra fields, the Merkle leaves) and
writing (SQLite inserts, index builds) each take about half of an import's
time. A large file is therefore read by a second process while this one
writes: batches of finished rows come through a pipe (pickled; the pipe's
small buffer is the back-pressure, so memory stays bounded), and at the end
what the reader learnt about the set, the file's SHA-256 and the Merkle
root of the rows it sent. An error in the reader comes back here as the
same exception. Only this process touches the case: the reader is started
fresh (spawn) and gets nothing but the file's path.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from triage.hashsets.entries import BadRecord, FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, format_by_id
from triage.hashsets.merkle import SortedLeaves

BATCH = 10_000
MIN_BYTES = 32 << 20  # smaller files are read in-process: a process start costs more


@dataclass
class Batch:
    rows: list[tuple]  # (hash_set_id, record, md5, sha1, sha256, category, size, extra)
    bad: list[BadRecord]
    position: int  # bytes of the file read so far
    first_category: int | None  # record number of the first entry with a category


@dataclass
class Outcome:
    """What is known once the whole file has been read."""

    scheme: str | None = None
    details: dict | None = None
    sha256: str = ""
    merkle_root: str = ""


def read_batches(format_id: str, source: Source, info: SetInfo, options: ReadOptions,
                 hash_set_id: int, leaves: SortedLeaves) -> Iterator[Batch]:
    """Entries as insert-ready rows, in batches; every row also goes into the Merkle leaves."""
    rows: list[tuple] = []
    bad: list[BadRecord] = []
    first = None
    for item in format_by_id(format_id).read(source, info, options):
        if item.__class__ is BadRecord:
            bad.append(item)
        else:
            if first is None and item[4] is not None:
                first = item[0]
            rows.append((hash_set_id, *item))
            if len(rows) >= BATCH:
                leaves.add_rows([row[2:] for row in rows])
                yield Batch(rows, bad, source.position, first)
                rows, bad, first = [], [], None
    leaves.add_rows([row[2:] for row in rows])
    yield Batch(rows, bad, source.position, first)


class LocalReader:
    """Batches read in this process."""

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions,
                 hash_set_id: int):
        self._args = (format_id, source, info, options, hash_set_id)
        self.outcome = Outcome()

    def __iter__(self) -> Iterator[Batch]:
        format_id, source, info, options, hash_set_id = self._args
        leaves = SortedLeaves()
        yield from read_batches(format_id, source, info, options, hash_set_id, leaves)
        self.outcome = Outcome(info.scheme, info.details, source.sha256(), leaves.root())


def _read_in_child(format_id: str, path: str, options: ReadOptions, hash_set_id: int,
                   connection) -> None:
    source = Source(Path(path))
    info = SetInfo()
    leaves = SortedLeaves()

    def send(message) -> None:
        connection.send_bytes(pickle.dumps(message, 5))

    try:
        for batch in read_batches(format_id, source, info, options, hash_set_id, leaves):
            send(("batch", batch.rows, batch.bad, batch.position, batch.first_category))
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

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions,
                 hash_set_id: int):
        self._args = (format_id, str(source.path), options, hash_set_id)
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


def reader_for(format_id: str, source: Source, info: SetInfo, options: ReadOptions,
               hash_set_id: int, parallel: bool) -> LocalReader | ChildReader:
    large = source.path.stat().st_size >= MIN_BYTES
    if parallel and large and (os.cpu_count() or 1) > 1:
        return ChildReader(format_id, source, info, options, hash_set_id)
    return LocalReader(format_id, source, info, options, hash_set_id)
