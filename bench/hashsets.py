"""Benchmark: hash-set import rate, peak memory, and matching time. Prints figures; asserts nothing.

    python bench/hashsets.py                      # 10 million entries each, 1 million media
    python bench/hashsets.py --entries 1000000 --media 200000
    python bench/hashsets.py --workdir /big/disk --keep

Generates (once, kept in the work folder) a VICS 2.0 US hash set, an NSRL
RDS v3-style SQLite database and a CSV of the VICS set's digests, of
`--entries` entries each, and a case with `--media` media items of which
10 % are in the VICS set, 10 % in the NSRL set and 1 % in both
(conflicting). Then, each step in its own process so its peak RSS is its own:

0. the baseline: the CSV read by `csv` and inserted by `executemany` into a
   plain SQLite table, then indexed by digest (no checks, no Merkle root,
   no matching): what the simplest import of the same digests costs here;
1. import the VICS file (alert), 2. import the NSRL database (known-good),
3. match every media against both sets again (what ingest does at its end),
4. verify the VICS set's Merkle root.

The goal (issue 21): at least 100,000 entries/s on both formats and a peak
RSS under 1 GB at 10 million entries.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from triage.case.store import open_case  # noqa: E402  (after the path: run from a checkout)
from triage.hashsets import import_hash_set, match_case, verify_hash_set  # noqa: E402

GOAL_RATE = 100_000
INSERT_MEDIA = ("INSERT INTO media (sha256, sha1, md5, size, detected_type, analysed, "
                "stack_representative) VALUES (?, ?, ?, ?, ?, 0, 0)")
GOAL_RSS_MB = 1024
CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"


def vics_digests(i: int) -> tuple[str, str]:
    data = b"vics" + i.to_bytes(8, "little")
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest()


def nsrl_digests(i: int) -> tuple[str, str, str]:
    data = b"nsrl" + i.to_bytes(8, "little")
    return (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
            hashlib.sha256(data).hexdigest())


def make_vics(path: Path, entries: int) -> None:
    """A hash-set form file as Project VIC distributes them: upper-case MD5, string flags."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"@odata.context":"%s","value":[' % CONTEXT)
        chunk = []
        for i in range(entries):
            md5, sha1 = vics_digests(i)
            chunk.append(
                '%s{"MediaID":%d,"Category":%d,"MD5":"%s","SHA1":"%s","MediaSize":%d,'
                '"DateUpdated":"2024-01-01T00:00:00.000Z","IsPrecategorized":"false",'
                '"VictimIdentified":"false","OffenderIdentified":"false",'
                '"IsDistributed":"true","Series":"","Tags":""}'
                % ("," if i else "", i + 1, i % 5, md5.upper(), sha1, 1000 + i % 100000))
            if len(chunk) >= 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk) + "]}")


def make_nsrl(path: Path, entries: int) -> None:
    """The RDSv3 METADATA table (and the FILE view over it), upper-case hex as NIST ships it."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("CREATE TABLE METADATA (sha256 TEXT, sha1 TEXT, md5 TEXT, extension TEXT, "
                   "file_name TEXT, file_size INTEGER, package_id INTEGER)")
        db.execute("CREATE VIEW FILE AS SELECT sha256, sha1, md5, file_name, file_size, "
                   "package_id FROM METADATA")
        batch = []
        for i in range(entries):
            md5, sha1, sha256 = nsrl_digests(i)
            batch.append((sha256.upper(), sha1.upper(), md5.upper(), "dll", f"file{i}.dll",
                          4096 + i % 1000, i % 5000))
            if len(batch) >= 50000:
                db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?,?,?)", batch)
                batch = []
        db.executemany("INSERT INTO METADATA VALUES (?,?,?,?,?,?,?)", batch)


def make_csv(path: Path, entries: int) -> None:
    """The VICS set's digests, category and size as a CSV: the baseline's input."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("md5,sha1,category,size\n")
        chunk = []
        for i in range(entries):
            md5, sha1 = vics_digests(i)
            chunk.append(f"{md5.upper()},{sha1},{i % 5},{1000 + i % 100000}\n")
            if len(chunk) >= 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


