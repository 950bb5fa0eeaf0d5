"""What checking deleted files for reused clusters adds to the walk (pipeline/reallocated.py).

Builds a FAT16 image with mtools (``--files`` files of 2-6 KB in 50 folders, every
other one deleted, then half as many new ones written, which take the freed clusters:
mtools, like FAT16 drivers, reuses the first free cluster; FAT32's next-free hint would
write after the last one), then, in the same run, times the walk alone (the records
ingest stores) against the check over the deleted files the ingest found, and prints how
many were noted.

    python bench/reallocated.py                # 4,000 files
    python bench/reallocated.py --files 20000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.case.models import Evidence  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.evidence import open_evidence, walk  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from triage.pipeline.reallocated import mark_reallocated  # noqa: E402


def build(folder: Path, files: int) -> Path:
    image = folder / "stick.img"
    with open(image, "wb") as handle:
        handle.truncate(max(64, files // 40) << 20)  # FAT16: up to 2 GiB
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mkfs.vfat", "-F", "16", str(image)], check=True, capture_output=True)
    sources = folder / "sources"
    for round_ in ("old", "new"):
        for folder_number in range(50):
            (sources / round_ / f"d{folder_number}").mkdir(parents=True)
        for number in range(files // 2 if round_ == "new" else files):
            size = 2048 + (number * 733) % 4096
            (sources / round_ / f"d{number % 50}" / f"f{number}.jpg").write_bytes(
                os.urandom(size))
    subprocess.run(["mcopy", "-s", "-i", str(image), str(sources / "old"), "::/"], check=True,
                   env=env)
    doomed = [f"::/old/d{n % 50}/f{n}.jpg" for n in range(0, files, 2)]
    for start in range(0, len(doomed), 500):
        subprocess.run(["mdel", "-i", str(image), *doomed[start:start + 500]], check=True,
                       env=env)
    subprocess.run(["mcopy", "-s", "-i", str(image), str(sources / "new"), "::/"], check=True,
                   env=env)
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        image = build(temp, args.files)
        started = time.perf_counter()
        records = sum(1 for _ in walk(open_evidence(image), carve=False))
        walked = time.perf_counter() - started
        store = open_case(temp / "case", create=True, examiner="bench")
        try:
            ingest = Ingest(store, "bench", IngestOptions(workers=1, analyse_media=False))
            ingest.add(image)
            ingest.run()
            with store.session() as session:
                evidence = session.get(Evidence, 1)
                started = time.perf_counter()
                noted = mark_reallocated(session, evidence)
                checked = time.perf_counter() - started
                session.rollback()
        finally:
            store.close()
    print(f"FAT16, {args.files} files written, {args.files // 2} deleted, {args.files // 2} "
          f"written after; load average {os.getloadavg()[0]:.1f}")
    print(f"  {f'walk alone ({records} records)':<34} {walked:6.2f} s")
    print(f"  {'reused-cluster check':<34} {checked:6.2f} s  ({checked / walked:.0%} "
          f"of the walk; {noted} deleted files noted)")


if __name__ == "__main__":
    main()
