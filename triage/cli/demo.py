"""`triage demo [--no-gui]`: build the demo case (once) and open it in the desktop application."""

from __future__ import annotations

import sys

from triage.cli import UsageError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo case from the shipped samples and open it",
        description="The demo case (sample disk image with near-duplicates, a deleted file, a "
        "renamed picture, and sample hash sets) is built once in your data folder "
        "($XDG_DATA_HOME/triage/demo-case) and reused after that.")
    parser.add_argument("--no-gui", action="store_true",
                        help="only build it and print its folder (headless use, scripts)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from triage.demo import DemoError, ensure_demo_case

    try:
        folder = ensure_demo_case(lambda message: print(message, file=sys.stderr))
    except DemoError as exc:
        raise UsageError(str(exc)) from None
    if args.no_gui:
        print(folder)
        return 0
    from triage.gui.app import run_app  # Qt is imported only when the GUI is asked for

    return run_app(str(folder))
