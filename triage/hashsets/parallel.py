"""Read a large hash-set file in a second process while this one writes to the store.

Parsing (JSON, CSV, digest checks, building the extra fields) and writing
(SQLite inserts, Merkle leaves, index builds) each take about half of an
import's time; on a machine with a spare core they overlap. The reader
sends batches of entries through a pipe (pickled; the pipe's small buffer
is the back-pressure, so memory stays bounded) and, at the end, what it
learnt about the set and the file's SHA-256. An error in the reader comes
back as the same exception here. The writer's process owns every database
handle: the reader is started fresh (spawn) and never touches the case.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path
from typing import Iterator

from triage.hashsets.entries import BadRecord, Entry, FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, format_by_id

BATCH = 5000
MIN_BYTES = 32 << 20  # smaller files are read in-process: a process start costs more


def worth_it(path: Path) -> bool:
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= MIN_BYTES


def _produce(format_id: str, path: str, options: ReadOptions, connection) -> None:
    source = Source(Path(path))
    info = SetInfo()
    try:
        batch: list = []
        for item in format_by_id(format_id).read(source, info, options):
            batch.append(tuple(item) if isinstance(item, Entry) else item)
            if len(batch) >= BATCH:
                connection.send_bytes(pickle.dumps(("batch", batch, source.position), 5))
                batch = []
        if batch:
            connection.send_bytes(pickle.dumps(("batch", batch, source.position), 5))
        sha256 = source.sha256()
        connection.send_bytes(pickle.dumps(("done", info.scheme, info.details, sha256), 5))
    except (HashSetError, OSError) as exc:
        connection.send_bytes(pickle.dumps(("error", type(exc).__name__, str(exc)), 5))
    except BaseException as exc:  # a bug: say so rather than hang the writer
        connection.send_bytes(pickle.dumps(("error", "bug", f"{type(exc).__name__}: {exc}"), 5))
    finally:
        source.close()
        connection.close()


class ParallelReader:
    """Entries of `source` read by a child process; `info` and `sha256` are filled at the end."""

    def __init__(self, format_id: str, source: Source, info: SetInfo, options: ReadOptions):
        self.format_id, self.source, self.info, self.options = format_id, source, info, options
        self.sha256: str | None = None
        self.position = 0
        self._process = None

    def __iter__(self) -> Iterator[Entry | BadRecord | tuple]:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_produce, args=(self.format_id, str(self.source.path), self.options, sender),
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
                    self.position = message[2]
                    yield from message[1]
                elif message[0] == "done":
                    _, self.info.scheme, details, self.sha256 = message
                    self.info.details.update(details)
                    return
                else:
                    _, kind, text = message
                    raise FormatError(text) if kind == "FormatError" else HashSetError(text)
        finally:
            receiver.close()
            self.stop()

    def stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(5)
            self._process = None
