"""Stacks never hide a different picture: a series (same setting, another object) and
graphics of one layout stay apart, while edited copies still stack (issue 23)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from triage.hashing.perceptual import hash_picture
from triage.similarity.features import extra_hashes
from triage.similarity.regions import background_share, differing_regions
from triage.similarity.stacks import StackInput, find_stacks
from triage.similarity.same_picture import LocalFeatureVerifier, local_features, match

from test_similarity_features import picture

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def pasted(setting: Image.Image, seed: int, box=(0.45, 0.35, 0.95, 0.92)) -> Image.Image:
    """`setting` with another generated picture over about 28% of the frame (a series picture)."""
    w, h = setting.size
    x0, y0, x1, y1 = (round(v * s) for v, s in zip(box, (w, h, w, h)))
    out = setting.copy()
    out.paste(picture(seed, (x1 - x0, y1 - y0)), (x0, y0))
    return out


def banded(im: Image.Image, top: bool = False) -> Image.Image:
    """A caption band over the bottom (or top) quarter."""
    out = im.copy()
    w, h = out.size
    y0 = 0 if top else h - h // 4
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, y0, w, y0 + h // 4), fill=(0, 0, 0))
    draw.text((w // 20, y0 + h // 20), "when you see it", font=_font(h // 12), fill=(255, 255, 255))
    return out


def watermarked(im: Image.Image) -> Image.Image:
    out = im.convert("RGBA")
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((10, 10), "\u00a9 example.com", font=_font(out.height // 18),
                               fill=(255, 255, 255, 150))
    return Image.alpha_composite(out, layer).convert("RGB")


def flag(colours, emblem_seed: int = 50, size=(320, 240)) -> Image.Image:
    """A generated flag: three vertical stripes on a white frame, one emblem in the middle."""
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(im)
    inner = (12, 12, w - 12, h - 12)
    third = (inner[2] - inner[0]) / 3
    for k, colour in enumerate(colours):
        draw.rectangle((round(inner[0] + k * third), inner[1], round(inner[0] + (k + 1) * third), inner[3]),
                       fill=colour)
    emblem = picture(emblem_seed, (70, 70))
    mask = Image.new("L", emblem.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, 69, 69), fill=255)
    im.paste(emblem, (w // 2 - 35, h // 2 - 35), mask)
    return im


# Stripes of equal luminance: the greyscale hashes cannot tell these flags apart.
RED, GREEN, BLUE = (200, 40, 40), (40, 120, 40), (60, 60, 255)


def same(a: Image.Image, b: Image.Image, mirrored: bool = False) -> bool:
    return match(local_features(a), local_features(b, mirrored=mirrored)).same


def test_a_picture_pasted_over_the_same_setting_is_another_picture():
    setting = picture(40, (400, 300))
    assert not same(pasted(setting, 41), pasted(setting, 42))
    assert not same(setting, pasted(setting, 41))


@pytest.mark.parametrize("edit", [banded, watermarked, lambda im: im.resize((im.width // 2, im.height // 2)),
                                  lambda im: im.convert("L"), lambda im: ImageOps.expand(im, (0, 45), 0)])
def test_an_edited_copy_is_still_the_same_picture(edit):
    im = picture(43, (400, 300))
    assert same(im, edit(im))


def test_a_subject_that_moved_is_another_picture_and_a_still_frame_is_not():
    """Frames of a burst: the same subject at another place of the same scene is another picture
    (local features fit the subject and lay it on itself: too little of the frames overlaps)."""
    scene = picture(52, (400, 300)).filter(ImageFilter.GaussianBlur(8))  # the features are on the subject
    subject = picture(53, (140, 150))

    def frame(x, y, noise_seed):
        im = scene.copy()
        im.paste(subject, (x, y))
        noisy = np.asarray(im, np.float32) + np.random.default_rng(noise_seed).normal(0, 3, (300, 400, 3))
        return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))

    assert same(frame(20, 30, 1), frame(21, 30, 2))
    assert not same(frame(20, 30, 1), frame(240, 120, 3))


def test_the_differing_region_is_located_and_classified():
    setting = picture(44, (400, 300))
    a = local_features(pasted(setting, 45)).colour
    regions = differing_regions(local_features(setting).colour, a, np.ones(a.shape[:2], bool), graphic=False)
    assert [r.kind for r in regions] == ["content"]
    x0, y0, x1, y1 = regions[0].box
    assert x0 == pytest.approx(0.45, abs=0.05) and y1 == pytest.approx(0.92, abs=0.05)
    b = local_features(banded(setting)).colour
    regions = differing_regions(local_features(setting).colour, b, np.ones(b.shape[:2], bool), graphic=False)
    assert [r.kind for r in regions] == ["uniform"]


def test_flags_of_one_layout_in_other_colours_are_other_pictures():
    ours, theirs = flag((RED, (255, 255, 255), GREEN)), flag((BLUE, (255, 255, 255), GREEN))
    assert local_features(ours).graphic
    assert not same(ours, theirs)
    assert same(ours, ours.resize((160, 120)))


def test_a_mirrored_graphic_is_another_graphic():
    """Mali's flag mirrored is Guinea's: for graphics the mirror channel joins nothing."""
    ours = flag((RED, (255, 200, 0), GREEN))
    pictures = {1: ours, 2: ImageOps.mirror(ours)}
    verifier = LocalFeatureVerifier(pictures.__getitem__)
    assert verifier(np.array([1]), np.array([2]), np.array([True])).tolist() == [False]


def test_photographs_are_not_graphics_and_icons_are():
    assert background_share(np.asarray(picture(46).convert("L"))) < 0.6
    assert local_features(flag((RED, (255, 255, 255), GREEN))).graphic
    assert not local_features(picture(46)).graphic


def test_a_band_over_a_series_pictures_object_does_not_join_it_to_the_setting():
    """The setting banded at the bottom is a copy of both the setting and a picture whose object
    the band hides; the picture itself must not share the setting's tile through it."""
    setting = picture(47, (400, 300))
    other = pasted(setting, 48, (0.0, 0.72, 1.0, 1.0))
    stack = _stack([setting, setting.resize((200, 150)), banded(setting), other, other.resize((200, 150))])
    assert stack[0] == stack[1] and stack[3] == stack[4]
    assert stack[0] != stack[3]


