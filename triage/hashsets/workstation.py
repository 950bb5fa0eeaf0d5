"""The workstation's hash-set library: sets kept once, imported into any case by name.

A lab receives the same sets (Project VIC, NSRL, a national list) for case
after case. The library keeps each file once, read-only, with its SHA-256
and how to read it (kind, scheme, format), so a case imports it by name.
The case still gets its own copy of the entries, with its own audit entry
and Merkle root: a case must stay complete and verifiable when the library
changes or the case moves to another machine, as Autopsy's central
repository does not guarantee.

The folder is `$TRIAGE_HASHSET_LIBRARY`, else `hash-set-library` in the
user's data folder: `library.json` (the index, replaced atomically) and
`sets/SHA-256/NAME` (the files, read-only).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from triage.case.clock import utcnow
from triage.case.models import HashSetKind
from triage.case.store import CaseStore, current_examiner
from triage.hashing.digests import sha256_file
from triage.hashsets.entries import FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, Source, identify
from triage.hashsets.case_sets import ImportResult, import_hash_set
from triage.paths import user_data_dir

LIBRARY_VARIABLE = "TRIAGE_HASHSET_LIBRARY"
INDEX = "library.json"


@dataclass(frozen=True)
class LibrarySet:
    """One file of the library and how to read it."""

    name: str
    kind: str
    scheme: str | None
    format: str
    file: str  # relative to the library folder
    sha256: str
    size: int
    added_at: str
    added_by: str
    source_name: str


def library_folder() -> Path:
    override = os.environ.get(LIBRARY_VARIABLE)
    return Path(override).expanduser() if override else user_data_dir() / "hash-set-library"


class Library:
    """The library in one folder; every change rewrites the index atomically."""

    def __init__(self, folder: Path | str | None = None):
        self.folder = Path(folder) if folder else library_folder()

    def sets(self) -> list[LibrarySet]:
        index = self.folder / INDEX
        if not index.exists():
            return []
        try:
            records = json.loads(index.read_text(encoding="utf-8"))["sets"]
            return [LibrarySet(**record) for record in records]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise HashSetError(f"{index}: the library's index cannot be read: {exc}") from None

    def get(self, name: str) -> LibrarySet:
        for item in self.sets():
            if item.name == name:
                return item
        known = ", ".join(repr(s.name) for s in self.sets()) or "none"
        raise HashSetError(f"no set named {name!r} in the library {self.folder} "
                           f"(it has: {known})")

    def add(self, path: Path | str, name: str, kind: str | None = None,
            scheme: str | None = None, format: str | None = None,
            examiner: str | None = None) -> LibrarySet:
        """Copy a set file into the library under `name`, refusing a file no format reads."""
        path = Path(path)
        if any(item.name == name for item in self.sets()):
            raise HashSetError(f"the library already has a set named {name!r}")
        try:
            fmt, kind = identify(Source(path), format, kind)
            kind = HashSetKind(kind).value
        except FormatError as exc:
            raise HashSetError(f"{path.name}: {exc}") from None
        (self.folder / "sets").mkdir(parents=True, exist_ok=True)
        sha256, stored = self._copy_in(path)
        item = LibrarySet(name, kind, scheme, fmt.id, str(stored.relative_to(self.folder)),
                          sha256, stored.stat().st_size, utcnow().isoformat() + "Z",
                          examiner or current_examiner(), path.name)
        self._write([*self.sets(), item])
        return item

    def remove(self, name: str) -> LibrarySet:
        item = self.get(name)
        rest = [s for s in self.sets() if s.name != name]
        self._write(rest)
        if not any(s.file == item.file for s in rest):
            stored = self.folder / item.file
            stored.unlink(missing_ok=True)
            if stored.parent.is_dir() and not any(stored.parent.iterdir()):
                stored.parent.rmdir()
        return item

    def verified_path(self, item: LibrarySet) -> Path:
        """The set's file, after checking it is still the file that was added."""
        path = self.folder / item.file
        if not path.is_file():
            raise HashSetError(f"library set {item.name!r}: {path} is missing")
        if sha256_file(path) != item.sha256:
            raise HashSetError(f"library set {item.name!r}: {path} changed since it was added "
                               f"(SHA-256 no longer {item.sha256}); nothing was imported")
        return path

    def _copy_in(self, path: Path) -> tuple[str, Path]:
        with tempfile.NamedTemporaryFile(dir=self.folder / "sets", delete=False) as out:
            digest = hashlib.sha256()
            with open(path, "rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        target = self.folder / "sets" / digest.hexdigest() / path.name  # the name cases record
        target.parent.mkdir(exist_ok=True)
        os.replace(out.name, target)
        os.chmod(target, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # read-only from now on
        return digest.hexdigest(), target

    def _write(self, sets: list[LibrarySet]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder,
                                         delete=False) as out:
            json.dump({"sets": [asdict(s) for s in sets]}, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(out.name, self.folder / INDEX)


def import_from_library(store: CaseStore, name: str, library: Library | None = None,
                        as_name: str | None = None, skip_bad: bool = False,
                        options: ReadOptions | None = None, examiner: str | None = None,
                        progress=None) -> ImportResult:
    """Import a library set into a case, as the library says to read it (audited like any)."""
    library = library or Library()
    item = library.get(name)
    path = library.verified_path(item)
    return import_hash_set(store, path, as_name or item.name, kind=item.kind,
                           scheme=item.scheme, format=item.format, skip_bad=skip_bad,
                           options=options, examiner=examiner, progress=progress)
