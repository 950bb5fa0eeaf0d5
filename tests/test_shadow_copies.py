"""Volume shadow copies (VSS) of NTFS volumes, through libvshadow.

No shadow copy can be made on Linux. One real sample is in tests/data (plaso's
vsstest.qcow2: two snapshots): its snapshots are read as volumes, named with their
creation times, their files hashed from the snapshot (a file only the first snapshot
holds equals the live volume's gzip of it), shared contents stored once, and each
snapshot's free space carved through it. Fabricated
VSS headers on an NTFS volume made here test the rest: a catalogue libvshadow cannot
read is an error on its own record while every live file is still read, a header with
no snapshot adds nothing, and garbage does not crash the walk.
"""

from __future__ import annotations

import random
import sqlite3
import struct
from pathlib import Path

import pytest

import diskimages as D
from conftest import has_traceback, row_deleted
from triage.evidence import ContentError, ContentReader, Locator, open_evidence, walk
from triage.evidence.records import PartitionRecord
from triage.evidence.shadow import has_shadow_copies


VSS_SAMPLE = Path(__file__).resolve().parent / "data" / "vsstest.qcow2"  # see data/README.md
needs_vss_sample = pytest.mark.skipif(not VSS_SAMPLE.is_file(), reason="no VSS sample here")
SYSLOG_MD5 = "8b32710e60ce9f650b8b4dcc2b3ee927"  # /syslog in snapshot 1 = live /syslog.gz, inflated


@pytest.fixture(scope="module")
def vss_case(triage):
    result = triage.ingest(VSS_SAMPLE)
    assert result.proc.returncode == 0 and not has_traceback(result.proc.stderr), \
        result.proc.stderr
    return result


@needs_vss_sample
def test_each_snapshot_is_a_volume_named_with_its_time(vss_case, triage):
    info = triage.run("info", vss_case.case_dir).stdout
    assert "VSS snapshot 1 of 2 (2013-12-03 06:35:09 UTC) › NTFS" in info, info
    assert "VSS snapshot 2 of 2 (2013-12-03 06:37:48 UTC) › NTFS" in info, info


@needs_vss_sample
def test_snapshot_files_are_read_from_the_snapshot(vss_case):
    with sqlite3.connect(vss_case.case_dir / "case.sqlite") as db:
        rows = db.execute(
            "SELECT partition.snapshot, file.path, media.md5 FROM file "
            "JOIN partition ON file.partition_id = partition.id "
            "LEFT JOIN media ON file.media_id = media.id "
            "WHERE file.path NOT LIKE '/$%' AND file.kind = 'FILE' "
            "AND file.container_chain IS NULL").fetchall()
    by_volume = {}
    for snapshot, path, md5 in rows:
        by_volume.setdefault(snapshot, {})[path] = md5
    assert set(by_volume) == {None, 0, 1}
    assert by_volume[0]["/syslog"] == SYSLOG_MD5  # deleted from the live volume since
    assert "/syslog" not in by_volume[None] and "/password.txt" not in by_volume[1]
    assert by_volume[1]["/another_file"] == by_volume[None]["/another_file"]


@needs_vss_sample
def test_file_listing_says_which_snapshot(vss_case, triage):
    _, _, rows = triage.files(vss_case.case_dir)
    syslog = [r for r in rows if r["path"] == "/syslog"]
    assert [r["vss_snapshot"] for r in syslog] == ["1"]
    assert all(r["vss_snapshot"] == "" for r in rows if r["path"] == "/password.txt")
    listing = triage.run("files", vss_case.case_dir).stdout
    assert "vsstest.qcow2:0@vss1:/syslog" in listing


@needs_vss_sample
def test_content_seen_live_is_stored_once(vss_case):
    with sqlite3.connect(vss_case.case_dir / "case.sqlite") as db:
        media, files = db.execute(
            "SELECT count(DISTINCT media.id), count(file.id) FROM file "
            "JOIN media ON file.media_id = media.id WHERE file.path = '/another_file'"
        ).fetchone()
    assert (media, files) == (1, 2)


