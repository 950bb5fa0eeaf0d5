"""Shared fixtures: generated disk images (built once per session) and a
runner for the ``triage`` command line.

Images are built into a ``tmp_path_factory`` folder, never into the
repository or /work/shared (third-party evidence there is read-only).  A
test whose Debian tool is missing is skipped with the tool's name.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import diskimages  # noqa: E402
import tsk_reference  # noqa: E402
from testdata import IMAGES, missing

SHARED_IMAGES = IMAGES

FILES_CSV_HEADER = [
    "evidence", "partition_offset", "partition_type", "path", "name", "kind",
    "deleted", "size", "meta_addr", "detected_type", "extension_mismatch",
    "md5", "sha1", "sha256", "crtime", "mtime", "atime", "ctime", "error",
]


# --------------------------------------------------------------------------
# Generated images
# --------------------------------------------------------------------------


def _build(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except diskimages.MissingTool as exc:
        missing(f"cannot build test image: {exc}")


@pytest.fixture(scope="session")
def image_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("images")


def _session_image(builder):
    @pytest.fixture(scope="session")
    def fixture(image_dir):
        return _build(builder, image_dir)

    fixture.__doc__ = builder.__doc__
    return fixture


mbr_fat32_ext4 = _session_image(diskimages.make_mbr_fat32_ext4)
gpt_fat16_ntfs = _session_image(diskimages.make_gpt_fat16_ntfs)
bare_fat12 = _session_image(diskimages.make_bare_fat12)
bare_ext4 = _session_image(diskimages.make_bare_ext4)
bare_ntfs = _session_image(diskimages.make_bare_ntfs)
iso9660_image = _session_image(diskimages.make_iso9660)
mbr_one_bad_partition = _session_image(diskimages.make_mbr_one_bad_partition)
mbr_past_end = _session_image(diskimages.make_mbr_past_end)
mbr_truncated_partition = _session_image(diskimages.make_mbr_truncated_partition)
mbr_only_past_end = _session_image(diskimages.make_mbr_only_past_end)
random_bytes = _session_image(diskimages.make_random_bytes)
empty_file = _session_image(diskimages.make_empty_file)
zeroed_superblock_ext4 = _session_image(diskimages.make_zeroed_superblock_ext4)
folder_evidence = _session_image(diskimages.make_folder_evidence)


@pytest.fixture(scope="session")
def mbr_e01(mbr_fat32_ext4, image_dir) -> list[Path]:
    """Single-segment E01 of the MBR FAT32+ext4 disk."""
    return _build(diskimages.make_e01, mbr_fat32_ext4.path, image_dir / "e01" / "mbr")


@pytest.fixture(scope="session")
def gpt_e01_multi(gpt_fat16_ntfs, image_dir) -> list[Path]:
    """Multi-segment E01 (1 MiB segments, no compression) of the GPT disk."""
    return _build(diskimages.make_e01, gpt_fat16_ntfs.path, image_dir / "e01m" / "gpt",
                  segment_size=diskimages.MIB, compression="none")


@pytest.fixture(scope="session")
def fat12_split(bare_fat12, image_dir) -> list[Path]:
    """The bare FAT12 split into 512 KiB raw segments .000/.001/.002."""
    return _build(diskimages.make_split_raw, bare_fat12.path, image_dir / "split" / "fat12",
                  512 * 1024)


@pytest.fixture(scope="session")
def truncated_e01(mbr_e01, image_dir) -> Path:
    return diskimages.make_truncated_e01(mbr_e01[0], image_dir / "bad")


@pytest.fixture(scope="session")
def e01_missing_segment(gpt_e01_multi, image_dir) -> list[Path]:
    """The multi-segment GPT E01 without .E05 (which holds only the unused
    tail of the FAT16 partition: every file is still readable)."""
    return diskimages.make_e01_missing_segment(gpt_e01_multi, image_dir / "e01_missing", 5)


@pytest.fixture(scope="session")
def corrupted_e01(bare_ext4, image_dir):
    """(E01 path, Disk, damaged file's path) — uncompressed E01 of the bare
    ext4 with a flipped byte inside big_noise.jpg's data."""
    rel = "Pictures/holiday/beach/day1/big_noise.jpg"
    content = bare_ext4.partitions[0][1].files[rel]
    path = _build(diskimages.make_corrupted_e01, bare_ext4.path, image_dir / "corrupt",
                  content[40000:40064])
    return path, bare_ext4, "/" + rel


@pytest.fixture(scope="session")
def exported_raw(image_dir):
    """Turn an E01 (third-party) into raw with ewfexport, cached by path."""
    cache: dict[Path, Path] = {}

    def export(e01: Path) -> Path:
        e01 = Path(e01)
        if e01 in cache:
            return cache[e01]
        diskimages.require("ewfexport")
        target = image_dir / "exported" / e01.stem
        target.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            ["ewfexport", "-u", "-q", "-f", "raw", "-t", str(target), str(e01)],
            capture_output=True)
        if proc.returncode != 0:
            raise RuntimeError(f"ewfexport {e01}: {proc.stderr.decode(errors='replace')}")
        out = target.parent / (target.name + ".raw")
        cache[e01] = out
        return out

    def wrapped(e01):
        try:
            return export(e01)
        except diskimages.MissingTool as exc:
            missing(str(exc))

    return wrapped


