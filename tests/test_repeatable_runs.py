"""The same evidence gives byte-identical listings and exports (less times), with one
worker or two and whatever order the workers finish in (issue 22, repeatable results).

Content rows and the items found in containers get their ids as results are
written, and stack ids are content ids: written in the order workers finish,
two runs numbered them differently."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import Future
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageEnhance

import diskimages
from triage.case.store import open_case
from triage.pipeline.executors import LocalExecutor
from triage.pipeline.ingest import Ingest, IngestOptions

# Times, and the CaseID (a GUID made from the case's creation time).
TIME_KEYS = re.compile(r"^(Date\w*|\w*Time\w*|\w*_at|CaseID)$")


def _picture(seed: int) -> Image.Image:
    rnd = random.Random(seed)
    picture = Image.new("RGB", (160, 120), tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rnd.randrange(160), rnd.randrange(120)
        draw.ellipse([x, y, x + rnd.randrange(10, 60), y + rnd.randrange(10, 50)],
                     fill=tuple(rnd.randrange(256) for _ in range(3)))
    return picture


def _jpeg(picture: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(scope="module")
def evidence(tmp_path_factory) -> Path:
    """A FAT16 image: pictures with resized and brightened copies (stacks form), an exact
    duplicate, and a ZIP holding pictures (items whose file ids come from the writes)."""
    payload = diskimages.Payload(dirs=["DCIM", "Copies"])
    for index in range(5):
        picture = _picture(index)
        payload.files[f"DCIM/base{index}.jpg"] = _jpeg(picture)
        payload.files[f"Copies/base{index}_small.jpg"] = _jpeg(picture.resize((80, 60)), 70)
        payload.files[f"Copies/base{index}_bright.jpg"] = _jpeg(
            ImageEnhance.Brightness(picture).enhance(1.2), 60)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for index in range(6):
            zf.writestr(f"inner/pic{index}.jpg", _jpeg(_picture(10 + index % 3), 80 + index))
        zf.writestr("inner/readme.txt", "hello")
    payload.files["pack.zip"] = archive.getvalue()
    payload.files["dup.jpg"] = _jpeg(_picture(0))
    path = tmp_path_factory.mktemp("repeatable") / "fat16.raw"
    try:
        return diskimages.make_fat_fs(path, 16 * diskimages.MIB, 16, payload)
    except diskimages.MissingTool as exc:
        pytest.skip(f"cannot build test image: {exc}")


class _ShuffledExecutor:
    """Real worker processes whose results are handed back after a random delay, so that
    batches finish in an order unrelated to the order they were given."""

    def __init__(self, workers: int, seed: int):
        self._inner = LocalExecutor(workers)
        self.workers = workers
        self._random = random.Random(seed)

    def submit(self, fn, *args) -> Future:
        outer, delay = Future(), self._random.random() * 0.3

        def hand_back(inner: Future) -> None:
            def settle() -> None:
                if inner.exception() is not None:
                    outer.set_exception(inner.exception())
                else:
                    outer.set_result(inner.result())
            threading.Timer(delay, settle).start()

        self._inner.submit(fn, *args).add_done_callback(hand_back)
        return outer

    def shutdown(self, cancel: bool = False) -> None:
        self._inner.shutdown(cancel)


def _triage(*args) -> bytes:
    done = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def _ingest_cli(case: Path, evidence: Path, workers: int) -> Path:
    _triage("ingest", "--workers", workers, "--examiner", "ann", case, evidence)
    return case


def _ingest_shuffled(case: Path, evidence: Path) -> Path:
    store = open_case(case, create=True, examiner="ann")
    executor = _ShuffledExecutor(2, seed=7)
    try:
        ingest = Ingest(store, "ann", IngestOptions(workers=2, job_files=1, commit_every=4),
                        executor=executor)
        ingest.add(evidence)
        summary = ingest.run()
    finally:
        executor.shutdown()
        store.close()
    assert summary.file_errors == 0 and not summary.cancelled
    return case


def _listing(case: Path) -> bytes:
    return _triage("files", case, "--csv")


def _vics(case: Path, out: Path) -> str:
    _triage("export", case, "--format", "vics", "--items", "all", "--out", out)
    return json.dumps(_without_times(json.loads(out.read_text("utf-8"))), indent=1)


def _without_times(value):
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if not TIME_KEYS.match(k)}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_one_worker_two_workers_and_any_finish_order_give_identical_results(tmp_path, evidence):
    # one case name (the VICS case number comes from it), in three folders
    cases = {"1 worker": _ingest_cli(tmp_path / "one" / "case", evidence, 1),
             "2 workers": _ingest_cli(tmp_path / "two" / "case", evidence, 2),
             "2 workers, shuffled": _ingest_shuffled(tmp_path / "shuffled" / "case", evidence)}
    listings = {name: _listing(case) for name, case in cases.items()}
    reference = listings["1 worker"]
    rows = reference.decode().splitlines()
    header = rows[0].split(",")
    stacks = {line.split(",")[header.index("stack_id")] for line in rows[1:]} - {""}
    assert len(stacks) >= 4 and "pack.zip » inner/pic5.jpg" in reference.decode()
    for name, listing in listings.items():
        assert listing == reference, f"files --csv differs: 1 worker vs {name}"
    exports = {name: _vics(case, case.parent / "export.json") for name, case in cases.items()}
    for name, export in exports.items():
        assert export == exports["1 worker"], f"VICS export differs: 1 worker vs {name}"


def test_a_run_killed_before_the_stacks_were_built_builds_them_when_resumed(tmp_path, evidence):
    """Killed after every file was hashed and before the stacks: the next run hashes nothing
    new, and the stacks must still be built (they were left empty)."""
    from sqlalchemy import func, select, update

    from triage.case.models import Media

    case = _ingest_cli(tmp_path / "case", evidence, 1)
    before = _listing(case)
    store = open_case(case)
    try:
        with store.reading() as session:
            analysed = Media.phash.is_not(None) & Media.pdq.is_not(None)
            assert session.scalar(select(func.count()).where(
                analysed, Media.stack_id.is_(None))) == 0  # a built case is not rebuilt
        with store.session() as session:  # as a kill before `build_stacks` leaves it
            session.execute(update(Media).values(stack_id=None, stack_representative=False))
    finally:
        store.close()
    assert _listing(case) != before
    _ingest_cli(case, evidence, 1)
    assert _listing(case) == before
