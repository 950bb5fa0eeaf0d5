"""`triage audit CASE_DIR`: read the audit log — who (the name given, and the account that
wrote it) did what, when — and check its hash chain."""

from __future__ import annotations

import csv
import sys

from sqlalchemy import select

from triage.case.audit import (
    AUDIT_CSV_COLUMNS,
    AuditFilter,
    audit_csv_rows,
    filtered_audit,
    verify_chain,
)
from triage.case.models import AuditEntry
from triage.case.store import open_case


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "audit", help="list the audit log (who did what, when) and check its chain",
        description="Each entry shows the examiner name given and, in brackets when it "
        "differs, the account that wrote it: the operating-system user, or in a shared case "
        "the PostgreSQL role, written by the server. Exits 1 if the hash chain is broken.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("--examiner", default="", help="only entries signed with this name")
    parser.add_argument("--action", default="", metavar="PREFIX",
                        help="only actions starting with PREFIX (tag, case., hashset…)")
    parser.add_argument("--last", type=int, default=None, metavar="N",
                        help="only the newest N entries")
    parser.add_argument("--csv", action="store_true",
                        help="CSV with every column and both hashes (to check the chain again)")
    parser.set_defaults(func=run)


def run(args) -> int:
    store = open_case(args.case_dir)
    selection = AuditFilter(examiner=args.examiner, action=args.action)
    try:
        with store.reading() as session:
            if args.csv:
                writer = csv.writer(sys.stdout, lineterminator="\n")
                writer.writerow(AUDIT_CSV_COLUMNS)
                rows = list(audit_csv_rows(session, selection))
                writer.writerows(rows[-args.last:] if args.last else rows)
            else:
                query = filtered_audit(selection)
                if args.last:
                    newest = query.order_by(None).order_by(AuditEntry.id.desc()).limit(args.last)
                    query = select(AuditEntry).where(AuditEntry.id.in_(
                        newest.with_only_columns(AuditEntry.id))).order_by(AuditEntry.id)
                for entry in session.scalars(query):
                    print(f"{entry.id:>6}  {entry.at:%Y-%m-%d %H:%M:%S}  {_who(entry)}  "
                          f"{entry.action}  {entry.target}")
            broken = verify_chain(session)
    finally:
        store.close()
    if broken:
        print(f"triage: audit chain broken at {broken}", file=sys.stderr)
        return 1
    return 0


def _who(entry: AuditEntry) -> str:
    if entry.account and entry.account != entry.examiner:
        return f"{entry.examiner} ({entry.account})"
    return entry.examiner
