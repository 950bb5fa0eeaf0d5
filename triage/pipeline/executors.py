"""Where per-file work runs. The pipeline only calls `submit` and reads futures.

The local executor is a pool of worker processes (default: every core). A
cluster executor offers the same two methods, so the pipeline does not
change when the work moves to other machines.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Protocol


class Executor(Protocol):
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...

    def shutdown(self, cancel: bool = False) -> None: ...


class LocalExecutor:
    """Worker processes on this machine, started fresh (spawn) so no open handle is inherited."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the workers; on cancel, stop them now (unrecorded work stays pending)."""
        if cancel:
            # Python 3.11 has no public way to stop a running task (3.14 adds
            # terminate_workers); a worker hashing a large image would otherwise
            # hold a cancel for minutes. Nothing is lost: the store is the work list.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=cancel)
