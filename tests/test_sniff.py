"""Type by content, and the name/content disagreement flag."""

import io

import pytest
from PIL import Image

from triage.media.sniff import extension_mismatch, sniff
from testdata import PHOTOS


def _image_bytes(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 100, 50)).save(buffer, format=format)
    return buffer.getvalue()


@pytest.mark.parametrize("format, expected", [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"),
    ("BMP", "image/bmp"), ("TIFF", "image/tiff"), ("WEBP", "image/webp"),
])
def test_pictures_written_by_pillow_are_recognised(format, expected):
    assert sniff(_image_bytes(format)[:1024]) == expected


@pytest.mark.parametrize("head, expected", [
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"),
    (b"\x00\x00\x00\x18ftyp3gp5\x00\x00\x00\x003gp5isom", "video/3gpp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf", "image/heif"),
    (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
    (bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c") + b"\x00" * 8, "video/x-ms-asf"),
    (b"FLV\x01\x05\x00\x00\x00\x09", "video/x-flv"),
    ((b"\x47" + b"\x00" * 187) * 4, "video/mp2t"),
    (b"\x00\x00\x01\xba\x44\x00", "video/mpeg"),
    (b"%PDF-1.7\n", None),
    (b"", None),
    (b"BM", None),
])
def test_containers_are_recognised_from_their_first_bytes(head, expected):
    assert sniff(head) == expected


def test_heic_from_a_real_phone_is_recognised():
    path = PHOTOS / "exif-samples/heic/mobile/iphone_13_pro_max.HEIC"
    try:
        head = open(path, "rb").read(1024)
    except OSError:
        pytest.skip("shared test photos not present")
    assert sniff(head) == "image/heic"


@pytest.mark.parametrize("name, detected, mismatch", [
    ("photo.jpg", "image/jpeg", False),
    ("PHOTO.JPEG", "image/jpeg", False),
    ("report.dat", "image/jpeg", True),
    ("x.jpg", "image/png", True),
    ("noextension", "image/png", True),
    ("notes.txt", None, False),
    ("broken.jpg", None, True),
    ("clip.mov", "video/mp4", False),
])
def test_extension_mismatch(name, detected, mismatch):
    assert extension_mismatch(name, detected) is mismatch
