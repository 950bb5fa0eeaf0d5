"""Triage makes no network connection: a whole case (ingest, hash sets, stacks, tagging,
exports, verify) is worked with Python's sockets made to fail, and, where the kernel allows a
network namespace, the command line runs end to end with no network at all."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pytest

from triage.case.store import open_case
from triage.cli import main
from triage.hashsets import import_hash_set
from triage.pipeline.ingest import Ingest, IngestOptions

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


class NetworkUsed(AssertionError):
    pass


class InProcessExecutor:
    """Runs the per-file work in this process, so the patched sockets cover it too."""

    workers = 1

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 (handed to the pipeline as a worker would)
            future.set_exception(exc)
        return future

    def shutdown(self, cancel: bool = False) -> None:
        pass


@pytest.fixture
def no_sockets(monkeypatch) -> list[str]:
    """Every way to open a connection raises, and is remembered (a swallowed one still fails)."""
    attempts: list[str] = []

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append(f"{name}{args[:2]}")
            raise NetworkUsed(f"network access attempted: {name}{args[:2]}")
        return refused

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("socket.gethostbyname"))
    return attempts


def test_ingest_match_tag_export_and_verify_without_network(tmp_path, no_sockets, capsys):
    case = tmp_path / "case"
    store = open_case(case, create=True, examiner="examiner")
    ingest = Ingest(store, "examiner", IngestOptions(workers=1), executor=InProcessExecutor())
    ingest.add(SAMPLES / "demo-usb.img")
    summary = ingest.run()
    assert summary.files_hashed > 20 and not summary.evidence_errors
    result = import_hash_set(store, SAMPLES / "demo-alert.json", "alert", parallel=False)
    assert result.matches == 3
    store.close()

    md5 = next(f["md5"] for f in json.loads((SAMPLES / "demo-contents.json").read_text())["files"]
               if f["path"].endswith("IMG_0002.JPG"))
    assert main(["tag", str(case), "--md5", md5, "--scheme", "vics-us", "--category", "4"]) == 0
    assert main(["cluster", str(case)]) == 0
    for fmt, name in (("vics", "case.json"), ("csv", "case.csv"), ("md5", "case.md5"),
                      ("html", "report.html")):
        out = tmp_path / name
        assert main(["export", str(case), "--format", fmt, "--scheme", "vics-us",
                     "--out", str(out)]) == 0, capsys.readouterr().err
        assert out.stat().st_size > 0
    assert main(["verify", str(case)]) == 0
    assert no_sockets == []


def _network_namespace_available() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
def test_command_line_runs_in_a_network_namespace(tmp_path):
    """With no network interface but loopback (down), worker processes included."""
    if not _network_namespace_available():
        pytest.skip("no network namespaces here (unshare -rn)")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"),
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    triage = [sys.executable, "-m", "triage"]
    script = [
        [*triage, "demo", "--no-gui"],
        [*triage, "export", str(tmp_path / "data" / "triage" / "demo-case"), "--format", "csv",
         "--scheme", "vics-us", "--out", str(tmp_path / "demo.csv")],
    ]
    for command in script:
        done = subprocess.run(["unshare", "-rn", *command], capture_output=True, text=True,
                              env=env, timeout=240)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo.csv").stat().st_size > 0