def _stack(pictures: list[Image.Image]):
    hashes = [hash_picture(p) for p in pictures]
    data = StackInput.build(
        ids=np.arange(len(pictures)), phash=[x.phash for x in hashes], pdq=[x.pdq for x in hashes],
        extra=[extra_hashes(p) for p in pictures], width=[p.width for p in pictures],
        height=[p.height for p in pictures], quality=[x.pdq_quality for x in hashes],
        featureless=[x.pdq_quality < 50 for x in hashes])
    return find_stacks(data, verifier=LocalFeatureVerifier(pictures.__getitem__)).stack


def test_a_series_never_stacks_but_each_pictures_copies_do():
    """The setting, and two pictures with something else over an edge's quarter: the three
    quarters away from that edge are the same, so the region channel finds the pairs."""
    setting = picture(47, (400, 300))
    series = [setting, pasted(setting, 48, (0.0, 0.72, 1.0, 1.0)), pasted(setting, 49, (0.0, 0.0, 0.28, 1.0))]
    pictures, truth = [], []
    for k, im in enumerate(series):
        pictures += [im, im.resize((200, 150)), banded(im, top=True)]
        truth += [k, k, k]
    stack = _stack(pictures)
    truth = np.array(truth)
    for k in range(len(series)):
        assert len(set(stack[truth == k].tolist())) == 1, f"picture {k}'s copies are not one stack"
    assert len(set(stack.tolist())) == len(series), "a series picture is hidden in another's stack"


def test_graphics_of_one_layout_never_stack_but_their_copies_do():
    flags = [flag((RED, (255, 255, 255), GREEN)), flag((BLUE, (255, 255, 255), GREEN)),
             flag((GREEN, (255, 255, 255), RED))]
    pictures = [f for im in flags for f in (im, im.resize((160, 120)))]
    stack = _stack(pictures)
    assert stack[0] == stack[1] and stack[2] == stack[3] and stack[4] == stack[5]
    assert len({stack[0], stack[2], stack[4]}) == 3


def _cloud(drops: int = 0, size=(256, 256)) -> Image.Image:
    """A weather icon: a grey cloud on white, with `drops` small blue drops under it."""
    im = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(im)
    w, h = size
    for x0, y0, x1, y1 in ((0.15, 0.30, 0.55, 0.62), (0.35, 0.18, 0.80, 0.60), (0.10, 0.42, 0.90, 0.66)):
        draw.ellipse((x0 * w, y0 * h, x1 * w, y1 * h), fill=(170, 172, 180), outline=(120, 120, 130))
    for k in range(drops):
        x, y = (0.2 + 0.6 * ((k * 37) % 11) / 10) * w, (0.72 + 0.2 * ((k * 53) % 7) / 6) * h
        draw.ellipse((x - 3, y - 5, x + 3, y + 5), fill=(40, 90, 220))
    return im


def test_scattered_marks_over_one_graphic_template_make_another_picture():
    """Rain under a cloud: each drop is too small to count alone, together they are the
    difference between two icons (issue 23's graphics row); a smaller copy still stacks."""
    cloud, rain = _cloud(), _cloud(drops=12)
    assert not same(cloud, rain)
    assert same(cloud, cloud.resize((128, 128)))
