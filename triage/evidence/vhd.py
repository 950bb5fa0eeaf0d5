"""Microsoft virtual hard disks: VHD (fixed, dynamic, differencing) and VHDX, through
libvhdi-python (one library reads both)."""

from __future__ import annotations

from pathlib import Path

import pyvhdi

from triage.evidence.libyal import LibyalImage

VHDX_SIGNATURE = b"vhdxfile"
VHD_SIGNATURE = b"conectix"  # a dynamic VHD starts with its footer's copy; a fixed one only
# ends with it, so a fixed VHD is recognised by its last 512 bytes.

_DISK_TYPES = {2: "fixed", 3: "dynamic", 4: "differential"}


class VhdImage(LibyalImage):
    format = "vhd"
    label = "VHD"

    @classmethod
    def open_handle(cls, path: Path) -> pyvhdi.file:
        handle = pyvhdi.file()
        handle.open(str(path), "r")
        return handle

    @classmethod
    def parent_name(cls, handle: pyvhdi.file) -> str | None:
        if handle.get_disk_type() != 4:
            return None
        return handle.get_parent_filename() or "(unnamed parent)"

    @property
    def layer(self) -> str:
        handle = self._handles[-1]
        label = "VHDX" if handle.get_format_version().startswith("2") else "VHD"
        kind = _DISK_TYPES.get(handle.get_disk_type())
        return f"{label} ({kind})" if kind else label
