"""`triage ingest CASE_DIR EVIDENCE...`: add evidence to a case (made if needed) and process it."""

from __future__ import annotations

import getpass
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from triage.cli import UsageError, ask_password
from triage.pipeline.progress import Progress

if TYPE_CHECKING:
    from triage.case.models import Evidence
    from triage.pipeline.executors import Executor
    from triage.pipeline.ingest import Ingest

# The case store and the pipeline are imported in `_ingest`, after the local worker pool has
# been started: the workers' start-up then overlaps this process's imports.


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest", help="add disk images or folders to a case and hash every file",
        description="Creates CASE_DIR if needed. Running the same command again after an "
        "interruption resumes where it stopped.",
    )
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("evidence", metavar="EVIDENCE", nargs="+",
                        help="raw/dd image, first segment of a split raw or E01, a VMDK, VHD, "
                        "VHDX, QCOW2 or DMG virtual disk, a folder, or an archive (ZIP, TAR, "
                        "7z, ...) read as a file system")
    parser.add_argument("--parent", action="append", default=[], metavar="IMAGE",
                        help="the parent of a differential VHD/VHDX, VMDK or QCOW2 image, where "
                        "it is not beside it under the name the image gives (repeat for a "
                        "chain)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: every core)")
    parser.add_argument("--examiner", default=None, help="who runs the ingest (audit log)")
    parser.add_argument("--hashes-only", action="store_true",
                        help="only hash and type files: no decoding, perceptual hashes, "
                        "thumbnails or EXIF (a later ingest without it does not add them)")
    parser.add_argument("--password", action="append", default=[], metavar="PASSWORD",
                        help="a password for encrypted volumes (BitLocker, LUKS, FileVault, "
                        "APFS), archives and documents (repeat for several; '-' asks for it "
                        "without echo, keeping it out of the shell history and the process "
                        "list). Tried on every encrypted volume of this run's evidence and "
                        "never stored; kept in the case for containers (items already found "
                        "encrypted are read again), unless the run met an encrypted volume")
    parser.add_argument("--recovery-key", action="append", default=[], metavar="KEY",
                        help="a BitLocker, FileVault or APFS recovery key ('-' asks for it); "
                        "never stored")
    parser.add_argument("--key-file", action="append", default=[], metavar="FILE",
                        help="a BitLocker startup key (.BEK), a LUKS key file or a FileVault "
                        "EncryptedRoot.plist.wipekey (read with --password); never stored")
    parser.add_argument("--plugin", action="append", default=[], metavar="NAME",
                        help="enable this installed plugin for the case first (repeat for "
                        "several), as `triage plugins enable` does: it runs in this ingest")
    parser.add_argument("--no-containers", action="store_true",
                        help="do not open archives, documents, mail and databases found in "
                        "files (they are still hashed as files)")
    parser.add_argument("--no-shadow-copies", action="store_true",
                        help="do not read the volume shadow copies (VSS) of NTFS volumes: each "
                        "snapshot is otherwise walked and hashed as a volume of its own, "
                        "which reads the volume again once per snapshot")
    carving = parser.add_mutually_exclusive_group()
    carving.add_argument("--no-carve", action="store_true",
                         help="do not carve free space, unpartitioned space and unreadable "
                         "volumes for deleted pictures and videos (on by default)")
    carving.add_argument("--carve", choices=("all", "pictures", "videos"), default="all",
                         help="what to carve from free space: pictures, videos or both "
                         "(default: all)")
    parser.add_argument("--cluster", metavar="tls://HOST:8786", default=None,
                        help="run the per-file work on this Dask distributed scheduler's "
                        "workers (they must see the evidence at the same paths); the case "
                        "is written here. tcp:// only on loopback (see --insecure-cluster)")
    parser.add_argument("--insecure-cluster", action="store_true",
                        help="allow a plain tcp:// scheduler on another machine (unencrypted, "
                        "anyone on the network may join); by default only loopback or tls://")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="make a new case shared in this PostgreSQL database "
                        "(postgresql://USER@HOST:PORT/DB; the password from "
                        "--password-prompt, ~/.pgpass, --credentials or $TRIAGE_DATABASE_URL, "
                        "never on the command line)")
    parser.add_argument("--credentials", metavar="FILE", default=None,
                        help="make a new shared case with the URL kept in FILE (mode 600; "
                        "remembered in your own settings, not in the case folder)")
    parser.add_argument("--password-prompt", action="store_true",
                        help="ask the shared case's database password here (never echoed, "
                        "never kept; any character may be in it)")
    parser.set_defaults(func=run)


