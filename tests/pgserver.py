"""A throwaway PostgreSQL cluster on loopback for the tests and benchmarks.

`initdb` and `pg_ctl` come from Debian's `postgresql` package
(/usr/lib/postgresql/*/bin); as root they run as the `postgres` user, which
PostgreSQL requires. The cluster listens on 127.0.0.1 only, on a free port,
with password (SCRAM) authentication so that credential handling is tested
for real, and without fsync: it lives for one test session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

USER, PASSWORD = "triage", "s3cret-" + uuid.uuid4().hex[:12]


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        found = [p for p in [shutil.which("initdb")] if p]
    if not found:
        raise PostgresMissing("PostgreSQL server binaries (initdb, pg_ctl) not found: "
                              "install Debian's postgresql package")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """One cluster in a temporary folder; `database()` makes a fresh database in it."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = list(command)
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self.root)
        if check and proc.returncode:
            raise RuntimeError(f"{' '.join(command)}: {proc.stderr or proc.stdout}")
        return proc

    def start(self) -> ThrowawayPostgres:
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        os.chmod(pwfile, 0o600)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER,
                  f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        pwfile.unlink()
        for _ in range(5):
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=200 -c shared_buffers=64MB")
            proc = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                             "-l", str(self.root / "log"), "-w", "-t", "60", "start",
                             check=False)
            if proc.returncode == 0:
                return self
            time.sleep(0.5)
        raise RuntimeError(f"PostgreSQL did not start: {(self.root / 'log').read_text()}")

    def url(self, database: str = "postgres", password: bool = True) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql://{USER}{secret}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str | None = None, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`); returns its URL with password."""
        import psycopg

        name = name or "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def stop(self) -> None:
        if self.port:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
