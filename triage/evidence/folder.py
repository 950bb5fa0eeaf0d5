"""A folder of logical files a lab already extracted: walked with the OS, not TSK."""

from __future__ import annotations

from pathlib import Path

from triage.evidence.base import EvidenceError, Source


class FolderSource(Source):
    format = "folder"

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        if not paths[0].is_dir():
            raise EvidenceError(f"{paths[0]}: not a folder")

    @property
    def root(self) -> Path:
        return self.paths[0]

    @property
    def is_image(self) -> bool:
        return False

    @property
    def size(self) -> int:
        return 0

    def read(self, offset: int, length: int) -> bytes:
        raise EvidenceError(f"{self.root}: a folder has no image bytes")

    def tsk_image(self):
        raise EvidenceError(f"{self.root}: a folder is walked directly, not through TSK")

    def chunks(self, size: int = 0):
        return iter(())
