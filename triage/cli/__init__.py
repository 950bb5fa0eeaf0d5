"""The `triage` command: the GUI by default, and sub-commands for scripted work.

Each command group is a module with `register(subparsers)`; a handler
returns the exit code. Known failures are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from triage import __version__
from triage.case.store import CaseError
from triage.evidence import EvidenceError

COMMAND_MODULES = (
    "gui", "demo", "ingest", "inspect", "verify", "hashset", "cluster", "scheme", "tag", "export",
    "plugins", "links",
)


class UsageError(Exception):
    """A request the command cannot carry out as asked (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triage",
        description="Find, hash and categorise pictures and videos on seized evidence. "
        "With no command, opens the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"triage {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["gui", *(argv or sys.argv[1:])])
    try:
        return args.func(args)
    except (CaseError, EvidenceError, UsageError) as exc:
        print(f"triage: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (e.g. `| head`) has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the details, show one line
        report = _write_crash_report()
        print(f"triage: internal error: {type(exc).__name__}: {exc} (details: {report})",
              file=sys.stderr)
        return 3


def _write_crash_report() -> Path:
    folder = Path.home() / ".cache" / "triage"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "last-error.txt"
    report.write_text(traceback.format_exc())
    return report
