"""Black-box: what ``triage files --csv`` lists must be what The Sleuth Kit's
own tools (mmls, fls -r -p, icat) find in the same evidence.

The generated images (and their E01 / split containers) are ingested
together into one case, the third-party images in /work/shared/testdata/images
into another (one `triage ingest` run each: process start-up is most of the
cost on images this small); each evidence item's rows are picked out by the
``evidence`` column, and every test compares one aspect against the TSK
reference (tests/tsk_reference.py).

Conventions shared with the reference:
- paths are compared after replacing control characters by '^' (fls prints
  names that way, e.g. HFS+ ``^^^^HFS+ Private Data``);
- NTFS named streams (``file:stream``, listed by fls as their own entries)
  are checked in their own test so that the main comparison stays readable;
- timestamps are compared in whole seconds, UTC.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

import diskimages as D
import tsk_reference as T
from conftest import (FILES_CSV_HEADER, has_traceback, md5_of, row_deleted, row_offset,
                      row_path)

pytestmark = pytest.mark.usefixtures("need_tsk")

EMPTY_MD5 = hashlib.md5(b"").hexdigest()


# --------------------------------------------------------------------------
# Evidence catalogue
# --------------------------------------------------------------------------


@dataclass
class Evidence:
    id: str
    path: Path  # what is given to `triage ingest` (and to TSK)
    disk: D.Disk | None = None  # for generated images: what was put in


# generated images: id -> fixture name (a diskimages.Disk)
BUILT = {
    "mbr_fat32_ext4.raw": "mbr_fat32_ext4",
    "gpt_fat16_ntfs.raw": "gpt_fat16_ntfs",
    "fat12.raw": "bare_fat12",
    "ext4.raw": "bare_ext4",
    "ntfs.raw": "bare_ntfs",
    "payload.iso": "iso9660_image",
    "mbr_one_bad_partition.raw": "mbr_one_bad_partition",
    "mbr_truncated_partition.raw": "mbr_truncated_partition",
}
# containers of generated images: id -> (fixture giving the segments, raw id)
CONTAINERS = {
    "mbr_fat32_ext4.E01": ("mbr_e01", "mbr_fat32_ext4.raw"),
    "gpt_fat16_ntfs.E01(multi-segment)": ("gpt_e01_multi", "gpt_fat16_ntfs.raw"),
    "fat12.000(split)": ("fat12_split", "fat12.raw"),
}
SHARED = [
    "ext2.E01", "ext2.split.E01", "ext2.splitraw.000", "hfsplus.raw", "iso9660.raw",
    "image.dd", "ímynd.dd", "mbr.raw", "tsk_volume_system.raw", "fat_dst_test.dd",
    "imageformat_mmls_1.E01", "image-split.E01", "bdetogo.raw",
]
BUILT_IDS = list(BUILT) + list(CONTAINERS)
ALL_IDS = BUILT_IDS + SHARED
NTFS_IDS = ["gpt_fat16_ntfs.raw", "gpt_fat16_ntfs.E01(multi-segment)", "ntfs.raw",
            "imageformat_mmls_1.E01"]
LINK_IDS = ["ext2.E01", "ext2.split.E01", "ext2.splitraw.000", "hfsplus.raw", "ímynd.dd"]
VIRTUAL_IDS = ["mbr_fat32_ext4.raw", "mbr_fat32_ext4.E01", "gpt_fat16_ntfs.raw", "fat12.raw",
               "fat12.000(split)", "mbr_truncated_partition.raw", "fat_dst_test.dd",
               "bdetogo.raw"]

# Same disk in different containers: Triage must list the same rows.
SAME_CONTENT = [
    ("mbr_fat32_ext4.raw", "mbr_fat32_ext4.E01"),
    ("gpt_fat16_ntfs.raw", "gpt_fat16_ntfs.E01(multi-segment)"),
    ("fat12.raw", "fat12.000(split)"),
    ("ext2.splitraw.000", "ext2.E01"),
    ("ext2.splitraw.000", "ext2.split.E01"),
    ("mbr.raw", "image-split.E01"),
]


def resolve(request, ev_id: str) -> Evidence:
    if ev_id in BUILT:
        disk = request.getfixturevalue(BUILT[ev_id])
        return Evidence(ev_id, disk.path, disk)
    if ev_id in CONTAINERS:
        fixture, raw_id = CONTAINERS[ev_id]
        segs = request.getfixturevalue(fixture)
        return Evidence(ev_id, segs[0], resolve(request, raw_id).disk)
    return Evidence(ev_id, request.getfixturevalue("shared_image")(ev_id))


@dataclass
class Batch:
    """All evidence of one group ingested into one case, in one run."""

    evidence: dict[str, Evidence]
    result: object  # conftest.Ingest
    md5_before: dict[str, str]


@pytest.fixture(scope="session")
def batches(request, triage):
    """Generated images (and their containers) in one case, third-party
    images in another: one `triage ingest` each."""
    cache: dict[str, Batch] = {}

    def get(group: str) -> Batch:
        if group not in cache:
            evs = {}
            for ev_id in (BUILT_IDS if group == "built" else SHARED):
                try:
                    evs[ev_id] = resolve(request, ev_id)
                except pytest.skip.Exception:
                    continue  # missing tool or missing third-party file
            if not evs:
                pytest.skip(f"no {group} evidence available")
            before = {i: md5_of(e.path) for i, e in evs.items()} if group == "built" else {}
            result = triage.ingest_cached(*[e.path for e in evs.values()], label=group)
            cache[group] = Batch(evs, result, before)
        return cache[group]

    return get


@dataclass
class EvidenceResult:
    """One evidence item's share of a batch ingest."""

    rows: list[dict]
    batch: object  # conftest.Ingest

    @property
    def proc(self):
        return self.batch.proc

    def describe(self) -> str:
        return self.batch.describe()


