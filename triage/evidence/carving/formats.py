"""Where a picture or video that starts at a given byte ends, read from its own structure.

Each format has a signature (found by `bytes.find`, which runs at memory
speed) and a walker that follows the structure from there: a JPEG's
segments to its EOI marker, a PNG's chunks to IEND, a GIF's blocks to its
trailer, a RIFF or BMP size field, ISO-BMFF boxes, ASF objects, EBML
elements. Written by hand: no maintained library finds where a file *ends*
in a stream of other data (decoders read from a file they are given, and
stop or fail without saying where), and these structures are short and
public. Whether the bytes are a picture is decided afterwards by decoding.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Callable

from triage.evidence.carving.window import Window

MAX_PICTURE = 64 << 20
MAX_VIDEO = 512 << 20  # a carved item is held in memory (a picture) or spooled (a video) once


@dataclass(frozen=True)
class Shape:
    """What a walker found at a signature: the length, and whether the structure ended
    where it says it ends (False: cut short by other data or by the end of the stretch)."""

    length: int
    complete: bool
    embedded: tuple[tuple[int, int], ...] = ()  # (offset from the start, length): EXIF thumbnails


Walker = Callable[[Window, int], "Shape | None"]


@dataclass(frozen=True)
class Format:
    name: str
    kind: str  # "image" or "video": what `--carve pictures|videos` keeps (ISO-BMFF: by brand)
    magic: bytes
    magic_at: int  # where the signature sits from the start of the file
    walk: Walker


def _u16be(data: bytes, at: int) -> int:
    return (data[at] << 8) | data[at + 1]


# -- JPEG ----------------------------------------------------------------------------------

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_AFTER_SCAN = {0xC4, 0xCC, 0xDA, 0xDB, 0xDD, 0xDC, 0xFE} | set(range(0xE0, 0xF0)) | _SOF
# A scan ends at a marker that is not a stuffed 0xFF00 or a restart, or at a block of zeros
# (free space: the rest was never written or was wiped; a flat image's progressive scan can
# hold a few hundred zero bytes, never thousands). Two searches, not one alternation: each
# starts with a literal, which Python's `re` finds at memchr speed (3 GB/s), where the
# alternation of both tried every byte (75 MB/s); JPEG data was a quarter of the scan's time.
_SCAN_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_ZEROS = re.compile(re.escape(bytes(4096)))


def jpeg(window: Window, start: int, limit: int = MAX_PICTURE) -> Shape | None:
    """Segments up to the first scan, then entropy-coded data to the next marker, again
    (progressive JPEGs have many scans), until EOI. Damage before the first scan: not a
    JPEG; after it: a JPEG cut short there."""
    position, seen_sof, scans, thumbnails = start + 2, False, 0, []
    end = min(start + limit, window.end)
    while position < end:
        head = window.read(position, 4)
        if len(head) < 2 or head[0] != 0xFF:
            break
        marker = head[1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            if not scans:
                return None
            return Shape(position + 2 - start, True, tuple(thumbnails))
        if scans and marker not in _AFTER_SCAN:
            break
        if len(head) < 4 or not 0xC0 <= marker <= 0xFE or 0xD0 <= marker <= 0xD8:
            break
        length = _u16be(head, 2)
        if length < 2:
            break
        if marker == 0xE1 and not scans:
            thumbnails.extend(_exif_thumbnail(window, position + 4, length - 2, start))
        seen_sof |= marker in _SOF
        position += 2 + length
        if marker == 0xDA:
            if not seen_sof:
                return None
            scans += 1
            found = window.search(_SCAN_MARKER, position, end)
            zeros = window.search(_ZEROS, position, end if found is None else found)
            if zeros is not None:  # the rest was overwritten or never written
                position = zeros
                break
            if found is None:
                position = end
                break
            position = found
    if not scans:
        return None
    return Shape(min(position, end) - start, False, tuple(thumbnails))


def _exif_thumbnail(window: Window, payload: int, length: int, start: int) -> list[tuple[int, int]]:
    """The JPEG thumbnail an EXIF segment holds, as (offset from `start`, length)."""
    data = window.read(payload, length)
    if not data.startswith(b"Exif\x00\x00"):
        return []
    at = data.find(b"\xff\xd8\xff", 6)
    if at < 0:
        return []
    inner = Window(window.source, payload + length)
    inner.hold(payload, data)
    shape = jpeg(inner, payload + at, length)
    if shape is None or not shape.complete:
        return []
    return [(payload + at - start, shape.length)]


# -- PNG, GIF, BMP -----------------------------------------------------------------------

def png(window: Window, start: int) -> Shape | None:
    position, end = start + 8, min(start + MAX_PICTURE, window.end)
    chunks = 0
    while position < end:
        head = window.read(position, 8)
        if len(head) < 8:
            break
        length, kind = struct.unpack(">I4s", head)
        if not kind.isalpha() or length > MAX_PICTURE or (chunks == 0 and kind != b"IHDR"):
            if chunks == 0:
                return None
            break
        chunks += 1
        position += 12 + length
        if kind == b"IEND":
            return Shape(position - start, position <= end)
    return Shape(min(position, end) - start, False) if chunks else None


def gif(window: Window, start: int) -> Shape | None:
    head = window.read(start, 13)
    if len(head) < 13 or head[4:6] not in (b"7a", b"9a"):
        return None
    position = start + 13
    if head[10] & 0x80:
        position += 3 << ((head[10] & 7) + 1)
    end, images = min(start + MAX_PICTURE, window.end), 0
    while position < end:
        block = window.read(position, 10)
        if not block:
            break
        if block[0] == 0x3B:
            return Shape(position + 1 - start, images > 0) if images else None
        if block[0] == 0x21 and len(block) >= 2:
            position += 2
        elif block[0] == 0x2C and len(block) == 10:
            position += 10 + ((3 << ((block[9] & 7) + 1)) if block[9] & 0x80 else 0) + 1
            images += 1
        else:
            break
        position = _sub_blocks(window, position, end)
    return Shape(min(position, end) - start, False) if images else None


def _sub_blocks(window: Window, position: int, end: int) -> int:
    """Past a chain of GIF data sub-blocks (a length byte, then that many bytes; 0 ends it)."""
    while position < end:
        size = window.read(position, 1)
        if not size:
            return end
        position += 1 + size[0]
        if size[0] == 0:
            break
    return position


_DIB_SIZES = {12, 40, 52, 56, 64, 108, 124}


def bmp(window: Window, start: int) -> Shape | None:
    """A BMP says its size in its header; the other fields must agree with it, because two
    bytes `BM` turn up everywhere."""
    head = window.read(start, 54)
    if len(head) < 30:
        return None
    size, reserved, offset, dib = struct.unpack("<IIII", head[2:18])
    if reserved or dib not in _DIB_SIZES or not 14 + dib <= offset < size <= MAX_PICTURE:
        return None
    if dib == 12:
        width, height, planes, bits = struct.unpack("<HHHH", head[18:26])
        compression = 0
    else:
        if len(head) < 54:
            return None
        width, height, planes, bits, compression = struct.unpack("<iiHHI", head[18:34])
        height = abs(height)
    if planes != 1 or bits not in (1, 4, 8, 16, 24, 32) or not 0 < width <= 65535 \
            or not 0 < height <= 65535 or compression > 6:
        return None
    if compression == 0 and offset + ((width * bits + 31) // 32) * 4 * height > size:
        return None
    return Shape(min(size, window.end - start), start + size <= window.end)


# -- RIFF (WebP, AVI) ---------------------------------------------------------------------

def riff(window: Window, start: int) -> Shape | None:
    head = window.read(start, 16)
    if len(head) < 16:
        return None
    size = int.from_bytes(head[4:8], "little") + 8
    if head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        limit = MAX_PICTURE
    elif head[8:12] == b"AVI " and head[12:16] == b"LIST":
        limit = MAX_VIDEO
    else:
        return None
    if size < 24 or size > limit:
        return None
    return Shape(min(size, window.end - start), start + size <= window.end)


# -- TIFF -----------------------------------------------------------------------------------

_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
                    13: 4, 16: 8, 17: 8, 18: 8}
_OFFSET_TAGS = {273: 279, 324: 325, 513: 514}  # strips, tiles, JPEG thumbnail: their lengths
_IFD_TAGS = {330, 34665, 34853, 40965}  # SubIFDs, EXIF, GPS, interoperability


def tiff(window: Window, start: int) -> Shape | None:
    """A TIFF has no end marker: it ends after the last byte any directory points to."""
    head = window.read(start, 8)
    if len(head) < 8:
        return None
    order = "<" if head[:2] == b"II" else ">"
    pending, seen, furthest, images = [struct.unpack(order + "I", head[4:8])[0]], set(), 8, 0
    while pending and len(seen) < 64:
        ifd = pending.pop()
        if ifd in seen or not 8 <= ifd < MAX_PICTURE:
            continue
        seen.add(ifd)
        count_bytes = window.read(start + ifd, 2)
        if len(count_bytes) < 2:
            return None
        (count,) = struct.unpack(order + "H", count_bytes)
        if not 0 < count <= 512:
            return None
        table = window.read(start + ifd + 2, count * 12 + 4)
        if len(table) < count * 12 + 4:
            return None
        values, ends = {}, [ifd + 2 + count * 12 + 4]
        for index in range(count):
            entry = table[index * 12:index * 12 + 12]
            tag, kind, number, value = struct.unpack(order + "HHII", entry)
            size = _TIFF_TYPE_SIZES.get(kind, 0) * number
            if size > 4:
                ends.append(value + size)
                values[tag] = _tiff_array(window, start + value, kind, number, order)
            elif kind == 3:  # a SHORT sits in the first two bytes of the value field
                values[tag] = [struct.unpack(order + "H", entry[8:10])[0]]
            else:
                values[tag] = [value]
            if tag in _IFD_TAGS:
                pending.extend(values[tag])
        for offsets, lengths in _OFFSET_TAGS.items():
            if offsets in values and lengths in values:
                images += offsets != 513
                ends.extend(o + n for o, n in zip(values[offsets], values[lengths]))
        furthest = max(furthest, *ends)
        (following,) = struct.unpack(order + "I", table[-4:])
        if following:
            pending.append(following)
    if not images or furthest > MAX_PICTURE:
        return None
    return Shape(min(furthest, window.end - start), start + furthest <= window.end)


def _tiff_array(window: Window, at: int, kind: int, number: int, order: str) -> list[int]:
    if kind not in (3, 4) or number > 65536:
        return []
    data = window.read(at, number * (2 if kind == 3 else 4))
    code = "H" if kind == 3 else "I"
    return list(struct.unpack(f"{order}{len(data) // struct.calcsize(code)}{code}",
                              data[:len(data) // struct.calcsize(code) * struct.calcsize(code)]))


# -- ISO-BMFF (MP4, MOV, 3GP, HEIC) ---------------------------------------------------------

_TOP_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"meta", b"uuid", b"pdin",
              b"moof", b"mfra", b"styp", b"sidx", b"ssix", b"prft", b"emsg", b"pnot", b"idat",
              b"iinf", b"jumb", b"junk"}


def iso_bmff(window: Window, start: int) -> Shape | None:
    """Top-level boxes by their sizes, from `ftyp` to the first thing that is not a box; a
    movie needs its `moov` and `mdat`, a HEIF picture its `meta`."""
    position, end, seen = start, min(start + MAX_VIDEO, window.end), set()
    while position < end:
        head = window.read(position, 16)
        if len(head) < 8 or head[4:8] not in _TOP_BOXES or (not seen and head[4:8] != b"ftyp"):
            break
        size = int.from_bytes(head[:4], "big")
        if size == 1 and len(head) == 16:
            size = int.from_bytes(head[8:16], "big")
        elif size == 0:  # to the end of the file, which a stream of other data does not give
            seen.add(head[4:8])
            return Shape(end - start, False)
        if size < 8:
            break
        seen.add(head[4:8])
        position += size
    if not seen:
        return None
    whole = (b"moov" in seen and b"mdat" in seen) or b"meta" in seen or b"moof" in seen
    return Shape(min(position, end) - start, whole and position <= end)


# -- ASF (WMV), Matroska (MKV, WebM) ---------------------------------------------------------

_ASF_HEADER = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_ASF_DATA = bytes.fromhex("3626b2758e66cf11a6d900aa0062ce6c")
_ASF_TOP = {_ASF_HEADER, _ASF_DATA, bytes.fromhex("90080033b1e5cf1189f400a0c90349cb"),
            bytes.fromhex("d329e2d6da35d111903400a0c90349be"),
            bytes.fromhex("f803b1fead12644c840f2a1d2f7ad48c"),
            bytes.fromhex("d03fb73c4a0c0348953dedf7b6228f0c")}


def asf(window: Window, start: int) -> Shape | None:
    position, end, seen_data = start, min(start + MAX_VIDEO, window.end), False
    while position < end:
        head = window.read(position, 24)
        if len(head) < 24 or head[:16] not in _ASF_TOP:
            break
        size = int.from_bytes(head[16:24], "little")
        if size < 24:
            break
        seen_data |= head[:16] == _ASF_DATA
        position += size
    if position == start:
        return None
    return Shape(min(position, end) - start, seen_data and position <= end)


_EBML_TOP = {0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1F43B675, 0x1C53BB6B, 0x1941A469,
             0x1043A770, 0x1254C367, 0xEC, 0xBF}


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `at`: (value, its length); None if malformed.
    An element size of all ones (unknown) comes back as -1."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at:at + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (-1 if value == (1 << (7 * length)) - 1 else value), length


def matroska(window: Window, start: int) -> Shape | None:
    """The EBML header, then the Segment: its size, or (live recordings write it as
    unknown) its top-level elements one by one."""
    head = window.read(start, 64)
    size = _vint(head, 4, False)
    if size is None or size[0] < 0 or size[0] > 256:
        return None
    position = start + 4 + size[1] + size[0]
    end = min(start + MAX_VIDEO, window.end)
    segment = window.read(position, 12)
    if not segment.startswith(b"\x18\x53\x80\x67"):
        return None
    length = _vint(segment, 4, False)
    if length is None:
        return None
    position += 4 + length[1]
    if length[0] >= 0:
        total = position + length[0] - start
        return Shape(min(total, end - start), start + total <= end)
    while position < end:
        element = window.read(position, 12)
        ident, size = _vint(element, 0, True), None
        if ident and ident[0] in _EBML_TOP:
            size = _vint(element, ident[1], False)
        if not size or size[0] < 0:
            break
        position += ident[1] + size[1] + size[0]
    return Shape(min(position, end) - start, False)


FORMATS = (
    Format("jpeg", "image", b"\xff\xd8\xff", 0, jpeg),
    Format("png", "image", b"\x89PNG\r\n\x1a\n", 0, png),
    Format("gif", "image", b"GIF8", 0, gif),
    Format("bmp", "image", b"BM", 0, bmp),
    Format("riff", "image", b"RIFF", 0, riff),  # WebP or AVI: the sniffed type decides
    Format("tiff-le", "image", b"II*\x00", 0, tiff),
    Format("tiff-be", "image", b"MM\x00*", 0, tiff),
    Format("iso-bmff", "video", b"ftyp", 4, iso_bmff),  # HEIC/HEIF too: by brand
    Format("asf", "video", _ASF_HEADER, 0, asf),
    Format("matroska", "video", b"\x1a\x45\xdf\xa3", 0, matroska),
)
