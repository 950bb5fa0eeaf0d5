"""Where per-file work runs. The pipeline only calls `submit` and reads futures.

The local executor is a pool of worker processes (default: every core). The
cluster executor sends the same functions to an existing Dask distributed
cluster and hands back the same `concurrent.futures.Future`s, so the
pipeline does not change when the work moves to other machines; results
still come back to the ingesting process, which alone writes the case.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import os
import threading
import uuid
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Protocol

from triage.processes import die_with_parent

log = logging.getLogger(__name__)

TASK_RETRIES = 2  # a task that raises is run again this often; one on a dead worker is resubmitted


class WorkerLost(Exception):
    """The process running a task died (a decoder crashed, the OOM killer): the task's
    input may be what killed it, so the pipeline narrows it down rather than retry blindly."""


WORKER_LOST = (WorkerLost, BrokenProcessPool)  # how a dead worker shows in a task's future


class Executor(Protocol):
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...

    def shutdown(self, cancel: bool = False) -> None: ...


class LocalExecutor:
    """Worker processes on this machine, started fresh (spawn) so no open handle is inherited."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = self._new_pool()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Submit to the pool, starting a new one if a dead worker broke the last (every task
        it held then fails with BrokenProcessPool: see `WORKER_LOST`)."""
        try:
            return self._pool.submit(fn, *args)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return self._pool.submit(fn, *args)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=die_with_parent)

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the workers; on cancel, stop them now (unrecorded work stays pending)."""
        if cancel:
            # Python 3.11 has no public way to stop a running task (3.14 adds
            # terminate_workers); a worker hashing a large image would otherwise
            # hold a cancel for minutes. Nothing is lost: the store is the work list.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=cancel)


class ClusterError(Exception):
    """The Dask cluster cannot be reached or has no workers, with the reason."""


def check_cluster_address(address: str, insecure: bool = False) -> None:
    """Refuse a scheduler reached in clear text across machines, unless `insecure`.

    Dask's `tcp://` carries the evidence's paths and every hash unencrypted
    and unauthenticated; on loopback nothing leaves the machine. Across
    machines a lab uses `tls://` with certificates (Dask's
    `distributed.comm.tls.*` settings, and `distributed.comm.require-encryption`).
    Host names other than localhost count as remote: resolving them would
    ask the network.
    """
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address  # Dask's default protocol
    if scheme == "tls" or insecure:
        return
    host = rest.rsplit(":", 1)[0] if not rest.startswith("[") else rest[1:].split("]")[0]
    if host == "localhost" or _is_loopback(host):
        return
    raise ClusterError(f"{address}: a plain {scheme}:// cluster on another machine sends "
                       "evidence paths and hashes unencrypted and lets anyone on the network "
                       "join; use tls:// with certificates (README: A lab), or give "
                       "--insecure-cluster on a network you trust")


