"""Apple disk images: UDIF (.dmg, raw or zlib/bzip2/LZFSE-compressed) and sparse images,
through libmodi-python, with UDIF's stored checksums checked here.

A UDIF image stores a CRC32 of each partition's data (in its "blkx" table, in the XML
property list that the trailer points to) and a master CRC32 of those: the format's own
check of the data, as an E01's MD5 is. libmodi reads the data but does not expose these
checksums, so they are found here (Apple's TN1150-era UDIF layout, as documented by
libmodi's own format notes) and compared with the data libmodi decompresses.
"""

from __future__ import annotations

import plistlib
import struct
import zlib
from pathlib import Path

import pymodi

from triage.evidence.base import EvidenceError
from triage.evidence.libyal import LibyalImage

UDIF_TRAILER = b"koly"  # the last 512 bytes of a UDIF image
SPARSE_SIGNATURE = b"sprs"

_CRC32 = 2  # UDIF checksum type
_NOT_IN_CHECKSUM = (2, 0x7FFFFFFE, 0xFFFFFFFF)  # ignored, comment and terminator chunks
SECTOR = 512


class DmgImage(LibyalImage):
    format = "dmg"
    label = "Apple disk image"

    @classmethod
    def open_handle(cls, path: Path) -> pymodi.handle:
        handle = pymodi.handle()
        handle.open(str(path), "r")
        return handle

    def checksum_problem(self) -> str | None:
        """Where the data read differs from the CRC32s the image stores (None: all agree,
        or the image stores none)."""
        try:
            tables = _blkx_tables(self.paths[0])
        except (OSError, ValueError, struct.error, plistlib.InvalidFileException) as exc:
            return f"cannot read the UDIF checksums: {exc}"
        if tables is None:
            return None
        try:
            return self._compare(*tables)
        except EvidenceError as exc:
            return f"cannot check the UDIF checksums: {exc}"

    def _compare(self, partitions: list, master: bytes | None) -> str | None:
        stored_all = b""
        for name, start, chunks, kind, stored in partitions:
            stored_all += stored
            if kind != _CRC32:
                continue
            crc = 0
            for chunk_type, first, count in chunks:
                if chunk_type in _NOT_IN_CHECKSUM:
                    continue
                for offset in range(0, count * SECTOR, 1 << 22):
                    length = min(1 << 22, count * SECTOR - offset)
                    crc = zlib.crc32(self.read((start + first) * SECTOR + offset, length), crc)
            if crc.to_bytes(4, "big") != stored:
                return (f"UDIF checksum of {name!r} differs: stored {stored.hex()}, the data "
                        f"read gives {crc:08x} (the image is damaged)")
        if master is not None and zlib.crc32(stored_all).to_bytes(4, "big") != master:
            return f"UDIF master checksum differs: stored {master.hex()}"
        return None


def _blkx_tables(path: Path):
    """([(name, first sector, [(chunk type, first, count)], checksum type, CRC)], master CRC)
    from the image's trailer and property list; None where the image has no such table."""
    with open(path, "rb") as file:  # read-only, always
        file.seek(-512, 2)
        trailer = file.read(512)
        if trailer[:4] != UDIF_TRAILER:
            return None
        xml_offset, xml_length = struct.unpack(">QQ", trailer[0xD8:0xE8])
        if not xml_length:
            return None
        file.seek(xml_offset)
        plist = plistlib.loads(file.read(xml_length))
    master_type, = struct.unpack(">I", trailer[0x160:0x164])
    master = trailer[0x168:0x16C] if master_type == _CRC32 else None
    partitions = []
    for entry in plist.get("resource-fork", {}).get("blkx", []):
        data = entry["Data"]
        if data[:4] != b"mish":
            raise ValueError(f"blkx entry {entry.get('Name')!r} is not a block table")
        start, = struct.unpack(">Q", data[8:16])
        kind, = struct.unpack(">I", data[0x40:0x44])
        count, = struct.unpack(">I", data[0xC8:0xCC])
        chunks = []
        for index in range(count):
            chunk_type, _, first, sectors = struct.unpack_from(">IIQQ", data, 0xCC + 40 * index)
            chunks.append((chunk_type, first, sectors))
        partitions.append((entry.get("Name", "?"), start, chunks, kind, data[0x48:0x4C]))
    return partitions, master