def ingested_result(batches, request, ev_id: str):
    group = "built" if ev_id in BUILT_IDS else "shared"
    batch = batches(group)
    if ev_id not in batch.evidence:
        resolve(request, ev_id)  # skips with the reason
    ev = batch.evidence[ev_id]
    result = batch.result
    assert result.proc.returncode == 0, result.describe()
    assert result.files_proc is not None and result.files_proc.returncode == 0, (
        f"`triage files --csv` failed: "
        f"{result.files_proc.stderr if result.files_proc else 'case folder missing'}")
    # TSK lists file systems: items found inside files (archives, ...) are not its to list
    rows = [r for r in result.rows_of(ev.path)
            if "_malformed" not in r and not r.get("container_path") and not r.get("carved")]
    return ev, EvidenceResult(rows, result), T.reference(ev.path)


def _ingested_fixture(ids):
    @pytest.fixture(params=ids)
    def fixture(request, batches):
        return ingested_result(batches, request, request.param)

    return fixture


ingested = _ingested_fixture(ALL_IDS)
built_ingested = _ingested_fixture(BUILT_IDS)
ntfs_ingested = _ingested_fixture(NTFS_IDS)
link_ingested = _ingested_fixture(LINK_IDS)
virtual_ingested = _ingested_fixture(VIRTUAL_IDS)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def key_of(row: dict) -> tuple:
    return (row_offset(row), row_path(row), row_deleted(row))


def ekey(e: T.Entry) -> tuple:
    return (e.partition_offset, e.path, e.deleted)


def stream_bases(ref: T.Reference) -> set[tuple]:
    """(offset, path) of files that fls shows only through named streams."""
    plain = {(e.partition_offset, e.path) for e in ref.entries if not e.is_named_stream}
    bases = {(e.partition_offset, e.path.rsplit(":", 1)[0])
             for e in ref.entries if e.is_named_stream}
    return bases - plain


def diff_report(expected: Counter, got: Counter, limit: int = 25) -> str:
    missing = sorted((expected - got).elements(), key=str)
    extra = sorted((got - expected).elements(), key=str)
    lines = [f"missing in triage ({len(missing)}):"]
    lines += [f"  {m}" for m in missing[:limit]]
    lines.append(f"extra in triage ({len(extra)}):")
    lines += [f"  {x}" for x in extra[:limit]]
    return "\n".join(lines)


def rows_by_entry(rows: list[dict]) -> dict[tuple, list[dict]]:
    """(offset, path, deleted, meta_addr) -> rows."""
    out = defaultdict(list)
    for r in rows:
        try:
            addr = int((r.get("meta_addr") or "").split("-")[0])
        except ValueError:
            addr = None
        out[key_of(r) + (addr,)].append(r)
    return out


def find_row(rows_idx, e: T.Entry) -> dict | None:
    found = rows_idx.get(ekey(e) + (e.meta_addr,))
    return found[0] if found else None


