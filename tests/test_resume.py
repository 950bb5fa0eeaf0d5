"""Killing ingest at any moment and running it again gives exactly an uninterrupted run's result."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest


def _make_files(folder, count=600, seed=7):
    rng = random.Random(seed)
    for index in range(count):
        sub = folder / f"dir{index % 9}" / f"sub{index % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        size = rng.choice([0, 10, 4000, 60_000, 250_000])
        # A few identical contents, so content rows are shared between files.
        data = rng.randbytes(size) if index % 10 else b"duplicate content" * 100
        (sub / f"file{index:04}.bin").write_bytes(data)


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    folder = root / "extracted"
    _make_files(folder)
    items = [folder]
    if shutil.which("mkfs.ext4"):
        image = root / "disk.ext4"
        subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(folder), str(image), "96M"],
                       check=True, capture_output=True)
        items.append(image)
    return items


def _ingest(case, evidence, **popen):
    command = [sys.executable, "-m", "triage", "ingest", str(case), *map(str, evidence),
               "--workers", "2"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, **popen)


def _listing(case):
    result = subprocess.run([sys.executable, "-m", "triage", "files", str(case), "--csv"],
                            capture_output=True, check=True)
    return result.stdout


def _pending(case):
    database = case / "case.sqlite"
    if not database.exists():
        return None
    with sqlite3.connect(database) as connection:
        try:
            return connection.execute(
                "SELECT count(*) FROM file WHERE status = 'PENDING'").fetchone()[0]
        except sqlite3.OperationalError:
            return None


def _kill_repeatedly(case, evidence) -> int:
    """Start and SIGKILL an ingest of `case` five times; how many kills left files pending.

    First during start-up or the walk; then at moments after the walk has committed, when
    files are being hashed (found by watching the store, not by guessing times).
    """
    interrupted_mid_hashing = 0
    for after_walk in (None, 0.0, 0.05, 0.15, 0.3):
        process = _ingest(case, evidence)
        if after_walk is None:
            time.sleep(0.3)
        else:
            while process.poll() is None and not _pending(case):
                time.sleep(0.005)
            time.sleep(after_walk)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        interrupted_mid_hashing += bool(_pending(case))
    return interrupted_mid_hashing


@pytest.mark.slow
def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path, evidence):
    reference = tmp_path / "reference"
    assert _ingest(reference, evidence).wait(timeout=240) == 0

    case = tmp_path / "killed"
    # A loaded machine can starve this watcher past the whole hashing window: then the
    # kills are tried again on a fresh case, a few times, rather than trusting one timing.
    for _ in range(5):
        shutil.rmtree(case, ignore_errors=True)
        interrupted_mid_hashing = _kill_repeatedly(case, evidence)
        if interrupted_mid_hashing:
            break
    assert _ingest(case, evidence).wait(timeout=240) == 0

    assert interrupted_mid_hashing >= 1, "no kill landed while files were being hashed"
    assert _pending(case) == 0
    assert _listing(case) == _listing(reference)
    with sqlite3.connect(case / "case.sqlite") as killed, \
            sqlite3.connect(reference / "case.sqlite") as uninterrupted:
        query = "SELECT sha256, md5, sha1, size FROM media ORDER BY sha256"
        assert killed.execute(query).fetchall() == uninterrupted.execute(query).fetchall()
        query = "SELECT count(*), count(DISTINCT evidence_id || path) FROM file"
        assert killed.execute(query).fetchone() == uninterrupted.execute(query).fetchone()
    verify = subprocess.run([sys.executable, "-m", "triage", "verify", str(case)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
