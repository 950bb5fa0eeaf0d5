"""Safe Dask defaults: clear-text clusters only on loopback, and the README's cluster
commands listen on loopback only (no dashboard on every interface)."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from triage.cli import main
from triage.pipeline.executors import ClusterError, check_cluster_address

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "127.0.0.1:8786",
                                     "tcp://localhost:8786", "tcp://[::1]:8786",
                                     "tls://10.0.0.5:8786", "tls://dask.lab:8786"])
def test_loopback_and_tls_clusters_are_accepted(address):
    check_cluster_address(address)


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786",
                                     "tcp://dask.lab:8786", "ucx://10.0.0.5:8786"])
def test_a_clear_text_cluster_on_another_machine_needs_insecure(address):
    with pytest.raises(ClusterError, match="--insecure-cluster"):
        check_cluster_address(address)
    check_cluster_address(address, insecure=True)


def test_ingest_refuses_a_remote_tcp_cluster_before_connecting(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "case"), str(tmp_path), "--cluster",
                 "tcp://192.0.2.1:8786"]) == 2
    assert "tls://" in capsys.readouterr().err
    assert not (tmp_path / "case").exists()


def _readme_commands() -> list[list[str]]:
    """The one-machine `dask scheduler` and `dask worker` lines of the README's lab section."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = re.findall(r"^\s*(dask (?:scheduler|worker) .*127\.0\.0\.1.*)$", text, re.M)
    assert len(lines) == 2, lines
    return [shlex.split(line) for line in lines]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_readme_cluster_listens_on_loopback_only(tmp_path):
    pytest.importorskip("distributed")
    psutil = pytest.importorskip("psutil")
    from distributed import Client

    port = str(_free_port())
    processes = []
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    try:
        for command in _readme_commands():
            argv = [sys.executable, "-m", *[port if a == "8786" else a.replace(
                ":8786", f":{port}").replace(":8787", ":0") for a in command]]
            argv = ["1" if a == "N" else a for a in argv]
            processes.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, env=env,
                                              cwd=tempfile.mkdtemp(dir=tmp_path)))
            time.sleep(1 if len(processes) == 1 else 0)
        with Client(f"tcp://127.0.0.1:{port}", timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        listening = set()
        for process in processes:
            parent = psutil.Process(process.pid)
            for each in [parent, *parent.children(recursive=True)]:
                listening |= {(c.laddr.ip, c.laddr.port, " ".join(each.cmdline()[2:5]))
                              for c in each.net_connections("inet")
                              if c.status == psutil.CONN_LISTEN}
        assert listening and {ip for ip, _, _ in listening} <= {"127.0.0.1"}, listening
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_tls_cluster_without_certificates_is_a_clear_error():
    pytest.importorskip("distributed")
    from triage.pipeline.executors import DaskExecutor

    with pytest.raises(ClusterError, match="TLS needs this machine's certificates"):
        DaskExecutor("tls://127.0.0.1:9", connect_timeout=1)
