"""What reading volume shadow copies costs: the walk and the hashing of every file of
tests/data/vsstest.qcow2 (an NTFS volume with two snapshots), the live volume alone
(baseline, snapshots switched off) against the live volume and its snapshots, in one run.

    python bench/shadow_copies.py [--repeat 3] [IMAGE]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.evidence import ContentError, ContentReader, Locator, open_evidence, walk  # noqa: E402
walk_module = importlib.import_module("triage.evidence.walk")  # the module, not walk()
from triage.evidence.records import FileRecord, PartitionRecord  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "vsstest.qcow2"


def read_all(image: Path) -> tuple[int, int, int, float]:
    """Files hashed, bytes hashed, volumes, seconds: walk then MD5 every readable file."""
    start = time.perf_counter()
    source = open_evidence(image)
    snapshots, files = {}, []
    for record in walk(source, carve=False):
        if isinstance(record, PartitionRecord):
            snapshots[record.index] = (record.offset, record.snapshot)
        elif isinstance(record, FileRecord) and record.kind == "file" and record.readable:
            files.append(record)
    source.close()
    reader, count, size = ContentReader(), 0, 0
    for record in files:
        offset, snapshot = snapshots[record.partition_index]
        where = Locator(source.format, tuple(str(p) for p in source.paths), offset,
                        record.meta_addr, record.path, record.path_bytes, record.attr_type,
                        record.attr_id, snapshot=snapshot)
        digest = hashlib.md5()
        try:
            for chunk in reader.chunks(where):
                digest.update(chunk)
                size += len(chunk)
            count += 1
        except ContentError:
            pass
    reader.close()
    return count, size, len(snapshots), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = {}
    for _ in range(args.repeat):
        with mock.patch.object(walk_module, "has_shadow_copies", return_value=False):
            rows.setdefault("live volume only (baseline)", []).append(read_all(args.image))
        rows.setdefault("live volume + snapshots", []).append(read_all(args.image))
    base = min(r[3] for r in rows["live volume only (baseline)"])
    print(f"{args.image.name}, best of {args.repeat}")
    for name, runs in rows.items():
        files, size, volumes, _ = runs[0]
        best = min(r[3] for r in runs)
        print(f"  {name:30} {volumes} volumes {files:4} files {size / 1e6:8.1f} MB "
              f"{best:6.2f} s  ({best / base:.2f}x the baseline)")


if __name__ == "__main__":
    main()
