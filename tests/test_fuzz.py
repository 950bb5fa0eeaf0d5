"""The fuzz targets (tests/fuzz): their seeds and every input that once broke one are
replayed in-process, then atheris explores each for a short budget
($TRIAGE_FUZZ_SECONDS, 15 s; `scripts/fuzz` runs them as long as asked). An input
that breaks a target's contract fails the test and is kept in tests/fuzz/crashes/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.targets import TARGETS, seeds

pytest.importorskip("atheris")

ROOT = Path(__file__).resolve().parents[1]
CRASHES = ROOT / "tests" / "fuzz" / "crashes"
SECONDS = int(os.environ.get("TRIAGE_FUZZ_SECONDS", "15"))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_and_past_crashes_hold_the_contract(name):
    for data in seeds(name) + [p.read_bytes() for p in sorted(CRASHES.glob(f"{name}-*"))]:
        TARGETS[name](data)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzzing_finds_nothing_in_a_short_budget(name):
    before = set(CRASHES.glob(f"{name}-*"))
    run = subprocess.run([sys.executable, "-m", "tests.fuzz", name, "--seconds", str(SECONDS)],
                         cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120)
    found = sorted(set(CRASHES.glob(f"{name}-*")) - before)
    assert run.returncode == 0 and not found, (
        f"fuzzing {name} broke its contract; input kept in {found}:\n{run.stderr[-3000:]}")
