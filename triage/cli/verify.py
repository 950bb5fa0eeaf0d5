"""`triage verify CASE_DIR`: re-hash the evidence and check the audit chain."""

from __future__ import annotations

import sys

from tqdm import tqdm

from triage.case.store import current_examiner, open_case
from triage.pipeline.integrity import verify_case


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="re-hash evidence against recorded hashes and check the audit chain",
        description="Exits non-zero if any evidence changed or the audit log was tampered with.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.set_defaults(func=run)


def run(args) -> int:
    store = open_case(args.case_dir)
    bars: dict[str, tqdm] = {}

    def progress(name: str, done: int, total: int) -> None:
        """Bytes hashed, the rate and the time left on a terminal; nothing when piped."""
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = tqdm(total=total, desc=name, unit="B", unit_scale=True,
                                    file=sys.stderr, disable=None, dynamic_ncols=True,
                                    mininterval=0.5)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    report = verify_case(store, current_examiner(store), progress)
    for line in report.lines:
        print(line)
    for problem in report.problems:
        print(f"triage: verify failed: {problem}", file=sys.stderr)
    return 1 if report.problems else 0
