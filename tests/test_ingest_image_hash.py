"""The image hash of a new case starts before the case opens, and is recorded once; its
progress, read in a worker, shows with the time left on a terminal."""

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from sqlalchemy import select

from triage.case.models import AuditEntry, Evidence
from triage.case.store import open_case
from triage.hashing.digests import sha256_file
from triage.paths import resources_dir
from triage.pipeline.executors import LocalExecutor
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.pipeline.work import ImageHashProgress, hash_evidence, start_image_hashes

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

    def spy(executor, paths):
        started.append(list(paths))
        return real(executor, paths)

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


def test_a_worker_reports_the_bytes_it_has_hashed_through_the_progress_file():
    progress = ImageHashProgress()
    try:
        assert progress.bytes_done() == 0
        result = hash_evidence("raw", [str(IMAGE)], None, progress.path)
        assert result.sha256 == sha256_file(IMAGE)
        assert progress.bytes_done() == IMAGE.stat().st_size
    finally:
        progress.close()
    assert not os.path.exists(progress.path)
    # a worker that cannot see the file (another machine) hashes all the same, and creates none
    assert hash_evidence("raw", [str(IMAGE)], None, progress.path).sha256 == result.sha256
    assert not os.path.exists(progress.path)


def _on_a_terminal(*args) -> str:
    """Run `triage ARGS` with stderr on a pseudo-terminal 150 columns wide; its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 150, 0, 0))
    started = subprocess.Popen([sys.executable, "-m", "triage", *map(str, args)],
                               stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    started.wait(timeout=120)
    return output.decode("utf-8", "replace")


def test_the_image_hash_shows_bytes_and_time_left_on_a_terminal_and_nothing_when_piped(
        tmp_path):
    """A large image with no file system printed nothing for minutes."""
    image = tmp_path / "blank.raw"
    with open(image, "wb") as handle:
        handle.truncate(256 << 20)
    shown = _on_a_terminal("ingest", "--workers", "1", tmp_path / "tty", image)
    bars = [line for line in shown.replace("\r", "\n").splitlines()
            if line.startswith("image hashes")]
    # bytes read of the image's size, then [elapsed<left] (left is "?" until there is a rate:
    # a small image is hashed before the stage shows)
    assert bars and re.search(r"268M/268M \[\d\d:\d\d<(\?|\d\d:\d\d)", bars[-1]), shown
    piped = subprocess.run([sys.executable, "-m", "triage", "ingest", "--workers", "1",
                            str(tmp_path / "piped"), str(image)], capture_output=True, text=True)
    assert "image hashes" not in piped.stderr and "%|" not in piped.stderr, piped.stderr
    assert "no file system found" in piped.stderr
