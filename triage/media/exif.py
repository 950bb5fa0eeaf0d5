"""The EXIF fields an examiner sorts and maps by, read with exifread; broken EXIF never raises.

Returns a plain dict holding only the fields found:

- ``camera_make``, ``camera_model``, ``camera_serial``, ``lens_model``, ``software``: text
- ``captured_at``: ISO 8601 capture time, with sub-seconds and UTC offset when the
  file records them (``2022-02-16T12:55:41.762+01:00``), naive otherwise
- ``gps_latitude``, ``gps_longitude``: signed decimal degrees (south and west negative)
- ``gps_altitude``: metres, negative below sea level
- ``gps_time``: ISO 8601 UTC time of the fix, when GPS date and time are both there
- ``orientation``: EXIF orientation 1-8
- ``error``: why the EXIF block could not be read at all (whatever was read stays)

Maker notes are not parsed (``details=False``): they cost about 9 ms a file
against 0.5 ms, for a serial number in very few cameras.
"""

from __future__ import annotations

import io
import logging
import re
from fractions import Fraction
from typing import Any, BinaryIO

import exifread

# exifread warns about every odd field through logging; an ingest of a million
# files must not print them. The application's own logging setup still gets them.
logging.getLogger("exifread").addHandler(logging.NullHandler())

_DATETIME = re.compile(r"^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")
_DIGITS = re.compile(r"\d+")

_TEXT_FIELDS = {
    "camera_make": ("Image Make",),
    "camera_model": ("Image Model",),
    "camera_serial": ("EXIF BodySerialNumber", "Image CameraSerialNumber", "EXIF CameraSerialNumber"),
    "lens_model": ("EXIF LensModel",),
    "software": ("Image Software",),
}

# (time tag, sub-second tag, offset tag), best first.
_CAPTURE_TIMES = (
    ("EXIF DateTimeOriginal", "EXIF SubSecTimeOriginal", "EXIF OffsetTimeOriginal"),
    ("EXIF DateTimeDigitized", "EXIF SubSecTimeDigitized", "EXIF OffsetTimeDigitized"),
    ("Image DateTime", "EXIF SubSecTime", "EXIF OffsetTime"),
)


def read_exif(source: bytes | BinaryIO) -> dict[str, Any]:
    """The fields above from a JPEG, TIFF, HEIC, PNG or WebP file; {} when it has no EXIF."""
    fh = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    try:
        tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
    except Exception as exc:  # exifread is not strict=True, but odd files still raise
        return {"error": f"unreadable EXIF ({type(exc).__name__}): {exc}"}
    return fields_from_tags(tags)


def fields_from_tags(tags: dict[str, Any]) -> dict[str, Any]:
    """Our fields from exifread's tag dict; each field on its own, so one bad tag loses only itself."""
    out: dict[str, Any] = {}
    for name, keys in _TEXT_FIELDS.items():
        for key in keys:
            value = _text(tags.get(key))
            if value:
                out[name] = value
                break
    for reader in (_captured_at, _gps, _orientation):
        try:
            out.update(reader(tags))
        except Exception:  # never let one malformed field cost the others
            continue
    return out


def _text(tag: Any) -> str | None:
    if tag is None:
        return None
    try:
        values = tag.values
        if isinstance(values, bytes):
            values = values.decode("utf-8", "replace")
        text = str(values) if isinstance(values, str) else str(tag.printable)
    except Exception:
        return None
    text = text.replace("\x00", "").strip()
    return text or None


def _captured_at(tags: dict[str, Any]) -> dict[str, Any]:
    for time_key, subsec_key, offset_key in _CAPTURE_TIMES:
        stamp = _datetime_text(_text(tags.get(time_key)))
        if not stamp:
            continue
        subsec = _DIGITS.search(_text(tags.get(subsec_key)) or "")
        if subsec:
            stamp += "." + subsec.group(0)
        offset = _OFFSET.match(_text(tags.get(offset_key)) or "")
        if offset:
            sign, hours, minutes = offset.groups()
            if int(hours) <= 14 and int(minutes) < 60:
                stamp += f"{sign}{hours}:{minutes}"
        return {"captured_at": stamp}
    return {}


def _datetime_text(text: str | None) -> str | None:
    """'2008:10:22 16:28:39' as '2008-10-22T16:28:39'; None for blanks and impossible values."""
    match = _DATETIME.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    if year < 1800 or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if not (hour <= 24 and minute < 60 and second <= 60):
        return None
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def _gps(tags: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key, limit, negative in (("gps_latitude", "GPS GPSLatitude", 90, "S"),
                                       ("gps_longitude", "GPS GPSLongitude", 180, "W")):
        degrees = _degrees(tags.get(key))
        if degrees is None or abs(degrees) > limit:
            continue
        ref = (_text(tags.get(key + "Ref")) or "").upper()[:1]
        out[name] = round(-degrees if ref == negative else degrees, 7)
    if "gps_latitude" not in out or "gps_longitude" not in out:
        out = {}
    altitude = _number(tags.get("GPS GPSAltitude"))
    if altitude is not None:
        below = _first_value(tags.get("GPS GPSAltitudeRef")) in (1, b"\x01", "1")
        out["gps_altitude"] = round(-altitude if below else altitude, 2)
    fix = _gps_time(tags)
    if fix:
        out["gps_time"] = fix
    return out


def _degrees(tag: Any) -> float | None:
    """Degrees, minutes, seconds (rationals) as decimal degrees."""
    if tag is None:
        return None
    parts = [_ratio(v) for v in list(tag.values)[:3]]
    if not parts or any(p is None for p in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    return float(parts[0] + parts[1] / 60 + parts[2] / 3600)


def _gps_time(tags: dict[str, Any]) -> str | None:
    date = _text(tags.get("GPS GPSDate"))
    stamp = tags.get("GPS GPSTimeStamp")
    if not date or stamp is None:
        return None
    match = re.match(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})", date)
    hms = [_ratio(v) for v in list(stamp.values)[:3]]
    if not match or len(hms) != 3 or any(v is None for v in hms):
        return None
    hours, minutes, seconds = hms
    if not (0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 61):
        return None
    whole = int(seconds)
    fraction = f"{seconds - whole:.3f}"[1:] if seconds != whole else ""
    y, mo, d = match.groups()
    return f"{y}-{mo}-{d}T{int(hours):02d}:{int(minutes):02d}:{whole:02d}{fraction}Z"


def _orientation(tags: dict[str, Any]) -> dict[str, Any]:
    value = _first_value(tags.get("Image Orientation"))
    return {"orientation": value} if isinstance(value, int) and 1 <= value <= 8 else {}


def _number(tag: Any) -> float | None:
    return None if tag is None else _ratio(_first_value(tag))


def _first_value(tag: Any) -> Any:
    if tag is None:
        return None
    try:
        values = tag.values
        return values[0] if isinstance(values, (list, tuple)) and values else values
    except Exception:
        return None


def _ratio(value: Any) -> float | None:
    try:
        if hasattr(value, "numerator") and hasattr(value, "denominator"):
            if value.denominator == 0:
                return None
            return float(Fraction(int(value.numerator), int(value.denominator)))
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
