"""Ingest speed: `triage ingest` against `tsk_recover` + `hashdeep` on the same image.

One run times, on the same generated disk image (>= 500 MB of media, built and
cached by bench/make_media_image.py):

* baseline: ``tsk_recover -e -o OFFSET IMAGE OUT`` (every allocated and
  unallocated file out of the partition) then
  ``hashdeep -r -c md5,sha1,sha256 OUT`` on what it wrote;
* ours: ``python -m triage ingest CASE IMAGE`` into a fresh case folder, the
  full ingest (hashes, type, decode, perceptual hashes, thumbnails, EXIF);
  and ``ingest --hashes-only``, the same digests as the baseline: the goal
  (issue 2: at least 1.5× the baseline's speed) is judged on this like-for-like
  row, by best and by median runs.

Each side runs ``--repeat`` times, alternating which goes first, after the
image has been read once so that neither pays the first cold read. It prints
best and median seconds, MB/s, CPU seconds and files, the speed-up ratio, and
checks that Triage's files and MD5/SHA-1/SHA-256 agree with hashdeep's (and
with the generator's manifest).

    python bench/ingest.py                  # 520 MB image, one run each
    python bench/ingest.py --repeat 3
    python bench/ingest.py --size-mb 60     # quick check
    python bench/ingest.py --profile        # and one extra cProfile'd run of ours
    python bench/ingest.py --py-spy         # and one extra run sampled by py-spy
    python bench/ingest.py --formats --size-mb 60 --repeat 3
                                            # only the virtual disk rows (issue 20)

With ``--formats``, the same disk is converted by ``qemu-img`` to VMDK, VHD,
VHDX and QCOW2 and each is ingested ``--hashes-only`` against the raw disk
in the same run (goal: each format costs at most 1.3× the raw ingest).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_media_image  # noqa: E402

GOAL = 1.5
FORMATS_GOAL = 1.3  # a virtual disk's ingest against the raw disk's (issue 20)
QEMU_FORMATS = {"VMDK": ("vmdk", []), "VHD": ("vpc", ["-o", "subformat=dynamic,force_size=on"]),
                "VHDX": ("vhdx", []), "QCOW2": ("qcow2", [])}
PYSPY_RATE = 100  # samples per second per process
HASHDEEP_ALGOS = "md5,sha1,sha256"


@dataclass
class Timing:
    """Wall and child-CPU seconds of one step."""

    wall: float
    cpu: float


@dataclass
class Side:
    name: str
    steps: dict[str, list[Timing]] = field(default_factory=dict)
    failed: str | None = None

    def add(self, step: str, t: Timing) -> None:
        self.steps.setdefault(step, []).append(t)


def timed(cmd: list[str], **kw) -> tuple[Timing, subprocess.CompletedProcess]:
    """Run a command to completion; wall time and the CPU time of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu), proc


def speed_up(baseline: list[float], ours: list[float]) -> tuple[float, float]:
    """How many times faster ours is: best run against best run, median against median."""
    return (min(baseline) / min(ours),
            statistics.median(baseline) / statistics.median(ours))


def warm_page_cache(path: Path) -> float:
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass
    return time.perf_counter() - t0


def settle(image: Path) -> None:
    """Flush dirty pages left by the previous step so the next one does not pay for them,
    and read the image into the page cache again (this VM reclaims cold cache pages)."""
    os.sync()
    warm_page_cache(image)
    time.sleep(0.2)


def triage_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def ingest_has_option(option: str) -> bool:
    proc = subprocess.run([sys.executable, "-m", "triage", "ingest", "--help"], capture_output=True,
                          text=True, env=triage_env(), cwd=REPO, stdin=subprocess.DEVNULL)
    return option in proc.stdout


