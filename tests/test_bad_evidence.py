"""Bad and unusual evidence: Triage must answer with one clear line, never
a traceback, exit non-zero only when nothing at all could be read, and keep
going with the other evidence of the same run."""

from __future__ import annotations

import shutil

import pytest

import tsk_reference as T
from conftest import has_traceback


def assert_clear_failure(result, name: str):
    """Exit 2, stderr one non-empty error line naming the evidence (and notes), no traceback."""
    err = result.proc.stderr.strip()
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 2, result.describe()
    lines = [line for line in err.splitlines() if not line.startswith("triage: note: ")]
    assert len(lines) == 1 and lines[0].strip(), (  # notes (what was left behind) may follow
        f"expected one error line on stderr, got {len(lines)}:\n{err[:2000]}")
    assert name in lines[0], f"error line does not name the evidence {name!r}: {lines[0]}"


def entries(result) -> list[dict]:
    """Rows of what was read, without the areas of free space carved (and what they gave)."""
    return [r for r in result.rows if not r.get("carved")]


def assert_consistent(result):
    """No traceback; exit 0 if any row was recorded, else exit 2 with one
    line on stderr."""
    assert not has_traceback(result.proc.stderr), result.describe()
    if [r for r in result.rows if r.get("carved") != "area"]:  # entries, or items carved
        assert result.proc.returncode == 0, result.describe()
    else:
        assert result.proc.returncode == 2, result.describe()
        errors = [line for line in result.proc.stderr.strip().splitlines()
                  if not line.startswith("triage: note: ")]
        assert len(errors) == 1, result.describe()


# --------------------------------------------------------------------------
# Nothing readable: exit 2 with one clear line
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bogus.001"])
def test_shared_unreadable(name, triage, shared_image):
    """bogus.001 has no file system: a clear error. (apfs.raw, APFS, is read through
    libfsapfs since issue 20: tests/test_apfs.py.)"""
    p = shared_image(name)
    result = triage.ingest(p)
    assert_clear_failure(result, p.name)


@pytest.mark.parametrize("fixture", ["random_bytes", "empty_file", "mbr_only_past_end"])
def test_generated_unreadable(fixture, request, triage):
    p = request.getfixturevalue(fixture)
    result = triage.ingest(p)
    assert_clear_failure(result, p.name)


def test_unreadable_file_system_is_carved(triage, zeroed_superblock_ext4):
    """No file system can be read, but its pictures are still there: they are carved,
    and the file system's damage is a warning."""
    result = triage.ingest(zeroed_superblock_ext4)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    assert "no file system The Sleuth Kit can read" in result.proc.stderr
    carved = [r for r in result.rows if r["carved"] in ("complete", "partial")]
    assert carved and all(r["sha256"] and r["detected_type"] for r in carved)


def test_fat_cut_inside_its_fat_is_not_readable(triage, bare_fat12, tmp_path):
    """Cut before its root directory: TSK opens the file system but can read no entry. It
    said "1 of 1 evidence readable" and exited 0."""
    cut = tmp_path / "fat-cut.raw"
    cut.write_bytes(bare_fat12.path.read_bytes()[:3000])
    result = triage.ingest(cut)
    assert_clear_failure(result, cut.name)
    assert "root directory" in result.proc.stderr


def test_truncated_e01(triage, truncated_e01):
    """Half an E01 segment: libewf cannot open it; nothing readable."""
    result = triage.ingest(truncated_e01)
    assert_clear_failure(result, truncated_e01.name)


def test_missing_evidence_path(triage, tmp_path):
    p = tmp_path / "does-not-exist.E01"
    result = triage.ingest(p)
    assert_clear_failure(result, p.name)


# --------------------------------------------------------------------------
# Partly readable: exit 0, the readable part listed, no traceback
# --------------------------------------------------------------------------


