"""Project VIC VICS JSON, case form: one case object whose `Media` hold `MediaFiles`.

Written as the receiving tools read it: flags as the strings "true"/"false",
MD5 and SHA1 in upper case, times ISO 8601 UTC with milliseconds, no BOM.
The file is streamed, one Media record per line, so a case of millions of
items never sits in memory.

`Category` is the examiner's verdict in the target scheme, as that scheme's
VICS integer. When the verdict has no single category there (ambiguous) or
none at all, `Category` is the scheme's "uncategorised" value and the reason
is written out: in `Comments` (a sentence), in `Tags` (``triage:ambiguous``,
``triage:not-representable``, ``triage:translated``, ``triage:precategorised``)
and in `MediaMetadata` (``Triage.*`` properties: the scheme and category as
given, the translation result and the candidates). A target scheme without
public VICS integers (England & Wales A/B/C) is written with the `CUSTOM`
data model, `Category` null, and the category code and label in
`MediaMetadata` (``Triage.TargetCategory``) and `Tags`: integers are never
guessed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable, TextIO

from triage.export.base import Written
from triage.export.items import AMBIGUOUS, EXACT, NONE, SAME, FileFacts, Item, iter_items
from triage.export.text import comments, flag, iso
from triage.media.sniff import FILE_EXTENSION
from triage.schema import Scheme

CONTEXT_2 = ("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{model}"
             "/$metadata#{entity}")
CONTEXT_1 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#{entity}"


def data_model(scheme: Scheme, entity: str) -> tuple[str, str]:
    """The data-model key and URL for `scheme` ("Cases" or "Media")."""
    if scheme.vics is None:
        return "@odata.context", CONTEXT_2.format(model="CUSTOM", entity=entity)
    if scheme.vics.context:
        return "@odata.context", CONTEXT_2.format(model=scheme.vics.context, entity=entity)
    return "odata.metadata", CONTEXT_1.format(entity=entity)  # 1.x numbering (legacy DHS)


def category_value(scheme: Scheme, item: Item) -> int | None:
    """The VICS `Category` integer for the item (the scheme's "uncategorised" when undecided)."""
    if scheme.vics is None:
        return None
    return scheme.vics_code(item.target.code if item.target.decided else None)


def tags_value(item: Item) -> str:
    words = []
    result = item.target.result
    if result == EXACT:
        words.append("triage:translated")
    elif result == AMBIGUOUS:
        words.append("triage:ambiguous")
    elif result == NONE:
        words.append("triage:not-representable")
    if item.target.precategorised:
        words.append("triage:precategorised")
    if item.target.decided and item.target.result in (SAME, EXACT):
        words.append(f"{item.target.scheme}:{item.target.code}")
    return ";".join(words)


def metadata(item: Item) -> list[dict]:
    """`MediaMetadata`: the verdict as given and how it became the target category."""
    pairs: list[tuple[str, str]] = [("Triage.TargetScheme", item.target.scheme),
                                    ("Triage.Translation", item.target.result)]
    if item.target.decided:
        pairs += [("Triage.TargetCategory", item.target.code),
                  ("Triage.TargetCategoryLabel", item.target.label or "")]
    if item.target.candidates:
        pairs.append(("Triage.Candidates", ";".join(item.target.candidates)))
    if item.target.reason:
        pairs.append(("Triage.Reason", item.target.reason))
    v = item.verdict
    if v is not None:
        pairs += [("Triage.Source", v.source), ("Triage.Scheme", v.scheme),
                  ("Triage.Category", v.category), ("Triage.Examiner", v.examiner),
                  ("Triage.Tagged", iso(v.at))]
        if v.attributes:
            pairs.append(("Triage.Attributes",
                          ";".join(f"{k}={x}" for k, x in v.attributes.items())))
        if v.note:
            pairs.append(("Triage.Note", v.note))
    for hit in item.hash_sets:
        pairs.append(("Triage.HashSet", hit.describe()))
    for tag in item.other_tags:
        pairs.append(("Triage.OtherTag", f"{tag.source}: {tag.scheme} {tag.category}"))
    pairs.append(("Triage.MediaType", item.detected_type or ""))
    for f in item.files:  # VICS has no field for a carved instance's place: say it here
        if f.carved:
            pairs.append(("Triage.Carved", f"{carved_place(f)} byte {f.carved_offset}, "
                                           f"{f.size} bytes ({f.carved})"))
    return [{"PropertyName": k, "PropertyValue": x} for k, x in pairs]


def carved_place(f: FileFacts) -> str:
    """What a carved instance's offset counts in: the evidence, or the layer of one of its
    partitions (an unlocked volume's decrypted content, a VSS snapshot)."""
    if f.carved_in in (None, "evidence"):
        return f.evidence
    return f"{f.evidence}, partition {f.partition_index}, {f.carved_in}"


def file_path(evidence_partition: str | None, folder: str) -> str:
    """A VICS FilePath: Windows separators, ending with one ("Partition 1\\Users\\")."""
    inner = folder.strip("/").replace("/", "\\")
    parts = [p for p in (evidence_partition, inner) if p]
    return "\\".join(parts) + "\\" if parts else "\\"


def media_files(item: Item) -> list[dict]:
    records = []
    for f in item.files:
        partition = f"Partition {f.partition_index}" if f.partition_offset is not None else None
        records.append({
            "MD5": item.md5.upper(),
            "FileName": f.name,
            "FilePath": file_path(partition, f.folder),
            "Created": iso(f.crtime, f.local_clock),
            "Written": iso(f.mtime, f.local_clock),
            "Accessed": iso(f.atime, f.local_clock),
            "Unallocated": flag(f.deleted),
            "Deleted": flag(f.deleted),
            "SourceID": f.evidence,
        })
    return records


def media_record(item: Item, media_id: int, scheme: Scheme, updated: str, *,
                 with_files: bool = True) -> dict:
    """One VICS Media object for `item` in `scheme`."""
    record = {
        "MediaID": media_id,
        "Category": category_value(scheme, item),
        "MD5": item.md5.upper(),
        "SHA1": item.sha1.upper(),
        "MediaSize": item.size,
        "MimeType": item.detected_type or "",
        "DateUpdated": iso(item.updated) or updated,
        "VictimIdentified": "false",
        "OffenderIdentified": "false",
        "IsDistributed": "false",
        "IsPrecategorized": flag(item.target.precategorised),
        "Series": "",
        "Tags": tags_value(item),
        "Comments": comments(item),
        "AlternativeHashes": [{"HashName": "SHA256", "HashValue": item.sha256.upper()}],
        "MediaMetadata": metadata(item),
    }
    if item.target.precategorised:
        record["PrecategorizationSource"] = "; ".join(
            sorted({h.name for h in item.hash_sets if h.category is not None}))
    if with_files:
        record["MediaFiles"] = media_files(item)
        record["Exifs"] = [{"PropertyName": name, "PropertyValue": str(value)}
                           for name, value in sorted(item.exif.items()) if value is not None]
    return record


def counting(counts: dict, item: Item) -> None:
    counts["items"] = counts.get("items", 0) + 1
    key = item.target.code if item.target.decided else item.target.result
    by = counts.setdefault("by_category", {})
    by[key] = by.get(key, 0) + 1


def write_records(out: TextIO, records) -> None:
    for n, record in enumerate(records):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def selected_records(context, counts: dict, updated: str, copies: MediaCopies | None = None,
                     **record_options):
    """The Media records of the items the export selected, numbered from 1, counted as they go."""
    n = 0
    for item in iter_items(context.session, context.registry, context.target.id,
                           selection=context.selection,
                           precategorised=context.options.precategorised):
        if not context.keep(item):
            continue
        n += 1
        counting(counts, item)
        record = media_record(item, n, context.target, updated, **record_options)
        if copies is not None and (relative := copies.copy(item)):
            record["RelativeFilePath"] = relative
        yield record


class MediaCopies:
    """Each item's content written once into a folder beside the export, checked by SHA-256.

    VICS packages carry the media this way (`RelativeFilePath`, Windows
    separators). A content that cannot be read back whole is left out with a
    warning, never written partly.
    """

    def __init__(self, folder: Path, read: Callable[[str], Iterable[bytes]]):
        """Copies go to `folder`.part, renamed `folder` by `finish`: an export killed midway
        leaves no half-filled folder under the name a reader would trust."""
        self.folder, self._read = folder, read
        self._part = folder.with_name(folder.name + ".part")
        shutil.rmtree(self._part, ignore_errors=True)  # what a killed export left
        self.files: list[Path] = []
        self.warnings: list[str] = []

    def finish(self) -> list[Path]:
        """The folder under its own name (an earlier export's is replaced); the files in it."""
        if not self._part.exists():
            return []
        if self.folder.exists():
            shutil.rmtree(self.folder)
        os.replace(self._part, self.folder)
        return [self.folder / f.name for f in self.files]

    def copy(self, item: Item) -> str | None:
        name = item.md5.upper() + _dotted(FILE_EXTENSION.get(item.detected_type or ""))
        target = self._part / name
        self._part.mkdir(exist_ok=True)
        digest = hashlib.sha256()
        try:
            with open(target, "wb") as out:
                for chunk in self._read(item.sha256):
                    digest.update(chunk)
                    out.write(chunk)
        except Exception as exc:  # noqa: BLE001 - a damaged evidence item must not stop the export
            target.unlink(missing_ok=True)
            self.warnings.append(f"{item.md5}: not copied: {exc}")
            return None
        if digest.hexdigest() != item.sha256:
            target.unlink()
            self.warnings.append(f"{item.md5}: not copied: content read back differs")
            return None
        self.files.append(target)
        return f"{self.folder.name}\\{name}"




def write(context, path: Path):
    scheme = context.target
    key, url = data_model(scheme, "Cases")
    counts: dict = {}
    updated = iso(context.at)
    case = {
        "CaseID": context.case.guid,
        "CaseNumber": context.options.case_number or context.case.name,
        "ContactName": context.examiner,
        "SourceApplicationName": context.tool,
        "SourceApplicationVersion": context.version,
    }

    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("{" + json.dumps(key) + ":" + json.dumps(url) + ',"value":[{')
        out.write(",".join(json.dumps(k) + ":" + json.dumps(v, ensure_ascii=False)
                           for k, v in case.items()))
        out.write(',"Media":[')
        copies = None
        if context.options.copy_media:
            final = context.out or path
            copies = MediaCopies(final.with_name(final.name + ".media"), context.media_content)
        write_records(out, selected_records(context, counts, updated, copies))
        out.write("]}]}\n")
    if copies is None:
        return Written([path], counts, warnings(scheme))
    counts["media_copied"] = len(copies.files)
    return Written([path, *copies.finish()], counts, warnings(scheme) + copies.warnings)


def warnings(scheme: Scheme) -> list[str]:
    if scheme.vics is None:
        return [f"{scheme.id} has no public VICS Category integers: Category is written as "
                "null and the category code is in MediaMetadata Triage.TargetCategory and Tags"]
    return []


def _dotted(extension: str | None) -> str:
    return f".{extension}" if extension else ""