def triage_available() -> str | None:
    """None when `python -m triage ingest` can run, else why not."""
    proc = subprocess.run([sys.executable, "-m", "triage", "--help"], capture_output=True,
                          text=True, env=triage_env(), cwd=REPO, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["no output"])[-1]
    if "ingest" not in proc.stdout:
        return "`python -m triage --help` does not list an ingest command"
    return None


# --------------------------------------------------------------------------- the two sides

def run_baseline(img: make_media_image.MediaImage, out: Path, listing: Path, side: Side) -> bool:
    t_tsk, proc = timed(["tsk_recover", "-e", "-o", str(img.sector_offset), str(img.path), str(out)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        side.failed = f"tsk_recover exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}"
        return False
    # hashdeep's listing goes to a file (as `> file`), kept for the agreement check.
    with open(listing, "wb") as sink:
        t_hd, proc = timed(["hashdeep", "-r", "-c", HASHDEEP_ALGOS, str(out)],
                           stdout=sink, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        side.failed = f"hashdeep exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}"
        return False
    side.add("tsk_recover", t_tsk)
    side.add("hashdeep", t_hd)
    side.add("total", Timing(t_tsk.wall + t_hd.wall, t_tsk.cpu + t_hd.cpu))
    return True


def ours_cmd(case: Path, img: make_media_image.MediaImage, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "triage", "ingest", str(case), str(img.path), *extra]


def run_ours(img: make_media_image.MediaImage, case: Path, log: Path, extra: list[str], side: Side) -> bool:
    with open(log, "wb") as sink:
        t, proc = timed(ours_cmd(case, img, extra), stdout=sink, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL, env=triage_env(), cwd=REPO)
    if proc.returncode != 0:
        tail = log.read_bytes()[-1500:].decode(errors="replace")
        side.failed = f"triage ingest exited {proc.returncode}; log {log}:\n{tail}"
        return False
    side.add("total", t)
    return True


# --------------------------------------------------------------------------- agreement

def read_hashdeep(listing: Path, root: Path) -> dict[str, tuple[str, str, str, int]]:
    """relative path -> (md5, sha1, sha256, size) from a hashdeep listing."""
    prefix = str(root).rstrip("/") + "/"
    rows = {}
    with open(listing, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if line.startswith(("%", "#")) or not line.strip():
                continue
            size, md5, sha1, sha256, name = line.rstrip("\n").split(",", 4)
            rows[name[len(prefix):] if name.startswith(prefix) else name] = (md5, sha1, sha256, int(size))
    return rows


def read_triage_files(case: Path) -> tuple[list[dict] | None, str]:
    proc = subprocess.run([sys.executable, "-m", "triage", "files", str(case), "--csv"],
                          capture_output=True, text=True, env=triage_env(), cwd=REPO,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return None, f"`triage files --csv` exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    return rows, ""


def truthy(v: str | None) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "y", "t")


def match_path(path: str, known: dict) -> str | None:
    """Triage's path to hashdeep's relative path: exact, or after dropping leading
    components (a partition or evidence prefix such as 'p1/' or 'vol2048/')."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    for i in range(len(parts)):
        cand = "/".join(parts[i:])
        if cand in known:
            return cand
    return None


def agreement(hd: dict, triage_rows: list[dict] | None, manifest: list[dict], note: str) -> list[str]:
    lines = []
    truth = {f["path"]: f["md5"] for f in manifest}
    ref = "hashdeep"
    if hd:
        hd_vs_truth = sum(1 for p, v in hd.items() if truth.get(p) == v[0])
        lines.append(f"  hashdeep vs generator manifest: {len(hd)} recovered / {len(truth)} put in, "
                     f"{hd_vs_truth} MD5s agree"
                     + ("" if hd_vs_truth == len(truth) == len(hd) else "  <-- MISMATCH"))
    else:
        ref = "manifest"
        hd = {f["path"]: (f["md5"], "", "", f["size"]) for f in manifest}
        lines.append("  baseline not run: triage is compared with the generator manifest (MD5 only)")
    if triage_rows is None:
        lines.append(f"  triage vs {ref}: not checked ({note})")
        return lines
    live = [r for r in triage_rows if not truthy(r.get("deleted"))]
    deleted = len(triage_rows) - len(live)
    with_hash = [r for r in live if (r.get("md5") or "").strip()]
    matched, md5_ok, all_ok, unmatched = {}, 0, 0, []
    for r in with_hash:
        p = match_path(r.get("path", ""), hd)
        if p is None:
            unmatched.append(r.get("path", ""))
            continue
        matched[p] = r
        md5, sha1, sha256, _ = hd[p]
        if r["md5"].strip().lower() == md5:
            md5_ok += 1
            if ref == "manifest" or (r.get("sha1", "").strip().lower() == sha1
                                     and r.get("sha256", "").strip().lower() == sha256):
                all_ok += 1
    missing = [p for p in hd if p not in matched]
    kinds: dict[str, int] = {}
    for r in with_hash:
        k = (r.get("detected_type") or "(not sniffed)") if "detected_type" in r else (r.get("kind") or "?")
        kinds[k] = kinds.get(k, 0) + 1
    mismatched = sum(1 for r in with_hash if truthy(r.get("extension_mismatch")))
    ok = md5_ok == len(hd) == len(with_hash) and all_ok == md5_ok
    lines.append(f"  triage vs {ref}: triage lists {len(triage_rows)} entries ({len(live)} allocated, "
                 f"{deleted} deleted, {len(with_hash)} allocated with hashes); {ref} {len(hd)} files")
    lines.append(f"    paths matched {len(matched)}, MD5 agree {md5_ok}, MD5+SHA-1+SHA-256 agree {all_ok}"
                 + ("   -> AGREE" if ok else "   -> DISAGREE"))
    lines.append("    detected types: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
                 + (f"; extension mismatch flagged on {mismatched}" if "extension_mismatch" in with_hash[0] else "")
                 if with_hash else "    no hashed files")
    if missing:
        lines.append(f"    in {ref}, not in triage ({len(missing)}): " + "; ".join(missing[:5]))
    if unmatched:
        lines.append(f"    in triage, not in {ref} ({len(unmatched)}): " + "; ".join(unmatched[:5]))
    return lines


# --------------------------------------------------------------------------- report

def fmt_row(label: str, ts: list[Timing] | None, mb: float, files: str) -> str:
    if not ts:
        return f"  {label:40s} {'-':>8s} {'-':>9s} {'-':>8s} {'-':>8s} {files:>7s}"
    best = min(t.wall for t in ts)
    med = statistics.median(t.wall for t in ts)
    cpu = min(ts, key=lambda t: t.wall).cpu
    return f"  {label:40s} {best:8.2f} {med:9.2f} {mb / best:8.1f} {cpu:8.2f} {files:>7s}"


def profile_ours(img, work: Path, extra: list[str], top: int) -> None:
    import pstats
    case = work / "case-profile"
    prof = work / "ingest.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "triage", "ingest", str(case),
           str(img.path), *extra]
    print(f"\nProfiling one more run of ours (not in the table): {' '.join(cmd)}")
    t, proc = timed(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=triage_env(), cwd=REPO,
                    stdin=subprocess.DEVNULL)
    print(f"  wall {t.wall:.2f} s under cProfile (exit {proc.returncode}); profile saved to {prof}")
    if not prof.exists():
        print(proc.stderr.decode(errors="replace")[-1000:])
        return
    print("  (cProfile sees the main process only; work done in worker processes shows up as waiting)")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(str(prof), stream=out).sort_stats(key).print_stats(top)
        text = out.getvalue()
        print(f"\n  --- top {top} by {key} ---")
        print(text[text.find("   ncalls"):].rstrip())
    shutil.rmtree(case, ignore_errors=True)


def _frame_name(frame: str) -> str:
    """'func (/long/path/to/file.py:123)' -> 'func (pkg/file.py)'."""
    func, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path = where.rsplit(":", 1)[0] if where[-1:].isdigit() else where
    for marker in ("site-packages/", "/lib/python3", str(REPO) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker.startswith("/lib/python3"):
                path = "stdlib/" + path.split("/", 1)[-1]
            break
    return f"{func} ({path})" if path else func


def summarize_collapsed(raw: Path, top: int, rate: int = PYSPY_RATE) -> list[str]:
    """Per-process busy time and the top frames (own and inclusive) from py-spy's raw
    output, recorded without --idle so that samples are time spent running."""
    from collections import Counter
    per_proc, self_t, incl = Counter(), Counter(), Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        proc = "?"
        while stack.startswith("process "):  # nested: parent first, then the child that ran
            end = stack.find('";')  # the command line itself may hold ';'
            proc, stack = (stack[:end + 1], stack[end + 2:]) if end > 0 else (stack, "")
        if proc != "?":
            pid = proc[len("process "):].split(":", 1)[0]
            kind = ("worker" if "--multiprocessing-fork" in proc or "spawn_main" in proc else
                    "resource tracker" if "resource_tracker" in proc else "main (triage ingest)")
            proc = f"pid {pid} {kind}"
        frames = stack.split(";")
        per_proc[proc] += n
        total += n
        names = [_frame_name(f) for f in frames if f]
        if names:
            self_t[names[-1]] += n
        for name in set(names):
            incl[name] += n
    if not total:
        return ["  (no samples)"]
    sec = 1 / rate
    out = [f"  {total} busy samples = {total * sec:.2f} CPU-busy seconds (all processes); by process:"]
    for p, n in per_proc.most_common(12):
        out.append(f"    {n * sec:6.2f} s {100 * n / total:5.1f}%  {p}")
    out.append(f"  top {top} by own time:")
    for f, n in self_t.most_common(top):
        out.append(f"    {n * sec:6.2f} s {100 * n / total:5.1f}%  {f}")
    out.append(f"  top {top} by inclusive time:")
    for f, n in incl.most_common(top):
        out.append(f"    {n * sec:6.2f} s {100 * n / total:5.1f}%  {f}")
    return out


def pyspy_ours(img, work: Path, extra: list[str], top: int) -> None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("\npy-spy not found: pip install py-spy (into the venv) to use --py-spy")
        return
    case = work / "case-pyspy"
    raw = work / "ingest.pyspy.txt"
    cmd = [exe, "record", "--subprocesses", "--format", "raw", "-r", str(PYSPY_RATE), "-o", str(raw),
           "--", *ours_cmd(case, img, extra)]
    print(f"\nSampling one more run of ours with py-spy (not in the table): {' '.join(cmd)}")
    t, proc = timed(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=triage_env(), cwd=REPO,
                    stdin=subprocess.DEVNULL)
    print(f"  wall {t.wall:.2f} s under py-spy (exit {proc.returncode}); raw stacks in {raw}")
    if not raw.exists():
        print(proc.stderr.decode(errors="replace")[-1000:])
        return
    for line in summarize_collapsed(raw, top):
        print(line)
    shutil.rmtree(case, ignore_errors=True)


def full_read_speed(path: Path, repeat: int) -> float:
    """MB/s of reading the whole disk through Triage's source for its format (best run)."""
    sys.path.insert(0, str(REPO))
    from triage.evidence import open_evidence

    best = float("inf")
    for _ in range(repeat):
        source = open_evidence(path)
        started = time.perf_counter()
        for _chunk in source.chunks():
            pass
        best = min(best, time.perf_counter() - started)
        source.close()
    return source.size / 1e6 / best


def run_formats(img: make_media_image.MediaImage, work: Path, repeat: int) -> int:
    """`ingest --hashes-only` of the raw disk and of the same disk in each virtual format,
    alternating, `repeat` times; prints best and median seconds and the ratio to raw."""
    if not shutil.which("qemu-img"):
        print("qemu-img not found: apt-get install qemu-utils", file=sys.stderr)
        return 2
    images = {"raw": img.path}
    for label, (fmt, options) in QEMU_FORMATS.items():
        target = work / f"disk.{fmt}"
        subprocess.run(["qemu-img", "convert", "-q", "-f", "raw", "-O", fmt, *options,
                        str(img.path), str(target)], check=True)
        images[label] = target
    times: dict[str, list[float]] = {label: [] for label in images}
    for i in range(repeat):
        order = list(images) if i % 2 == 0 else list(reversed(images))
        for label in order:
            case = work / f"case-{label}-{i}"
            settle(images[label])
            t, proc = timed([sys.executable, "-m", "triage", "ingest", str(case),
                             str(images[label]), "--hashes-only"],
                            capture_output=True, env=triage_env(), cwd=REPO)
            if proc.returncode != 0:
                print(f"{label}: ingest failed: {proc.stderr.decode(errors='replace')[-500:]}")
                return 1
            times[label].append(t.wall)
            print(f"[bench] run {i + 1}/{repeat} {label}: {t.wall:.2f} s", file=sys.stderr)
            shutil.rmtree(case, ignore_errors=True)
    raw_best, raw_median = min(times["raw"]), statistics.median(times["raw"])
    reads = {label: full_read_speed(path, repeat) for label, path in images.items()}
    print()
    print(f"Virtual disks: ingest --hashes-only of one {img.path.stat().st_size / 1e6:.0f} MB "
          f"disk ({img.content_bytes / 1e6:.0f} MB of files), {repeat} run(s) each, alternating")
    print(f"  {'format':8s} {'file MB':>8s} {'best s':>8s} {'median s':>9s} {'× raw best':>11s} "
          f"{'× raw median':>13s} {'read MB/s':>10s}")
    for label, runs in times.items():
        size = images[label].stat().st_blocks * 512 / 1e6
        best, median = min(runs), statistics.median(runs)
        print(f"  {label:8s} {size:8.0f} {best:8.2f} {median:9.2f} {best / raw_best:11.2f} "
              f"{median / raw_median:13.2f} {reads[label]:10.0f}")
    print("  read MB/s: the whole disk read through its Source in this process (best run), "
          "the part of the cost that depends on the format")
    worst = max(statistics.median(runs) / raw_median
                for label, runs in times.items() if label != "raw")
    print(f"  goal: each format ≤ {FORMATS_GOAL}× the raw ingest (medians): "
          f"{'met' if worst <= FORMATS_GOAL else 'NOT met'} (worst {worst:.2f}×)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=520, help="media in the image, MB (default 520)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each side (default 1)")
    ap.add_argument("--rebuild", action="store_true", help="regenerate the cached image")
    ap.add_argument("--cache-dir", type=Path, default=make_media_image.DEFAULT_CACHE)
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where recovered files and case folders go (default: a new folder in $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the last run's outputs")
    ap.add_argument("--baseline-only", action="store_true", help="time only tsk_recover + hashdeep")
    ap.add_argument("--ours-only", action="store_true", help="time only triage ingest (no ratio)")
    ap.add_argument("--ours-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `triage ingest` (repeatable), e.g. --ours-arg=--workers=2")
    ap.add_argument("--no-hashes-only", action="store_true",
                    help="skip the extra `triage ingest --hashes-only` row (the like-for-like comparison)")
    ap.add_argument("--profile", action="store_true",
                    help="after timing, run ours once more under cProfile and print the top functions")
    ap.add_argument("--py-spy", action="store_true",
                    help="after timing, sample one more run of ours with py-spy (all processes)")
    ap.add_argument("--profile-top", type=int, default=30, help="lines per profile listing")
    ap.add_argument("--formats", action="store_true",
                    help="only the virtual disk rows: raw against VMDK, VHD, VHDX, QCOW2")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    if args.formats:
        img = make_media_image.ensure_image(args.size_mb, args.seed, args.cache_dir, args.rebuild)
        work = Path(tempfile.mkdtemp(prefix="triage-bench-", dir=args.workdir))
        try:
            return run_formats(img, work, args.repeat)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    for tool in ("tsk_recover", "hashdeep"):
        if not shutil.which(tool):
            print(f"{tool} not found: apt-get install sleuthkit hashdeep", file=sys.stderr)
            return 2
    img = make_media_image.ensure_image(args.size_mb, args.seed, args.cache_dir, args.rebuild)
    content_mb = img.content_bytes / 1e6
    image_mb = img.path.stat().st_size / 1e6

    why_not = None if args.baseline_only else triage_available()
    do_ours = not args.baseline_only and why_not is None

    work = Path(tempfile.mkdtemp(prefix="triage-bench-", dir=args.workdir))
    base, ours, lean = Side("baseline"), Side("ours"), Side("ours --hashes-only")
    do_lean = do_ours and not args.no_hashes_only and ingest_has_option("--hashes-only")
    last_out = last_listing = last_case = None
    load_before = os.getloadavg()[0]
    warm = warm_page_cache(img.path)
    try:
        for i in range(args.repeat):
            order = ["baseline", "ours", "lean"]
            if i % 2:
                order.reverse()
            for which in order:
                if which == "baseline" and not base.failed and not args.ours_only:
                    out, listing = work / f"recovered-{i}", work / f"hashdeep-{i}.txt"
                    settle(img.path)
                    ok = run_baseline(img, out, listing, base)
                    print(f"[bench] run {i + 1}/{args.repeat} baseline: "
                          + (f"{base.steps['total'][-1].wall:.2f} s" if ok else "FAILED"), file=sys.stderr)
                    if last_out:
                        shutil.rmtree(last_out, ignore_errors=True)
                    last_out, last_listing = out, listing
                elif which == "ours" and do_ours and not ours.failed:
                    case = work / f"case-{i}"
                    settle(img.path)
                    ok = run_ours(img, case, work / f"ingest-{i}.log", args.ours_arg, ours)
                    print(f"[bench] run {i + 1}/{args.repeat} ours: "
                          + (f"{ours.steps['total'][-1].wall:.2f} s" if ok else "FAILED"), file=sys.stderr)
                    if last_case:
                        shutil.rmtree(last_case, ignore_errors=True)
                    last_case = case
                elif which == "lean" and do_lean and not lean.failed:
                    case = work / f"case-hashes-only-{i}"
                    settle(img.path)
                    ok = run_ours(img, case, work / f"ingest-hashes-only-{i}.log",
                                  ["--hashes-only", *args.ours_arg], lean)
                    print(f"[bench] run {i + 1}/{args.repeat} ours --hashes-only: "
                          + (f"{lean.steps['total'][-1].wall:.2f} s" if ok else "FAILED"), file=sys.stderr)
                    shutil.rmtree(case, ignore_errors=True)

        hd = read_hashdeep(last_listing, last_out) if last_listing and last_listing.exists() else {}
        if do_ours and last_case and not ours.failed:
            rows, note = read_triage_files(last_case)
        else:
            rows, note = None, (why_not or ours.failed or "ours not run")

        # ------------------------------------------------------------------ the table
        print()
        print(f"Ingest bench: {img.path}")
        print(f"  image {image_mb:.1f} MB raw (MBR, ext4 at sector {img.sector_offset}), "
              f"{len(img.files)} files, {content_mb:.1f} MB of file content (MB = 10^6 bytes)")
        print(f"  {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
              f"{args.repeat} run(s) per side, alternating order, page cache warmed before each "
              f"({image_mb / warm:.0f} MB/s read)")
        print(f"  load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after: "
              f"other work on this machine slows both sides; compare best runs")
        print()
        print(f"  {'step':40s} {'best s':>8s} {'median s':>9s} {'MB/s':>8s} {'CPU s':>8s} {'files':>7s}")
        nfiles = str(len(hd)) if hd else "-"
        print(fmt_row(f"tsk_recover -e -o {img.sector_offset}", base.steps.get("tsk_recover"), content_mb, nfiles))
        print(fmt_row(f"hashdeep -r -c {HASHDEEP_ALGOS}", base.steps.get("hashdeep"), content_mb, nfiles))
        print(fmt_row("baseline total (tsk_recover + hashdeep)", base.steps.get("total"), content_mb, nfiles))
        ours_files = "-"
        if rows is not None:
            ours_files = str(sum(1 for r in rows if not truthy(r.get("deleted")) and (r.get("md5") or "").strip()))
        print(fmt_row("triage ingest (ours)", ours.steps.get("total"), content_mb, ours_files))
        if do_lean:
            print(fmt_row("  for comparison: ingest --hashes-only", lean.steps.get("total"), content_mb, ours_files))
        print("  MB/s = file content MB / best seconds; CPU s = user+sys of the best run, children included")
        for label, side in (("baseline", base), ("ours", ours), ("ours --hashes-only", lean)):
            if side.steps.get("total"):
                print(f"  every run, {label:18s}: " + ", ".join(f"{t.wall:.2f}" for t in side.steps["total"]))
        print()
        if base.failed:
            print(f"  baseline FAILED: {base.failed}")
        if ours.failed:
            print(f"  ours FAILED: {ours.failed}")
        if lean.failed:
            print(f"  ours --hashes-only FAILED: {lean.failed}")
        if not do_ours and not args.baseline_only:
            print(f"  ours not run: {why_not}")
        if base.steps.get("total") and ours.steps.get("total"):
            b = [t.wall for t in base.steps["total"]]
            o = [t.wall for t in ours.steps["total"]]
            ratio, ratio_med = speed_up(b, o)
            cb = statistics.median(t.cpu for t in base.steps["total"])
            co = statistics.median(t.cpu for t in ours.steps["total"])
            print(f"  full ingest (also decodes every picture and video: perceptual hashes, "
                  f"thumbnails, EXIF, stacks, links, which the baseline does not do): "
                  f"{ratio:.2f}× the baseline's speed best vs best, {ratio_med:.2f}× by medians; "
                  f"CPU {co:.2f} s against {cb:.2f} s (medians)")
            if lean.steps.get("total"):
                # The goal compares like with like: the baseline computes MD5, SHA-1 and SHA-256
                # of every file, and so does `ingest --hashes-only` (plus the image's SHA-256,
                # the walk, type sniffing and the case store).
                lr, lr_med = speed_up(b, [t.wall for t in lean.steps["total"]])
                cl = statistics.median(t.cpu for t in lean.steps["total"])
                verdict = "met" if lr >= GOAL and lr_med >= GOAL else "NOT met"
                print(f"  like for like, the goal's comparison (`ingest --hashes-only`: the same "
                      f"digests): {lr:.2f}× the baseline's speed best vs best, {lr_med:.2f}× by "
                      f"medians; CPU {cl:.2f} s against {cb:.2f} s (goal ≥ {GOAL}× on both: "
                      f"{verdict})")
            else:
                print(f"  goal (≥ {GOAL}× like for like) not judged: the hashes-only row was "
                      f"not run")
        print()
        print("Agreement (last run):")
        for line in agreement(hd, rows, img.files, note):
            print(line)

        if args.profile and do_ours and not ours.failed:
            profile_ours(img, work, args.ours_arg, args.profile_top)
        if args.py_spy and do_ours and not ours.failed:
            pyspy_ours(img, work, args.ours_arg, args.profile_top)
    finally:
        if args.keep:
            print(f"\noutputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if not (base.failed or ours.failed or lean.failed) else 1


if __name__ == "__main__":
    sys.exit(main())
