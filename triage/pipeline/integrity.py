"""Re-hash every evidence and check the audit chain, and record that it was done."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from triage.case.audit import append_audit, verify_chain
from triage.case.models import AuditEntry, Evidence
from triage.case.store import CaseStore
from triage.pipeline.work import hash_evidence


@dataclass
class VerifyReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def verify_case(store: CaseStore, examiner: str,
                progress: Callable[[str, int, int], None] | None = None) -> VerifyReport:
    """`progress(evidence name, bytes done, bytes total)` as each image is hashed again."""
    report = VerifyReport()
    with store.session() as session:
        broken = verify_chain(session)
        if broken:
            report.problems.append(f"audit chain broken at {broken}")
        else:
            count = session.query(AuditEntry).count()
            report.lines.append(f"audit chain intact ({count} entries)")
        evidence = session.scalars(select(Evidence).order_by(Evidence.id)).all()
    for item in evidence:
        if item.sha256 is None:
            report.lines.append(f"{item.name}: no recorded hash to verify")
            continue
        result = hash_evidence(item.format, item.paths, progress and (
            lambda done, total, name=item.name: progress(name, done, total)))
        if result.error:
            report.problems.append(f"{item.name}: {result.error}")
        elif result.sha256 != item.sha256:
            report.problems.append(f"{item.name}: SHA-256 is now {result.sha256}, "
                                   f"recorded {item.sha256}")
        elif result.damaged:
            report.problems.append(f"{item.name}: {result.warning}")
        elif result.stored_md5 and result.stored_md5 != result.md5:
            report.problems.append(f"{item.name}: MD5 {result.md5} differs from the MD5 "
                                   f"stored at acquisition {result.stored_md5}")
        else:
            report.lines.append(f"{item.name}: SHA-256 {item.sha256} verified"
                                + (f" ({result.warning})" if result.warning else ""))
    if not broken:
        with store.session() as session:
            append_audit(session, examiner, "case.verify",
                         after={"problems": report.problems})
    return report
