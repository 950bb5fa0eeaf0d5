"""Time and memory of the near-duplicate index against brute force.

Finds every pair within Hamming radius 10 among 1,000,000 synthetic 64-bit
hashes (uniform random, plus planted groups of near-copies: pairs of 2 to 50
members a few bits apart, and one group of 2,000 copies of one picture, as a
case with many resized copies has), with ``triage.similarity.index``, then
compares with a numpy brute force on a random sample of rows, extrapolated
to all rows. The brute force runs on as many threads as the index, and the
index's pairs for the sampled rows must equal the brute force's exactly.

    python bench/index.py                     # 1,000,000 hashes, radius 10
    python bench/index.py --n 5000000         # the largest case the issue names
    python bench/index.py --incremental 10    # also: built in 10 batches with add()
    python bench/index.py --faiss             # also: faiss' binary indexes on a sample
    python bench/index.py --bits 256 --radius 31 --n 200000   # PDQ-size hashes
    python bench/index.py --stacks            # also: find_stacks (every channel) on synthetic pictures

Goal (issue 10): <= 60 s and >= 20x faster than brute force on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.similarity.index import HammingIndex, Pairs, brute_force_pairs  # noqa: E402


def synthetic_hashes(n: int, bits: int, seed: int) -> tuple[np.ndarray, int]:
    """Uniform hashes with planted groups; returns (hashes, number of planted items)."""
    rng = np.random.default_rng(seed)
    words = bits // 64
    hashes = rng.integers(0, 2**64 - 1, size=(n, words), dtype=np.uint64, endpoint=True)
    planted = 0
    big = min(2000, n // 10)
    sizes = [big]
    budget = n // 10 - big
    while budget > 0:
        size = int(min(budget, rng.integers(2, 51)))
        sizes.append(size)
        budget -= size
    at = 0
    flips_per_word = 4
    for size in sizes:
        center = hashes[at].copy()
        group = np.repeat(center[None, :], size, axis=0)
        # Each copy differs from the picture by 0..flips_per_word bits per word.
        for w in range(words):
            for _ in range(flips_per_word):
                on = rng.random(size) < 0.5
                bit = rng.integers(0, 64, size).astype(np.uint64)
                group[on, w] ^= np.uint64(1) << bit[on]
        hashes[at:at + size] = group
        at += size
        planted += size
    # Shuffle so groups are not contiguous.
    hashes = hashes[rng.permutation(n)]
    return np.ascontiguousarray(hashes), planted


class PeakRSS:
    """Peak resident memory above a baseline while a segment runs (sampled every 5 ms)."""

    def __enter__(self):
        self.base = self._rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mib(self) -> float:
        return (self.peak - self.base) / 2**20


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def brute_force_sample(hashes: np.ndarray, radius: int, rows: np.ndarray, threads: int) -> Pairs:
    chunks = np.array_split(rows, threads)
    with ThreadPoolExecutor(threads) as pool:
        return Pairs.concat(pool.map(lambda r: brute_force_pairs(hashes, radius, rows=r), chunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--bits", type=int, default=64, choices=[64, 128, 256])
    parser.add_argument("--radius", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None, help="default: the CPUs this process may use")
    parser.add_argument("--sample", type=int, default=2000, help="rows for the brute force")
    parser.add_argument("--incremental", type=int, default=0, metavar="BATCHES",
                        help="also build the index in this many add() batches")
    parser.add_argument("--faiss", action="store_true", help="also time faiss-cpu's binary indexes")
    parser.add_argument("--stacks", action="store_true",
                        help="also time find_stacks over --n synthetic pictures (pHash, PDQ, 16 extra hashes)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    threads = args.threads or len(os.sched_getaffinity(0))
    print(f"{args.n:,} hashes of {args.bits} bits, radius {args.radius}, {threads} threads; "
          f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    hashes, planted = synthetic_hashes(args.n, args.bits, args.seed)
    print(f"  {planted:,} in planted groups (largest 2,000)")

    with PeakRSS() as mem:
        index = HammingIndex(args.bits, args.radius, expected_size=args.n, threads=threads)
        pairs, wall, cpu = timed(lambda: index.add(hashes))
    plan = " ".join(f"{b.bits}b/{b.flips}" for b in index.segments)
    print(f"index    {wall:8.1f} s wall {cpu:8.1f} s CPU   peak +{mem.mib:,.0f} MiB   "
          f"{len(pairs):,} pairs   segments {plan}")

    rng = np.random.default_rng(args.seed + 1)
    rows = np.sort(rng.choice(args.n, size=min(args.sample, args.n), replace=False))
    reference, bf_wall, bf_cpu = timed(lambda: brute_force_sample(hashes, args.radius, rows, threads))
    # Row i compares with n - i - 1 later rows: scale by the pairs actually done.
    done = float(np.sum(args.n - rows - 1))
    total = args.n * (args.n - 1) / 2
    bf_wall_all, bf_cpu_all = bf_wall * total / done, bf_cpu * total / done
    print(f"brute    {bf_wall_all:8.1f} s wall {bf_cpu_all:8.1f} s CPU   (extrapolated from "
          f"{len(rows):,} rows, {bf_wall:.1f} s; {bf_wall / done * 1e9:.2f} ns a pair)")
    mine = pairs.sorted()
    sampled = np.isin(mine.left, rows)
    got = Pairs(mine.left[sampled], mine.right[sampled], mine.distance[sampled]).sorted()
    ref = reference.sorted()
    same = (len(got) == len(ref) and np.array_equal(got.left, ref.left)
            and np.array_equal(got.right, ref.right) and np.array_equal(got.distance, ref.distance))
    print(f"check    {len(ref):,} pairs from the sampled rows: {'identical' if same else 'DIFFERENT'}")
    print(f"speed-up {bf_wall_all / wall:8.1f}x wall, {bf_cpu_all / cpu:.1f}x CPU   "
          f"(goal: <= 60 s and >= 20x)")

    if args.incremental:
        inc = HammingIndex(args.bits, args.radius, expected_size=args.n, threads=threads)
        batches = np.array_split(np.arange(args.n), args.incremental)
        found, wall_inc, _ = timed(lambda: Pairs.concat(inc.add(hashes[b]) for b in batches))
        same_inc = len(found) == len(pairs) and np.array_equal(found.sorted().left, mine.left)
        print(f"add x{args.incremental:<3d} {wall_inc:8.1f} s wall   {len(found):,} pairs "
              f"({'same as one batch' if same_inc else 'DIFFERENT'})")

    if args.faiss:
        run_faiss(hashes, args, rows, threads, total)
    if args.stacks:
        run_stacks(args.n, args.seed, threads)
    if not same:
        sys.exit(1)


def synthetic_pictures(n: int, seed: int):
    """Pictures with uniform random hashes; a tenth are copies (a few bits off) of others."""
    from triage.similarity.features import EXTRA_HASH_NAMES, ExtraHashArrays
    from triage.similarity.stacks import StackInput

    rng = np.random.default_rng(seed)

    def words(k):
        return rng.integers(0, 2**64 - 1, size=(n, k), dtype=np.uint64, endpoint=True)

    phash, pdq, extra = words(1), words(4), words(len(EXTRA_HASH_NAMES))
    copies = rng.random(n) < 0.1
    source = rng.integers(0, n, size=n)
    for segment, flips in ((phash, 3), (pdq, 12), (extra, 2)):
        segment[copies] = segment[source[copies]]
        for _ in range(flips):
            col = rng.integers(0, segment.shape[1], size=n)
            bit = rng.integers(0, 64, size=n).astype(np.uint64)
            on = copies & (rng.random(n) < 0.5)
            segment[np.flatnonzero(on), col[on]] ^= np.uint64(1) << bit[on]
    present = np.ones(extra.shape, bool)
    present[:, EXTRA_HASH_NAMES.index("content")] = rng.random(n) < 0.03
    side = rng.integers(200, 4000, size=n)
    return StackInput(np.arange(n), phash, pdq, ExtraHashArrays(extra, present, np.ones(n)),
                      width=side, height=side * 3 // 4, quality=np.full(n, 100)), int(copies.sum())


def run_stacks(n: int, seed: int, threads: int) -> None:
    from triage.similarity.stacks import find_stacks

    data, copies = synthetic_pictures(n, seed)
    with PeakRSS() as mem:
        stacks, wall, cpu = timed(lambda: find_stacks(data, threads=threads))
    in_stacks = int(np.count_nonzero(np.bincount(np.unique(stacks.stack, return_inverse=True)[1])[
        np.unique(stacks.stack, return_inverse=True)[1]] > 1))
    print(f"stacks   {wall:8.1f} s wall {cpu:8.1f} s CPU   peak +{mem.mib:,.0f} MiB   "
          f"{n:,} pictures ({copies:,} planted copies): {in_stacks:,} in stacks of 2 or more, "
          f"{stacks.candidates:,} extra-channel pairs")


def run_faiss(hashes: np.ndarray, args, rows: np.ndarray, threads: int, total: float) -> None:
    try:
        import faiss
    except ImportError:
        print("faiss    not installed (pip install faiss-cpu)")
        return
    faiss.omp_set_num_threads(threads)
    codes = hashes.view(np.uint8).reshape(len(hashes), -1)
    flat = faiss.IndexBinaryFlat(args.bits)
    flat.add(codes)
    _, wall, _ = timed(lambda: flat.range_search(codes[rows], args.radius + 1))
    # range_search compares each query with every item: n pairs per row.
    print(f"faiss flat       {wall * len(hashes) / len(rows) / 2:8.1f} s wall for all pairs (extrapolated, "
          f"half of n x n)")
    nhash = max(2, args.bits // 16)
    nflip = max(0, -(-(args.radius + 1) // nhash) - 1)
    multi = faiss.IndexBinaryMultiHash(args.bits, nhash, args.bits // nhash)
    multi.nflip = nflip
    _, wall_add, _ = timed(lambda: multi.add(codes))
    queries = rows[: max(1, len(rows) // 4)]
    _, wall, _ = timed(lambda: multi.range_search(codes[queries], args.radius + 1))
    print(f"faiss multi-hash {wall * len(hashes) / len(queries) + wall_add:8.1f} s wall for all pairs "
          f"(extrapolated from {len(queries)} queries; {nhash} tables of {args.bits // nhash} bits, "
          f"{nflip} flips)")


if __name__ == "__main__":
    main()