@pytest.fixture(scope="session")
def shared_image():
    """Path of a third-party image in the shared test data (`testdata.missing` if absent)."""

    def get(name: str) -> Path:
        p = SHARED_IMAGES / name
        if not p.exists():
            missing(f"third-party test image {p} not present")
        return p

    return get


@pytest.fixture(scope="session")
def need_tsk():
    if not tsk_reference.have_tsk():
        missing("The Sleuth Kit (mmls, fls, icat) not installed")


# --------------------------------------------------------------------------
# The triage CLI
# --------------------------------------------------------------------------


@dataclass
class Ingest:
    """One ``triage ingest`` run and the ``files --csv`` that followed."""

    case_dir: Path
    evidence: list[Path]
    proc: subprocess.CompletedProcess
    files_proc: subprocess.CompletedProcess | None
    rows: list[dict] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    @property
    def stderr(self) -> str:
        return self.proc.stderr

    def rows_of(self, evidence: Path) -> list[dict]:
        """Rows of one evidence item of a multi-evidence ingest (matched by
        the ``evidence`` column: its file name or its path)."""
        evidence = Path(evidence)
        names = {evidence.name, str(evidence), str(evidence.resolve())}
        return [r for r in self.rows
                if r["evidence"] in names or r["evidence"].endswith("/" + evidence.name)]

    def describe(self) -> str:
        return (f"triage ingest {' '.join(map(str, self.evidence))} -> exit "
                f"{self.proc.returncode}\nstdout: {self.proc.stdout[-2000:]}\n"
                f"stderr: {self.proc.stderr[-2000:]}")


def _cli_env() -> dict:
    env = dict(os.environ)
    env["TZ"] = "UTC"  # FAT times are local time: make TSK and Triage agree
    env.setdefault("LC_ALL", "C.UTF-8")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


