"""The manifest every export writes beside its files: what was written, and each file's SHA-256.

`PATH.manifest.json` for an export written to `PATH`. The manifest's own
SHA-256 goes into the audit log, so a manifest edited afterwards no longer
matches the case; `verify_manifest` re-hashes the files it lists.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from triage.hashing.digests import sha256_file

MANIFEST_SUFFIX = ".manifest.json"


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + MANIFEST_SUFFIX)


def write_manifest(path: Path, files: list[Path], context, written) -> tuple[str, list[dict]]:
    """Write the manifest for `files`; return its SHA-256 and the file entries."""
    entries = [{"path": os.path.relpath(f, path.parent), "size": f.stat().st_size,
                "sha256": sha256_file(f)} for f in files]
    case = context.case
    document = {
        "manifest": 1,
        "tool": context.tool, "tool_version": context.version,
        "format": context.format.id, "format_title": context.format.title,
        "created": context.at.isoformat(timespec="seconds") + "Z",
        "examiner": context.examiner,
        "case": {"name": case.name, "case_id": case.guid,
                 "evidence": [{"name": e.name, "sha256": e.sha256, "md5": e.md5}
                              for e in case.evidence]},
        "working_scheme": {"id": context.working.id, "version": context.working.version},
        "target_scheme": {"id": context.target.id, "version": context.target.version},
        "selection": context.selection,
        "categories": list(context.options.categories),
        "counts": written.counts,
        "warnings": written.warnings,
        "files": entries,
    }
    data = (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode()
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return hashlib.sha256(data).hexdigest(), entries


def verify_manifest(path: Path) -> list[str]:
    """Problems found re-hashing the files a manifest lists (empty: all match)."""
    document = json.loads(Path(path).read_text())
    problems = []
    for entry in document["files"]:
        file = Path(path).parent / entry["path"]
        if not file.is_file():
            problems.append(f"{file}: missing")
        elif sha256_file(file) != entry["sha256"]:
            problems.append(f"{file}: SHA-256 differs from the manifest")
    return problems
