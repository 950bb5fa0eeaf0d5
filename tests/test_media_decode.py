"""Decoding once at working size: draft scale, orientation, frames, HEIC, transparency, bad input."""

from __future__ import annotations

import io
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from triage.hashing.perceptual import hamming, hash_picture
from triage.media.decode import WORKING_SIZE, DecodeError, decode_picture
from testdata import PHOTOS


EXIF_SAMPLES = PHOTOS / "exif-samples"
BSDS = sorted((PHOTOS / "bsds500").glob("*.jpg"))
needs_photos = pytest.mark.skipif(not EXIF_SAMPLES.is_dir() or not BSDS,
                                  reason=f"no test photographs under {PHOTOS}")


def _photo(size: tuple[int, int]) -> Image.Image:
    """A natural-looking generated picture: smooth blobs, so hashes have something to see."""
    rng = np.random.default_rng(size[0])
    small = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8))
    return small.resize(size, Image.Resampling.BICUBIC)


def _save(picture: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return buffer.getvalue()


def test_large_jpeg_is_decoded_at_one_eighth_and_reports_its_full_size():
    data = _save(_photo((4000, 3000)), "JPEG", quality=90)
    decoded = decode_picture(data)
    assert (decoded.width, decoded.height) == (4000, 3000)
    assert decoded.reduction >= 8 and decoded.format == "JPEG"
    assert WORKING_SIZE <= max(decoded.picture.size) < 2 * WORKING_SIZE
    assert decoded.picture.mode == "RGB"


def test_reduced_decode_hashes_like_the_full_size_picture():
    picture = _photo((3000, 2000))
    decoded = decode_picture(_save(picture, "JPEG", quality=92))
    ours, full = hash_picture(decoded.picture), hash_picture(picture)
    assert hamming(ours.phash, full.phash) <= 4
    assert hamming(ours.pdq, full.pdq) <= 32


def test_small_pictures_are_not_enlarged():
    decoded = decode_picture(_save(_photo((150, 90)), "PNG"))
    assert decoded.picture.size == (150, 90) and decoded.reduction == 1


def test_large_png_is_box_reduced_by_a_whole_factor():
    decoded = decode_picture(_save(_photo((1800, 1000)), "PNG"))
    assert decoded.reduction == 1800 // WORKING_SIZE
    assert decoded.picture.size == (1800 // decoded.reduction, 1000 // decoded.reduction)
    assert (decoded.width, decoded.height) == (1800, 1000)


def test_wide_panorama_keeps_a_usable_height():
    decoded = decode_picture(_save(_photo((6000, 300)), "JPEG"))
    assert min(decoded.picture.size) >= 64


@needs_photos
@pytest.mark.parametrize("kind", ["landscape", "portrait"])
def test_exif_orientation_is_applied(kind):
    """exif-samples holds one picture stored in all eight EXIF orientations."""
    folder = EXIF_SAMPLES / "jpg" / "orientation"
    upright = hash_picture(decode_picture(folder / f"{kind}_1.jpg").picture)
    for orientation in range(1, 9):
        decoded = decode_picture(folder / f"{kind}_{orientation}.jpg")
        assert decoded.orientation == orientation
        assert (decoded.width > decoded.height) == (kind == "landscape")
        assert (decoded.picture.width > decoded.picture.height) == (kind == "landscape")
        assert hamming(hash_picture(decoded.picture).phash, upright.phash) <= 6, orientation


def test_orientation_swaps_reported_size():
    picture = _photo((400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6
    decoded = decode_picture(_save(picture, "JPEG", exif=exif.tobytes()))
    assert (decoded.width, decoded.height) == (300, 400)
    assert decoded.picture.height > decoded.picture.width


@needs_photos
def test_heic_from_an_iphone_is_decoded_upright():
    decoded = decode_picture(EXIF_SAMPLES / "heic" / "mobile" / "iphone_13_pro_max.HEIC")
    assert decoded.format == "HEIF"
    assert (decoded.width, decoded.height) == (3024, 4032)
    assert decoded.picture.height > decoded.picture.width
    assert decoded.reduction > 1


@pytest.mark.parametrize("format", ["GIF", "WEBP", "PNG"])
def test_animated_picture_gives_its_first_frame(format):
    frames = [Image.new("RGB", (120, 80), colour) for colour in ((220, 20, 20), (20, 20, 220), (20, 220, 20))]
    data = _save(frames[0], format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    decoded = decode_picture(data)
    assert decoded.animated
    red, green, blue = decoded.picture.convert("RGB").getpixel((60, 40))
    assert red > 150 and blue < 80 and green < 80


def test_transparency_is_laid_on_white():
    picture = Image.new("RGBA", (100, 100), (255, 0, 0, 0))   # red, but invisible
    picture.paste((0, 0, 0, 255), (40, 40, 60, 60))
    decoded = decode_picture(_save(picture, "PNG"))
    assert decoded.picture.mode == "RGB"
    assert decoded.picture.getpixel((5, 5)) == (255, 255, 255)
    assert decoded.picture.getpixel((50, 50)) == (0, 0, 0)


def test_palette_greyscale_alpha_and_cmyk_become_rgb_or_l():
    cases = {
        "P": _photo((90, 60)).convert("P"),
        "LA": Image.new("LA", (50, 40), (10, 0)),
        "CMYK": _photo((90, 60)).convert("CMYK"),
        "1": Image.new("1", (50, 40), 1),
    }
    formats = {"P": "PNG", "LA": "PNG", "CMYK": "JPEG", "1": "PNG"}
    for mode, picture in cases.items():
        decoded = decode_picture(_save(picture, formats[mode]))
        assert decoded.picture.mode in ("RGB", "L"), mode
    assert decode_picture(_save(cases["LA"], "PNG")).picture.getpixel((3, 3)) == 255


def test_sixteen_bit_png_keeps_its_contrast():
    wide = Image.fromarray((np.linspace(0, 65535, 300 * 200).reshape(200, 300)).astype(np.uint16))
    decoded = decode_picture(_save(wide, "PNG"))
    values = np.asarray(decoded.picture)
    assert values.min() < 10 and values.max() > 245


# --------------------------------------------------------------------------- bad input

def _png_header_only(width: int, height: int, depth: int = 1, colour: int = 0) -> bytes:
    """A PNG that declares a huge size but holds almost nothing: a decompression bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_decompression_bomb_is_a_clear_error_and_pillows_limit_is_left_alone():
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(DecodeError, match="decompression bomb"):
        decode_picture(_png_header_only(200_000, 200_000))
    assert Image.MAX_IMAGE_PIXELS == limit


def test_pixel_limit_counts_the_pixels_actually_decoded():
    data = _save(_photo((2400, 1600)), "JPEG")
    decoded = decode_picture(data, max_pixels=2400 * 1600 // 40)   # 1/8 scale fits, full size would not
    assert decoded.reduction >= 8
    with pytest.raises(DecodeError, match="decompression bomb"):
        decode_picture(_save(_photo((2400, 1600)), "PNG"), max_pixels=2400 * 1600 // 40)


@pytest.mark.parametrize("format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_picture_is_a_clear_error(format):
    data = _save(_photo((600, 400)).convert("RGB"), format)
    with pytest.raises(DecodeError, match="truncated|corrupt"):
        decode_picture(data[: len(data) // 2])


@needs_photos
def test_truncated_photograph_is_a_clear_error():
    data = BSDS[0].read_bytes()
    with pytest.raises(DecodeError, match="truncated"):
        decode_picture(data[: len(data) * 2 // 3])


@pytest.mark.parametrize("data", [b"", b"not a picture at all" * 10, b"\xff\xd8\xff\xe0" + os.urandom(500)])
def test_garbage_is_a_clear_error(data):
    with pytest.raises(DecodeError):
        decode_picture(data)


def test_path_and_file_object_sources(tmp_path):
    data = _save(_photo((500, 300)), "JPEG")
    path = tmp_path / "p.jpg"
    path.write_bytes(data)
    from_bytes = decode_picture(data)
    for source in (path, str(path), io.BytesIO(data)):
        decoded = decode_picture(source)
        assert decoded.picture.tobytes() == from_bytes.picture.tobytes()


@pytest.mark.parametrize("colour", [0, 2])
def test_a_picture_that_would_take_too_much_memory_is_refused_before_decoding(colour):
    """A 16-bit PNG of 10000² pixels took 3.3 GB to decode; it is refused from its header."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DecodeError, match="too large to decode: 10000x10000"):
        decode_picture(_png_header_only(10000, 10000, depth=16, colour=colour))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100
