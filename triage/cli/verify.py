"""`triage verify CASE_DIR`: re-hash the evidence and check the audit chain."""

from __future__ import annotations

import sys

from triage.case.store import current_examiner, open_case
from triage.pipeline.verify import verify_case


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="re-hash evidence against recorded hashes and check the audit chain",
        description="Exits non-zero if any evidence changed or the audit log was tampered with.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.set_defaults(func=run)


def run(args) -> int:
    store = open_case(args.case_dir)
    report = verify_case(store, current_examiner(store))
    for line in report.lines:
        print(line)
    for problem in report.problems:
        print(f"triage: verify failed: {problem}", file=sys.stderr)
    return 1 if report.problems else 0
