"""Volume shadow copies (VSS) of NTFS volumes, through libvshadow.

No shadow copy can be made on Linux and none is in the test data (dfVFS's samples are
not in the fetched snapshot), so these tests use fabricated VSS headers on an NTFS
volume made here: the header is recognised, a catalogue libvshadow cannot read is an
error on its own record while every live file is still read, a header with no snapshot
adds nothing, and garbage does not crash the walk. Reading the files of a real
snapshot (and its creation time in the layers) is NOT tested.
"""

from __future__ import annotations

import random
import struct

import pytest

import diskimages as D
from conftest import has_traceback, row_deleted
from triage.evidence import ContentError, ContentReader, Locator, open_evidence, walk
from triage.evidence.records import PartitionRecord
from triage.evidence.shadow import has_shadow_copies


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
