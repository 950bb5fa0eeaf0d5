"""What checking E01 chunk checksums with ewfverify costs the image-hash step.

Builds an E01 (half noise, half zeros, deflate "fast") and times
`hash_evidence` with the ewfverify check (the default) against the same call
with ewfverify hidden (the hash alone, the baseline), alternating, best of N.

    python bench/ewf_checksums.py [--size-mb 64] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
from pathlib import Path

from triage.evidence import ewf
from triage.pipeline.work import hash_evidence


def build(folder: Path, size_mb: int) -> Path:
    raw, rnd = folder / "bench.raw", random.Random(2)
    with raw.open("wb") as out:
        for index in range(size_mb * 2):
            out.write(rnd.randbytes(1 << 19) if index % 2 else bytes(1 << 19))
    subprocess.run(["ewfacquire", "-u", "-q", "-t", str(folder / "bench"), "-f", "encase6",
                    "-c", "fast", "-C", "c", "-D", "d", "-e", "e", "-E", "1", "-N", "n",
                    "-m", "fixed", "-M", "physical", str(raw)], check=True,
                   capture_output=True)
    return folder / "bench.E01"


def timed(path: Path, check: bool) -> float:
    real = ewf.shutil.which
    if not check:
        ewf.shutil.which = lambda name: None if name == "ewfverify" else real(name)
    try:
        start = time.perf_counter()
        hash_evidence("ewf", [str(path)])
        return time.perf_counter() - start
    finally:
        ewf.shutil.which = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = build(Path(folder), args.size_mb)
        alone, checked = [], []
        for _ in range(args.repeat):
            alone.append(timed(path, False))
            checked.append(timed(path, True))
    print(f"{args.size_mb} MiB E01: hash alone (baseline) best {min(alone):.2f} s; "
          f"hash + ewfverify best {min(checked):.2f} s "
          f"({min(checked) / min(alone):.2f}x the baseline's time)")


if __name__ == "__main__":
    main()