def parse_cli_time(s: str | None) -> int | None:
    """Triage's time column -> epoch seconds (accepts epoch numbers and ISO
    8601, naive meaning UTC)."""
    s = (s or "").strip()
    if not s:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", s):
        v = math.floor(float(s))
        return v or None
    s = s.replace("Z", "+00:00")
    if " " in s and "T" not in s:
        s = s.replace(" ", "T", 1)
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    v = math.floor(dt.timestamp())
    return v or None


def got_is_empty(s: str | None) -> bool:
    return not (s or "").strip()


def expected_fs_path(fs: str, rel: str, deleted: bool = False) -> str:
    if fs == "ntfs":
        rel = rel.replace("/", "_")
    if deleted and fs.startswith("fat"):
        head, _, name = rel.rpartition("/")
        rel = (head + "/" if head else "") + "_" + name[1:]
    return "/" + rel


# --------------------------------------------------------------------------
# The CSV itself
# --------------------------------------------------------------------------


def test_files_csv_header(batches):
    result = batches("built").result
    assert result.proc.returncode == 0, result.describe()
    # The foundation's columns come first, in this order; later features append theirs.
    assert result.header[: len(FILES_CSV_HEADER)] == FILES_CSV_HEADER


def test_csv_well_formed(batches):
    """Every CSV record has all the columns (a CR or LF in a name must be
    quoted, or CSV readers split the record)."""
    bad = []
    for group in ("built", "shared"):
        result = batches(group).result
        bad += [r["_malformed"] for r in result.rows if "_malformed" in r]
    assert not bad, f"{len(bad)} records with the wrong number of fields: {bad[:4]}"


@pytest.mark.parametrize("group", ["built", "shared"])
def test_batch_ingest_clean_exit(group, batches):
    """All the evidence of a group in one run: exit 0, no traceback, every
    evidence item that TSK can read has rows."""
    batch = batches(group)
    result = batch.result
    assert result.proc.returncode == 0, result.describe()
    assert not has_traceback(result.proc.stderr), result.describe()
    empty = [i for i, e in batch.evidence.items()
             if T.reference(e.path).file_systems and not result.rows_of(e.path)]
    assert not empty, f"no rows for {empty}; evidence column values: " \
        f"{sorted({r['evidence'] for r in result.rows})}"


def test_no_dot_entries_and_valid_columns(ingested):
    ev, result, ref = ingested
    for r in result.rows:
        name = r["name"]
        assert name not in (".", ".."), r
        assert r["kind"] in ("file", "dir", "link", "virtual", "other"), r
        assert r["deleted"] in ("0", "1"), r
        assert r["extension_mismatch"] in ("", "0", "1"), r
        assert r["path"].startswith("/"), r
        assert r["path"].rsplit("/", 1)[-1] == name or ":" in r["path"], r


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------


def test_nondir_entries_match_fls(ingested):
    """The multiset of (partition_offset, path, deleted) of non-directory
    entries equals fls's (NTFS named streams: see test_named_streams)."""
    ev, result, ref = ingested
    ref_dirs = {(e.partition_offset, e.path) for e in ref.entries if e.is_dir}
    stream_paths = {(e.partition_offset, e.path) for e in ref.entries if e.is_named_stream}
    skip = ref_dirs | stream_paths | stream_bases(ref)
    expected = Counter(ekey(e) for e in ref.entries
                       if not e.is_dir and not e.is_named_stream)
    got = Counter(key_of(r) for r in result.rows
                  if r["kind"] != "dir" and (row_offset(r), row_path(r)) not in skip)
    assert got == expected, f"{ev.id}:\n" + diff_report(expected, got)


def test_directories_listed(ingested):
    """Every directory fls lists has a row (kind dir, or virtual for TSK's
    virtual directory $OrphanFiles)."""
    ev, result, ref = ingested
    got = Counter(key_of(r) for r in result.rows if r["kind"] in ("dir", "virtual"))
    expected = Counter(ekey(e) for e in ref.entries if e.is_dir)
    missing = expected - got
    assert not missing, f"{ev.id}: directories missing: {sorted(missing, key=str)[:25]}"


