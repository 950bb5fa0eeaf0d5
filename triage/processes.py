"""Worker processes that never outlive the process that started them.

A pool's workers are separate processes: if the command that started them
is killed (SIGKILL, a crash, power to the terminal), nothing tells them, and
they went on reading evidence or a hash set for minutes. Each worker runs
`die_with_parent` first: a thread that ends the worker within a second of
its parent going. (Linux's PR_SET_PDEATHSIG would be quicker but fires when
the *thread* that started the worker ends, and our pools are started from
GUI and job threads.)
"""

from __future__ import annotations

import os
import threading
import time

CHECK_S = 0.5


def die_with_parent() -> None:
    """End this process soon after its parent is gone (it is then adopted by another)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(CHECK_S)
            if os.getppid() != parent:
                os._exit(70)  # EX_SOFTWARE: nobody is left to read what we would say

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
