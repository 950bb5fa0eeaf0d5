"""Video: probe, keyframes by scene change with cap and even-spacing fallback, each hashed like a still."""

from __future__ import annotations

import io
import pickle

import cv2
import numpy as np
import pytest
from PIL import Image

from triage.hashing.perceptual import hamming
from triage.media.analyse import analyse, analyse_picture
from triage.media.video import MAX_KEYFRAMES, MIN_KEYFRAMES, read_video

SIZE = (160, 120)


def _scene(seed: int) -> np.ndarray:
    """A smooth random picture a little larger than the frame, so the camera can pan over it."""
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, (10, 12, 3), dtype=np.uint8))
    return np.asarray(small.resize((SIZE[0] + 60, SIZE[1] + 20), Image.Resampling.BICUBIC))


def _frame(scene: np.ndarray, shift: int, pan: int = 4) -> np.ndarray:
    """RGB frame `shift` of a slow pan over the scene (a pixel every `pan` frames, up to 59)."""
    x = min(59, shift // pan)
    return np.ascontiguousarray(scene[10:10 + SIZE[1], x:x + SIZE[0]])


def _write(path, scenes: list[tuple[int, int]], fps: float = 20, fourcc: str = "MJPG", pan: int = 4) -> None:
    """`scenes`: (seed, frame count) each, panned slowly."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, SIZE)
    assert writer.isOpened()
    for seed, count in scenes:
        scene = _scene(seed)
        for i in range(count):
            writer.write(cv2.cvtColor(_frame(scene, i, pan), cv2.COLOR_RGB2BGR))
    writer.release()


def _still(seed: int, shift: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(_frame(_scene(seed), shift)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def three_scenes(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "three.avi"
    _write(path, [(1, 40), (2, 40), (3, 40)])
    return path


def test_probe_reports_duration_resolution_and_codec(three_scenes):
    result = analyse(three_scenes, "video/x-msvideo")
    assert result.error is None and result.kind == "video"
    assert (result.width, result.height) == SIZE
    video = result.video
    assert video.codec == "MJPG" and video.fps == pytest.approx(20)
    assert video.frame_count == 120 and video.duration == pytest.approx(6.0)
    assert video.scenes == 3


def test_every_scene_has_a_keyframe_a_still_from_it_matches(three_scenes):
    result = analyse(three_scenes, "video/x-msvideo")
    keyframes = result.video.keyframes
    assert MIN_KEYFRAMES <= len(keyframes) <= MAX_KEYFRAMES
    assert [k.index for k in keyframes] == sorted(k.index for k in keyframes)
    for seed, first_frame in ((1, 0), (2, 40), (3, 80)):
        still = analyse_picture(_still(seed, 20))        # a screenshot from the middle of the scene
        in_scene = [k for k in keyframes if first_frame <= k.index < first_frame + 40]
        assert in_scene, seed
        assert min(hamming(k.phash, still.phash) for k in in_scene) <= 8
        assert min(hamming(k.pdq, still.pdq) for k in in_scene) <= 48
        assert any(k.time == pytest.approx(k.index / 20) for k in in_scene)


def test_single_scene_falls_back_to_even_spacing(tmp_path):
    path = tmp_path / "pan.mp4"
    _write(path, [(7, 600)], fps=30, fourcc="mp4v", pan=12)     # 20 s: read by seeking
    frames = read_video(path)
    indices = [k.index for k in frames.keyframes]
    assert len(indices) == MIN_KEYFRAMES and frames.scenes == 1
    gaps = np.diff([0] + indices + [600])
    assert gaps.min() >= 600 / MIN_KEYFRAMES / 3, indices
    assert frames.duration == pytest.approx(20.0) and frames.codec == "FMP4"


def test_many_scenes_are_capped(tmp_path):
    path = tmp_path / "cuts.avi"
    _write(path, [(100 + s, 6) for s in range(30)], fps=25)
    frames = read_video(path)
    assert frames.scenes == 30
    assert len(frames.keyframes) == MAX_KEYFRAMES
    assert sum(k.scene_start for k in frames.keyframes) >= MAX_KEYFRAMES - 1


def test_bytes_and_path_give_the_same_result(three_scenes):
    from_path = analyse(three_scenes, "video/x-msvideo")
    from_bytes = analyse(three_scenes.read_bytes(), "video/x-msvideo")
    assert [(k.index, k.phash, k.pdq) for k in from_bytes.video.keyframes] == \
        [(k.index, k.phash, k.pdq) for k in from_path.video.keyframes]


def test_filmstrip_and_poster_are_jpegs(three_scenes):
    result = analyse(three_scenes, "video/x-msvideo")
    strip = Image.open(io.BytesIO(result.video.filmstrip))
    poster = Image.open(io.BytesIO(result.thumbnail))
    assert strip.format == poster.format == "JPEG"
    assert strip.width > 3 * strip.height
    assert len(pickle.dumps(result)) < 100_000


@pytest.mark.parametrize("data", [
    b"",
    b"\x00\x00\x00\x18ftypmp42" + bytes(2000),
    b"RIFF\x00\x01\x00\x00AVI LIST" + bytes(500),
])
def test_undecodable_video_is_an_error_on_the_item(data):
    result = analyse(data, "video/mp4")
    assert result.kind == "video" and result.error and result.video is None


def test_truncated_video_still_gives_what_it_can(three_scenes):
    data = three_scenes.read_bytes()
    result = analyse(data[: len(data) // 2], "video/x-msvideo")
    assert result.error or result.video.keyframes
