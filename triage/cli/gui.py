"""`triage gui [CASE_DIR]` (also `triage` alone): the desktop application."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop application (the default)")
    parser.add_argument("case_dir", metavar="CASE_DIR", nargs="?", help="case to open")
    parser.set_defaults(func=run)


def run(args) -> int:
    from triage.gui.app import run_app  # Qt is imported only when the GUI is asked for

    return run_app(args.case_dir)
