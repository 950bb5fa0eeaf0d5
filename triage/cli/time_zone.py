"""`triage time-zone CASE_DIR EVIDENCE [ZONE | --clear]`: the zone an evidence's device kept
its clock in, so that its FAT, exFAT and ZIP times are shown in UTC."""

from __future__ import annotations

from sqlalchemy import select

from triage.cli import UsageError, case_store


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "time-zone", help="the time zone an evidence's device kept its clock in",
        description="FAT, exFAT and ZIP record the device's own clock with no time zone; "
        "Triage shows such times as the clock read (time_zone 'device-local', no Z). Once you "
        "know the zone the device was set to, name it here (an IANA name such as "
        "Europe/London): they are then shown converted to UTC (time_zone 'UTC from ZONE'), "
        "daylight saving included. Nothing recorded changes; the audit log keeps each change. "
        "Without ZONE, shows the current setting.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("evidence", metavar="EVIDENCE", help="the evidence's id or name "
                        "(as `triage info` shows them)")
    parser.add_argument("zone", metavar="ZONE", nargs="?", default=None)
    parser.add_argument("--clear", action="store_true", help="forget the zone: show the "
                        "device's clock as it read")
    parser.add_argument("--examiner", default=None, help="who sets it (audit log)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from triage.case.models import Evidence
    from triage.case.store import current_examiner
    from triage.review.device_time import set_device_time_zone
    from triage.time_zones import UnknownZone

    if args.zone and args.clear:
        raise UsageError("give a ZONE or --clear, not both")
    with case_store(args.case_dir) as store:
        with store.session() as session:
            evidence = session.scalars(select(Evidence).where(
                (Evidence.name == args.evidence) | (Evidence.id == _number(args.evidence)))
            ).first()
            if evidence is None:
                raise UsageError(f"no evidence {args.evidence!r} in {args.case_dir}")
            if not args.zone and not args.clear:
                shown = evidence.time_zone or "not set (device clock shown as read)"
                print(f"{evidence.name}: {shown}")
                return 0
            try:
                before = set_device_time_zone(session, evidence.id, args.zone,
                                              args.examiner or current_examiner(store))
            except UnknownZone as exc:
                raise UsageError(str(exc)) from None
            print(f"{evidence.name}: {before or 'not set'} -> {args.zone or 'not set'}")
    return 0


def _number(text: str) -> int:
    return int(text) if text.isdigit() else -1
