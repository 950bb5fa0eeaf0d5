"""A deleted file whose clusters were given to a file written after it reads that file's
data under its own name and times: it must say so (pipeline/reallocated.py)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import diskimages as D
from testdata import missing
from triage.pipeline.reallocated import first_allocated


def _triage(*args) -> str:
    run = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _mtools(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, env={**os.environ,
                                                               "MTOOLS_SKIP_CHECK": "1"})


def _stick(folder) -> str:
    """A FAT stick: a thumbnail deleted from one folder, and another written in a second
    folder that takes its cluster (TSK reads the new picture for the deleted entry); a
    second deleted file whose clusters stay free."""
    try:
        D.require("mkfs.vfat", "mmd", "mcopy", "mdel")
    except D.MissingTool as exc:
        missing(str(exc))
    image = str(folder / "stick.img")
    with open(image, "wb") as handle:
        handle.truncate(8 << 20)
    subprocess.run(["mkfs.vfat", "-n", "STICK", image], check=True, capture_output=True)
    for name, size in (("first.bin", 1500), ("later.bin", 1500), ("kept.bin", 3000)):
        (folder / name).write_bytes(os.urandom(size))
    _mtools("mmd", "-i", image, "::/old", "::/new", "::/other")
    _mtools("mcopy", "-i", image, str(folder / "first.bin"), "::/old/first.jpg")
    _mtools("mcopy", "-i", image, str(folder / "kept.bin"), "::/other/kept.jpg")
    _mtools("mdel", "-i", image, "::/old/first.jpg", "::/other/kept.jpg")
    _mtools("mcopy", "-i", image, str(folder / "later.bin"), "::/new/later.jpg")
    return image


@pytest.mark.parametrize("layer", ["image", "LUKS2"])
def test_a_deleted_file_reading_a_later_files_clusters_carries_a_note(tmp_path, layer):
    image = _stick(tmp_path)
    extra = []
    if layer == "LUKS2":  # the same stick inside an encrypted volume, unlocked at ingest
        try:
            D.require("cryptsetup")
        except D.MissingTool as exc:
            missing(str(exc))
        image = str(D.luks_around(Path(image), tmp_path / "luks2.raw", "luks2"))
        extra = ["--password", D.LUKS_PASSWORD]
    case = tmp_path / "case"
    _triage("ingest", case, image, "--no-carve", *extra)
    rows = {r["path"]: r for r in csv.DictReader(io.StringIO(_triage("files", case, "--csv")))}
    [reused] = [r for path, r in rows.items() if path.startswith("/old/")]
    [intact] = [r for path, r in rows.items() if path.startswith("/other/")]
    assert reused["deleted"] == "1" and reused["md5"] == rows["/new/later.jpg"]["md5"]
    assert "allocated again" in reused["note"]
    assert ("decrypted volume" in reused["note"]) == (layer == "LUKS2")
    assert intact["deleted"] == "1" and intact["note"] == ""  # its clusters are still free
    assert "1 read from clusters allocated again" in _triage("info", case)


@pytest.mark.parametrize("ranges, expected", [
    ([(0, 10)], None),  # inside the first free run
    ([(0, 10), (20, 30)], None),
    ([(5, 15)], (10, 15)),  # runs out of free space
    ([(12, 14)], (12, 14)),  # wholly allocated
    ([(0, 10), (12, 25)], (12, 20)),  # stops at the next free run
    ([(35, 40)], (35, 40)),  # after every free run
])
def test_first_allocated_stretch(ranges, expected):
    free = [(0, 10), (20, 10)]
    assert first_allocated(ranges, free) == expected
