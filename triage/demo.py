"""The demo case: the shipped sample evidence, ingested and matched like any case, once per user.

A newcomer (and the first start of the desktop application) gets a case with
something in every view at once: stacks, hash-set hits, a deleted file, a
renamed picture. It is built by the normal pipeline from ``resources/samples``
(see the README there), so it also proves that an installation works.

The case lives in the user's data folder (``$XDG_DATA_HOME/triage/demo-case``,
else ``~/.local/share/…``; ``%LOCALAPPDATA%`` on Windows) with its own copy
of the sample disk image under ``evidence/``, so it stays valid when Triage is
reinstalled elsewhere. Building is resumable: each step checks what an earlier,
interrupted build already did, and a marker file written last says the case is
complete.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from triage import __version__
from triage.case.clock import utcnow
from triage.case.store import CaseStore, open_case
from triage.hashing.digests import sha256_file
from triage.hashsets import import_hash_set, list_hash_sets
from triage.paths import resources_dir, user_data_dir
from triage.pipeline.ingest import Ingest, IngestOptions

SAMPLE_IMAGE = "demo-usb.img"
ALERT_SET_FILE, ALERT_SET_NAME = "demo-alert.json", "Demo alert set"
KNOWN_GOOD_FILE, KNOWN_GOOD_NAME = "demo-known-good.md5", "Demo known-good"
CASE_FOLDER_NAME = "demo-case"
MARKER = ".triage-demo.json"  # written last: its presence means the case is complete
DEMO_WORKERS = 2  # 23 small files: more worker processes only cost start-up time

Report = Callable[[str], None]
_building = threading.Lock()  # the menu and the first-run hook may ask at the same time


class DemoError(RuntimeError):
    """The demo case cannot be built (samples missing, or the ingest read nothing)."""


def samples_dir() -> Path:
    """The folder of the shipped samples, ``resources/samples`` beside the ``triage`` package.

    That is the checkout's layout, and the installed one too (the wheel puts
    ``resources/`` in site-packages; a PyInstaller build beside the package).
    ``$TRIAGE_SAMPLES_DIR`` wins (packagers, tests).
    """
    override = os.environ.get("TRIAGE_SAMPLES_DIR")
    folder = Path(override) if override else (
        resources_dir() / "samples")
    if not (folder / SAMPLE_IMAGE).is_file():
        raise DemoError(f"the demo samples are not installed (no {SAMPLE_IMAGE} in {folder})")
    return folder


def demo_case_dir() -> Path:
    return user_data_dir() / CASE_FOLDER_NAME


def is_demo_case_ready(folder: Path | None = None) -> bool:
    return ((folder or demo_case_dir()) / MARKER).is_file()


def ensure_demo_case(report: Report | None = None, folder: Path | str | None = None) -> Path:
    """Build the demo case unless it is already complete, and return its folder.

    Safe to call from any thread and from several processes at once (they
    wait for each other); `report` gets one line per step. The ingest spawns
    worker processes that import the main module again: a script calling
    this must do so under ``if __name__ == "__main__"``.
    """
    folder = Path(folder) if folder is not None else demo_case_dir()
    say = report or (lambda _message: None)
    if is_demo_case_ready(folder):
        return folder
    with _building, _file_lock(folder.with_name(folder.name + ".lock")):
        if not is_demo_case_ready(folder):  # another caller may have built it meanwhile
            _build(folder, samples_dir(), say)
    return folder


def _build(folder: Path, samples: Path, say: Report) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    evidence = _copy_evidence(samples / SAMPLE_IMAGE, folder / "evidence", say)
    store = open_case(folder, create=True)
    try:
        _ingest(store, evidence, say)
        _import_hash_sets(store, samples, say)
    finally:
        store.close()
    marker = {"triage_version": __version__, "built_at": utcnow().isoformat() + "Z",
              "sample_sha256": sha256_file(evidence)}
    (folder / MARKER).write_text(json.dumps(marker, indent=1) + "\n")
    say(f"Demo case ready: {folder}")


def _copy_evidence(image: Path, into: Path, say: Report) -> Path:
    """Copy the sample image into the case (whole, or not at all: copy then rename)."""
    target = into / image.name
    if target.is_file() and target.stat().st_size == image.stat().st_size:
        return target
    say(f"Copying the sample disk image {image.name}")
    into.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(image, partial)
    os.replace(partial, target)
    return target


def _ingest(store: CaseStore, evidence: Path, say: Report) -> None:
    say(f"Ingesting {evidence.name} (hashes, pictures, near-duplicate stacks)")
    ingest = Ingest(store, options=IngestOptions(workers=min(DEMO_WORKERS, os.cpu_count() or 1)))
    ingest.add(evidence)  # again after an interruption: the same evidence, resumed
    summary = ingest.run()
    if summary.evidence_errors:
        raise DemoError("the sample disk image could not be read: "
                        + "; ".join(summary.evidence_errors))
    say(f"  {summary.files_hashed} files hashed")


def _import_hash_sets(store: CaseStore, samples: Path, say: Report) -> None:
    with store.reading() as session:
        present = {hash_set.name for hash_set in list_hash_sets(session)}
    for file, name, kind in ((ALERT_SET_FILE, ALERT_SET_NAME, "alert"),
                             (KNOWN_GOOD_FILE, KNOWN_GOOD_NAME, "known-good")):
        if name in present:
            continue
        result = import_hash_set(store, samples / file, name, kind=kind, parallel=False)
        say(f"Imported hash set '{name}': {result.entries} entries, {result.matches} matches")


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` between processes (POSIX; elsewhere the thread lock only)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
