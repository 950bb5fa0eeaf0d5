"""What recording who wrote each audit row costs on a shared (PostgreSQL) case.

Tags items one command (one transaction, one audit row) at a time, as the
gallery does, on one case in a throwaway PostgreSQL cluster on 127.0.0.1,
logged in as an examiner role:

* baseline: the server's triggers dropped and the client's `SELECT
  session_user` skipped (what Triage did before audit identity);
* identity: the triggers in place (every audit row stamped with
  `session_user`, alterations recorded) and the account asked once per
  transaction.

Rounds alternate the two so that load on the machine hits both alike.

    python bench/audit_identity.py                  # 400 commands, 3 rounds
    python bench/audit_identity.py --commands 100 --rounds 1   # quick check
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pgserver import ThrowawayPostgres  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

import triage.case.audit as audit  # noqa: E402
from triage.case.guards import install_triggers  # noqa: E402
from triage.case.models import Media  # noqa: E402
from triage.case.roles import add_examiner  # noqa: E402
from triage.case.store import DATABASE_URL_ENV, open_case  # noqa: E402
from triage.review.commands import History, TagMedia  # noqa: E402

DROP = ("DROP TRIGGER IF EXISTS audit_log_account ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_altered ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_truncated ON audit_log")


def tag_rate(store, media: list[int], category: str) -> float:
    history = History(store, "bench")
    start = time.perf_counter()
    for media_id in media:
        history.run(TagMedia([media_id], "vics-us", category))
    return len(media) / (time.perf_counter() - start)


def set_identity(owner, on: bool) -> None:
    with owner.engine.begin() as connection:
        if on:
            install_triggers(connection)
        else:
            for statement in DROP:
                connection.exec_driver_sql(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = ThrowawayPostgres().start()
    scratch = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    asked = audit.session_account
    try:
        url = server.database()
        owner = open_case(scratch / "owner", create=True, examiner="owner", database_url=url)
        with owner.session() as session:
            rows = [Media(sha256=f"{i:064x}", sha1=f"{i:040x}", md5=f"{i:032x}", size=i)
                    for i in range(1, args.commands + 1)]
            session.add_all(rows)
            session.flush()
            media = [m.id for m in rows]
        add_examiner(owner, "bench_examiner", "bench pw")
        role_url = make_url(url).set(username="bench_examiner", password="bench pw")
        os.environ[DATABASE_URL_ENV] = role_url.render_as_string(hide_password=False)
        examiner = open_case(scratch / "examiner", create=True)
        rates: dict[str, list[float]] = {"baseline": [], "identity": []}
        category = 1
        for _ in range(args.rounds):
            for name in ("baseline", "identity"):
                set_identity(owner, name == "identity")
                audit.session_account = asked if name == "identity" else \
                    (lambda session: None)
                category = category % 4 + 1
                rates[name].append(tag_rate(examiner, media, str(category)))
        audit.session_account = asked
        examiner.close()
        owner.close()
    finally:
        audit.session_account = asked
        server.stop()
    print(f"{args.commands} tag commands (one transaction and audit row each), "
          f"{args.rounds} rounds, PostgreSQL on 127.0.0.1 as an examiner role")
    base = statistics.median(rates["baseline"])
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"  {name:9s} median {median:7.1f} commands/s  (rounds: "
              + ", ".join(f"{v:.1f}" for v in values) + f")  {median / base:.2f}× baseline")


if __name__ == "__main__":
    main()
