"""The zone an evidence's device kept its clock in, as the examiner found it (its settings,
a registry hive, a phone's configuration): set, changed or cleared, always audited.

With it, FAT, exFAT and ZIP times of that evidence are shown in UTC; without it, as the
device's clock read (triage/time_zones.py). The recorded times themselves never change.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.models import Evidence
from triage.time_zones import checked_zone


def set_device_time_zone(session: Session, evidence_id: int, zone: str | None,
                         examiner: str) -> str | None:
    """Set (or, with None, clear) the evidence's device time zone; return the one before.
    Raises UnknownZone for a name that is no IANA zone, KeyError for no such evidence."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise KeyError(evidence_id)
    zone = checked_zone(zone) if zone else None
    before = evidence.time_zone
    if before != zone:
        evidence.time_zone = zone
        append_audit(session, examiner, "evidence.time_zone", target=f"evidence:{evidence_id}",
                     before={"time_zone": before}, after={"time_zone": zone})
    return before