def test_bdetogo_outer_fat(triage, shared_image):
    """BitLocker To Go: TSK sees only the outer FAT, which is readable."""
    p = shared_image("bdetogo.raw")
    result = triage.ingest_cached(p)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    assert any(r["path"] == "/BitLockerToGo.exe" for r in result.rows)


def test_one_bad_partition(triage, mbr_one_bad_partition):
    result = triage.ingest_cached(mbr_one_bad_partition.path)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    offsets = {r["partition_offset"] for r in entries(result)}
    assert "1048576" in offsets and "5242880" not in offsets, offsets


def test_truncated_partition_read_errors(triage, mbr_truncated_partition):
    """Files whose clusters lie past the end of the image: listed, md5
    empty, error says why; the rest is hashed."""
    result = triage.ingest_cached(mbr_truncated_partition.path)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    by = {(r["partition_offset"], r["path"]): r for r in result.rows}
    p2 = "2097152"
    assert by[("1048576", "/good.jpg")]["md5"], by.get(("1048576", "/good.jpg"))
    assert by[(p2, "/first.jpg")]["md5"]
    for name in ("/padding.bin", "/lost.jpg", "/lost.png"):
        r = by[(p2, name)]
        assert r["md5"] == "" and r["sha256"] == "", r
        assert r["error"].strip(), r


def test_partition_starting_past_end(triage, mbr_past_end):
    """p2 starts past the end of the image.  TSK rejects the whole table
    (mmls fails), so a reader may find nothing or may still read p1; either
    way: no traceback, and exit code consistent with what was recorded."""
    result = triage.ingest(mbr_past_end.path)
    assert_consistent(result)
    if entries(result):
        assert any(r["path"] == "/kept.jpg" for r in result.rows)


def test_tsk_volume_system_no_fs(triage, shared_image):
    """Partition table with no readable file system in any partition."""
    p = shared_image("tsk_volume_system.raw")
    assert not T.reference(p).file_systems
    result = triage.ingest_cached(p)
    assert_consistent(result)


# --------------------------------------------------------------------------
# Mixed runs, info and verify
# --------------------------------------------------------------------------


def test_mixed_run_good_and_bad(triage, bare_fat12, random_bytes):
    """One good + one bad evidence in one run: exit 0, the good one listed,
    the bad one's error recorded and visible in `triage info`."""
    case = triage.new_case_dir("mixed")
    result = triage.ingest(bare_fat12.path, random_bytes, case_dir=case)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    assert any(r["path"] == "/DCIM/100TEST/IMG_0001.jpg" for r in result.rows)
    info = triage.run("info", case)
    assert info.returncode == 0, info.stderr
    assert not has_traceback(info.stderr)
    text = info.stdout + info.stderr
    assert random_bytes.name in text, f"`triage info` does not mention {random_bytes.name}:\n{text}"
    assert "error" in text.lower() or "fail" in text.lower(), text


def test_mixed_run_bad_first(triage, bare_fat12, empty_file):
    """Order does not matter: a bad evidence first does not stop the run."""
    case = triage.new_case_dir("mixed_bad_first")
    result = triage.ingest(empty_file, bare_fat12.path, case_dir=case)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    assert any(r["path"] == "/DCIM/100TEST/IMG_0001.jpg" for r in result.rows)


def test_verify_detects_changed_evidence(triage, bare_fat12, tmp_path):
    """verify passes on untouched evidence and fails once a byte changed."""
    ev = tmp_path / "copy_of_fat12.raw"
    shutil.copyfile(bare_fat12.path, ev)
    case = triage.new_case_dir("verify")
    result = triage.ingest(ev, case_dir=case)
    assert result.proc.returncode == 0, result.describe()
    ok = triage.run("verify", case)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not has_traceback(ok.stderr)
    with open(ev, "r+b") as fh:
        fh.seek(100_000)
        b = fh.read(1)
        fh.seek(100_000)
        fh.write(bytes([b[0] ^ 0xFF]))
    bad = triage.run("verify", case)
    assert bad.returncode != 0, bad.stdout + bad.stderr
    assert not has_traceback(bad.stderr), bad.stderr