def test_meta_addr_and_kind_match_fls(ingested):
    ev, result, ref = ingested
    idx = defaultdict(list)
    for r in result.rows:
        idx[key_of(r)].append(r)
    bad = []
    for e in ref.entries:
        if e.is_named_stream:
            continue
        rows = idx.get(ekey(e))
        if not rows:
            continue  # reported by test_nondir_entries_match_fls
        addrs = [(r["meta_addr"] or "").split("-")[0] for r in rows]
        if str(e.meta_addr) not in addrs:
            bad.append(f"{e.path}: meta_addr fls={e.meta_addr} triage={addrs}")
            continue
        r = rows[addrs.index(str(e.meta_addr))]
        ok_kinds = {e.kind}
        if e.name_type == "V" or e.meta_type == "V":
            ok_kinds = {"dir", "virtual"}
        if r["kind"] not in ok_kinds:
            bad.append(f"{e.path}: kind fls={e.name_type}/{e.meta_type} "
                       f"(expected {sorted(ok_kinds)}) triage={r['kind']}")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:30])


def test_sizes_match_fls(ingested):
    ev, result, ref = ingested
    idx = rows_by_entry(result.rows)
    bad = []
    for e in ref.entries:
        if e.is_dir or e.is_named_stream:
            continue
        r = find_row(idx, e)
        if r is None:
            continue
        got = int(r["size"]) if (r["size"] or "").strip() else 0
        if got != e.size:
            bad.append(f"{e.path} (addr {e.meta_addr}): fls size {e.size}, triage {r['size']!r}")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:30])


def test_times_match_fls(ingested):
    ev, result, ref = ingested
    idx = rows_by_entry(result.rows)
    bad = []
    for e in ref.entries:
        if e.is_named_stream:
            continue
        r = find_row(idx, e)
        if r is None:
            continue
        for col in ("crtime", "mtime", "atime", "ctime"):
            want = getattr(e, col)
            if want is not None and want >= 2**31 and got_is_empty(r[col]):
                # pytsk3's bundled TSK reports 0 for times past 2038-01-19
                # (mkntfs -Q gives $MFT such a time); accept "no time".
                continue
            try:
                got = parse_cli_time(r[col])
            except ValueError:
                bad.append(f"{e.path}: {col} {r[col]!r} is not a time")
                continue
            if got != want:
                bad.append(f"{e.path}: {col} fls={want} triage={got} ({r[col]!r})")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:30])


def test_named_streams(ntfs_ingested):
    """NTFS alternate data streams are entries of their own in fls
    (``photo.jpg:hidden``); Triage must list them; a hash given for one must
    be the stream's content (icat ADDR-TYPE-ID)."""
    ev, result, ref = ntfs_ingested
    streams = [e for e in ref.entries if e.is_named_stream]
    assert streams, "reference lists no named streams"
    by_key = defaultdict(list)
    for r in result.rows:
        by_key[key_of(r)].append(r)
    bad = []
    for e in streams:
        rows = by_key.get(ekey(e))
        if not rows:
            bad.append(f"missing row for {e.path} (offset {e.partition_offset}, addr {e.full_addr})")
            continue
        md5s = {r["md5"] for r in rows}
        want = T.icat(ev.path, e.partition_offset, e.full_addr)
        if md5s - {"", want.md5}:
            bad.append(f"{e.path}: md5 {md5s} but stream content is {want.md5}")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:40])


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


def _check_content(ev, result, ref, kinds: set[str]) -> list[str]:
    idx = rows_by_entry(result.rows)
    bad = []
    for e in ref.entries:
        if e.is_dir or e.is_named_stream or e.kind not in kinds:
            continue
        r = find_row(idx, e)
        if r is None:
            continue
        got = r["md5"]
        where = f"{e.path} (addr {e.meta_addr}{', deleted' if e.deleted else ''})"
        if e.meta_addr == 0 and e.deleted:
            if got not in ("", EMPTY_MD5):
                bad.append(f"{where}: no metadata, but md5 {got}")
            continue
        c = T.icat_entry(ev.path, e)
        if c.length == 0 and e.size == 0 and got in ("", EMPTY_MD5):
            # nothing to read: no data attribute (NTFS orphans), or size 0
            continue
        if e.realloc and not got and r["error"].strip():
            # the name's metadata now belongs to another file: refusing to
            # call that content this file's is allowed
            continue
        if c.ok:
            if got != c.md5:
                bad.append(f"{where}: icat md5 {c.md5} ({c.length} bytes), "
                           f"triage {got!r} error={r['error']!r}")
        else:
            if got:
                bad.append(f"{where}: icat cannot read it ({c.error[:100]}), "
                           f"but triage md5 {got}")
            elif not r["error"].strip():
                bad.append(f"{where}: unreadable (icat: {c.error[:80]}) but error column empty")
    return bad


def test_md5_matches_icat(ingested):
    """Regular files, deleted ones included: md5 = icat's; where icat cannot
    read, md5 empty and error says why."""
    ev, result, ref = ingested
    bad = _check_content(ev, result, ref, {"file"})
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:40])


