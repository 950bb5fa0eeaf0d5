"""Chromium's older disk cache ("blockfile": `Cache/data_0` … `data_3`, `f_000001` …).

Chrome and Edge on Windows until 2021, and many Electron and Android apps since, keep
each cached response's body either in a file of its own (`f_XXXXXX`, bodies over 16 KB:
a plain file, already an item of the file system) or in a run of up to four blocks of a
block file: `data_1` (256-byte blocks), `data_2` (1 KB), `data_3` (4 KB). Those small
bodies — thumbnails, avatars, icons, previews — are what this container finds.

Layout (net/disk_cache/blockfile/disk_format_base.h): an 8 KB header (magic, version,
this file's number, the block size, an allocation bitmap), then the blocks. A body
starts at a block boundary; its length is in the cache's entry record (in `data_1`),
which names the block file by number — a sibling file a container over one file cannot
open. So each body is found where it starts, by its signature, and measured by its own
structure with carving's walkers (a JPEG to its EOI, a PNG to IEND …), freed blocks
included: a body whose entry was evicted is still there until its blocks are reused.
Each is named by its cache address (`data_2 block 0x1f3.jpg`); what the URL was is in
the entry, not here.
"""

from __future__ import annotations

import struct
from typing import Iterator

from triage.evidence.carving.formats import FORMATS
from triage.evidence.carving.window import Window
from triage.evidence.containers.base import Chunks, Container, ContainerError, Member

MAGIC = struct.pack("<I", 0xC104CAC3)
HEADER = struct.Struct("<4sIhhi")  # magic, version, this file, next file, block size
HEADER_SIZE = 8192
BLOCKS_PER_BODY = 4  # a body in a block file spans at most four blocks
EXTENSIONS = {"jpeg": "jpg", "tiff-le": "tif", "tiff-be": "tif", "iso-bmff": "mp4",
              "matroska": "mkv", "riff": "riff"}


CHUNK = 4 << 20  # read at a time: memory stays bounded whatever the file's size


class _Stream:
    """The block file's stream as the `Source` a carving `Window` reads from."""

    def __init__(self, stream):
        self.stream = stream

    def read(self, offset: int, length: int) -> bytes:
        self.stream.seek(offset)
        return self.stream.read(length)


class ChromiumBlockFile(Container):
    kinds = frozenset({"chromium-blockfile"})
    keeps_everything = False  # only the bodies recognised as pictures or videos count

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "chromium-blockfile" if head.startswith(MAGIC) else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        source = _Stream(self.stream)
        header = source.read(0, HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise ContainerError("cache block file shorter than its 8 KB header")
        _, _, number, _, block = HEADER.unpack_from(header)
        if block not in (256, 1024, 4096):
            return  # data_0 holds the 36-byte rankings: no bodies
        size = self.stream.seek(0, 2)
        for chunk in range(HEADER_SIZE, size, CHUNK):
            data = source.read(chunk, CHUNK + BLOCKS_PER_BODY * block)  # bodies may run over
            for start in range(chunk, min(chunk + CHUNK, size), block):
                # A body spans at most four blocks: its walker reads no further.
                window = Window(source, min(size, start + BLOCKS_PER_BODY * block))
                window.hold(chunk, data)
                found = _body_at(window, start)
                if found is None:
                    continue
                name, length = found
                body = window.read(start, length)
                index = (start - HEADER_SIZE) // block
                yield (Member(f"data_{number} block {index:#x}.{name}", size=len(body)),
                       iter((body,)))


def _body_at(window: Window, start: int) -> tuple[str, int] | None:
    """(extension, length) of a picture or video starting at `start`, if one does, within
    the window (the four blocks a body may span)."""
    head = window.read(start, 16)
    for format in FORMATS:
        if not head[format.magic_at:].startswith(format.magic):
            continue
        shape = format.walk(window, start)
        if shape is None or not shape.length:
            continue
        return EXTENSIONS.get(format.name, format.name), min(shape.length,
                                                            window.end - start)
    return None
