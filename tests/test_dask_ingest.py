"""Ingest on a real Dask cluster on loopback (scheduler and two worker processes) gives
the case a local run gives, also when a worker is killed in the middle of the run."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image
from sqlalchemy import select

from daskcluster import DyingOnce, LoopbackCluster
from triage.case.models import AuditEntry, Media
from triage.review.queries import iter_files
from triage.case.store import DATABASE_URL_ENV, open_case
from triage.case.thumbnails import THUMBNAIL
from triage.pipeline.executors import DaskExecutor
from triage.pipeline.ingest import Ingest, IngestOptions

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _sqlite_cases(monkeypatch):
    """The comparison is of executors; the database is the default one."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


def make_evidence(folder, pictures: int):
    """Generated pictures (some repeated, some near-duplicates), a text file, a broken JPEG."""
    (folder / "sub").mkdir(parents=True)
    for i in range(pictures):
        where = folder / "sub" if i % 3 else folder
        size = (40 + i % 17, 30 + i % 11)
        Image.new("RGB", size, ((37 * i) % 256, (91 * i) % 256, (53 * i) % 256)).save(
            where / f"pic_{i:03d}.jpg", quality=85)
    for i in range(0, pictures, 10):  # the same content under another name
        shutil.copy(next(folder.rglob(f"pic_{i:03d}.jpg")), folder / f"copy_{i:03d}.jpg")
    (folder / "notes.txt").write_text("not a picture\n")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    return folder


def ingest(case, evidence, executor=None, progress=None, database_url=None):
    store = open_case(case, create=True, examiner="examiner", database_url=database_url)
    run = Ingest(store, "examiner", IngestOptions(workers=1, job_files=2), progress,
                 executor=executor)
    run.add(evidence)
    summary = run.run()
    result = outcome(store)
    store.close()
    return summary, result


def outcome(store) -> dict:
    """Everything the run recorded, without the ids that depend on the order of arrival."""
    with store.reading() as session:
        files = sorted((f.path, f.kind, f.size, f.error, f.md5, f.sha1, f.sha256,
                        f.detected_type, f.extension_mismatch, f.phash, f.pdq, f.width,
                        f.height, f.stack_representative) for f in iter_files(session))
        media = {m.sha256: (m.analysed, m.width, m.height, m.phash, m.dhash, m.pdq,
                            m.pdq_quality, m.featureless, m.exif, m.analysis_error,
                            m.extra_hashes) for m in session.scalars(select(Media))}
        stacks: dict[int, set[str]] = {}
        for sha256, stack in session.execute(select(Media.sha256, Media.stack_id)):
            if stack is not None:
                stacks.setdefault(stack, set()).add(sha256)
        actions = sorted(session.scalars(select(AuditEntry.action)))
    thumbnails = {sha256: store.thumbnails.get(sha256, THUMBNAIL) for sha256 in media}
    return {"files": files, "media": media, "thumbnails": thumbnails, "actions": actions,
            "stacks": sorted(sorted(members) for members in stacks.values())}


@pytest.fixture(scope="module")
def cluster():
    cluster = LoopbackCluster(workers=2)
    yield cluster
    cluster.stop()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def test_a_cluster_ingest_records_what_a_local_ingest_records(tmp_path, cluster, database,
                                                              request):
    """Also with the case in PostgreSQL: the lab set-up differs from a workstation's only
    in its configuration."""
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    evidence = make_evidence(tmp_path / "evidence", 24)
    local_summary, local = ingest(tmp_path / "local", evidence)
    executor = DaskExecutor(cluster.address)
    assert executor.workers == 2
    try:
        cluster_summary, remote = ingest(tmp_path / "cluster", evidence, executor,
                                         database_url=url)
    finally:
        executor.shutdown()
    assert cluster_summary.files_hashed == local_summary.files_hashed == 29
    assert cluster_summary.file_errors == local_summary.file_errors
    assert remote["files"] == local["files"]
    assert remote["media"] == local["media"]
    assert remote["thumbnails"] == local["thumbnails"]
    assert remote["stacks"] == local["stacks"]
    assert remote["actions"] == local["actions"]


def test_triage_ingest_cluster_sends_the_work_to_the_cluster(tmp_path, cluster):
    from triage.cli import main

    evidence = make_evidence(tmp_path / "evidence", 6)
    assert main(["ingest", str(tmp_path / "case"), str(evidence), "--cluster",
                 cluster.address, "--examiner", "examiner"]) == 0
    store = open_case(tmp_path / "case")
    assert len(outcome(store)["files"]) == 10  # 6 pictures, a copy, 2 others, a folder
    store.close()


def test_a_scheduler_that_does_not_answer_is_a_clear_error():
    from triage.pipeline.executors import ClusterError

    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1)


def test_a_task_the_cluster_cannot_finish_is_a_cluster_error(cluster):
    """After its retries: the pipeline stops with a clear error, pending items stay pending."""
    from daskcluster import always_fails
    from triage.pipeline.executors import ClusterError

    executor = DaskExecutor(cluster.address)
    try:
        with pytest.raises(ClusterError, match="RuntimeError: this task always fails"):
            executor.submit(always_fails).result(timeout=120)
    finally:
        executor.shutdown()


def test_a_worker_killed_mid_run_loses_nothing(tmp_path, cluster):
    """Last in this file: it leaves the cluster one worker short."""
    evidence = make_evidence(tmp_path / "evidence", 60)
    _, local = ingest(tmp_path / "local", evidence)
    marker = tmp_path / "a worker died"
    # The 10th of 34 batches kills the worker running it, in the middle of the task.
    executor = DyingOnce(DaskExecutor(cluster.address), marker, at=10)
    try:
        summary, remote = ingest(tmp_path / "cluster", evidence, executor)
    finally:
        executor.shutdown()
    assert marker.exists() and cluster.worker_count() == 1, cluster.logs()
    assert summary.files_hashed == 68 and not summary.cancelled
    assert remote == local


def test_a_result_lost_with_its_worker_is_waited_for_not_an_error():
    """A task that finished on a worker killed before its result was fetched is "lost" by
    the time its callback runs; the scheduler computes it again and the pipeline gets it
    (this once failed the run as "could not finish a task: NoneType")."""
    import threading
    from concurrent.futures import Future

    class LostThenComputedAgain:
        status = "lost"

        def result(self):
            return "computed again"

    executor = DaskExecutor.__new__(DaskExecutor)  # no cluster: only its callback is tried
    executor._pending, executor._lock = set(), threading.Lock()
    local = Future()
    executor._settle(LostThenComputedAgain(), local)
    assert local.result(timeout=1) == "computed again"