def baseline(csv_path: Path, database: Path) -> int:
    """A plain import: `csv` rows through `executemany` into SQLite, then an index per
    digest so that the table can be matched; returns the rows inserted."""
    database.unlink(missing_ok=True)
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE entry (md5 TEXT, sha1 TEXT, category TEXT, size INTEGER)")
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX entry_md5 ON entry (md5)")
    db.execute("CREATE INDEX entry_sha1 ON entry (sha1)")
    db.commit()
    count = db.execute("SELECT count(*) FROM entry").fetchone()[0]
    db.close()
    database.unlink()
    return count


def make_case(folder: Path, media: int, entries: int) -> None:
    store = open_case(folder, create=True, examiner="bench")
    store.close()
    db = sqlite3.connect(folder / "case.sqlite")
    rows = []
    for i in range(media):
        if i % 10 == 0:  # in the VICS set (every 100th also in NSRL: conflicting)
            k = (i * 7919) % entries
            md5, sha1 = vics_digests(k)
            sha256 = hashlib.sha256(b"content" + i.to_bytes(8, "little")).hexdigest()
        elif i % 10 == 1:  # in the NSRL set
            md5, sha1, sha256 = nsrl_digests((i * 104729) % entries)
        else:
            data = b"media" + i.to_bytes(8, "little")
            md5, sha1, sha256 = (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
                                 hashlib.sha256(data).hexdigest())
        rows.append((sha256, sha1, md5, 1000 + i, "image/jpeg"))
        if len(rows) >= 50000:
            db.executemany(INSERT_MEDIA, rows)
            rows = []
    db.executemany(INSERT_MEDIA, rows)
    db.commit()
    db.close()


def make_conflicts(folder: Path, media: int, entries: int) -> int:
    """Every 100th media: add an NSRL-style known-good list entry too (a tiny extra set)."""
    conflicting = folder.parent / "known-good-overlap.txt"
    with open(conflicting, "w") as f:
        for i in range(0, media, 100):
            f.write(vics_digests((i * 7919) % entries)[1] + "\n")
    return len(range(0, media, 100))


# -- steps, each run in a child process -----------------------------------------------------


def step(name: str, case: Path, argument: str) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    if name == "baseline":
        result = {"entries": baseline(Path(argument), case.parent / "baseline.sqlite")}
        return _measured(result, wall, cpu)
    store = open_case(case, examiner="bench")
    wall, cpu = time.perf_counter(), time.process_time()
    result: dict = {}
    if name == "import-vics":
        r = import_hash_set(store, argument, "VICS bench")
        result = {"entries": r.entries, "matches": r.matches, "phases": r.phases}
    elif name == "import-nsrl":
        r = import_hash_set(store, argument, "NSRL bench")
        result = {"entries": r.entries, "matches": r.matches, "phases": r.phases}
    elif name == "import-list":
        r = import_hash_set(store, argument, "overlap", kind="known-good")
        result = {"entries": r.entries, "matches": r.matches}
    elif name == "match":
        result = match_case(store)
    elif name == "verify":
        result = {"intact": verify_hash_set(store, argument).intact}
    store.close()
    return _measured(result, wall, cpu)


def _measured(result: dict, wall: float, cpu: float) -> dict:
    result["seconds"] = time.perf_counter() - wall
    result["cpu_seconds"] = time.process_time() - cpu
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["peak_rss_reader_mb"] = children.ru_maxrss / 1024
    result["cpu_seconds_reader"] = children.ru_utime + children.ru_stime
    return result


