"""`triage lab`: who may open a shared case, each with a PostgreSQL role of their own.

    triage lab add-examiner CASE_DIR NAME [--read-only] [--no-password]
    triage lab remove-examiner CASE_DIR NAME
    triage lab examiners CASE_DIR
    triage lab connect CASE_DIR [--user NAME] [--credentials FILE]

Add, remove and list are run by the case's owner (the role that made it,
with CREATEROLE); `--password-prompt` asks the owner's password. `connect`
is run by each examiner on their own machine: it records, in their own
settings and never in the shared case folder, the role they log in as.
The grants are the server's: a reader cannot tag and no examiner can alter the
audit log, whatever program they connect with.
"""

from __future__ import annotations

import getpass
import sys

from sqlalchemy import text

from triage.case import user_settings
from triage.case.store import (
    SETTINGS_NAME,
    CaseError,
    is_case,
    open_case,
    parse_database_url,
    read_credentials,
    read_settings_url,
)
from triage.cli import UsageError, ask_password, case_store


def register(subparsers) -> None:
    lab = subparsers.add_parser(
        "lab", help="manage the examiners of a shared (PostgreSQL) case",
        description="Each examiner logs in to a shared case with a PostgreSQL role of their "
        "own; the audit log records that role (written by the server) beside the name they "
        "give. Adding, removing and listing are for the case's owner (whose role needs "
        "CREATEROLE); connect is for each examiner, on their own machine.")
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
    for owner_command in (add, remove, listing):
        owner_command.add_argument("--password-prompt", action="store_true",
                                   help="ask the owner's database password here (never "
                                   "echoed, never kept)")

    connect = commands.add_parser(
        "connect", help="log in to this shared case as your own role, on this machine",
        description="Records in your own settings (~/.config/triage/databases.toml, mode "
        "600; never in the case folder, which is shared) the role you log in as and, "
        "optionally, your credentials file; then opens the case to check. Your password "
        "is in ~/.pgpass or that file.")
    connect.add_argument("case_dir", metavar="CASE_DIR")
    connect.add_argument("--user", metavar="NAME", default=None,
                         help="your role (as the case's owner gave it)")
    connect.add_argument("--credentials", metavar="FILE", default=None,
                         help="a file only you can read holding postgresql://NAME:PASSWORD@"
                         "HOST/DB")
    connect.set_defaults(func=run_connect)


def _roles():
    """triage.case.roles, which needs psycopg: the `lab` extra, imported only when used."""
    try:
        import triage.case.roles as roles
    except ModuleNotFoundError as exc:
        raise UsageError(f"{exc.name} is not installed: pip install 'triage[lab]'") from None
    return roles


def _owner_store(args):
    """The case, opened with the owner's credentials (typed when asked)."""
    password = ask_password("owner's database password: ") if args.password_prompt else None
    return case_store(args.case_dir, _roles().RoleError, password=password)


def _new_password(name: str) -> str:
    """Asked twice on the terminal, never echoed."""
    first = getpass.getpass(f"password for {name}: ")
    if not first:
        raise UsageError("an empty password; give one, or --no-password")
    if getpass.getpass(f"password for {name} again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def run_add(args) -> int:
    roles = _roles()
    password = None if args.no_password else _new_password(args.name)
    kind = roles.READER if args.read_only else roles.EXAMINER
    with _owner_store(args) as store:
        made = roles.add_examiner(store, args.name, password, kind)
    print(f"{'created' if made else 'updated'} role {args.name}: {kind} of this case. On "
          f"their machine: triage lab connect CASE_DIR --user {args.name} (their password in "
          "~/.pgpass, or --credentials FILE)")
    return 0


def run_remove(args) -> int:
    with _owner_store(args) as store:
        was = _roles().remove_examiner(store, args.name)
    if not was:
        print(f"{args.name} was not an examiner or reader of this case", file=sys.stderr)
        return 1
    print(f"{args.name} may no longer open this case")
    return 0


def run_list(args) -> int:
    with _owner_store(args) as store:
        found = _roles().members(store)
    for member in found:
        print(f"{member.role}\t{member.kind}" + ("" if member.can_login else "\t(no login)"))
    if not found:
        print("no examiner roles: everyone opens this case as its owner", file=sys.stderr)
    return 0


def run_connect(args) -> int:
    if not (args.user or args.credentials):
        raise UsageError("give --user NAME, --credentials FILE, or both")
    if not is_case(args.case_dir) or not read_settings_url(args.case_dir):
        raise UsageError(f"{args.case_dir}: not a shared case (no database in {SETTINGS_NAME})")
    url = parse_database_url(read_settings_url(args.case_dir), SETTINGS_NAME)
    if args.credentials:
        try:
            theirs = parse_database_url(read_credentials(args.credentials), args.credentials)
        except CaseError as exc:
            raise UsageError(str(exc)) from None
        if (theirs.host, theirs.port, theirs.database) != (url.host, url.port, url.database):
            raise UsageError(f"{args.credentials} names another database than this case's")
    try:
        path = user_settings.remember(url, user=args.user, credentials=args.credentials)
    except (user_settings.UserSettingsError, OSError) as exc:
        raise UsageError(str(exc)) from None
    store = open_case(args.case_dir)
    with store.reading() as session:
        role = session.execute(text("SELECT session_user")).scalar_one()
    store.close()
    print(f"recorded in {path}; this case opens as database role {role}")
    return 0
