"""The `triage` command: the GUI by default, and sub-commands for scripted work.

Each command group is a module with `register(subparsers)`; a handler
returns the exit code. Known failures are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from triage import __version__

if TYPE_CHECKING:
    from triage.case.store import CaseStore

COMMAND_MODULES = (
    "gui", "demo", "ingest", "inspect", "verify", "hashset", "stacks", "scheme", "tag", "export",
    "plugins", "links", "lab", "audit", "video", "unlock", "time_zone",
)
# Commands registered by a module of another name; every other command is its module's name.
MODULE_OF = {"cluster": "stacks", "info": "inspect", "files": "inspect", "untag": "tag", "tags": "tag",
             "working-scheme": "tag", "time-zone": "time_zone"}


class UsageError(Exception):
    """A request the command cannot carry out as asked (exit 2)."""


@contextmanager
def case_store(case_dir: str, *refusals: type[Exception],
               password: str | None = None) -> Iterator[CaseStore]:
    """The case at `case_dir`, open for the block and closed after it; the `refusals` (a
    library's own "cannot do that" errors) become one-line usage errors."""
    from triage.case.store import open_case

    store = open_case(case_dir, password=password)
    try:
        yield store
    except refusals as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()


def verify_list(case_dir: str, name: str, verify, refusal: type[Exception]) -> int:
    """Check an imported list (hash set, URL list) against its Merkle root, as `verify`
    does it; print the outcome; exit 1 when it is not intact."""
    with case_store(case_dir, refusal) as store:
        result = verify(store, name)
    print(result)
    return 0 if result.intact else 1


def ask_password(prompt: str) -> str:
    """A password typed at the terminal, never echoed (refused when empty)."""
    import getpass

    password = getpass.getpass(prompt)
    if not password:
        raise UsageError("no password was typed")
    return password


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or only the module of command `only` (each module
    imports what its command needs: `triage ingest` should not wait for the GUI's or the
    exports' imports before its workers start)."""
    parser = argparse.ArgumentParser(
        prog="triage",
        description="Find, hash and categorise pictures and videos on seized evidence. "
        "With no command, opens the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"triage {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only else COMMAND_MODULES:
        module = _command_module(name)
        if module is not None:
            module.register(subparsers)
    return parser


def _command_module(name: str):
    import importlib

    try:
        return importlib.import_module(f"triage.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"triage.cli.{name}":
            return None  # a command group not installed in this build
        raise


def _module_for(argv: list[str]) -> str | None:
    """The one command module `argv` asks for, or None (no command, an option first, a path)."""
    if not argv or argv[0].startswith("-"):
        return None
    module = MODULE_OF.get(argv[0], argv[0])
    return module if module in COMMAND_MODULES else None


def main(argv: list[str] | None = None) -> int:
    argv = (sys.argv[1:] if argv is None else argv) or ["gui"]  # no command: the GUI
    if argv == ["--version"]:  # at once, without importing every command
        print(f"triage {__version__}")
        return 0
    args = build_parser(_module_for(argv)).parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if _known_failure(exc):
            print(f"triage: error: {exc}", file=sys.stderr)
            return 2
        if _disk_full(exc):
            print(f"triage: error: {_disk_full_text(getattr(args, 'case_dir', None))}",
                  file=sys.stderr)
            return 2
        report = _write_crash_report()  # a bug: keep the details, show one line
        print(f"triage: internal error: {type(exc).__name__}: {exc} (details: {report})",
              file=sys.stderr)
        return 3


def _known_failure(exc: Exception) -> bool:
    """A failure the command explains in one line (exit 2), not a bug."""
    from triage.case.store import CaseError  # imported here: start-up stays light
    from triage.evidence import EvidenceError

    return isinstance(exc, (CaseError, EvidenceError, UsageError))


def _disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or what it wraps, is a disk (or the database on it) that is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        text = str(exc).lower()
        if "database or disk is full" in text or "no space left on device" in text \
                or type(exc).__name__ == "DiskFull":
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def _disk_full_text(case_dir) -> str:
    where = Path(case_dir) if case_dir else Path.cwd()
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    return (f"the disk holding {where} is full ({free / 2**20:,.0f} MB free). What was done "
            "so far is kept: free some space (a few hundred MB more than the evidence's "
            "largest file) and run the command again to go on")


def _write_crash_report() -> Path:
    folder = Path.home() / ".cache" / "triage"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "last-error.txt"
    report.write_text(traceback.format_exc())
    return report
