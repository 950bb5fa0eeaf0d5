"""EXIF fields: camera, capture time with offset, signed GPS; broken EXIF never raises."""

from __future__ import annotations

import io
import os
from fractions import Fraction

import pytest
from PIL import Image

from triage.media.exif import read_exif
from testdata import PHOTOS


EXIF_SAMPLES = PHOTOS / "exif-samples"
needs_photos = pytest.mark.skipif(not EXIF_SAMPLES.is_dir(), reason=f"no exif-samples under {PHOTOS}")


def _jpeg_with_exif(fill) -> bytes:
    exif = Image.Exif()
    fill(exif)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 120, 150)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _gps(lat_ref: str, lon_ref: str, altitude_ref: int = 0):
    def fill(exif: Image.Exif) -> None:
        exif[0x010F] = "TestMake"
        exif[0x0110] = "TestModel 2"
        gps = exif.get_ifd(0x8825)
        gps[1] = lat_ref
        gps[2] = (Fraction(33), Fraction(51), Fraction(3540, 100))
        gps[3] = lon_ref
        gps[4] = (Fraction(151), Fraction(12), Fraction(3600, 100))
        gps[5] = bytes([altitude_ref])
        gps[6] = Fraction(125, 10)
    return fill


@pytest.mark.parametrize("lat_ref, lon_ref, lat_sign, lon_sign", [
    ("N", "E", 1, 1), ("S", "E", -1, 1), ("N", "W", 1, -1), ("S", "W", -1, -1),
])
def test_gps_is_signed_decimal_degrees(lat_ref, lon_ref, lat_sign, lon_sign):
    fields = read_exif(_jpeg_with_exif(_gps(lat_ref, lon_ref)))
    assert fields["gps_latitude"] == pytest.approx(lat_sign * (33 + 51 / 60 + 35.4 / 3600), abs=1e-6)
    assert fields["gps_longitude"] == pytest.approx(lon_sign * (151 + 12 / 60 + 36 / 3600), abs=1e-6)
    assert fields["gps_altitude"] == pytest.approx(12.5)
    assert fields["camera_make"] == "TestMake" and fields["camera_model"] == "TestModel 2"


def test_altitude_below_sea_level_is_negative():
    assert read_exif(_jpeg_with_exif(_gps("N", "E", altitude_ref=1)))["gps_altitude"] == pytest.approx(-12.5)


@needs_photos
def test_west_longitude_of_a_real_iphone_photo_is_negative():
    fields = read_exif((EXIF_SAMPLES / "jpg" / "hdr" / "iphone_hdr_NO.jpg").read_bytes())
    assert fields["gps_latitude"] == pytest.approx(40.4469722, abs=1e-6)     # Madrid: north
    assert fields["gps_longitude"] == pytest.approx(-3.7247528, abs=1e-6)    # and west
    assert fields["camera_make"] == "Apple" and fields["camera_model"] == "iPhone 6"


@needs_photos
def test_capture_time_keeps_its_utc_offset_and_sub_seconds():
    nokia = read_exif((EXIF_SAMPLES / "jpg" / "mobile" / "HMD_Nokia_8.3_5G.jpg").read_bytes())
    assert nokia["captured_at"] == "2022-08-14T14:12:31+03:00"
    iphone = read_exif((EXIF_SAMPLES / "heic" / "mobile" / "iphone_13_pro_max.HEIC").read_bytes())
    assert iphone["captured_at"] == "2022-02-16T12:55:41.762+01:00"
    assert iphone["software"] == "15.2.1"


def test_capture_time_without_offset_is_naive_and_blank_dates_are_dropped():
    def fill(value):
        def inner(exif):
            exif.get_ifd(0x8769)[0x9003] = value
        return inner
    assert read_exif(_jpeg_with_exif(fill("2019:12:24 18:30:00")))["captured_at"] == "2019-12-24T18:30:00"
    assert "captured_at" not in read_exif(_jpeg_with_exif(fill("0000:00:00 00:00:00")))
    assert "captured_at" not in read_exif(_jpeg_with_exif(fill("    :  :     :  :  ")))


@needs_photos
def test_body_serial_number():
    fields = read_exif((EXIF_SAMPLES / "jpg" / "tests" / "87_OSError.jpg").read_bytes())
    assert fields["camera_serial"] and fields["camera_model"] == "NIKON D70s"


@needs_photos
def test_broken_exif_never_raises():
    files = (sorted((EXIF_SAMPLES / "jpg" / "invalid").glob("*.jpg"))
             + sorted((EXIF_SAMPLES / "jpg" / "tests").glob("*")))
    assert len(files) >= 15
    for path in files:
        data = path.read_bytes()
        for variant in (data, data[: len(data) // 3], data[:40]):
            assert isinstance(read_exif(variant), dict), path


@pytest.mark.parametrize("data", [
    b"",
    b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08",
    b"\xff\xd8\xff\xe1\xff\xffExif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x00" * 40,
    os.urandom(300),
])
def test_garbage_exif_never_raises(data):
    assert isinstance(read_exif(data), dict)


def test_picture_without_exif_gives_nothing():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    assert read_exif(buffer.getvalue()) == {}
