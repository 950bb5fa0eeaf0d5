"""`triage info CASE_DIR` and `triage files CASE_DIR [--csv]`: what a case holds."""

from __future__ import annotations

import csv
import sys

from sqlalchemy import select

from triage.case.audit import session_account
from triage.case.models import Evidence
from triage.time_zones import DEVICE_LOCAL
from triage.review.queries import LISTING_COLUMNS, iter_files, summary
from triage.case.store import open_case


def register(subparsers) -> None:
    info = subparsers.add_parser("info", help="counts by type, partition, deleted, errors")
    info.add_argument("case_dir", metavar="CASE_DIR")
    info.set_defaults(func=run_info)

    files = subparsers.add_parser("files", help="list every file record")
    files.add_argument("case_dir", metavar="CASE_DIR")
    files.add_argument("--csv", action="store_true",
                       help="CSV with every column (evidence, partition offset in bytes, "
                       "VSS snapshot (the text list marks it IMAGE:OFFSET@vssN:PATH), path, deleted, size, type, MD5, SHA-1, SHA-256, error, ...)")
    files.set_defaults(func=run_files)


def _cell(value, local_clock: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):  # no "Z" on a device's clock reading: its zone is unknown
        return value.isoformat(sep=" ") + ("" if local_clock else "Z")
    return str(value)


_TIMES = frozenset({"crtime", "mtime", "atime", "ctime"})


def run_files(args) -> int:
    store = open_case(args.case_dir)
    with store.reading() as session:
        if args.csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(LISTING_COLUMNS)
            for item in iter_files(session):
                local = item.time_zone == DEVICE_LOCAL
                writer.writerow(_cell(getattr(item, c), local and c in _TIMES)
                                for c in LISTING_COLUMNS)
        else:
            for item in iter_files(session):
                flags = (("D" if item.deleted else "-")
                         + ("!" if item.error else "?" if item.analysis_error else "-"))
                snapshot = f"@vss{item.vss_snapshot}" if item.vss_snapshot else ""
                print(f"{flags} {item.kind:7} {_cell(item.size):>12} "
                      f"{_cell(item.detected_type):18} {_cell(item.md5):32} "
                      f"{item.evidence}:{_cell(item.partition_offset)}{snapshot}:{item.path}")
    return 0


def run_info(args) -> int:
    store = open_case(args.case_dir)
    case = store.info()
    print(f"Case {case.name}  (created {case.created_at:%Y-%m-%d %H:%M} UTC by "
          f"{case.created_by}, Triage {case.triage_version})")
    with store.reading() as session:
        if store.is_shared:
            print(f"Database:  {store.location} (shared), logged in as role "
                  f"{session_account(session)}")
        counts = summary(session)
        for evidence in session.scalars(select(Evidence).order_by(Evidence.id)):
            _print_evidence(evidence, counts["per_partition"])
    print("Entries:   " + _join(counts["kinds"]))
    print(f"Deleted:   {counts['deleted']}" + (
        f"  ({counts['reallocated']} read from clusters allocated again: at least in part "
        "another file's data; see their note)" if counts["reallocated"] else ""))
    print("Content:   " + _join(counts["status"]) + f"  ({counts['contents']} distinct)")
    print("Types:     " + _join(counts["types"]))
    if counts["containers"]:
        print("Inside:    " + _join(counts["containers"]) + "  (items found inside containers, "
              "by container kind)")
    areas, area_bytes = counts["carve_areas"]
    if areas:
        carved = counts["carved"]
        print(f"Carved:    {carved.get('complete', 0)} complete, {carved.get('partial', 0)} "
              f"partial, from {area_bytes:,} bytes of free and unpartitioned space in {areas} "
              "areas (each area's note counts its candidates, cut short and dropped)")
    if counts["encrypted"]:
        print(f"Encrypted: {counts['encrypted']} items need a password "
              "(triage ingest CASE --password ... opens them)")
    print(f"Misnamed:  {counts['extension_mismatch']} (extension disagrees with content)")
    print(f"Errors:    {counts['errors']} entries could not be read; "
          f"{counts['decode_errors']} could not be decoded as the picture or video they are "
          "(triage files --csv: error, analysis_error)")
    for plugin, error in counts["plugin_faults"].items():
        print(f"Plugin:    {plugin} stopped in its last run: {error}")
    if counts["stacks"]["stacks"]:
        print(f"Stacks:    {counts['stacks']['stacks']} near-duplicate stacks holding "
              f"{counts['stacks']['media']} contents")
    sets = counts["hash_sets"]
    if sets["sets"]:
        print(f"Hash sets: {sets['sets']} imported; {sets['matched']} contents matched "
              f"({sets['alert']} alert, {sets['known_good']} known-good, "
              f"{sets['conflicting']} conflicting)")
    if counts["pending"]:
        print(f"Pending:   {counts['pending']} files not yet hashed: run ingest again to finish")
    return 0


IMAGE_LAYERS = {"raw": "raw", "split-raw": "split raw", "ewf": "E01", "vmdk": "VMDK",
                "vhd": "VHD/VHDX", "qcow": "QCOW2", "dmg": "DMG"}


def _print_evidence(evidence: Evidence, per_partition: dict) -> None:
    size = f"{evidence.size:,} bytes" if evidence.size is not None else "size unknown"
    print(f"Evidence {evidence.id}: {evidence.name} [{evidence.format}, {size}]")
    if evidence.sha256:
        print(f"  SHA-256 {evidence.sha256}")
    if evidence.stored_md5:
        verdict = "matches" if evidence.stored_md5 == evidence.md5 else "DOES NOT MATCH"
        print(f"  MD5 {evidence.md5} {verdict} the MD5 stored at acquisition")
    if evidence.time_zone:
        print(f"  device time zone {evidence.time_zone}: FAT, exFAT and ZIP times shown in UTC")
    if evidence.error:
        print(f"  ERROR: {evidence.error}")
    for partition in evidence.partitions:
        where = f"offset {partition.offset}" if partition.offset is not None else "folder"
        state = partition.error and f"ERROR: {partition.error}" or ""
        description = partition.description
        print(f"  partition {partition.index} ({where}, {description}): "
              f"{partition.fs_type or '-'}, {per_partition.get(partition.id, 0)} entries {state}")
        if partition.note:
            print(f"    note: {partition.note}")
        if evidence.format in IMAGE_LAYERS:
            layers = [IMAGE_LAYERS[evidence.format], description,
                      (partition.fs_type or "no file system").upper()]
            print("    layers: " + " › ".join(layers))


def _join(counts: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items())) or "none"