def test_md5_virtual_files_match_icat(virtual_ingested):
    """Virtual files ($MBR, $FAT1, $FAT2): md5 of what icat reads."""
    ev, result, ref = virtual_ingested
    assert any(e.kind == "virtual" for e in ref.entries)
    bad = _check_content(ev, result, ref, {"virtual"})
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:40])


def test_md5_links_match_icat(link_ingested):
    """Symbolic links: md5 of what icat reads (the link target text), or,
    per the contract, an empty md5 only with an error saying why."""
    ev, result, ref = link_ingested
    assert any(e.kind == "link" for e in ref.entries)
    bad = _check_content(ev, result, ref, {"link"})
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:40])


def test_hash_columns_consistent(ingested):
    ev, result, ref = ingested
    bad = []
    for r in result.rows:
        hashes = (r["md5"], r["sha1"], r["sha256"])
        if r["kind"] == "dir":
            if any(hashes):
                bad.append(f"{r['path']}: dir with hashes {hashes}")
            continue
        if any(hashes):
            if not (re.fullmatch(r"[0-9a-f]{32}", r["md5"])
                    and re.fullmatch(r"[0-9a-f]{40}", r["sha1"])
                    and re.fullmatch(r"[0-9a-f]{64}", r["sha256"])):
                bad.append(f"{r['path']}: malformed hashes {hashes}")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad[:30])


# --------------------------------------------------------------------------
# Generated images: what was put in must come out
# --------------------------------------------------------------------------


def test_payload_files_found_with_hashes(built_ingested):
    """Every file written into a generated file system (not deleted) is
    listed at its path with md5/sha1/sha256 of what was written."""
    ev, result, ref = built_ingested
    by = {(row_offset(r), r["path"], row_deleted(r)): r for r in result.rows}
    bad = []
    for off, (fs, payload, deleted) in ev.disk.partitions.items():
        if payload is None:
            continue
        readable = {e.path for e in ref.file_systems.get(off, [])}
        for rel, data in payload.files.items():
            if rel in deleted:
                continue
            path = expected_fs_path(fs, rel)
            if path not in readable:
                continue  # e.g. past the end of a truncated image
            c = T.icat_entry(ev.path, next(e for e in ref.file_systems[off] if e.path == path))
            if not c.ok:
                continue
            r = by.get((off, path, False))
            if r is None:
                bad.append(f"{fs}@{off}: {path} missing")
                continue
            want = (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
                    hashlib.sha256(data).hexdigest())
            if (r["md5"], r["sha1"], r["sha256"]) != want:
                bad.append(f"{fs}@{off}: {path} hashes {(r['md5'], r['sha1'], r['sha256'])} "
                           f"!= {want}")
            if str(len(data)) != r["size"]:
                bad.append(f"{fs}@{off}: {path} size {r['size']} != {len(data)}")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad)


def test_deleted_files_listed(built_ingested):
    """Deleted files are listed deleted=1; on FAT, under the name with its
    first character lost ('_4_del.jpg'), with the original content."""
    ev, result, ref = built_ingested
    by = {(row_offset(r), r["path"], row_deleted(r)): r for r in result.rows}
    bad = []
    checked = 0
    for off, (fs, payload, deleted) in ev.disk.partitions.items():
        for rel in deleted:
            checked += 1
            path = expected_fs_path(fs, rel, deleted=True)
            r = by.get((off, path, True))
            if r is None:
                bad.append(f"{fs}@{off}: deleted {path} missing")
                continue
            if fs.startswith("fat") and r["md5"] != payload.md5(rel):
                bad.append(f"{fs}@{off}: deleted {path} md5 {r['md5']!r} "
                           f"!= original {payload.md5(rel)} (error {r['error']!r})")
    if not checked:
        pytest.skip("no deleted files in this image")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad)


