"""Apple disk images: UDIF (.dmg, raw or zlib/bzip2/LZFSE-compressed) and sparse images,
through libmodi-python."""

from __future__ import annotations

from pathlib import Path

import pymodi

from triage.evidence.libyal import LibyalImage

UDIF_TRAILER = b"koly"  # the last 512 bytes of a UDIF image
SPARSE_SIGNATURE = b"sprs"


class DmgImage(LibyalImage):
    format = "dmg"
    label = "Apple disk image"

    @classmethod
    def open_handle(cls, path: Path) -> pymodi.handle:
        handle = pymodi.handle()
        handle.open(str(path), "r")
        return handle

