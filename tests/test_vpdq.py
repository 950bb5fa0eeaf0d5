"""vPDQ: frame hashes as Meta computes them, hash lists imported, matched and exported."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from triage.case.store import open_case
from triage.hashing.frames import FrameHashes
from triage.hashing.perceptual import hamming
from triage.hashsets.vpdq import VpdqError, read_vpdq, write_vpdq
from triage.media.analyse import analyse
from triage.review.gallery import GalleryFilter, count_media
from triage.similarity.frames import vpdq_compare

DATA = Path(__file__).parent / "data" / "vpdq"
SAMPLES = ("doorknob-hd-no-bar", "test-padded-dimensions")


@pytest.mark.parametrize("name", SAMPLES)
def test_frame_hashes_are_metas_at_the_same_frames(name):
    [reference] = read_vpdq(DATA / f"{name}.txt")
    video = analyse(DATA / f"{name}.mp4", "video/mp4").video
    ours = video.frame_hashes.steady()
    assert video.frame_step == 30 and len(ours) == len(reference.frames) // 30
    for row in range(len(ours)):
        frame = row * video.frame_step
        assert ours.time[row] == pytest.approx(reference.frames.time[frame], abs=0.001)
        assert abs(int(ours.quality[row]) - int(reference.frames.quality[frame])) <= 8
        if reference.frames.quality[frame] >= 50:  # vPDQ compares only these
            assert hamming(ours.hex(row), reference.frames.hex(frame)) <= 16
    # What vpdq-hash-video writes at one hash a second: the same frames of the reference.
    rows = slice(0, None, video.frame_step)
    per_second = FrameHashes(reference.frames.pdq[rows], reference.frames.quality[rows],
                             reference.frames.time[rows], reference.frames.scene_start[rows])
    assert vpdq_compare(ours, per_second) == (100.0, 100.0)


def test_both_exchanged_forms_read_and_bad_lines_are_named(tmp_path):
    [reference] = read_vpdq(DATA / "test-padded-dimensions.txt")
    signal = [f"{reference.frames.hex(i)},{reference.frames.quality[i]},{reference.frames.time[i]:.3f}"
              for i in range(len(reference.frames))]
    (tmp_path / "list.json").write_text(json.dumps(signal))
    (tmp_path / "many.json").write_text(json.dumps({"a.mp4": signal, "b.mp4": signal[:3]}))
    [one] = read_vpdq(tmp_path / "list.json")
    assert one.frames.pack() == reference.frames.pack()
    assert [(v.name, len(v.frames)) for v in read_vpdq(tmp_path / "many.json")] == [
        ("a.mp4", 150), ("b.mp4", 3)]
    assert write_vpdq(reference.frames, 1) == (DATA / "test-padded-dimensions.txt").read_text()
    (tmp_path / "bad.txt").write_text("0,100,abc,0.000\n")
    with pytest.raises(VpdqError, match="bad.txt line 1: a PDQ hash is 64 hex digits"):
        read_vpdq(tmp_path / "bad.txt")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(VpdqError, match="binary.txt: not a text file"):
        read_vpdq(tmp_path / "binary.txt")
    (tmp_path / "odd.json").write_text(json.dumps({"a.mp4": ["00,100,0.0"]}))
    with pytest.raises(VpdqError, match="a.mp4 frame 1: a PDQ hash is 64 hex digits"):
        read_vpdq(tmp_path / "odd.json")


def _triage(*args) -> str:
    result = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_vpdq_list_imports_as_a_set_matches_and_the_case_exports(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for name in SAMPLES:
        shutil.copy(DATA / f"{name}.mp4", evidence)
    case = tmp_path / "case"
    _triage("ingest", case, evidence)
    # The list as vpdq.computeHash writes it by default (a hash a second): every 30th frame.
    lines = (DATA / "test-padded-dimensions.txt").read_text().splitlines(keepends=True)
    listed_file = tmp_path / "test-padded-dimensions.txt"
    listed_file.write_text("".join(line for line in lines if int(line.split(",")[0]) % 30 == 0))
    said = _triage("video", "import-vpdq", case, listed_file, "--name", "meta")
    assert "1 case video(s) match" in said
    listed = _triage("video", "matches", case)
    assert "test-padded-dimensions.mp4\tvPDQ match with test-padded-dimensions (meta): 100%" in listed
    assert "doorknob" not in listed
    # A lead like a perceptual near match: in `files --csv`, under the gallery's "near" filter.
    rows = list(csv.DictReader(io.StringIO(_triage("files", case, "--csv"))))
    leads = {row["name"]: row["vpdq_matches"] for row in rows if row["kind"] == "file"}
    assert leads == {"test-padded-dimensions.mp4": "meta:100%/100%", "doorknob-hd-no-bar.mp4": ""}
    store = open_case(case)
    try:
        with store.reading() as session:
            near = GalleryFilter(hash_hits="near", stacks=False)
            assert count_media(session, near) == 1
    finally:
        store.close()
    # Meta's sample list itself holds every frame: thinned to a frame a second, it matches.
    said = _triage("video", "import-vpdq", case, DATA / "test-padded-dimensions.txt",
                   "--name", "meta, every frame")
    assert "1 case video(s) match" in said
    assert "intact" in _triage("hashset", "verify", case, "meta, every frame")
    assert "Removed" in _triage("hashset", "remove", case, "meta, every frame")
    _triage("video", "export-vpdq", case, tmp_path / "out")
    exported = {p.name: read_vpdq(p)[0].frames for p in (tmp_path / "out").glob("*.txt")}
    assert len(exported) == 2
    [reference] = read_vpdq(listed_file)
    assert max(vpdq_compare(frames, reference.frames) for frames in exported.values()) == (100, 100)