def test_media_type_detection(built_ingested):
    """Type is sniffed from content: a JPEG named report.dat is image/jpeg
    with extension_mismatch=1, a PNG named x.jpg is image/png with
    extension_mismatch=1; honest names have extension_mismatch=0."""
    ev, result, ref = built_ingested
    by = {(row_offset(r), r["path"], row_deleted(r)): r for r in result.rows}
    bad = []
    checked = 0
    for off, (fs, payload, deleted) in ev.disk.partitions.items():
        if payload is None:
            continue
        cases = {**{k: (v, "1") for k, v in D.MISLEADING.items()},
                 **{k: (v, "0") for k, v in D.HONEST_MEDIA.items()}}
        if D.UNICODE_NAME in payload.files:
            cases[D.UNICODE_NAME] = ("image/jpeg", "0")
        cases["Documents/notes.txt"] = (None, "0")
        for rel, (mime, mismatch) in cases.items():
            if rel not in payload.files:
                continue
            r = by.get((off, expected_fs_path(fs, rel), False))
            if r is None:
                continue  # reported by test_payload_files_found_with_hashes
            checked += 1
            if mime is None:
                if r["detected_type"].startswith(("image/", "video/")):
                    bad.append(f"{fs}@{off}: {rel}: text detected as {r['detected_type']}")
            elif r["detected_type"] != mime:
                bad.append(f"{fs}@{off}: {rel}: detected_type {r['detected_type']!r} != {mime}")
            if r["extension_mismatch"] != mismatch:
                bad.append(f"{fs}@{off}: {rel}: extension_mismatch "
                           f"{r['extension_mismatch']!r} != {mismatch}")
    if not checked:
        pytest.skip("no media payload listed")
    assert not bad, f"{ev.id}:\n" + "\n".join(bad)


# --------------------------------------------------------------------------
# Same disk, different containers
# --------------------------------------------------------------------------


def _comparable(rows: list[dict]) -> Counter:
    """Rows as one evidence gives them, whatever row ids the case gave them."""
    return Counter(tuple((k, v) for k, v in sorted(r.items())
                         if k not in ("evidence", "file_id", "parent_id"))
                   for r in rows)


@pytest.mark.parametrize("a_id,b_id", SAME_CONTENT, ids=[f"{a}~{b}" for a, b in SAME_CONTENT])
def test_same_rows_across_containers(a_id, b_id, request, batches):
    _, ra, _ = ingested_result(batches, request, a_id)
    _, rb, _ = ingested_result(batches, request, b_id)
    assert ra.rows, f"{a_id}: no rows"
    ca, cb = _comparable(ra.rows), _comparable(rb.rows)
    assert ca == cb, f"{a_id} vs {b_id}:\n" + diff_report(ca, cb, limit=10)


def test_e01_equals_exported_raw(request, triage, shared_image, exported_raw):
    """imageformat_mmls_1.E01 (two NTFS partitions) against its ewfexport raw."""
    e01 = shared_image("imageformat_mmls_1.E01")
    raw = exported_raw(e01)
    ra, rb = triage.ingest_cached(raw), triage.ingest_cached(e01)
    assert ra.proc.returncode == 0, ra.describe()
    assert rb.proc.returncode == 0, rb.describe()
    # The disk inside this E01 is a fixed VHD: exported raw, its 512-byte footer makes it a
    # VHD image, whose disk ends before the footer; the E01 is read as the whole raw disk. So
    # the space after the last partition differs by those 512 bytes; every file is the same.
    ca = _comparable([r for r in ra.rows if r.get("carved") != "area"])
    cb = _comparable([r for r in rb.rows if r.get("carved") != "area"])
    assert ca == cb, diff_report(ca, cb, limit=10)


# --------------------------------------------------------------------------
# Folder evidence and read-only evidence
# --------------------------------------------------------------------------


def test_folder_evidence(triage, folder_evidence):
    result = triage.ingest(folder_evidence)
    assert result.proc.returncode == 0, result.describe()
    files = {r["path"]: r for r in result.rows if r["kind"] == "file"}
    expected = {}
    for p in folder_evidence.rglob("*"):
        if p.is_file():
            expected["/" + p.relative_to(folder_evidence).as_posix()] = p
    assert set(files) == set(expected), (sorted(set(expected) - set(files)),
                                         sorted(set(files) - set(expected)))
    for path, p in expected.items():
        r = files[path]
        assert r["partition_offset"] == "", r
        assert r["md5"] == md5_of(p), path
        assert r["size"] == str(p.stat().st_size), path
        assert r["deleted"] == "0"
    assert files["/Documents/report.dat"]["detected_type"] == "image/jpeg"
    assert files["/Documents/report.dat"]["extension_mismatch"] == "1"


def test_evidence_not_modified(batches):
    """Ingest never writes to evidence: generated images hash the same
    after the ingest as before."""
    batch = batches("built")
    changed = [i for i, e in batch.evidence.items() if md5_of(e.path) != batch.md5_before[i]]
    assert not changed
