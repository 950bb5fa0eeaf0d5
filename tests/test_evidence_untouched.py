"""Ingest and verify leave evidence exactly as it was: same bytes, same change time."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import IMAGES, missing

SHARED = IMAGES


def _fingerprint(path: Path):
    info = os.stat(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns, info.st_ctime_ns


@pytest.mark.parametrize("names", [["image.dd"], ["ext2.split.E01", "ext2.split.E02"],
                                   ["ext2.splitraw.000", "ext2.splitraw.001"]])
def test_ingest_and_verify_never_change_the_evidence(tmp_path, names):
    if not (SHARED / names[0]).exists():
        missing("shared test images not present")
    copies = []
    for name in names:
        shutil.copy2(SHARED / name, tmp_path / name)
        copies.append(tmp_path / name)
    before = [_fingerprint(p) for p in copies]
    for command in (["ingest", tmp_path / "case", copies[0]], ["verify", tmp_path / "case"]):
        result = subprocess.run([sys.executable, "-m", "triage", *map(str, command)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert [_fingerprint(p) for p in copies] == before


def test_verify_notices_changed_evidence(tmp_path):
    if not (SHARED / "image.dd").exists():
        missing("shared test images not present")
    image = tmp_path / "image.dd"
    shutil.copy2(SHARED / "image.dd", image)
    subprocess.run([sys.executable, "-m", "triage", "ingest", str(tmp_path / "case"), str(image)],
                   check=True, capture_output=True)
    with open(image, "r+b") as handle:  # the test tampers with its own copy
        handle.seek(50_000)
        handle.write(b"tampered")
    result = subprocess.run([sys.executable, "-m", "triage", "verify", str(tmp_path / "case")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "image.dd: SHA-256 is now" in result.stderr
