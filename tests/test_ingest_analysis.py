"""Ingest decodes each content once: perceptual hashes, size, EXIF, thumbnail, video keyframes."""

import csv
import io
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from triage.case.models import File, Keyframe, Media
from triage.case.store import open_case
from triage.case.thumbnails import FILMSTRIP, THUMBNAIL
from triage.pipeline.ingest import Ingest, IngestOptions
from testdata import PHOTOS

GPS_PHOTO = PHOTOS / "exif-samples/jpg/gps/DSCN0010.jpg"


def _video(path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (96, 64))
    for index in range(40):
        frame = np.zeros((64, 96, 3), np.uint8)
        frame[:, : (index * 2) % 96] = (40, 160, 220) if index < 20 else (200, 60, 30)
        writer.write(frame)
    writer.release()


@pytest.fixture
def evidence(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    picture = Image.radial_gradient("L").convert("RGB").resize((400, 300))
    picture.save(folder / "gradient.jpg", quality=90)
    shutil.copy(folder / "gradient.jpg", folder / "same-content.dat")
    if GPS_PHOTO.exists():
        shutil.copy(GPS_PHOTO, folder / "holiday.jpg")
    (folder / "broken.jpg").write_bytes((folder / "gradient.jpg").read_bytes()[:300])
    _video(folder / "clip.avi")
    (folder / "notes.txt").write_text("not media")
    return folder


def test_each_content_is_analysed_once_with_thumbnails_and_keyframes(tmp_path, evidence):
    store = open_case(tmp_path / "case", create=True)
    ingest = Ingest(store, "tester", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    with store.reading() as session:
        by_name = {f.name: f.media for f in session.scalars(select(File)) if f.media}
        gradient = by_name["gradient.jpg"]
        assert by_name["same-content.dat"].id == gradient.id
        assert gradient.analysed and (gradient.width, gradient.height) == (400, 300)
        assert len(gradient.phash) == 16 and len(gradient.pdq) == 64
        assert store.thumbnails.get(gradient.sha256, THUMBNAIL).startswith(b"\xff\xd8")

        broken = by_name["broken.jpg"]
        assert broken.analysed and broken.analysis_error and broken.phash is None

        clip = by_name["clip.avi"]
        assert clip.detected_type == "video/x-msvideo" and clip.video["frame_count"] == 40
        keyframes = session.scalars(select(Keyframe).where(Keyframe.media_id == clip.id)).all()
        assert keyframes and all(len(k.pdq) == 64 for k in keyframes)
        assert store.thumbnails.get(clip.sha256, FILMSTRIP)

        assert not by_name["notes.txt"].analysed
        if GPS_PHOTO.exists():
            exif = by_name["holiday.jpg"].exif
            assert exif["camera_make"] == "NIKON" and exif["gps_latitude"] == pytest.approx(43.467, abs=1e-3)
        assert session.query(Media).count() == 5


def test_hashes_only_decodes_nothing(tmp_path, evidence):
    store = open_case(tmp_path / "case", create=True)
    ingest = Ingest(store, "tester", IngestOptions(workers=1, analyse_media=False))
    ingest.add(evidence)
    ingest.run()
    with store.reading() as session:
        assert not any(m.analysed for m in session.scalars(select(Media)))


def test_decode_errors_are_counted_and_listed_apart_from_read_errors(tmp_path, evidence,
                                                                     capsys):
    from triage.cli import main

    case = tmp_path / "case"
    assert main(["ingest", str(case), str(evidence), "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["info", str(case)]) == 0
    assert "0 entries could not be read; 1 could not be decoded" in capsys.readouterr().out
    assert main(["files", str(case), "--csv"]) == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["broken.jpg"]["analysis_error"] and not rows["broken.jpg"]["error"]
    assert not rows["gradient.jpg"]["analysis_error"]
    assert main(["files", str(case)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.endswith("broken.jpg"))
    assert line.startswith("-?")
