"""Lists imported into a case — hash sets, URL block lists — and the lifecycle they share.

Each is a named file imported whole (atomic, audited, with the source's
SHA-256 and a Merkle root over the entries as stored), then listed, verified
against that root, and removed. How a list is read, matched and hashed into
leaves stays with its package (`hashsets`, `links`); naming, finding by
name, the report of rejected records, verification and the audit entries
of every step are written here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.store import CaseStore, current_examiner

NAME_LENGTH = 200


@dataclass(frozen=True)
class Verification:
    """A list's Merkle root recomputed from the case and compared with the one recorded."""

    name: str
    intact: bool
    recorded_root: str
    computed_root: str
    recorded_entries: int
    stored_entries: int
    altered_entries: int = 0  # entries shown elsewhere (e.g. unpacked matches) that differ

    def __str__(self) -> str:
        if self.intact:
            return (f"{self.name}: intact ({self.stored_entries:,} entries, "
                    f"Merkle root {self.computed_root})")
        problems = []
        if self.recorded_entries != self.stored_entries:
            problems.append(f"{self.stored_entries:,} entries in the store, "
                            f"{self.recorded_entries:,} imported")
        if self.recorded_root != self.computed_root:
            problems.append(f"Merkle root is {self.computed_root}, "
                            f"{self.recorded_root} at import")
        if self.altered_entries:
            problems.append(f"{self.altered_entries:,} matched entries differ from the set")
        return f"{self.name}: CHANGED since import: " + "; ".join(problems)


# (computed Merkle root, entries stored, entries that differ) of the list with this row id
Recompute = Callable[[Session, int], tuple[str, int, int]]


@dataclass(frozen=True)
class ImportedLists:
    """One kind of imported list: its table (a model with `id`, `name`, `entry_count` and
    `merkle_root`), what the examiner calls it, the error it raises, and its audit names."""

    model: type
    noun: str  # "hash set", "URL list"
    error: type[Exception]
    action: str  # audit actions are `<action>.import`, `.verify`, `.remove`
    target: str  # audit targets are `<target>:<name>`
    report_prefix: str  # rejected-records reports are `<prefix>-<name>-rejected-<time>.tsv`

    def check_name(self, name: str | None) -> str:
        name = (name or "").strip()
        if not name:
            raise self.error(f"a {self.noun} needs a name (--name)")
        if len(name) > NAME_LENGTH or any(c < " " for c in name):
            raise self.error(f"a {self.noun} name is at most {NAME_LENGTH} printable characters")
        return name

    def refuse_taken(self, session: Session, name: str) -> None:
        if session.scalar(select(self.model.id).where(self.model.name == name)) is not None:
            raise self.error(f"a {self.noun} named {name!r} is already in this case")

    def get(self, session: Session, name: str):
        found = session.scalar(select(self.model).where(self.model.name == name))
        if found is None:
            known = list(session.scalars(select(self.model.name).order_by(self.model.name)))
            raise self.error(f"no {self.noun} named {name!r} in this case"
                             + (f" (there are: {', '.join(known)})" if known else ""))
        return found

    def report_path(self, store: CaseStore, name: str) -> Path:
        """Where a rejected-records report goes unless the examiner names a file."""
        safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or self.report_prefix
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        return store.folder / "reports" / f"{self.report_prefix}-{safe}-rejected-{stamp}.tsv"

    def audit(self, session: Session, examiner: str, step: str, name: str,
              before: dict | None = None, after: dict | None = None) -> None:
        append_audit(session, examiner, f"{self.action}.{step}", target=f"{self.target}:{name}",
                     before=before, after=after)

    def verify(self, store: CaseStore, name: str, recompute: Recompute,
               examiner: str | None = None) -> Verification:
        """Recompute the list's root from a snapshot of the case (no write lock: a set of
        millions takes a while) and compare; the check is audited."""
        with store.reading() as session:
            row = self.get(session, name)
            computed, stored, altered = recompute(session, row.id)
            result = Verification(name, computed == row.merkle_root and not altered
                                  and stored == row.entry_count, row.merkle_root, computed,
                                  row.entry_count, stored, altered)
        with store.session() as session:
            self.audit(session, examiner or current_examiner(store), "verify", name, after={
                "intact": result.intact, "recorded_root": result.recorded_root,
                "computed_root": computed, "recorded_entries": result.recorded_entries,
                "stored_entries": stored, "altered_entries": altered})
        return result


class RejectedReport:
    """The records of a file not imported, one line each (where, why, the record's text),
    written as they come; nothing is created until the first."""

    def __init__(self, path: Path, source: Path, where: str = "where"):
        self.path = path
        self._source = source
        self._where = where
        self._file: TextIO | None = None

    def write(self, where: object, reason: str, text: str) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8")
            self._file.write(f"# records of {self._source} not imported\n"
                             f"{self._where}\treason\trecord\n")
        self._file.write(f"{where}\t{_one_line(reason)}\t{_one_line(text)}\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> RejectedReport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
