"""Evidence sources (raw, split raw, E01, folder) and the walk of their volumes and file systems."""

from triage.evidence.base import EvidenceError, Source
from triage.evidence.content import ContentError, ContentReader, Locator
from triage.evidence.detect import identify, open_evidence, open_source
from triage.evidence.walk import FileRecord, PartitionRecord, walk

__all__ = [
    "ContentError",
    "ContentReader",
    "EvidenceError",
    "FileRecord",
    "Locator",
    "PartitionRecord",
    "Source",
    "identify",
    "open_evidence",
    "open_source",
    "walk",
]
