"""The image hash of a new case starts before the case opens, and is recorded once."""

from sqlalchemy import select

from triage.case.models import AuditEntry, Evidence
from triage.case.store import open_case
from triage.hashing.digests import sha256_file
from triage.paths import resources_dir
from triage.pipeline.executors import LocalExecutor
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.pipeline.work import hash_evidence, start_image_hashes

IMAGE = resources_dir() / "samples" / "demo-usb.img"


class CountingExecutor:
    """A local pool that counts the image hashes asked of it."""

    def __init__(self):
        self._pool = LocalExecutor(1)
        self.workers = 1
        self.image_hashes = 0

    def submit(self, fn, *args):
        self.image_hashes += fn is hash_evidence
        return self._pool.submit(fn, *args)

    def shutdown(self, cancel=False):
        self._pool.shutdown(cancel)


def _hash_audits(store) -> int:
    with store.reading() as session:
        return len(session.scalars(select(AuditEntry.id).where(
            AuditEntry.action == "evidence.hash")).all())


def test_an_image_hash_started_early_is_taken_not_redone(tmp_path):
    executor = CountingExecutor()
    try:
        early = start_image_hashes(executor, [IMAGE, tmp_path / "missing.img"])
        assert executor.image_hashes == 1  # what cannot be identified is left to `add`
        store = open_case(tmp_path / "case", create=True, examiner="tester")
        ingest = Ingest(store, options=IngestOptions(analyse_media=False), executor=executor,
                        image_hashes=early)
        ingest.add(IMAGE)
        ingest.run()
        assert executor.image_hashes == 1
        with store.reading() as session:
            evidence = session.scalars(select(Evidence)).one()
            assert evidence.sha256 == sha256_file(IMAGE)
        assert _hash_audits(store) == 1

        # Evidence the case has hashed already: a job started for it is dropped, not recorded.
        again = start_image_hashes(executor, [IMAGE])
        Ingest(store, options=IngestOptions(analyse_media=False), executor=executor,
               image_hashes=again).run()
        assert _hash_audits(store) == 1
        store.close()
    finally:
        executor.shutdown()


def test_the_cli_starts_image_hashes_early_only_for_a_new_case(tmp_path, monkeypatch):
    from triage.cli import ingest as cli_ingest
    from triage.cli import main

    started = []
    real = start_image_hashes

    def spy(executor, paths, *rest):
        started.append(list(paths))
        return real(executor, paths, *rest)

    monkeypatch.setattr("triage.pipeline.work.start_image_hashes", spy)
    case = tmp_path / "case"
    assert main(["ingest", "--hashes-only", "--workers", "1", str(case), str(IMAGE)]) == 0
    assert started == [[str(IMAGE)]]
    assert main(["ingest", "--hashes-only", "--workers", "1", str(case), str(IMAGE)]) == 0
    assert len(started) == 1  # an existing case may have hashed it: not started early
    assert cli_ingest._new_case(str(tmp_path / "empty")) is True
    store = open_case(case)
    with store.reading() as session:
        assert session.scalars(select(Evidence.sha256)).one() == sha256_file(IMAGE)
    store.close()
