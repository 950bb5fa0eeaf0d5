"""Frame hashes a second: a still from any moment of a video joins it, with the time shown."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from triage.hashing.frames import FrameHashes
from triage.media.analyse import analyse, analyse_picture
from triage.similarity.frames import FrameIndex, vpdq_compare

SIZE = (320, 240)
FPS = 25


def _photo(seed: int) -> np.ndarray:
    """A generated 'photograph' (smooth random shapes) a quarter wider than the frame.

    Panning over it in 12 s moves 2% of the frame width a second, a slow pan:
    PDQ is not shift-invariant, and a frame a second keeps a still within
    distance 31 of a frame only for pans about this slow (at 4% a second,
    half a second away is 40-50 bits on BSDS500 photographs).
    """
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8))
    return np.asarray(small.resize((SIZE[0] * 5 // 4, SIZE[1]), Image.Resampling.BICUBIC))


def _frame(photo: np.ndarray, t: float, seconds: float) -> np.ndarray:
    """The pan's view at time t: the camera slides over the whole photograph in `seconds`."""
    x = int(round(t / seconds * (photo.shape[1] - SIZE[0])))
    return np.ascontiguousarray(photo[:, x:x + SIZE[0]])


def _write(path, seed: int, seconds: float, start: float = 0.0, end: float | None = None,
           scale: float = 1.0) -> None:
    size = (int(SIZE[0] * scale), int(SIZE[1] * scale))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, size)
    assert writer.isOpened()
    photo = _photo(seed)
    for i in range(int(start * FPS), int((end or seconds) * FPS)):
        frame = _frame(photo, i / FPS, seconds)
        if scale != 1.0:
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def _still(seed: int, t: float, seconds: float, side: int = 200) -> Image.Image:
    picture = Image.fromarray(_frame(_photo(seed), t, seconds))
    return picture.resize((side, side * SIZE[1] // SIZE[0]))


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frames") / "evidence"
    folder.mkdir()
    _write(folder / "clipA.mp4", 1, 12.0)
    _write(folder / "clipA_half.mp4", 1, 12.0, scale=0.5)
    _write(folder / "clipA_cut.mp4", 1, 12.0, start=4.0, end=9.0)
    _write(folder / "other.mp4", 2, 12.0)
    _still(1, 7.3, 12.0).save(folder / "still_7s.jpg", quality=80)
    _still(1, 2.6, 12.0, side=160).save(folder / "thumb_2s.png")
    _still(3, 3.0, 12.0).save(folder / "unrelated.jpg", quality=80)
    return folder


def test_a_second_of_video_is_one_hashed_frame_with_its_time(evidence):
    result = analyse(evidence / "clipA.mp4", "video/mp4")
    frames = result.video.frame_hashes.steady()
    assert len(result.video.frame_hashes) > len(frames)  # keyframe candidates hashed too
    assert result.video.frame_step == FPS
    assert len(frames) == 12
    assert frames.time.tolist() == pytest.approx(list(range(12)))
    assert (frames.quality >= 50).all()
    assert FrameHashes.unpack(frames.pack(), len(frames)).pack() == frames.pack()


def test_a_still_between_keyframes_matches_the_closest_hashed_frame(evidence):
    video = analyse(evidence / "clipA.mp4", "video/mp4").video
    still = analyse_picture(evidence / "still_7s.jpg")
    index = FrameIndex({7: video.frame_hashes})
    [match] = index.match_stills([1], [still.pdq], [still.pdq_quality])
    assert match.video == 7 and match.time == pytest.approx(7.3, abs=0.25)
    unrelated = analyse_picture(evidence / "unrelated.jpg")
    assert index.match_stills([2], [unrelated.pdq], [unrelated.pdq_quality]) == []


def test_a_cut_is_found_inside_its_clip_with_both_time_ranges(evidence):
    whole = analyse(evidence / "clipA.mp4", "video/mp4").video.frame_hashes
    cut = analyse(evidence / "clipA_cut.mp4", "video/mp4").video.frame_hashes
    other = analyse(evidence / "other.mp4", "video/mp4").video.frame_hashes
    [clip] = FrameIndex({1: cut, 2: whole, 3: other}).clips()
    assert (clip.clip, clip.video) == (1, 2)
    # The 5 s cut (4.0-9.0 s of the whole), to within the frames hashed (keyframe
    # candidates between the steady frames included).
    assert clip.clip_start == pytest.approx(0.0) and clip.clip_end == pytest.approx(4.9, abs=0.2)
    assert clip.video_start == pytest.approx(4.0, abs=0.5)  # a slow pan: neighbours match too
    assert clip.video_end == pytest.approx(8.9, abs=0.5)
    mine, theirs = vpdq_compare(cut.steady(), whole.steady())
    assert mine == 100.0 and 35 <= theirs <= 55
    assert vpdq_compare(other.steady(), whole.steady()) == (0.0, 0.0)


def _triage(*args) -> str:
    result = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ingest_joins_stills_and_copies_to_the_video_and_shows_the_time(tmp_path, evidence):
    case = tmp_path / "case"
    _triage("ingest", case, evidence)
    rows = list(csv.DictReader(io.StringIO(_triage("files", case, "--csv"))))
    stack = {row["name"]: row["stack_id"] for row in rows if row["kind"] == "file"}
    together = {"clipA.mp4", "clipA_half.mp4", "clipA_cut.mp4", "still_7s.jpg", "thumb_2s.png"}
    assert len({stack[name] for name in together}) == 1, stack
    assert stack["other.mp4"] != stack["clipA.mp4"]
    assert stack["unrelated.jpg"] not in {stack["clipA.mp4"], stack["other.mp4"]}
    listed = _triage("video", "matches", case)
    assert "still_7s.jpg\tmatches 00:07 of clipA.mp4" in listed
    assert "thumb_2s.png\tmatches 00:03 of clipA.mp4" in listed or \
        "thumb_2s.png\tmatches 00:02 of clipA.mp4" in listed
    assert "unrelated.jpg" not in listed


def test_detail_pane_names_the_video_and_the_second(tmp_path, evidence):
    from triage.review.gallery import media_detail
    from triage.case.models import File
    from triage.case.store import open_case
    from triage.gui.detail import detail_html
    from sqlalchemy import select

    case = tmp_path / "case"
    _triage("ingest", case, evidence)
    store = open_case(case)
    with store.reading() as session:
        still = session.scalar(select(File.media_id).where(File.name == "still_7s.jpg"))
        video = session.scalar(select(File.media_id).where(File.name == "clipA.mp4"))
        still_html = detail_html(media_detail(session, still))
        video_html = detail_html(media_detail(session, video))
    assert "matches 00:07 of clipA.mp4" in still_html
    assert "still_7s.jpg" in video_html and "a still of 00:07" in video_html
    assert "clipA_cut.mp4" in video_html


def test_a_hash_sets_picture_taken_between_keyframes_leads_to_the_video_at_its_time(tmp_path):
    """A set's PDQ of a picture taken from a video (here at 7.3 s of a slow pan) is looked for
    among the video's per-second frames, not only its keyframes: a near match at that time.
    The keyframes are taken out first, so that only the frame hashes can find it."""
    from sqlalchemy import delete, select

    from triage.case.models import HashSetNearMatch, Keyframe, Media
    from triage.case.store import open_case
    from triage.hashing.perceptual import hash_picture
    from triage.hashsets import import_hash_set
    from triage.pipeline.ingest import Ingest, IngestOptions
    from triage.review.gallery import near_matches

    folder = tmp_path / "evidence"
    folder.mkdir()
    _write(folder / "clipA.mp4", 1, 12.0)
    store = open_case(tmp_path / "case", create=True)
    job = Ingest(store, options=IngestOptions(workers=1))
    job.add(folder)
    job.run()
    with store.session() as session:
        session.execute(delete(Keyframe))
    still = hash_picture(_still(1, 7.3, 12.0))
    listing = tmp_path / "pdq.csv"
    listing.write_text(f"PDQ,Comment\n{still.pdq},a frame of a known video\n")
    import_hash_set(store, listing, "frames", kind="alert")
    with store.reading() as session:
        video = session.scalar(select(Media.id).where(Media.detected_type.like("video/%")))
        rows = session.execute(select(HashSetNearMatch.media_id, HashSetNearMatch.frame_time,
                                      HashSetNearMatch.keyframe_id)).all()
        assert len(rows) == 1, rows  # one lead per video and entry: its closest frame
        media_id, frame_time, keyframe = rows[0]
        assert media_id == video and keyframe is None and abs(frame_time - 7.3) <= 1.0
        shown = near_matches(session, video)
    assert shown and shown[0].hash_set == "frames" and shown[0].frame_time == frame_time
    store.close()
