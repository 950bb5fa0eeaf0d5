"""Run one fuzz target under atheris (libFuzzer): python -m tests.fuzz NAME [--seconds N].

Starts from the target's seeds, stops after --seconds, bounds each input's
time and the process's memory (a decoder that balloons is a bug too), and
writes any input that breaks the contract to tests/fuzz/crashes/NAME-…,
where tests/test_fuzz.py replays it on every run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # `fuzz.targets`, as the tests import it

with atheris.instrument_imports(include=["triage"]):
    from fuzz.targets import TARGETS, seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rss-mb", type=int, default=1024, help="memory bound of the process")
    parser.add_argument("--input-seconds", type=int, default=20, help="bound for one input")
    args = parser.parse_args()
    target = TARGETS[args.target]
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{args.target}-") as corpus:
        for number, seed in enumerate(seeds(args.target)):
            (Path(corpus) / f"seed-{number}").write_bytes(seed)
        atheris.Setup([sys.argv[0], corpus, f"-max_total_time={args.seconds}",
                       f"-rss_limit_mb={args.rss_mb}", f"-timeout={args.input_seconds}",
                       f"-artifact_prefix={crashes}/{args.target}-", "-print_final_stats=1"],
                      target)
        atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
