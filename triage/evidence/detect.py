"""Find what an evidence path is by its content, and open it with the right source.

Like dfVFS's analyzers: each format is recognised by its signature, and this
module is the one place formats are registered. Segment names (`.E02`,
`.002`) only group files that belong together; the format is always read
from the bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from triage.evidence.archive import ArchiveSource
from triage.evidence.base import EvidenceError, Source
from triage.evidence.containers import ARCHIVE_KINDS, archive_kind
from triage.evidence.dmg import SPARSE_SIGNATURE, UDIF_TRAILER, DmgImage
from triage.evidence.ewf import SIGNATURES as EWF_SIGNATURES
from triage.evidence.ewf import EwfImage, ewf_segments
from triage.evidence.folder import FolderSource
from triage.evidence.libyal import LibyalImage, image_chain
from triage.evidence.qcow import SIGNATURE as QCOW_SIGNATURE
from triage.evidence.qcow import QcowImage
from triage.evidence.raw import RawImage, SplitRawImage, split_segments
from triage.evidence.vhd import VHD_SIGNATURE, VHDX_SIGNATURE, VhdImage
from triage.evidence.vmdk import SIGNATURES as VMDK_SIGNATURES
from triage.evidence.vmdk import VmdkImage

SOURCES: dict[str, type[Source]] = {
    cls.format: cls for cls in (RawImage, SplitRawImage, EwfImage, FolderSource, ArchiveSource,
                                VmdkImage, VhdImage, QcowImage, DmgImage)
}

# Formats we cannot read: say so instead of walking them as raw bytes.
UNSUPPORTED = (
    (0, b"LVF\x09\x0d\x0a\xff\x00", "EWF logical evidence (L01)"),
    (0, b"AFF", "Advanced Forensic Format (AFF)"),
)


def identify(path: Path, parents: tuple[Path, ...] = ()) -> tuple[str, list[Path]]:
    """Return (format, segment paths) for an evidence path, from its content.

    `parents` are files the examiner named with `--parent`, where a differential
    image's parent is not beside it.
    """
    if path.is_dir():
        return FolderSource.format, [path]
    if not path.exists():
        raise EvidenceError(f"{path}: no such file or folder")
    if not path.is_file():
        raise EvidenceError(f"{path}: not a regular file or folder")
    try:
        with open(path, "rb") as handle:  # read-only, always
            head = handle.read(4096)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror}") from exc
    if not head:
        raise EvidenceError(f"{path}: empty file (0 bytes), nothing to read")
    if head.startswith(EWF_SIGNATURES):
        return EwfImage.format, ewf_segments(path)
    if image := _virtual_disk(head, _tail(path)):
        return image.format, image_chain(image, path.absolute(), [Path(p) for p in parents])
    for offset, magic, label in UNSUPPORTED:
        if head[offset:].startswith(magic):
            raise EvidenceError(
                f"{path}: {label} images are not supported; convert to raw or E01 first"
            )
    if archive_kind(head) in ARCHIVE_KINDS:
        return ArchiveSource.format, [path]
    segments = split_segments(path)
    if len(segments) > 1:
        return SplitRawImage.format, segments
    return RawImage.format, [path]


def _tail(path: Path) -> bytes:
    """The last 512 bytes: a fixed VHD and a UDIF disk image are known by their trailer."""
    try:
        with open(path, "rb") as handle:  # read-only, always
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 512))
            return handle.read(512)
    except OSError:
        return b""


def _virtual_disk(head: bytes, tail: bytes) -> type[LibyalImage] | None:
    if head.startswith(VMDK_SIGNATURES):
        return VmdkImage
    if head.startswith((VHDX_SIGNATURE, VHD_SIGNATURE)) or tail.startswith(VHD_SIGNATURE):
        return VhdImage
    if head.startswith(QCOW_SIGNATURE):
        return QcowImage
    if tail.startswith(UDIF_TRAILER) or head.startswith(SPARSE_SIGNATURE):
        return DmgImage
    return None


def open_source(format: str, paths: list[Path | str]) -> Source:
    """Open a source already identified (as the store records it)."""
    try:
        cls = SOURCES[format]
    except KeyError:
        raise EvidenceError(f"unknown evidence format {format!r}") from None
    return cls([Path(p) for p in paths])


def open_evidence(path: Path | str, parents: tuple[Path, ...] = ()) -> Source:
    format, segments = identify(Path(path), parents)
    return open_source(format, segments)
