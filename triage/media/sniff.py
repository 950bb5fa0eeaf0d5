"""Tell pictures and videos by their first bytes, whatever their names say.

Written by hand because the libraries that do this (libmagic bindings,
filetype, puremagic) either need a system library that is not on every
examiner's machine or miss container brands we need (3GP, HEIF variants,
MPEG-TS), and the signatures below are short, stable and public.
"""

from __future__ import annotations

from pathlib import PurePosixPath

HEAD_SIZE = 1024

_ISO_BMFF_BRANDS = {
    b"heic": "image/heic", b"heix": "image/heic", b"heim": "image/heic", b"heis": "image/heic",
    b"hevc": "image/heic", b"hevx": "image/heic",
    b"mif1": "image/heif", b"msf1": "image/heif",
    b"avif": "image/avif", b"avis": "image/avif",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp", b"3gp5": "video/3gpp", b"3gp6": "video/3gpp", b"3gp7": "video/3gpp",
    b"3gs7": "video/3gpp", b"3ge6": "video/3gpp", b"3ge7": "video/3gpp", b"3gg6": "video/3gpp",
    b"3g2a": "video/3gpp2", b"3g2b": "video/3gpp2", b"3g2c": "video/3gpp2",
}

_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"

# Extensions each type is normally saved under; a detected type outside its set is a mismatch.
EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg", "jpe", "jfif", "jfi", "thm"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/bmp": {"bmp", "dib"},
    "image/tiff": {"tif", "tiff", "dng", "nef", "cr2", "arw", "orf", "rw2", "pef", "srw"},
    "image/webp": {"webp"},
    "image/heic": {"heic", "heif", "hif"},
    "image/heif": {"heif", "heic", "hif"},
    "image/avif": {"avif"},
    "image/jp2": {"jp2", "j2k", "j2c", "jpc", "jpf", "jpx", "jpm"},
    "image/vnd.adobe.photoshop": {"psd"},
    "video/mp4": {"mp4", "m4v", "mov", "f4v"},
    "video/quicktime": {"mov", "qt", "mp4"},
    "video/3gpp": {"3gp", "3gpp", "mp4"},
    "video/3gpp2": {"3g2", "3gp2", "mp4"},
    "video/x-msvideo": {"avi"},
    "video/x-matroska": {"mkv", "mk3d", "mka"},
    "video/webm": {"webm", "mkv"},
    "video/x-ms-asf": {"wmv", "asf", "wma"},
    "video/x-flv": {"flv"},
    "video/mp2t": {"ts", "mts", "m2ts", "tsv"},
    "video/mpeg": {"mpg", "mpeg", "mpe", "vob", "m2v"},
}
MEDIA_EXTENSIONS = set().union(*EXTENSIONS.values())
# The one extension a copy or a carved item of each type is named with.
FILE_EXTENSION = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/bmp": "bmp",
    "image/tiff": "tif", "image/webp": "webp", "image/heic": "heic", "image/heif": "heif",
    "image/avif": "avif", "image/jp2": "jp2", "image/vnd.adobe.photoshop": "psd",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/3gpp": "3gp", "video/3gpp2": "3g2",
    "video/x-msvideo": "avi", "video/x-matroska": "mkv", "video/webm": "webm",
    "video/x-ms-asf": "wmv", "video/x-flv": "flv", "video/mp2t": "ts", "video/mpeg": "mpg",
}


def sniff(head: bytes) -> str | None:
    """The media type of content starting with `head`, or None when it is not a picture or video."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"BM") and len(head) >= 18 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return "image/bmp"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "image/tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((_JP2_SIGNATURE, b"\xff\x4f\xff\x51")):  # JPEG 2000 file, codestream
        return "image/jp2"
    if head.startswith(b"8BPS\x00\x01"):  # Photoshop (PSB, version 2, Pillow cannot read)
        return "image/vnd.adobe.photoshop"
    if head.startswith(b"RIFF") and head[8:12] in (b"AVI ", b"AVIX"):
        return "video/x-msvideo"
    if head[4:8] == b"ftyp":
        return _iso_bmff(head)
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot") and len(head) >= 8:
        return "video/quicktime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(_ASF_GUID):
        return "video/x-ms-asf"
    if head.startswith(b"FLV\x01"):
        return "video/x-flv"
    if _is_mpeg_ts(head):
        return "video/mp2t"
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return "video/mpeg"
    return None


def _iso_bmff(head: bytes) -> str | None:
    """ISO base media files name their kind in the major brand and compatible brands."""
    box_size = int.from_bytes(head[0:4], "big")
    brands = [head[8:12]] + [
        head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)
    ]
    for brand in brands:
        if brand in _ISO_BMFF_BRANDS:
            return _ISO_BMFF_BRANDS[brand]
    return "video/mp4"


def _is_mpeg_ts(head: bytes) -> bool:
    """Transport streams repeat a 0x47 sync byte every 188 (or 192 for M2TS) bytes."""
    for stride, start in ((188, 0), (192, 4)):
        positions = range(start, min(len(head), start + stride * 4), stride)
        if len(positions) >= 3 and all(head[i] == 0x47 for i in positions):
            return True
    return False


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def extension_mismatch(name: str, detected: str | None) -> bool:
    """True when the name hides or misstates what the content is.

    A picture or video under a non-media extension (`report.dat`), a media
    extension on content of another media type (a PNG named `.jpg`), or a
    media extension on content that is not media at all.
    """
    ext = extension(name)
    if detected is None:
        return ext in MEDIA_EXTENSIONS
    return ext not in EXTENSIONS.get(detected, set())


def media_kind(detected: str | None) -> str | None:
    """'image' or 'video' (or None), for counts and filters."""
    return detected.split("/", 1)[0] if detected else None
