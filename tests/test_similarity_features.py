"""Extra hashes: what each one is for holds on generated pictures."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from triage.similarity.features import (
    EXTRA_HASH_NAMES, PACKED_SIZE, content_box, extra_hashes, grey_array, pack_extra_hashes,
    unpack_extra_hashes)
from triage.similarity.index import hamming_distance


def picture(seed: int, size=(360, 240)) -> Image.Image:
    """A generated 'photograph': smooth noise at several scales, plus a few shapes."""
    rng = np.random.default_rng(seed)
    w, h = size
    field = np.zeros((h, w), np.float64)
    for scale, weight in ((8, 1.0), (24, 0.5), (64, 0.25)):
        small = rng.normal(size=(max(2, h // scale), max(2, w // scale)))
        field += weight * cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    field = (field - field.min()) / (np.ptp(field) + 1e-9) * 200 + 20
    rgb = np.stack([field, np.roll(field, 7, axis=1), field[::-1]], axis=2).clip(0, 255).astype(np.uint8)
    im = Image.fromarray(rgb)
    draw = ImageDraw.Draw(im)
    for _ in range(4):
        x, y = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        draw.ellipse((x, y, x + int(rng.integers(15, 60)), y + int(rng.integers(15, 60))),
                     fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    return im


def bits(a: int, b: int) -> int:
    return (int(a) ^ int(b)).bit_count()


def test_every_hash_is_there_and_64_bits():
    found = extra_hashes(picture(1))
    assert set(EXTRA_HASH_NAMES) <= set(found)
    assert found["content"] is None and found["content_area"] == 1.0
    for name in EXTRA_HASH_NAMES:
        if name != "content":
            assert 0 <= found[name] < 2**64


def test_mirror_hash_is_the_anchor_of_the_mirrored_picture():
    im = picture(2)
    assert bits(extra_hashes(im)["mirror"], extra_hashes(ImageOps.mirror(im))["anchor"]) <= 2
    assert bits(extra_hashes(im)["mirror"], extra_hashes(im)["anchor"]) > 10


def test_greyscale_reduced_to_256_pixels():
    grey = grey_array(picture(3, (1024, 600)))
    assert grey.dtype == np.uint8 and max(grey.shape) == 256


@pytest.mark.parametrize("letterbox", [True, False])
@pytest.mark.parametrize("colour", [(0, 0, 0), (255, 255, 255)])
def test_bars_are_cut_away(letterbox, colour):
    im = picture(4)
    w, h = im.size
    size = (w, int(h * 1.3)) if letterbox else (int(w * 1.3), h)
    padded = Image.new("RGB", size, colour)
    padded.paste(im, ((size[0] - w) // 2, (size[1] - h) // 2))
    found = extra_hashes(padded)
    assert found["content"] is not None
    assert bits(found["content"], extra_hashes(im)["anchor"]) <= 4
    assert found["content_area"] == pytest.approx(1 / 1.3, abs=0.03)


@pytest.mark.parametrize("degrees", [5, -5, 12])
def test_a_picture_turned_on_a_black_canvas_is_turned_back(degrees):
    im = picture(5)
    turned = im.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    box = content_box(grey_array(turned))
    assert box is not None and abs(abs(box.angle) - abs(degrees)) < 1.0
    assert bits(extra_hashes(turned)["content"], extra_hashes(im)["anchor"]) <= 8


def test_regions_survive_a_caption_band():
    im = picture(6)
    banded = im.copy()
    ImageDraw.Draw(banded).rectangle((0, int(im.height * 0.76), im.width, im.height), fill=(200, 30, 30))
    a, b = extra_hashes(im), extra_hashes(banded)
    assert bits(a["top"], b["top"]) <= 4
    assert bits(a["anchor"], b["anchor"]) > bits(a["top"], b["top"])


def test_a_window_matches_a_ten_percent_crop():
    im = picture(7)
    w, h = im.size
    cropped = im.crop((int(w * 0.05), int(h * 0.1), int(w * 0.95), h))
    windows = [k for k in EXTRA_HASH_NAMES if k.startswith("w")]
    a, b = extra_hashes(im), extra_hashes(cropped)
    assert min(bits(a[k], b["anchor"]) for k in windows) <= 4


def test_flat_or_natural_edges_are_not_cut():
    flat_border = picture(8)
    assert extra_hashes(flat_border)["content"] is None
    assert content_box(np.full((100, 100), 128, np.uint8)) is None  # all background: nothing inside


def test_pack_and_unpack():
    records = [extra_hashes(picture(9)), extra_hashes(picture(10).rotate(7, expand=True))]
    packed = [pack_extra_hashes(r) for r in records]
    assert all(len(p) == PACKED_SIZE for p in packed)
    from_bytes, from_dicts = unpack_extra_hashes(packed), unpack_extra_hashes(records)
    assert np.array_equal(from_bytes.hashes, from_dicts.hashes)
    assert np.array_equal(from_bytes.present, from_dicts.present)
    assert not from_bytes.present[0, EXTRA_HASH_NAMES.index("content")]
    assert from_bytes.present[1, EXTRA_HASH_NAMES.index("content")]
    assert np.allclose(from_bytes.content_area, from_dicts.content_area, atol=1e-6)
    column, present = from_bytes.column("anchor")
    assert column[0] == records[0]["anchor"] and present.all()
    assert hamming_distance(from_bytes.hashes[:1], from_dicts.hashes[:1])[0] == 0
