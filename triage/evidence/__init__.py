"""Evidence sources (raw, split raw, E01, VMDK, VHD/VHDX, QCOW2, DMG, folder, archive), the
walk of their volumes (partitions, BitLocker, LUKS, FileVault, APFS) and file systems, and the containers
found in their files."""

from triage.time_zones import pin_utc
from triage.evidence.base import EvidenceError, Source
from triage.evidence.carving import CarveArea
from triage.evidence.containers import ContainerError
from triage.evidence.content import ContentError, ContentReader, Locator
from triage.evidence.detect import identify, open_evidence, open_source
from triage.evidence.encrypted import VolumeKeys
from triage.evidence.walk import FileRecord, PartitionRecord, walk

# Before any library reads a file system or an archive, in every process that reads
# evidence (ingest workers, cluster workers, the GUI's viewers): see triage/time_zones.py.
pin_utc()

__all__ = [
    "CarveArea",
    "ContainerError",
    "ContentError",
    "ContentReader",
    "EvidenceError",
    "FileRecord",
    "Locator",
    "PartitionRecord",
    "Source",
    "VolumeKeys",
    "identify",
    "open_evidence",
    "open_source",
    "walk",
]
