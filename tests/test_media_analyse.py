"""The one call a worker makes per media: every value from one decode, errors on the item, picklable."""

from __future__ import annotations

import io
import pickle
from concurrent.futures import ProcessPoolExecutor

import imagehash
import numpy as np
import pytest
from PIL import Image

from triage.hashing.perceptual import hamming
from triage.media.analyse import FEATURELESS_QUALITY, MediaAnalysis, analyse
from testdata import PHOTOS


EXIF_SAMPLES = PHOTOS / "exif-samples"
BSDS = sorted((PHOTOS / "bsds500").glob("*.jpg"))
needs_photos = pytest.mark.skipif(not BSDS or not EXIF_SAMPLES.is_dir(),
                                  reason=f"no test photographs under {PHOTOS}")


def _save(picture: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return buffer.getvalue()


def _textured(size: tuple[int, int], seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
    return small.resize(size, Image.Resampling.BICUBIC)


@needs_photos
def test_photograph_gets_every_value():
    path = EXIF_SAMPLES / "jpg" / "gps" / "DSCN0010.jpg"
    result = analyse(path, "image/jpeg")
    assert result.error is None and result.kind == "image" and result.format == "JPEG"
    with Image.open(path) as im:
        assert (result.width, result.height) == im.size
    assert len(result.phash) == 16 and len(result.dhash) == 16 and len(result.pdq) == 64
    assert 0 <= result.pdq_quality <= 100 and result.featureless is False
    assert result.exif["camera_model"] == "COOLPIX P6000" and result.exif["gps_latitude"] > 43
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert thumb.format == "JPEG" and 224 <= max(thumb.size) <= 256


@needs_photos
def test_phash_is_close_to_imagehash_on_the_full_size_file():
    """The reduced decode moves pHash by a bit or two at most, measured on real photographs."""
    distances = []
    for path in BSDS[::25]:
        distances.append(hamming(analyse(path, "image/jpeg").phash, str(imagehash.phash(Image.open(path)))))
    assert np.mean(distances) <= 1.5 and max(distances) <= 6, distances


def test_picture_small_enough_for_no_reduction_hashes_exactly_as_imagehash():
    picture = _textured((200, 150))
    result = analyse(_save(picture, "PNG"), "image/png")
    assert result.phash == str(imagehash.phash(picture))
    assert result.dhash == str(imagehash.dhash(picture))


def test_flat_colour_is_featureless():
    result = analyse(_save(Image.new("RGB", (640, 480), (30, 140, 60)), "JPEG"), "image/jpeg")
    assert result.pdq_quality < FEATURELESS_QUALITY and result.featureless is True
    assert result.error is None and result.thumbnail


def test_textured_picture_is_not_featureless():
    assert analyse(_save(_textured((640, 480)), "PNG"), "image/png").featureless is False


@needs_photos
def test_truncated_photograph_keeps_its_exif_and_records_the_error():
    data = (EXIF_SAMPLES / "jpg" / "gps" / "DSCN0010.jpg").read_bytes()
    result = analyse(data[: len(data) // 2], "image/jpeg")
    assert result.error and "truncated" in result.error
    assert result.phash is None and result.thumbnail is None
    assert result.exif["camera_make"] == "NIKON"


def test_not_a_picture_is_an_error_not_an_exception(tmp_path):
    assert analyse(b"\x00" * 100, "image/jpeg").error
    assert analyse(tmp_path / "missing.jpg", "image/jpeg").error.startswith("cannot read")


@needs_photos
def test_heic_is_analysed():
    result = analyse(EXIF_SAMPLES / "heic" / "mobile" / "iphone_13_pro_max.HEIC", "image/heic")
    assert result.error is None and result.format == "HEIF"
    assert (result.width, result.height) == (3024, 4032)
    assert result.exif["captured_at"].endswith("+01:00")


def test_result_is_plain_and_small_when_pickled():
    result = analyse(_save(_textured((1600, 1200)), "JPEG", quality=90), "image/jpeg")
    data = pickle.dumps(result)
    assert len(data) < 30_000
    assert pickle.loads(data) == result


def _analyse_in_worker(data: bytes) -> MediaAnalysis:
    return analyse(data, "image/jpeg")


def test_runs_in_a_worker_process():
    data = _save(_textured((800, 600)), "JPEG")
    with ProcessPoolExecutor(1) as pool:
        remote = pool.submit(_analyse_in_worker, data).result()
    assert remote == analyse(data, "image/jpeg")