def _check_tls_settings(address: str) -> None:
    """A tls:// cluster needs this machine's certificate settings (Dask's config); say so
    rather than let Dask fail on a missing SSL context."""
    if not address.startswith("tls://"):
        return
    from distributed.security import Security

    if Security().get_connection_args("client").get("ssl_context") is None:
        raise ClusterError(f"{address}: TLS needs this machine's certificates in Dask's "
                           "settings (~/.config/dask/distributed.yaml: distributed.comm.tls."
                           "ca-file, client.cert and client.key; see README: A lab)")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DaskExecutor:
    """The work of `LocalExecutor`, on the workers of a Dask distributed cluster.

    The cluster is the lab's own (`dask scheduler`, `dask worker` on each
    machine); the workers must run this version of Triage and see the
    evidence at the paths this machine sees it (a shared evidence store).
    A worker that dies mid-task loses nothing: the scheduler runs its tasks
    again on another worker, and the work functions are pure (the same
    bytes give the same result), so the case ends as a local run would.
    `workers` counts worker threads: the pipeline keeps each one busy.
    """

    def __init__(self, address: str, connect_timeout: float = 30, wait_for_workers: float = 60,
                 insecure: bool = False):
        check_cluster_address(address, insecure)
        try:
            from distributed import Client
        except ImportError as exc:
            raise ClusterError("ingest on a cluster needs Dask distributed "
                               "(pip install 'triage[lab]')") from exc
        _check_tls_settings(address)
        try:
            self._client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self._client.wait_for_workers(1, timeout=wait_for_workers)
        except TimeoutError:
            self._client.close()
            raise ClusterError(f"no Dask worker joined {address} within "
                               f"{wait_for_workers:.0f} s") from None
        threads = self._client.nthreads()
        self.workers = sum(threads.values())
        self._serialised = any(n > 1 for n in threads.values())
        if self._serialised:
            log.warning("Dask workers with several threads run one Triage task at a time per "
                        "process; start them with --nthreads 1 --nworkers N to use every core")
        self._pending: set = set()
        self._lock = threading.Lock()
        self._run = uuid.uuid4().hex  # workers outlive an ingest: see _run_in_worker

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        remote = self._client.submit(_run_in_worker, fn, self._run, self._serialised, *args,
                                     pure=False, retries=TASK_RETRIES)
        local = _ClusterFuture(remote)
        with self._lock:
            self._pending.add(remote)
        remote.add_done_callback(lambda done: self._settle(done, local))
        return local

    def _settle(self, remote, local: Future) -> None:
        try:
            if local.cancelled():
                return
            if remote.status == "cancelled":
                local.cancel()
            elif remote.status == "error":
                local.set_exception(_task_failure(remote.exception()))
            else:  # finished; or "lost", its result gone with the worker that held it, and
                # computed again: `result()` waits for that
                local.set_result(remote.result())
        except InvalidStateError:
            pass  # cancelled by the pipeline in the meantime
        except Exception as exc:  # noqa: BLE001 - the cluster went away: the item stays pending
            try:
                local.set_exception(_task_failure(exc))
            except InvalidStateError:
                pass
        finally:
            with self._lock:
                self._pending.discard(remote)

    def shutdown(self, cancel: bool = False) -> None:
        """Close the connection; on cancel, drop queued tasks (unrecorded work stays pending)."""
        with self._lock:
            pending = list(self._pending)
        if cancel and pending:
            self._client.cancel(pending)
        self._client.close()


def _task_failure(error: BaseException | None) -> Exception:
    """What a task's failure on the cluster means to the pipeline."""
    if type(error).__name__ == "KilledWorker":
        return WorkerLost(f"the task killed every Dask worker that ran it: {error}")
    return _cluster_failure(error)


def _cluster_failure(exc: BaseException | None) -> ClusterError:
    """The work functions report bad input in their results, so a task that fails is the
    cluster failing (workers lost too often, scheduler gone): say so, with the cause."""
    return ClusterError(f"the Dask cluster could not finish a task: {type(exc).__name__}: "
                        f"{exc}")


class _ClusterFuture(Future):
    """A `concurrent.futures.Future` whose cancel also withdraws the task from the cluster."""

    def __init__(self, remote):
        super().__init__()
        self._remote = remote

    def cancel(self) -> bool:
        cancelled = super().cancel()
        if cancelled:
            self._remote.cancel()
        return cancelled


_one_at_a_time = threading.Lock()
_worker_run: str | None = None
_new_run_hooks: list[Callable[[], None]] = []


def on_new_run(hook: Callable[[], None]) -> None:
    """Call `hook` in a cluster worker before the first task of each new ingest run: how
    work functions drop per-run memory without this module knowing them."""
    _new_run_hooks.append(hook)


def _run_in_worker(fn: Callable[..., Any], run: str, serialised: bool, *args: Any) -> Any:
    """Run `fn` in a Dask worker, for ingest run `run`.

    A worker analyses each content once per run and leaves it out of later
    results (triage.pipeline.work); a cluster worker outlives the run, so
    that memory is dropped when another run's work arrives, or a resumed or
    different case would never get the analysis. Where the worker has
    several threads, tasks run one at a time: the work functions' per-process
    state (open images and file systems) is not shared safely.
    """
    if not serialised:
        return _run_for(fn, run, *args)
    with _one_at_a_time:
        return _run_for(fn, run, *args)


def _run_for(fn: Callable[..., Any], run: str, *args: Any) -> Any:
    global _worker_run
    if run != _worker_run:
        for hook in _new_run_hooks:
            hook()
        _worker_run = run
    return fn(*args)
