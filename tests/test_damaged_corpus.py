"""The damaged-input corpus, generated here (tests/damagedinputs.py): cut and bit-flipped
E01s, FAT loops, decompression bombs, broken pictures, bad hash sets and kill points. Each
must end in a clear error on that item while the rest goes on, and never a traceback
(issue 22). One ingest takes all damaged evidence at once, to stay well under a minute."""

from __future__ import annotations

import difflib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import damagedinputs as bad
import diskimages
from conftest import has_traceback

def _build(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except diskimages.MissingTool as exc:
        pytest.skip(f"cannot build test input: {exc}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, bare_fat12) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("damaged")
    (segment,) = _build(diskimages.make_e01, bare_fat12.path, folder / "e01" / "fat12")
    loops, payload = _build(bad.fat_with_loops, folder)
    tail = payload.files[bad.LOOPS_CHUNK_FILE][-3000:-2936]
    return {
        "good": bare_fat12.path,
        "truncated": bad.truncated_e01(segment, folder),
        "header flipped": bad.bit_flipped_e01(segment, folder, seed=1, flips=3, end=0.01),
        "chunk flipped": _build(diskimages.make_corrupted_e01, loops, folder / "chunk", tail),
        "flipped 2": bad.bit_flipped_e01(segment, folder, seed=2, start=0.05),
        "flipped 3": bad.bit_flipped_e01(segment, folder, seed=3, start=0.05),
        "loops": loops,
        "bombs": bad.bombs(folder / "bombs"),
    }


@pytest.fixture(scope="module")
def ingested(triage, corpus):
    return triage.ingest(*corpus.values())


def _named_on_stderr(result, path: Path) -> list[str]:
    return [line for line in result.stderr.splitlines() if f": {path.name}:" in line]


def test_every_damaged_evidence_is_said_and_the_rest_is_read(ingested, corpus, bare_fat12):
    assert not has_traceback(ingested.stderr), ingested.describe()
    assert ingested.proc.returncode == 0, ingested.describe()
    for label in ("truncated", "header flipped", "chunk flipped"):
        lines = _named_on_stderr(ingested, corpus[label])
        assert len(lines) == 1 and len(lines[0]) < 400, (label, ingested.describe())
    payload = bare_fat12.partitions[0][1]
    good = {r["path"]: r for r in ingested.rows_of(corpus["good"]) if r["deleted"] == "0"}
    for rel in payload.files:
        if rel not in bare_fat12.partitions[0][2]:
            assert good["/" + rel]["md5"] == payload.md5(rel) and not good["/" + rel]["error"]


def test_a_picture_in_a_chunk_failing_its_checksum_carries_an_error(ingested, corpus):
    rows = {r["path"]: r for r in ingested.rows_of(corpus["chunk flipped"])}
    damaged = rows["/" + bad.LOOPS_CHUNK_FILE]
    assert "fails its checksum (bytes 98304-131071)" in damaged["error"], damaged


def test_randomly_flipped_e01s_give_a_hash_or_an_error_for_every_file(ingested, corpus):
    for label in ("flipped 2", "flipped 3"):
        for row in ingested.rows_of(corpus[label]):
            if row["kind"] == "file" and row["size"] not in ("", "0"):
                assert row["md5"] or row["error"], (label, row)


def test_fat_loops_are_cut_with_an_error_and_the_rest_is_read(ingested, corpus):
    rows = {r["path"]: r for r in ingested.rows_of(corpus["loops"])}
    assert rows["/c.jpg"]["error"] and not rows["/c.jpg"]["md5"]
    assert rows["/ok.png"]["md5"] and rows["/DIR/a.jpg"]["md5"]
    assert "/DIR/SUB/SUB" in rows and not any(p.startswith("/DIR/SUB/SUB/") for p in rows)


def test_bombs_and_broken_pictures_are_errors_on_their_item(ingested, corpus):
    rows = {r["path"]: r for r in ingested.rows_of(corpus["bombs"])}
    assert "decompression bomb" in rows["/zeros.zip"]["error"]
    assert "decompression bomb" in rows["/huge.png"]["analysis_error"]
    assert "truncated" in rows["/cut.jpg"]["analysis_error"]
    assert any("nested deeper than" in r["error"] for r in rows.values())
    assert rows["/fine.png"]["md5"] and not rows["/fine.png"]["error"] \
        and not rows["/fine.png"]["analysis_error"]


def test_bad_hash_sets_are_refused_with_one_clear_line(triage, ingested, tmp_path):
    for label, (path, options) in bad.bad_hash_sets(tmp_path).items():
        done = triage.run("hashset", "import", ingested.case_dir, path, "--name", path.stem,
                          *options)
        assert not has_traceback(done.stderr), (label, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and path.name in lines[0], \
            (label, done.returncode, done.stdout, done.stderr)
    listed = triage.run("hashset", "list", ingested.case_dir)
    assert listed.returncode == 0 and "unterminated" not in listed.stdout, listed.stdout


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_an_ingest_killed_twice_resumes_to_the_same_listing(triage, corpus, tmp_path):
    """Killed (SIGKILL) at two moments, then run to the end: the listing is the one a run
    never killed gives, and no worker outlives a kill."""
    evidence = corpus["loops"]
    clean = triage.ingest(evidence, case_dir=tmp_path / "clean" / "case")
    case = tmp_path / "killed" / "case"
    case.parent.mkdir()
    for after_s in (1.5, 2.5):
        started = subprocess.Popen([sys.executable, "-m", "triage", "ingest", "--workers", "2",
                                    str(case), str(evidence)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(after_s)
        workers = _children(started.pid)
        os.kill(started.pid, signal.SIGKILL)
        started.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "a worker outlived the killed ingest"
    resumed = triage.ingest(evidence, case_dir=case)
    assert resumed.proc.returncode == 0 and not has_traceback(resumed.stderr), \
        resumed.describe()
    got, want = resumed.files_proc.stdout.splitlines(), clean.files_proc.stdout.splitlines()
    assert got == want, "\n".join(difflib.unified_diff(want, got, "never killed", "resumed",
                                                        n=0, lineterm=""))
