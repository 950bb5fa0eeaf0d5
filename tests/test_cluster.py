"""Ingest ends with near-duplicate stacks; `triage cluster` rebuilds them; files --csv shows them."""

import csv
import io
import shutil
import subprocess
import sys

import pytest
from PIL import Image, ImageEnhance, ImageOps

from testdata import PHOTOS, missing

BASES = sorted((PHOTOS / "bsds500").glob("*.jpg"))[:8]
GPS_PHOTO = PHOTOS / "exif-samples/jpg/gps/DSCN0010.jpg"


def _copies(picture: Image.Image) -> dict[str, Image.Image]:
    width, height = picture.size
    return {
        "half": picture.resize((width // 2, height // 2)),
        "grey": ImageOps.grayscale(picture).convert("RGB"),
        "bright": ImageEnhance.Brightness(picture).enhance(1.3),
        "crop3": picture.crop((width * 3 // 200, height * 3 // 200, width, height)),
        "mirror": ImageOps.mirror(picture),
    }


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    if len(BASES) < 8:
        missing(f"shared photographs not found under {PHOTOS}")
    folder = tmp_path_factory.mktemp("stacks") / "evidence"
    (folder / "copies").mkdir(parents=True)
    for index, path in enumerate(BASES):
        picture = Image.open(path).convert("RGB")
        picture.save(folder / f"base{index}.jpg", quality=92)
        if index < 5:  # three bases stay alone
            for name, copy in _copies(picture).items():
                copy.save(folder / "copies" / f"base{index}_{name}.jpg", quality=35)
    if GPS_PHOTO.exists():
        shutil.copy(GPS_PHOTO, folder / "gps.jpg")
    return folder


def _triage(*args):
    result = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_copies_stack_with_their_original_as_representative(tmp_path, evidence):
    _triage("ingest", tmp_path / "case", evidence)
    rows = list(csv.DictReader(io.StringIO(_triage("files", tmp_path / "case", "--csv"))))
    pictures = {row["name"]: row for row in rows if row["kind"] == "file"}
    for index in range(5):
        base = pictures[f"base{index}.jpg"]
        members = [r for r in pictures.values() if r["stack_id"] == base["stack_id"]]
        assert {r["name"] for r in members} == {f"base{index}.jpg"} | {
            f"base{index}_{n}.jpg" for n in ("half", "grey", "bright", "crop3", "mirror")}
        assert base["stack_representative"] == "1"
        assert sum(r["stack_representative"] == "1" for r in members) == 1
    for index in range(5, 8):
        alone = pictures[f"base{index}.jpg"]
        assert [r for r in pictures.values() if r["stack_id"] == alone["stack_id"]] == [alone]
    assert all(len(row["phash"]) == 16 and len(row["pdq"]) == 64 for row in pictures.values())
    if GPS_PHOTO.exists():
        assert pictures["gps.jpg"]["camera"] == "NIKON COOLPIX P6000"
        assert pictures["gps.jpg"]["gps"].startswith("43.46")


def test_cluster_command_rebuilds_and_audits(tmp_path, evidence):
    _triage("ingest", tmp_path / "case", evidence)
    assert "5 stacks" in _triage("stacks", tmp_path / "case")
    # a radius of zero still stacks exact perceptual matches only; the command records it
    _triage("cluster", tmp_path / "case", "--threshold", "0", "--pdq-threshold", "0")
    assert "audit chain intact" in _triage("verify", tmp_path / "case")


def test_tagging_a_stack_tags_every_member(tmp_path, evidence):
    _triage("ingest", tmp_path / "case", evidence)
    rows = list(csv.DictReader(io.StringIO(_triage("files", tmp_path / "case", "--csv"))))
    base = next(r for r in rows if r["name"] == "base0.jpg")
    out = _triage("tag", tmp_path / "case", "--md5", base["md5"], "--stack",
                  "--scheme", "vics-us", "--category", "4")
    assert "6 items" in out
    tags = list(csv.DictReader(io.StringIO(_triage("tags", tmp_path / "case", "--csv"))))
    assert len(tags) == 6
    assert {(t["scheme"], t["category"], t["source"]) for t in tags} == {("vics-us", "4", "examiner")}
