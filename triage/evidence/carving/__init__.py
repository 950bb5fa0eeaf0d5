"""Carving: pictures and videos found by signature and structure where no file entry points,
in free blocks, unpartitioned space and volumes no file system could be read from."""

from triage.evidence.carving.formats import FORMATS, Format, Shape
from triage.evidence.carving.scanner import Candidate, Scanner, ScanCounts
from triage.evidence.carving.space import (CarveArea, SpaceError, areas, free_runs, gaps,
                                           intersect)

__all__ = ["FORMATS", "Candidate", "CarveArea", "Format", "ScanCounts", "Scanner", "Shape",
           "SpaceError", "areas", "free_runs", "gaps", "intersect"]
