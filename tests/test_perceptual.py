"""Our pHash/dHash are imagehash's and our PDQ is pdqhash's, bit for bit, on the same input."""

from __future__ import annotations

import io

import imagehash
import numpy as np
import pdqhash
import pytest
from PIL import Image

from triage.hashing.perceptual import (
    DHash, PDQ, PHash, bits_to_hex, hamming, hash_picture, pdq_from_luma64, to_grey,
)
from testdata import PHOTOS


BSDS = sorted((PHOTOS / "bsds500").glob("*.jpg"))
needs_photos = pytest.mark.skipif(not BSDS, reason=f"no test photographs under {PHOTOS}")


def _photos(count: int, step: int = 7) -> list[Image.Image]:
    pictures = []
    for path in BSDS[::step][:count]:
        with Image.open(path) as im:
            pictures.append(im.convert("RGB"))
    return pictures


def _generated() -> list[Image.Image]:
    rng = np.random.default_rng(10)
    x = np.linspace(0, 255, 300)
    gradient = np.outer(np.linspace(0, 1, 200), x).astype(np.uint8)
    rgba = Image.new("RGBA", (120, 90), (0, 0, 0, 0))
    rgba.paste((200, 30, 30, 255), (20, 20, 80, 60))
    return [
        Image.fromarray(rng.integers(0, 256, (97, 131, 3), dtype=np.uint8)),
        Image.fromarray(gradient),
        Image.fromarray(gradient.T.copy()).convert("RGB"),
        Image.new("RGB", (64, 48), (120, 130, 140)),          # flat: median ties everywhere
        Image.new("L", (5, 5), 7),
        rgba,
        Image.fromarray(rng.integers(0, 256, (40, 40), dtype=np.uint8)).convert("P"),
        Image.fromarray(rng.integers(0, 256, (1000, 12, 3), dtype=np.uint8)),
    ]


@needs_photos
@pytest.mark.parametrize("ours, theirs", [(PHash(), imagehash.phash), (DHash(), imagehash.dhash)],
                         ids=["phash", "dhash"])
def test_phash_and_dhash_are_imagehash_bit_for_bit_on_photographs(ours, theirs):
    for picture in _photos(40):
        for variant in (picture, picture.reduce(2), picture.convert("L")):
            assert ours.compute(variant) == str(theirs(variant))


@pytest.mark.parametrize("ours, theirs", [(PHash(), imagehash.phash), (DHash(), imagehash.dhash)],
                         ids=["phash", "dhash"])
def test_phash_and_dhash_are_imagehash_bit_for_bit_on_generated_pictures(ours, theirs):
    for picture in _generated():
        assert ours.compute(picture) == str(theirs(picture)), picture


def _luma64_inputs() -> list[np.ndarray]:
    rng = np.random.default_rng(64)
    buffers = [rng.integers(0, 256, (64, 64), dtype=np.uint8) for _ in range(20)]
    blurred = Image.fromarray(rng.integers(0, 256, (16, 16), dtype=np.uint8)).resize((64, 64))
    buffers.append(np.asarray(blurred))
    buffers += [np.asarray(p.convert("L").resize((64, 64), Image.Resampling.BOX)) for p in _photos(80, 5)]
    return buffers


def test_pdq_is_pdqhash_bit_for_bit_on_a_64x64_luma():
    """pdqhash, like Meta's C++, skips its downscale for a 64x64 input: what follows must match exactly.

    Not for synthetic pictures whose DCT has many exactly equal coefficients
    (flat colour, a pure one-way gradient): there float rounding decides
    which side of the median each tie falls, in either implementation.
    """
    checked = 0
    for luma in _luma64_inputs():
        vector, quality = pdqhash.compute(np.dstack([luma, luma, luma]))
        bits, our_quality = pdq_from_luma64(luma)
        assert bits_to_hex(bits) == bits_to_hex(vector.astype(bool))
        assert our_quality == quality
        checked += 1
    assert checked >= 21


def test_pdq_hex_is_threatexchanges_form():
    """ThreatExchange writes a PDQ hash as the hex of the bit vector read most significant first."""
    luma = np.random.default_rng(1).integers(0, 256, (64, 64), dtype=np.uint8)
    vector, _ = pdqhash.compute(np.dstack([luma] * 3))
    bin_str = "".join(str(int(x)) for x in vector)
    expected = ("%0*X" % ((len(bin_str) + 3) // 4, int(bin_str, 2))).lower()
    assert PDQ().compute(Image.fromarray(luma)) == expected
    assert len(expected) == 64


@needs_photos
def test_pdq_stays_close_to_pdqhash_on_the_full_size_photograph():
    """Our 64x64 is an area average, pdqhash's a tent filter at full size: measured, a few bits apart."""
    distances, quality_gaps = [], []
    for picture in _photos(40, 11):
        vector, quality = pdqhash.compute(np.asarray(picture))
        ours, our_quality = PDQ().compute_with_quality(picture.reduce(2))
        distances.append(hamming(ours, bits_to_hex(vector.astype(bool))))
        quality_gaps.append(abs(our_quality - quality))
    assert np.mean(distances) < 14, distances
    assert max(distances) <= 40, distances
    assert max(quality_gaps) <= 15


def test_hash_picture_converts_once_and_agrees_with_each_hasher():
    picture = _generated()[0]
    hashes = hash_picture(picture)
    assert hashes.phash == PHash().compute(picture)
    assert hashes.dhash == DHash().compute(picture)
    assert (hashes.pdq, hashes.pdq_quality) == PDQ().compute_with_quality(picture)
    assert len(hashes.phash) == 16 and len(hashes.dhash) == 16 and len(hashes.pdq) == 64


def test_flat_picture_has_no_pdq_quality():
    assert PDQ().compute_with_quality(Image.new("RGB", (300, 200), (90, 90, 200)))[1] == 0


def test_hashers_declare_what_they_are():
    for hasher, length in ((PHash, 64), (DHash, 64), (PDQ, 256)):
        assert hasher.hash_length == length
        assert hasher.distance_metric == "hamming" and hasher.dtype == "bool"
        assert len(hasher().compute(_generated()[1])) * 4 == length


def test_hamming():
    assert hamming("ff00", "0f01") == 5
    assert PHash.distance("0" * 16, "f" * 16) == 64
    with pytest.raises(ValueError):
        hamming("ff", "ffff")


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    wide = Image.fromarray(np.linspace(0, 65535, 256 * 4).astype(np.uint16).reshape(4, 256))
    assert wide.mode.startswith("I;16")
    grey = np.asarray(to_grey(wide))
    assert grey.min() == 0 and grey.max() == 255 and 100 < grey.mean() < 155


def test_pillow_png_roundtrip_keeps_hashes():
    """A lossless copy hashes the same (guards against anything depending on file metadata)."""
    picture = _generated()[0]
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    copy = Image.open(io.BytesIO(buffer.getvalue()))
    assert hash_picture(copy) == hash_picture(picture)