@needs_vss_sample
def test_each_snapshot_free_space_is_carved_through_the_snapshot(vss_case):
    """Its free space holds nothing carvable (zeros, and the live volume's own bytes), but
    each snapshot's areas are carved, through the snapshot, without error."""
    areas = {}
    for row in vss_case.rows:
        if row.get("carved") == "area":
            areas.setdefault(row["vss_snapshot"], set()).add((row["carved_in"], row["note"]))
            assert row["error"] == "", row
    assert set(areas) == {"", "1", "2"}, areas
    for snapshot, found in areas.items():
        assert {layer for layer, _ in found} == {f"VSS snapshot {snapshot}" if snapshot
                                                else "evidence"}
        assert all(note.startswith("carved 0 items") for _, note in found), found


@needs_vss_sample
def test_shadow_copies_can_be_left_out(triage):
    case = triage.new_case_dir("no-vss")
    proc = triage.run("ingest", case, VSS_SAMPLE, "--hashes-only", "--no-shadow-copies")
    assert proc.returncode == 0, proc.stderr
    assert "VSS" not in triage.run("info", case).stdout
    _, _, rows = triage.files(case)
    assert not any(r["path"] == "/syslog" for r in rows)


def _live_files(rows):
    return {r["path"]: r["md5"] for r in rows
            if r["kind"] == "file" and not row_deleted(r) and ":" not in r["path"]
            and not r.get("container_path") and r["md5"]}


def _partitions(path):
    source = open_evidence(path)
    try:
        return [r for r in walk(source, carve=False) if isinstance(r, PartitionRecord)]
    finally:
        source.close()


def test_plain_ntfs_has_no_shadow_copies(image_dir):
    disk = D.make_bare_ntfs(image_dir / "plain")
    source = open_evidence(disk.path)
    try:
        assert not has_shadow_copies(source, 0)
    finally:
        source.close()
    assert len(_partitions(disk.path)) == 1


def test_damaged_catalogue_is_an_error_and_live_files_are_read(image_dir, triage):
    disk = D.make_ntfs_with_vss_header(image_dir / "vss0", "ntfs.raw",
                                       D.VSS_IDENTIFIER + bytes(112))
    result = triage.ingest(disk.path)
    assert not has_traceback(result.proc.stderr), result.proc.stderr
    assert "volume shadow copies cannot be read" in result.proc.stderr
    live = _live_files(result.rows)
    payload = disk.partitions[0][1]
    for rel in payload.files:
        assert live["/" + rel.replace("/", "_")] == payload.md5(rel), rel  # ntfscp: flat
    info = triage.run("info", result.case_dir).stdout
    assert "› VSS" in info, info


def test_header_without_snapshots_adds_nothing(image_dir):
    disk = D.make_ntfs_with_vss_header(image_dir / "vss1", "ntfs.raw",
                                       D.VSS_IDENTIFIER + struct.pack("<II", 1, 1))
    partitions = _partitions(disk.path)
    assert [(p.index, p.error) for p in partitions] == [(0, None)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_garbage_after_the_header_does_not_crash(image_dir, seed):
    junk = random.Random(seed).randbytes(512)
    disk = D.make_ntfs_with_vss_header(image_dir / f"vssjunk{seed}", "ntfs.raw",
                                       D.VSS_IDENTIFIER + junk)
    partitions = _partitions(disk.path)
    assert partitions[0].error is None
    for extra in partitions[1:]:
        assert extra.index >= 20_000 and "VSS" in extra.description


def test_snapshot_locator_on_a_volume_without_one_is_a_content_error(image_dir):
    disk = D.make_bare_ntfs(image_dir / "nosnap")
    where = Locator("raw", (str(disk.path),), 0, 64, "/x", snapshot=0)
    reader = ContentReader()
    try:
        with pytest.raises(ContentError):
            b"".join(reader.chunks(where))
    finally:
        reader.close()
