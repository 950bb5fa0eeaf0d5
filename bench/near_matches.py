"""Time to find perceptual (PDQ) near matches of a hash set in a case, against brute force.

The case side (N random 256-bit PDQ hashes) goes into the multi-index
Hamming index once; a set of N hashes, 1,000 of them planted 20 bits from a
case item, is queried at radius 31 — what `triage.hashsets.perceptual` does
after import. Brute force (numpy XOR + popcount of every set hash against
every case hash) runs on a sample of the set and is extrapolated.

    python bench/near_matches.py               # 1,000,000 x 1,000,000
    python bench/near_matches.py --n 200000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.similarity.index import HammingIndex  # noqa: E402

PLANTED, FLIPS, RADIUS = 1000, 20, 31


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    case = rng.integers(0, 2**63, size=(args.n, 4), dtype=np.uint64) << np.uint64(1)
    case |= rng.integers(0, 2, size=(args.n, 4), dtype=np.uint64)
    wanted = rng.integers(0, 2**63, size=(args.n, 4), dtype=np.uint64) << np.uint64(1)
    wanted[:PLANTED] = case[:PLANTED]
    for row in range(PLANTED):
        for bit in rng.choice(256, FLIPS, replace=False):
            wanted[row, bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)

    started = time.perf_counter()
    index = HammingIndex(256, RADIUS, expected_size=args.n)
    index.extend(case)
    built = time.perf_counter()
    pairs = index.query(wanted)
    done = time.perf_counter()
    found = {(int(q), int(i)) for q, i in zip(pairs.left, pairs.right)}
    planted = {(row, row) for row in range(PLANTED)}

    sample = 200
    t = time.perf_counter()
    for row in wanted[PLANTED:PLANTED + sample]:
        np.bitwise_count(case ^ row).sum(axis=1) <= RADIUS
    brute = (time.perf_counter() - t) / sample * args.n

    print(f"{args.n:,} case PDQ hashes x {args.n:,} set hashes, radius {RADIUS}")
    print(f"  index build {built - started:.1f} s, query {done - built:.1f} s, "
          f"total {done - started:.1f} s")
    print(f"  planted found {len(found & planted)}/{PLANTED}, other pairs {len(found - planted)}")
    print(f"  brute force (extrapolated from {sample} rows): {brute:.0f} s "
          f"= {brute / (done - started):.0f}x slower")


if __name__ == "__main__":
    main()
