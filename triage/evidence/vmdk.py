"""VMware virtual disks (VMDK): monolithic or split sparse, flat, stream-optimised, and
delta (snapshot) disks on their parent, through libvmdk-python."""

from __future__ import annotations

from pathlib import Path

import pyvmdk

from triage.evidence.libyal import LibyalImage

SIGNATURES = (b"KDMV", b"COWD", b"# Disk DescriptorFile")


class VmdkImage(LibyalImage):
    format = "vmdk"
    label = "VMDK"

    @classmethod
    def open_handle(cls, path: Path) -> pyvmdk.handle:
        handle = pyvmdk.handle()
        handle.open(str(path), "r")
        try:
            handle.open_extent_data_files()  # the extents named by the descriptor, beside it
        except (OSError, IOError):
            handle.close()
            raise
        return handle

    @classmethod
    def parent_name(cls, handle: pyvmdk.handle) -> str | None:
        return handle.get_parent_filename() or None
