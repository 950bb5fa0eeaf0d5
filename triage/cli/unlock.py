"""`triage unlock CASE_DIR EVIDENCE --password ...`: open an encrypted volume that ingest
recorded as locked, and hash its files, without walking the rest of the evidence again."""

from __future__ import annotations

import sys

from sqlalchemy import select

from triage.cli import UsageError
from triage.cli.ingest import ProgressBar, ask_for_secrets, volume_keys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "unlock", help="unlock an encrypted volume (BitLocker, LUKS, FileVault) of an evidence",
        description="The credentials are used in memory only: never written to the case or "
        "any log; the audit log records that the volume was unlocked, and by whom.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("evidence", metavar="EVIDENCE", help="the evidence's id or name "
                        "(as `triage info` shows them)")
    parser.add_argument("--password", action="append", default=[], metavar="PASSWORD",
                        help="the volume's password (repeat to try several; '-' asks for it "
                        "without echo)")
    parser.add_argument("--recovery-key", action="append", default=[], metavar="KEY",
                        help="a BitLocker, FileVault or APFS recovery key ('-' asks for it)")
    parser.add_argument("--key-file", action="append", default=[], metavar="FILE",
                        help="a BitLocker startup key (.BEK), a LUKS key file or a FileVault "
                        "EncryptedRoot.plist.wipekey")
    parser.add_argument("--hashes-only", action="store_true",
                        help="only hash and type the volume's files (as ingest --hashes-only)")
    parser.add_argument("--no-carve", action="store_true",
                        help="do not carve the volume's free space (it is carved where the "
                        "evidence's first ingest carved)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--examiner", default=None, help="who unlocks it (audit log)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from triage.case.models import Evidence
    from triage.case.store import current_examiner, open_case
    from triage.pipeline.expand import ContainerLimits
    from triage.pipeline.ingest import Ingest, IngestOptions

    ask_for_secrets(args)
    keys = volume_keys(args)
    if not keys:
        raise UsageError("give --password, --recovery-key or --key-file")
    store = open_case(args.case_dir)
    try:
        with store.reading() as session:
            evidence = session.scalars(select(Evidence).where(
                (Evidence.name == args.evidence) | (Evidence.id == _number(args.evidence)))
            ).first()
            if evidence is None:
                raise UsageError(f"no evidence {args.evidence!r} in {args.case_dir}")
            evidence_id, name = evidence.id, evidence.name
        limits = ContainerLimits(carve=()) if args.no_carve else ContainerLimits()
        options = IngestOptions(workers=args.workers, analyse_media=not args.hashes_only,
                                volume_keys=keys, containers=limits)
        ingest = Ingest(store, args.examiner or current_examiner(store), options, ProgressBar())
        outcomes = ingest.unlock(evidence_id)
        if not outcomes:
            raise UsageError(f"{name}: no locked encrypted volume")
        for line in outcomes:
            print(f"{name}: {line}")
        if not any("(unlocked with a " in line for line in outcomes):
            print(f"triage: error: {name}: nothing unlocked", file=sys.stderr)
            return 2
        summary = ingest.run()
        print(f"done: {summary.files_hashed} files hashed, {summary.file_errors} file errors")
        return 0
    finally:
        store.close()


def _number(text: str) -> int:
    return int(text) if text.isdigit() else -1