def test_verify_passes_on_intact_multisegment_e01(triage, gpt_e01_multi):
    """An intact E01 set: its data matches the MD5 stored at acquisition and
    the hash recorded at ingest, so verify succeeds."""
    result = triage.ingest(gpt_e01_multi[0])
    assert result.proc.returncode == 0, result.describe()
    v = triage.run("verify", result.case_dir)
    assert v.returncode == 0, v.stdout + v.stderr
    assert not has_traceback(v.stderr)


# --------------------------------------------------------------------------
# Damaged EWF sets
# --------------------------------------------------------------------------


def test_e01_missing_segment(triage, e01_missing_segment):
    """A multi-segment E01 set without .E05: libewf's glob stops at the gap,
    so the readable image ends inside the FAT16 partition's unused tail.
    TSK still reads that partition completely; Triage must list and hash
    what TSK can, record the rest as errors, and exit 0."""
    first = e01_missing_segment[0]
    ref = T.reference(first)
    assert 1048576 in ref.file_systems, "fixture: TSK should read the FAT16 partition"
    result = triage.ingest(first)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    rows = [r for r in entries(result) if r["partition_offset"] == "1048576"]
    expected = {(e.path, e.deleted) for e in ref.file_systems[1048576] if not e.is_dir}
    got = {(r["path"], r["deleted"] == "1") for r in rows if r["kind"] != "dir"}
    assert got == expected, (sorted(expected - got), sorted(got - expected))
    by = {(r["path"], r["meta_addr"]): r for r in rows}
    bad = []
    for e in ref.file_systems[1048576]:
        if e.kind != "file" or e.is_dir:
            continue
        c = T.icat_entry(first, e)
        r = by.get((e.path, str(e.meta_addr)))
        if c.ok and r is not None and r["md5"] != c.md5:
            bad.append(f"{e.path}: icat {c.md5}, triage {r['md5']!r} ({r['error']})")
    assert not bad, "\n".join(bad)


def test_e01_corrupted_chunk(triage, corrupted_e01):
    """One flipped byte inside an uncompressed chunk: both libewf versions
    return the damaged bytes, so the file's md5 is what icat reads; the
    other files are intact; the image no longer matches the MD5 stored at
    acquisition, so `triage verify` must fail."""
    path, disk, damaged = corrupted_e01
    result = triage.ingest(path)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    payload = disk.partitions[0][1]
    by = {r["path"]: r for r in result.rows if r["deleted"] == "0"}
    for rel in payload.files:
        p = "/" + rel
        if p == damaged or rel in disk.partitions[0][2]:
            continue
        assert by[p]["md5"] == payload.md5(rel), (p, by[p])
    ref = {e.path: e for e in T.reference(path).entries}
    c = T.icat_entry(path, ref[damaged])
    r = by[damaged]
    assert r["md5"] != payload.md5(damaged[1:]), "damage not visible in the content hash?"
    assert r["md5"] == c.md5 or (r["md5"] == "" and r["error"].strip()), (r, c)
    v = triage.run("verify", result.case_dir)
    assert not has_traceback(v.stderr), v.stderr
    assert v.returncode != 0, f"verify passed on an E01 whose data no longer matches its " \
        f"acquisition MD5:\n{v.stdout}{v.stderr}"


def test_a_full_disk_is_said_so_with_the_free_space_not_an_internal_error(tmp_path, capsys,
                                                                          monkeypatch):
    """A full disk ended ingest and `hashset import` in an internal error."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from triage import cli
    from triage.cli import inspect

    def full(args):
        raise OperationalError("INSERT INTO file ...", {}, sqlite3.OperationalError(
            "database or disk is full"))

    monkeypatch.setattr(inspect, "run_info", full)
    (tmp_path / "case").mkdir()
    assert cli.main(["info", str(tmp_path / "case")]) == 2
    err = capsys.readouterr().err
    assert "is full" in err and "MB free" in err and "internal error" not in err
