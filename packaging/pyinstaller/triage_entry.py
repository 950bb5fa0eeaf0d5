"""Entry point of the PyInstaller build: the `triage` command (no arguments: the GUI)."""

import multiprocessing
import sys

from triage.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # ingest's worker processes start this program again
    sys.exit(main())
