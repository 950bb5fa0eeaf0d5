"""A real Dask distributed cluster on loopback for the tests and the benchmark.

Started with Dask's own commands, as a lab would (`dask scheduler`,
`dask worker`), each worker a separate process without a nanny, so that
killing one is a worker dying for good. Everything listens on loopback only
(`--no-dashboard` alone leaves the health pages on every interface).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackCluster:
    def __init__(self, workers: int = 2):
        self.folder = Path(tempfile.mkdtemp(prefix="triage-dask-"))
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port",
                                     str(self.port), "--no-dashboard",
                                     "--dashboard-address", "127.0.0.1:0")
        self.workers: list[subprocess.Popen] = []
        for _ in range(workers):
            self.add_worker()
        self.wait_for_workers(workers)

    def _start(self, role: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{role}-{time.monotonic_ns()}.log", "w")
        tests = str(Path(__file__).parent)  # workers import `die_once` from here
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
               "PYTHONPATH": os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))}
        return subprocess.Popen([sys.executable, "-m", "dask", role, *args], stdout=log,
                                stderr=subprocess.STDOUT, env=env, cwd=self.folder)

    def add_worker(self) -> subprocess.Popen:
        worker = self._start("worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                             "--no-nanny", "--no-dashboard", "--dashboard-address",
                             "127.0.0.1:0", "--local-directory",
                             str(self.folder))
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=timeout)

    def worker_count(self) -> int:
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            return len(client.nthreads())

    def kill_worker(self, index: int = 0) -> None:
        """SIGKILL: the worker dies mid-task, without telling the scheduler."""
        self.workers[index].send_signal(signal.SIGKILL)
        self.workers[index].wait()

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.folder.glob("*.log")))

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def die_once(marker: str, fn, *args):
    """Run in a worker: the first call kills its own worker process, mid-task; later calls
    (the scheduler's retry on another worker) do the work."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return fn(*args)
    os.kill(os.getpid(), signal.SIGKILL)


class DyingOnce:
    """An executor whose `at`-th batch of file work kills the worker that runs it."""

    def __init__(self, executor, marker: Path, at: int):
        self.inner, self.marker, self.at = executor, marker, at
        self.workers = executor.workers
        self._batches = 0

    def submit(self, fn, *args):
        from triage.pipeline.work import process_files

        if fn is process_files:
            self._batches += 1
            if self._batches == self.at:
                return self.inner.submit(die_once, str(self.marker), fn, *args)
        return self.inner.submit(fn, *args)

    def shutdown(self, cancel: bool = False) -> None:
        self.inner.shutdown(cancel)


def always_fails():
    raise RuntimeError("this task always fails")
