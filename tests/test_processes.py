"""Workers never outlive the command that started them: after SIGKILL of `hashset import`,
three reading processes were still alive 100 s later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

STARTER = """
import os, sys, time
from {module} import {factory}
pool = {factory}({args})
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("module, factory, args", [
    ("triage.pipeline.executors", "LocalExecutor", "1"),
])
def test_a_worker_ends_soon_after_its_parent_is_killed(module, factory, args):
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER.format(module=module, factory=factory, args=args)],
        stdout=subprocess.PIPE, text=True)
    try:
        worker = int(starter.stdout.readline())
        os.kill(starter.pid, signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived its parent"
    finally:
        if starter.poll() is None:
            starter.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead, only not yet reaped by its new parent
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return False