def run_step(name: str, case: Path, argument: str = "") -> dict:
    proc = subprocess.run([sys.executable, __file__, "--step", name, str(case), argument],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--media", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/triage-bench-hashsets"))
    parser.add_argument("--keep", action="store_true", help="keep the case afterwards")
    parser.add_argument("--skip-nsrl", action="store_true")
    parser.add_argument("--step", nargs=3, metavar=("NAME", "CASE", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step[0], Path(args.step[1]), args.step[2])))
        return

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    vics = work / f"vics-{args.entries}.json"
    nsrl = work / f"nsrl-{args.entries}.db"
    listing = work / f"digests-{args.entries}.csv"
    for path, make in ((vics, make_vics), (nsrl, make_nsrl), (listing, make_csv)):
        if path == nsrl and args.skip_nsrl:
            continue
        if not path.exists():
            t = time.perf_counter()
            make(path.with_suffix(".part"), args.entries)
            path.with_suffix(".part").rename(path)
            print(f"generated {path.name} ({path.stat().st_size / 1e9:.2f} GB) "
                  f"in {time.perf_counter() - t:.0f} s")
    case = work / "case"
    shutil.rmtree(case, ignore_errors=True)
    t = time.perf_counter()
    make_case(case, args.media, args.entries)
    print(f"case with {args.media:,} media made in {time.perf_counter() - t:.0f} s")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} at start\n")

    results = {}
    results["baseline csv+executemany"] = run_step("baseline", case, str(listing))
    results["import VICS"] = run_step("import-vics", case, str(vics))
    if not args.skip_nsrl:
        results["import NSRL RDSv3"] = run_step("import-nsrl", case, str(nsrl))
    make_conflicts(case, args.media, args.entries)
    results["import overlap list"] = run_step("import-list", case,
                                              str(work / "known-good-overlap.txt"))
    results["match all media"] = run_step("match", case)
    results["verify VICS"] = run_step("verify", case, "VICS bench")

    for name, r in results.items():
        line = (f"{name:22} {r['seconds']:7.1f} s wall, CPU {r['cpu_seconds']:.1f} s main"
                f" + {r['cpu_seconds_reader']:.1f} s reader")
        if "entries" in r and r["seconds"] > 0:
            line += f"  {r['entries'] / r['seconds']:>10,.0f} entries/s"
            if r["entries"] >= 100_000:
                per = 1e6 / r["entries"]
                line += (f", CPU {r['cpu_seconds'] * per:.1f} + "
                         f"{r['cpu_seconds_reader'] * per:.1f} µs/entry")
        line += (f"  peak RSS {r['peak_rss_mb']:.0f} MB"
                 f" (reader {r['peak_rss_reader_mb']:.0f} MB)")
        print(line)
        extra = {k: v for k, v in r.items() if k not in (
            "seconds", "cpu_seconds", "peak_rss_mb", "peak_rss_reader_mb", "cpu_seconds_reader")}
        print(f"{'':22} {extra}")
    worst = max(max(r["peak_rss_mb"], r["peak_rss_reader_mb"]) for r in results.values())
    rates = [r["entries"] / r["seconds"] for k, r in results.items()
             if k.startswith("import") and r.get("entries", 0) >= 100_000]
    base = results["baseline csv+executemany"]
    base_rate = base["entries"] / base["seconds"]
    base_cpu = _cpu_per_entry(base)
    print(f"\nbaseline (csv + executemany + index, same digests): {base_rate:,.0f} entries/s, "
          f"CPU {base_cpu:.1f} µs/entry")
    for name in ("import VICS", "import NSRL RDSv3"):
        if name in results:
            r = results[name]
            print(f"{name}: {r['entries'] / r['seconds'] / base_rate:.2f}× the baseline's rate "
                  f"(wall), {_cpu_per_entry(r) / base_cpu:.2f}× its CPU per entry "
                  f"(all processes: what a loaded machine waits for)")
    print(f"goal: >= {GOAL_RATE:,} entries/s and peak RSS < {GOAL_RSS_MB} MB; "
          f"slowest large import {min(rates) if rates else 0:,.0f} entries/s, "
          f"highest peak RSS {worst:.0f} MB")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(case, ignore_errors=True)


def _cpu_per_entry(result: dict) -> float:
    return 1e6 * (result["cpu_seconds"] + result["cpu_seconds_reader"]) / result["entries"]


if __name__ == "__main__":
    main()
