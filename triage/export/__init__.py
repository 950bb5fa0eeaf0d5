"""Exports of a case: VICS JSON (case and hash set), md5sum lists, CSV, HTML and PDF reports.

One module per format, each with one `write(context, path) -> Written`;
this module finds them by name (the PDF one, which needs Qt, is imported
only when asked for), and owns what every export shares: the target scheme,
writing to a temporary name and renaming when complete, the manifest
(SHA-256 of every file written) and the audit entry.

    from triage.export import ExportOptions, export_case
    result = export_case(store, "vics", Path("out.json"), ExportOptions(scheme="uk-2014"),
                         examiner="alice")
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.store import CaseStore
from triage.export.base import Context, ExportError, ExportOptions, Format, Written
from triage.export.items import ALL, MEDIA, TAGGED, case_facts
from triage.export.manifest import manifest_path, write_manifest
from triage.schema import SchemeRegistry, default_registry

__all__ = ["FORMATS", "THUMBNAIL_MODES", "Context", "ExportError", "ExportOptions",
           "ExportResult", "Format", "Written", "export_case"]

FORMATS: dict[str, Format] = {f.id: f for f in (
    Format("vics", "triage.export.vics", ".json",
           "Project VIC VICS 2.0 case JSON (Media with MediaFiles)", MEDIA),
    Format("vics-hashset", "triage.export.vics_hashset", ".json",
           "Project VIC VICS hash set JSON (Media under value)", TAGGED),
    Format("md5", "triage.export.md5sum", ".md5",
           "md5sum-style list (The Sleuth Kit: hfind -i md5sum)", TAGGED),
    Format("csv", "triage.export.csvlist", ".csv",
           "CSV, one row per file of each item, every column", MEDIA),
    Format("html", "triage.export.html", ".html", "HTML report for case officers", TAGGED),
    Format("pdf", "triage.export.pdf", ".pdf", "PDF report (rendered through Qt)", TAGGED),
)}

THUMBNAIL_MODES = ("blurred", "none", "clear")


@dataclass
class ExportResult:
    format: str
    scheme: str
    files: list[Path]
    manifest: Path
    counts: dict
    warnings: list[str]


def export_case(store: CaseStore, format: str, out: Path | str,
                options: ExportOptions | None = None, *, examiner: str,
                registry: SchemeRegistry | None = None,
                media_content: Callable[[str], Iterable[bytes]] | None = None) -> ExportResult:
    """Write one export of the case to `out`, its manifest beside it, and audit both.

    The case is read in one transaction, so counts, items and audit appendix
    describe one moment. Files are written under a temporary name and
    renamed when complete: an interrupted export leaves no half file under
    the final name.
    """
    options = options or ExportOptions()
    registry = registry or default_registry()
    spec = FORMATS.get(format)
    if spec is None:
        raise ExportError(f"unknown export format {format!r} (formats: {', '.join(FORMATS)})")
    if options.thumbnails not in THUMBNAIL_MODES:
        raise ExportError(f"thumbnails {options.thumbnails!r}: one of "
                          f"{', '.join(THUMBNAIL_MODES)}")
    selection = options.selection or spec.selection
    if selection not in (TAGGED, MEDIA, ALL):
        raise ExportError(f"selection {selection!r}: one of {TAGGED}, {MEDIA}, {ALL}")
    out = Path(out)
    manifest = manifest_path(out)
    for path in (out, manifest):
        if path.exists() and not options.overwrite:
            raise ExportError(f"{path}: already exists (choose another name, or overwrite)")
    if options.copy_media and media_content is None:
        raise ExportError("copying media needs a way to read the evidence (media_content)")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder")
    module = importlib.import_module(spec.module)
    with store.reading() as session:  # a snapshot: examiners go on tagging meanwhile
        case = case_facts(session)
        try:
            target = registry.get(options.scheme or case.working_scheme)
            working = registry.get(case.working_scheme)
            for code in options.categories:
                target.category(code)
        except KeyError as exc:
            raise ExportError(str(exc).strip("'\"")) from None
        context = Context(session=session, registry=registry, case=case, target=target,
                          working=working, options=options, selection=selection,
                          examiner=examiner, at=utcnow(), format=spec,
                          thumbnail=store.thumbnails.get, media_content=media_content,
                          out=out)
        partial = out.with_name(out.name + ".part")
        try:
            written = module.write(context, partial)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        files = [out, *written.files[1:]]
        manifest_sha256, entries = write_manifest(manifest, files, context, written)
    with store.session() as session:
        append_audit(session, examiner, "case.export", target=str(out.resolve()), after={
            "format": spec.id, "scheme": target.id, "scheme_version": target.version,
            "selection": selection, "categories": list(options.categories),
            "precategorised": options.precategorised, "thumbnails": options.thumbnails,
            "files": entries, "manifest": {"path": str(manifest.resolve()),
                                           "sha256": manifest_sha256},
            "counts": written.counts, "warnings": written.warnings,
        })
    return ExportResult(spec.id, target.id, files, manifest, written.counts, written.warnings)
