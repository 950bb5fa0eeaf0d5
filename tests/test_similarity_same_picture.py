"""The local-feature check: same picture under crop, turn, stretch and mirror; not a shared overlay."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from triage.similarity.same_picture import LocalFeatureVerifier, local_features, match

from test_similarity_features import picture


def same(a: Image.Image, b: Image.Image, mirrored: bool = False) -> bool:
    return match(local_features(a), local_features(b, mirrored=mirrored)).same


@pytest.mark.parametrize("copy", [
    lambda im: im.crop((30, 20, im.width - 10, im.height - 25)),
    lambda im: im.rotate(6, resample=Image.Resampling.BICUBIC, expand=True),
    lambda im: im.resize((im.width * 3 // 2, im.height)),
    lambda im: im.resize((im.width // 2, im.height // 2)).convert("L"),
])
def test_copies_are_the_same_picture(copy):
    im = picture(31, (400, 300))
    assert same(im, copy(im))


def test_a_mirrored_copy_matches_only_when_checked_mirrored():
    im = picture(32, (400, 300))
    flipped = ImageOps.mirror(im)
    assert same(im, flipped, mirrored=True)
    assert not same(im, flipped)


def test_different_pictures_are_not():
    assert not same(picture(33, (400, 300)), picture(34, (400, 300)))


def test_a_shared_caption_does_not_make_two_pictures_one():
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 28)
    except OSError:
        font = ImageFont.load_default()
    captioned = []
    for seed in (35, 36):
        im = picture(seed, (400, 300))
        draw = ImageDraw.Draw(im)
        draw.rectangle((0, 225, 400, 300), fill=(0, 0, 0))
        draw.text((20, 240), "when you see it", font=font, fill=(255, 255, 255))
        captioned.append(im)
    found = match(local_features(captioned[0]), local_features(captioned[1]))
    assert found.inliers >= 8  # the caption alone matches...
    assert not found.same  # ...but the rest of the pictures does not agree


def test_verifier_caches_features_and_answers_in_order():
    ims = {1: picture(37, (300, 200)), 2: picture(38, (300, 200))}
    ims[3] = ims[1].crop((10, 10, 290, 190))
    loads = []

    def load(i):
        loads.append(i)
        return ims[i]

    verifier = LocalFeatureVerifier(load, threads=2)
    found = verifier(np.array([1, 1, 2]), np.array([3, 2, 3]), np.array([False, False, False]))
    assert found.tolist() == [True, False, False]
    assert sorted(loads) == [1, 2, 3]
