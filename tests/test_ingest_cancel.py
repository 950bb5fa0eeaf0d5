"""Cancelling an ingest (from the GUI or Ctrl-C) at any stage, then resuming, loses and doubles nothing."""

import random
import threading

import pytest

from triage.review.queries import iter_files
from triage.case.store import open_case
from triage.pipeline.ingest import Ingest, IngestOptions


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("cancel") / "evidence"
    rng = random.Random(3)
    for index in range(300):
        sub = root / f"d{index % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{index}.bin").write_bytes(rng.randbytes(rng.choice([100, 5000, 40000])))
    return root


def _listing(store):
    with store.reading() as session:
        return [(f.path, f.md5, f.error) for f in iter_files(session)]


@pytest.mark.parametrize("stage", ["walk", "hash"])
def test_cancel_at_a_stage_then_resume(tmp_path, folder, stage):
    cancel = threading.Event()
    seen = []

    def on_progress(event):
        seen.append(event.stage)
        if event.stage == stage:
            cancel.set()

    options = IngestOptions(workers=1, job_files=4, commit_every=8, commit_seconds=0)
    store = open_case(tmp_path / "case", create=True)
    first = Ingest(store, "tester", options, progress=on_progress, cancel=cancel)
    first.add(folder)
    assert first.run().cancelled
    assert stage in seen

    resumed = Ingest(store, "tester", options)
    resumed.add(folder)
    assert not resumed.run().cancelled

    reference = open_case(tmp_path / "reference", create=True)
    uninterrupted = Ingest(reference, "tester", options)
    uninterrupted.add(folder)
    uninterrupted.run()
    assert _listing(store) == _listing(reference)