class ProgressBar:
    """Draws pipeline progress events on stderr (silent when stderr is not a terminal)."""

    def __init__(self) -> None:
        self._bar: tqdm | None = None
        self._stage = None

    def __call__(self, event: Progress) -> None:
        if event.stage != self._stage:
            self.close()
            self._stage = event.stage
            total = event.bytes_total or None
            # initial: work done before this stage showed (an image hashed while files were
            # read) is not counted in the rate, so the time left is not too short.
            self._bar = tqdm(total=total, desc=event.stage, unit="B", unit_scale=True,
                             initial=event.bytes_done if total else 0,
                             file=sys.stderr, disable=None, dynamic_ncols=True)
        if self._bar is None:
            return
        self._bar.n = event.bytes_done if event.bytes_total else event.items_done
        self._bar.set_postfix_str(f"{event.items_done}/{event.items_total or '?'} items",
                                  refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _report_problems(evidence: Evidence, readable: bool, entry_error: str | None) -> None:
    """One line per evidence that had trouble: an error if nothing was read, else a warning."""
    problems = [evidence.error] if evidence.error else []
    problems += [f"partition {p.index} at byte {p.offset}: {p.error}"
                 for p in evidence.partitions if p.error]
    if not readable and not problems and entry_error:
        problems = [entry_error]
    if not readable:
        reasons = "; ".join(problems) or "no partition or file system found"
        print(f"triage: error: {evidence.name}: nothing could be read: {reasons}",
              file=sys.stderr)
    elif problems:
        print(f"triage: warning: {evidence.name}: {'; '.join(problems)}", file=sys.stderr)


def _open(args):
    from triage.case.store import CaseError, open_case, parse_database_url

    if args.database:
        try:
            has_password = parse_database_url(args.database, "--database").password
        except CaseError as exc:
            raise UsageError(str(exc)) from None
        if has_password:
            raise UsageError("--database: a password on the command line is visible to every "
                             "user of this machine; use --password-prompt, ~/.pgpass, "
                             "--credentials FILE or $TRIAGE_DATABASE_URL")
    password = ask_password("database password: ") if args.password_prompt else None
    folder = Path(args.case_dir)
    existed = folder.exists()
    try:
        return open_case(folder, create=True, examiner=args.examiner,
                         database_url=args.database, credentials=args.credentials,
                         password=password)
    except CaseError as exc:
        if existed or not folder.is_dir():
            raise
        if any(folder.iterdir()):
            raise CaseError(f"{exc}; {folder} was made by this command and is left as it "
                            "is") from None
        folder.rmdir()  # a new case that could not be made leaves no empty folder behind
        raise


def _executor(args) -> Executor:
    """The Dask cluster's workers when asked for, else the local process pool, its workers
    started at once."""
    from triage.pipeline.executors import ClusterError, DaskExecutor, LocalExecutor

    if not args.cluster:
        from triage.pipeline.work import warm_up

        pool = LocalExecutor(args.workers)
        for _ in range(pool.workers):
            pool.submit(warm_up)
        return pool
    try:
        return DaskExecutor(args.cluster, insecure=args.insecure_cluster)
    except ClusterError as exc:
        raise UsageError(str(exc)) from None


def _run_ingest(ingest: Ingest):
    from triage.pipeline.executors import ClusterError, WorkerLost

    try:
        return ingest.run()
    except ClusterError as exc:
        raise UsageError(f"{exc}; everything recorded so far is kept: run the same command "
                         "again to resume") from None
    except WorkerLost as exc:
        raise UsageError(str(exc)) from None


def _new_case(folder: str) -> bool:
    path = Path(folder)
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def run(args) -> int:
    ask_for_secrets(args)  # before the workers start: the prompt must not mix with progress
    cancel = threading.Event()
    executor = _executor(args)  # first, so that its workers start while the case opens
    try:
        image_hashes = {}
        if _new_case(args.case_dir):  # the workers hash the images while the case opens
            from triage.pipeline.work import start_image_hashes

            image_hashes = start_image_hashes(executor, args.evidence, _parents(args))
        return _ingest(args, executor, cancel, image_hashes)
    finally:
        executor.shutdown(cancel=cancel.is_set())


def ask_for_secrets(args) -> None:
    """Replace each '-' given as --password or --recovery-key by what is typed, unechoed."""
    args.password = [getpass.getpass("Password: ") if p == "-" else p for p in args.password]
    args.recovery_key = [getpass.getpass("Recovery key: ") if k == "-" else k
                         for k in args.recovery_key]


def volume_keys(args):
    """The credentials given on the command line, for encrypted volumes (memory only)."""
    from triage.evidence import VolumeKeys

    for key_file in args.key_file:
        if not Path(key_file).is_file():
            raise UsageError(f"--key-file {key_file}: no such file")
    return VolumeKeys(tuple(args.password), tuple(args.recovery_key),
                      tuple(str(Path(f).absolute()) for f in args.key_file))


def _parents(args) -> tuple[Path, ...]:
    return tuple(Path(p).absolute() for p in args.parent)


def _carved_kinds(args) -> tuple[str, ...]:
    if args.no_carve:
        return ()
    return {"all": ("image", "video"), "pictures": ("image",), "videos": ("video",)}[args.carve]


def _ingest(args, executor: Executor, cancel: threading.Event, image_hashes: dict) -> int:
    from triage.case.models import Evidence
    from triage.review.queries import evidence_readable, first_entry_error
    from triage.case.store import current_examiner
    from triage.pipeline.expand import ContainerLimits
    from triage.pipeline.ingest import Ingest, IngestOptions

    new_case = _new_case(args.case_dir)
    store = _open(args)
    if args.plugin:  # before the first ingest, so that it runs in this one
        from triage.cli.plugins import enable_plugins

        enable_plugins(store, args.plugin, args.examiner or current_examiner(store))
    bar = ProgressBar()
    options = IngestOptions(workers=args.workers, analyse_media=not args.hashes_only,
                            containers=ContainerLimits(open_containers=not args.no_containers,
                                                       carve=_carved_kinds(args)),
                            passwords=tuple(args.password), parents=_parents(args),
                            volume_keys=volume_keys(args),
                            shadow_copies=not args.no_shadow_copies)
    ingest = Ingest(store, args.examiner or current_examiner(store), options, bar, cancel,
                    executor, image_hashes)
    evidence_ids = [ingest.add(path) for path in args.evidence]

    def _interrupt(signum, frame):
        if cancel.is_set():
            raise KeyboardInterrupt
        print("\ntriage: cancelling after the current batch (Ctrl-C again to stop now); "
              "run the same command to resume", file=sys.stderr)
        cancel.set()

    previous = signal.signal(signal.SIGINT, _interrupt)
    try:
        summary = _run_ingest(ingest)
    finally:
        signal.signal(signal.SIGINT, previous)
        bar.close()
    with store.session() as session:
        readable = [evidence_readable(session, i) for i in evidence_ids]
        for evidence_id, ok in zip(evidence_ids, readable):
            _report_problems(session.get(Evidence, evidence_id), ok,
                             first_entry_error(session, evidence_id))
    store.close()
    for plugin, error in summary.plugin_errors.items():  # suggestions lost: say so, by name
        print(f"triage: warning: plugin {plugin} stopped: {error}", file=sys.stderr)
    if new_case and not any(readable):
        print(f"triage: note: the case {args.case_dir} was made and records what failed "
              "(audit log); delete the folder if you do not need it", file=sys.stderr)
    status = "cancelled" if summary.cancelled else "done"
    print(f"{status}: {summary.files_hashed} files hashed, {summary.file_errors} file errors, "
          f"{sum(readable)} of {len(readable)} evidence readable")
    if summary.cancelled:
        return 130
    return 0 if any(readable) else 2