class TriageCLI:
    """Runs ``python -m triage`` in a subprocess, like an examiner would."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self._cache: dict[tuple, Ingest] = {}
        self._n = 0

    def run(self, *args, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "triage", *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=timeout, env=_cli_env(), cwd=self.workdir)

    def new_case_dir(self, label: str = "case") -> Path:
        self._n += 1
        safe = "".join(c if c.isalnum() else "_" for c in label)[:40]
        return self.workdir / f"{self._n:03d}_{safe}"

    def files(self, case_dir: Path) -> tuple[subprocess.CompletedProcess, list[str], list[dict]]:
        """``files --csv`` parsed as a CSV consumer would (RFC 4180: a CR or
        LF inside a field must be quoted).  Records with the wrong number of
        fields are kept (missing columns empty) and flagged with
        ``_malformed`` so that a test can report them."""
        proc = subprocess.run(
            [sys.executable, "-m", "triage", "files", str(case_dir), "--csv"],
            capture_output=True, timeout=300, env=_cli_env(), cwd=self.workdir)
        # bytes in, no newline translation: a bare CR in a name stays a CR
        proc = subprocess.CompletedProcess(
            proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))
        if proc.returncode != 0:
            return proc, [], []
        reader = csv.reader(io.StringIO(proc.stdout, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            return proc, [], []
        rows = []
        for rec in reader:
            if not rec:
                continue
            row = {k: "" for k in header}
            row.update(zip(header, rec))
            if len(rec) != len(header):
                row["_malformed"] = rec
            rows.append(row)
        return proc, header, rows

    def ingest(self, *evidence: Path, case_dir: Path | None = None) -> Ingest:
        """Ingest into a fresh case (or ``case_dir``) and list its files."""
        case_dir = case_dir or self.new_case_dir(Path(evidence[0]).name)
        proc = self.run("ingest", case_dir, *evidence)
        files_proc, header, rows = (None, [], [])
        if case_dir.exists():
            files_proc, header, rows = self.files(case_dir)
        return Ingest(case_dir, [Path(e) for e in evidence], proc, files_proc, rows, header)

    def ingest_cached(self, *evidence: Path, label: str | None = None) -> Ingest:
        """Like ingest, but each evidence tuple is ingested once per session
        (several evidence items in one run share one case: one process start
        instead of many, which is most of the cost on small images)."""
        key = tuple(str(e) for e in evidence)
        if key not in self._cache:
            case_dir = self.new_case_dir(label or Path(evidence[0]).name)
            self._cache[key] = self.ingest(*evidence, case_dir=case_dir)
        return self._cache[key]


def _triage_available() -> bool:
    return (importlib.util.find_spec("triage") is not None
            and (importlib.util.find_spec("triage.__main__") is not None
                 or importlib.util.find_spec("triage.cli") is not None))


@pytest.fixture(scope="session")
def triage(tmp_path_factory) -> TriageCLI:
    if not _triage_available():
        pytest.skip("the triage CLI (triage.__main__ / triage.cli) is not there yet")
    return TriageCLI(tmp_path_factory.mktemp("cases"))


# --------------------------------------------------------------------------
# Helpers for tests
# --------------------------------------------------------------------------


def md5_of(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def has_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" in text


def row_offset(row: dict) -> int | None:
    v = (row.get("partition_offset") or "").strip()
    return int(v) if v else None


def row_deleted(row: dict) -> bool:
    return (row.get("deleted") or "0").strip() in ("1", "true", "True", "yes")


def row_path(row: dict) -> str:
    """The row's path as fls would print it (control characters -> '^')."""
    return tsk_reference.sanitize_name(row.get("path") or "")


# --------------------------------------------------------------------------
# PostgreSQL (issue 9): a throwaway cluster on loopback, one per test process.
# With TRIAGE_TEST_DB=postgresql every case the tests create lives in it.
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """The cluster; skipped where PostgreSQL is not installed, except in CI (CI=true)."""
    from pgserver import PostgresMissing, ThrowawayPostgres

    try:
        server = ThrowawayPostgres().start()
    except PostgresMissing as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{exc} (CI must run the PostgreSQL tests)")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database's URL (with its password) for one test."""
    return postgres_server.database()


@pytest.fixture(scope="session", autouse=True)
def _cases_in_postgres_when_asked(request):
    """TRIAGE_TEST_DB=postgresql: new cases are made in the test cluster (one database each)."""
    if os.environ.get("TRIAGE_TEST_DB", "sqlite") != "postgresql":
        yield
        return
    import shutil

    server = request.getfixturevalue("postgres_server")
    os.environ["TRIAGE_DATABASE_URL"] = server.url("{case}")
    copytree = shutil.copytree

    def copy_with_databases(source, target, *args, **kwargs):
        """A copied case folder would share its database; the tests want a copy of it."""
        result = copytree(source, target, *args, **kwargs)
        for settings in Path(target).rglob("case.toml"):
            _copy_case_database(server, settings)
        return result

    shutil.copytree = copy_with_databases
    yield
    shutil.copytree = copytree
    os.environ.pop("TRIAGE_DATABASE_URL", None)


def _copy_case_database(server, settings: Path) -> None:
    import re

    from triage.case.store import case_database_name

    text = settings.read_text()
    old = re.search(r'^url = ".*/([^/"]+)"$', text, re.M).group(1)
    new = case_database_name(settings.parent)
    server.database(new, template=old)
    settings.write_text(text.replace(f'/{old}"', f'/{new}"'))


@pytest.fixture(autouse=True)
def _own_user_config(tmp_path_factory, monkeypatch):
    """Each test's per-user settings (triage.case.user_settings) in a folder of its own,
    never the real user's ~/.config/triage."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
