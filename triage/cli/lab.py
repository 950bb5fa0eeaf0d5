"""`triage lab`: who may open a shared case, each with a PostgreSQL role of their own.

    triage lab add-examiner CASE_DIR NAME [--read-only] [--no-password]
    triage lab remove-examiner CASE_DIR NAME
    triage lab examiners CASE_DIR

Run by the case's owner (the role that made it, with CREATEROLE). The
grants are the server's: a reader cannot tag and no examiner can alter the
audit log, whatever program they connect with.
"""

from __future__ import annotations

import getpass
import sys

from triage.cli import UsageError, case_store


def register(subparsers) -> None:
    lab = subparsers.add_parser(
        "lab", help="manage the examiners of a shared (PostgreSQL) case",
        description="Each examiner logs in to a shared case with a PostgreSQL role of their "
        "own; the audit log records that role (written by the server) beside the name they "
        "give. Run by the case's owner, whose role needs CREATEROLE.")
    commands = lab.add_subparsers(dest="lab_command", metavar="ACTION", required=True)

    add = commands.add_parser(
        "add-examiner", help="create (or update) NAME's role and grant it this case",
        description="Creates the login role NAME if it is not there, with a password asked "
        "here twice (never echoed, sent to the server only as a SCRAM verifier), and makes "
        "it an examiner of the case: read and tag, add audit entries, never alter them. "
        "With --read-only, a reader: read, export and verify, never tag.")
    add.add_argument("case_dir", metavar="CASE_DIR")
    add.add_argument("name", metavar="NAME", help="the role's name (lower case)")
    add.add_argument("--read-only", action="store_true",
                     help="a reader (case officer, reviewer): read and export only")
    add.add_argument("--no-password", action="store_true",
                     help="set no password (a role that logs in by certificate or peer "
                     "authentication, or one that has its password already)")
    add.set_defaults(func=run_add)

    remove = commands.add_parser(
        "remove-examiner", help="revoke NAME's access to this case",
        description="Takes NAME out of the case's examiners and readers and ends its open "
        "sessions on the case. The role itself stays: it may work on other cases, and the "
        "audit log names it.")
    remove.add_argument("case_dir", metavar="CASE_DIR")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=run_remove)

    listing = commands.add_parser("examiners", help="list the roles that may open this case")
    listing.add_argument("case_dir", metavar="CASE_DIR")
    listing.set_defaults(func=run_list)


def _new_password(name: str) -> str:
    """Asked twice on the terminal, never echoed."""
    first = getpass.getpass(f"password for {name}: ")
    if not first:
        raise UsageError("an empty password; give one, or --no-password")
    if getpass.getpass(f"password for {name} again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def run_add(args) -> int:
    from triage.case.roles import EXAMINER, READER, RoleError, add_examiner

    password = None if args.no_password else _new_password(args.name)
    kind = READER if args.read_only else EXAMINER
    with case_store(args.case_dir, RoleError) as store:
        made = add_examiner(store, args.name, password, kind)
    print(f"{'created' if made else 'updated'} role {args.name}: {kind} of this case. "
          "They open it with their own user in the URL (postgresql://"
          f"{args.name}@HOST/DB) and their password in ~/.pgpass or a credentials file")
    return 0


def run_remove(args) -> int:
    from triage.case.roles import RoleError, remove_examiner

    with case_store(args.case_dir, RoleError) as store:
        was = remove_examiner(store, args.name)
    if not was:
        print(f"{args.name} was not an examiner or reader of this case", file=sys.stderr)
        return 1
    print(f"{args.name} may no longer open this case")
    return 0


def run_list(args) -> int:
    from triage.case.roles import RoleError, members

    with case_store(args.case_dir, RoleError) as store:
        found = members(store)
    for member in found:
        print(f"{member.role}\t{member.kind}" + ("" if member.can_login else "\t(no login)"))
    if not found:
        print("no examiner roles: everyone opens this case as its owner", file=sys.stderr)
    return 0
