"""Carving through a layer: the free space of a file system inside an unlocked encrypted
volume (LUKS1, LUKS2 made here with cryptsetup) and inside VSS snapshots (the vsstest.qcow2
sample) is carved, and what is carved is read back through that layer, by its offset in it.

The LUKS volume holds the standard FAT16 payload whose two deleted pictures
(`DELETED_FAT`) lie in its free clusters: carved with the password, never without it.
vsstest.qcow2's snapshots hold nothing carvable in their free space (it is zeros and the
live volume's own bytes), so the snapshot side is tested on the walk's areas and on reading
back, through the snapshot, bytes that differ from the live volume's at the same offset.
"""

from __future__ import annotations

import hashlib
import importlib
import random
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

import diskimages as D
from carving_images import cli_ingest, ingest_killed_while_carving
from testdata import missing
from triage.case.models import File, Media, Partition, WorkStatus
from triage.case.store import open_case
from triage.evidence import (CarveArea, ContentError, ContentReader, Locator, VolumeKeys,
                             open_evidence, open_source, walk)
from triage.evidence.encrypted import LUKS, unlock
from triage.evidence.records import PartitionRecord
from triage.evidence.shadow import ShadowVolume
from triage.evidence.walk import FREE_SPACE_NOT_CARVED, LOCKED_NOT_CARVED, SNAPSHOT_INDEX
from triage.export.items import _files
from triage.export.vics import carved_place
from triage.pipeline.content import locator, locator_query
from triage.pipeline.expand import ContainerLimits
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.review.queries import iter_files

VSS_SAMPLE = Path(__file__).resolve().parent / "data" / "vsstest.qcow2"  # see data/README.md
needs_vss_sample = pytest.mark.skipif(not VSS_SAMPLE.is_file(), reason="no VSS sample here")
KEYS = VolumeKeys(passwords=(D.LUKS_PASSWORD,))


@pytest.fixture(scope="module", params=["luks1", "luks2"])
def luks(request, tmp_path_factory):
    try:
        return D.make_luks_fat(tmp_path_factory.mktemp("luks"), request.param)
    except D.MissingTool as exc:
        missing(f"cannot build test image: {exc}")


def _ingest(case: Path, disk: Path, keys: VolumeKeys = VolumeKeys(), **options):
    store = open_case(case, create=True)
    ingest = Ingest(store, "tester", IngestOptions(workers=1, volume_keys=keys, **options))
    ingest.add(disk)
    ingest.run()
    return store


def _carved(store) -> dict[str, tuple[int, str]]:
    """md5 -> (offset, carved state) of every carved item."""
    with store.reading() as session:
        rows = session.execute(select(Media.md5, File.carved_offset, File.carved)
                               .join(Media, File.media_id == Media.id)
                               .where(File.carved.is_not(None))).all()
    return {md5: (offset, state) for md5, offset, state in rows}


def _decrypted(disk: Path) -> bytes:
    source = open_source("raw", [disk])
    volume = unlock(source, 0, source.size, LUKS, KEYS)
    try:
        return volume.read(0, volume.size)
    finally:
        volume.close()
        source.close()


@pytest.fixture(scope="module")
def unlocked_case(luks, tmp_path_factory):
    return _ingest(tmp_path_factory.mktemp("case") / "case", luks.path, KEYS)


def test_deleted_pictures_are_carved_at_their_offset_in_the_decrypted_volume(luks,
                                                                               unlocked_case):
    payload = luks.partitions[0][1]
    carved, plain = _carved(unlocked_case), _decrypted(luks.path)
    for rel in D.DELETED_FAT:
        data = payload.files[rel]
        assert payload.md5(rel) in carved, f"{rel} not carved"
        offset, state = carved[payload.md5(rel)]
        assert state == "complete"
        assert plain[offset:offset + len(data)] == data  # decrypted-volume offset, from byte 0
    with unlocked_case.reading() as session:
        partition = session.scalars(select(Partition)).one()
        assert "(unlocked with a password)" in partition.description and partition.note is None


def test_carved_items_read_back_through_the_decrypted_layer_only_with_the_key(unlocked_case):
    with unlocked_case.reading() as session:
        rows = session.execute(locator_query(Media.md5).join(Media, File.media_id == Media.id)
                               .where(File.carved.is_not(None))).all()
    assert rows
    reader = ContentReader()
    try:
        reader.volume_keys = KEYS
        for row in rows:
            where = locator(row)
            assert where.unlocked and where.extent is not None
            assert hashlib.md5(b"".join(reader.chunks(where))).hexdigest() == row.md5
    finally:
        reader.close()
    locked = ContentReader()  # credentials are never stored: without them, a clear error
    try:
        with pytest.raises(ContentError, match="locked in this run"):
            b"".join(locked.chunks(locator(rows[0])))
    finally:
        locked.close()


def test_listings_and_exports_say_what_the_offset_counts_in(unlocked_case):
    with unlocked_case.reading() as session:
        listing = list(iter_files(session))
        facts = [f for files in _files(session, [m for m, in session.execute(
            select(File.media_id).where(File.carved.is_not(None)))]).values() for f in files]
    carved = [f for f in listing if f.carved in ("complete", "partial")]
    area = [f for f in listing if f.carved == "area"]
    assert carved and area and {f.carved_in for f in carved + area} == {"decrypted volume"}
    assert all(f.carved_in is None for f in listing if f.carved is None)
    carved_facts = [f for f in facts if f.carved]
    assert carved_facts and all(f.carved_in == "decrypted volume" for f in carved_facts)
    assert "partition 0, decrypted volume" in carved_place(carved_facts[0])


def test_a_locked_volume_is_not_carved_and_says_so(luks, tmp_path):
    store = _ingest(tmp_path / "case", luks.path)
    with store.reading() as session:
        partition = session.scalars(select(Partition)).one()
        areas = session.scalar(select(File.id).where(File.carve_area.is_not(None)).limit(1))
    assert "-encrypted volume, locked" in partition.error
    assert partition.note == LOCKED_NOT_CARVED
    assert areas is None and not _carved(store)


def test_unlocking_later_carves_the_volume(luks, tmp_path):
    store = _ingest(tmp_path / "case", luks.path)
    ingest = Ingest(store, "tester", IngestOptions(workers=1, volume_keys=KEYS))
    with store.reading() as session:
        evidence_id = session.scalar(select(Partition.evidence_id))
    assert any("unlocked with a password" in line for line in ingest.unlock(evidence_id))
    ingest.run()
    payload = luks.partitions[0][1]
    assert {payload.md5(rel) for rel in D.DELETED_FAT} <= set(_carved(store))
    with store.reading() as session:
        assert session.scalar(select(Partition.note)) is None


def test_evidence_first_walked_without_carving_is_not_carved_when_unlocked(luks, tmp_path):
    store = _ingest(tmp_path / "case", luks.path, containers=ContainerLimits(carve=()))
    with store.reading() as session:
        assert session.scalar(select(Partition.note)) is None  # nothing carved, nothing said
        evidence_id = session.scalar(select(Partition.evidence_id))
    ingest = Ingest(store, "tester", IngestOptions(workers=1, volume_keys=KEYS))
    assert ingest.unlock(evidence_id)
    with store.reading() as session:
        assert session.scalar(select(File.id).where(File.carve_area.is_not(None))) is None


def test_an_unlocked_file_system_whose_allocation_is_not_read_says_so(luks, monkeypatch):
    """As for a plain volume (HFS+, ISO 9660 ...): a note on the partition, no area."""
    # the module, not the function triage.evidence re-exports under its name
    monkeypatch.setattr(importlib.import_module("triage.evidence.walk"), "free_runs",
                        lambda *args: None)
    source = open_source("raw", [luks.path])
    try:
        records = list(walk(source, KEYS))
    finally:
        source.close()
    partition = next(r for r in records if isinstance(r, PartitionRecord))
    assert "(unlocked with a password)" in partition.description
    assert partition.note == FREE_SPACE_NOT_CARVED and partition.error is None
    assert not [r for r in records if isinstance(r, CarveArea)]


def test_no_carve_leaves_the_unlocked_volume_to_its_files(luks, tmp_path):
    store = _ingest(tmp_path / "case", luks.path, KEYS, containers=ContainerLimits(carve=()))
    with store.reading() as session:
        assert session.scalar(select(File.id).where(File.carve_area.is_not(None))) is None
        assert session.scalar(select(Partition.note)) is None
    assert not _carved(store)


def test_a_carve_stopped_midway_is_redone_with_the_same_items(luks, unlocked_case, tmp_path):
    """What a kill mid-carve leaves (the area pending, none of its items recorded: both are
    written in one transaction) is carved again through the decrypted layer."""
    store = _ingest(tmp_path / "case", luks.path, KEYS)
    with store.session() as session:
        session.execute(delete(File).where(File.carved.is_not(None)))
        session.execute(update(File).where(File.carve_area.is_not(None))
                        .values(status=WorkStatus.PENDING, error=None))
    ingest = Ingest(store, "tester", IngestOptions(workers=1, volume_keys=KEYS))
    ingest.run()
    assert _carved(store) == _carved(unlocked_case)


# -- VSS snapshots ------------------------------------------------------------------------

@needs_vss_sample
def test_each_snapshot_free_space_is_an_area_in_the_snapshot():
    source = open_evidence(VSS_SAMPLE)
    try:
        records = list(walk(source))
        no_snapshots = list(walk(source, snapshots=False))
    finally:
        source.close()
    snapshots = {r.index: r for r in records
                 if isinstance(r, PartitionRecord) and r.snapshot is not None}
    areas = [r for r in records if isinstance(r, CarveArea)]
    assert set(snapshots) == {SNAPSHOT_INDEX, SNAPSHOT_INDEX + 1}
    for index, record in snapshots.items():
        mine = [a for a in areas if a.partition_index == index]
        assert mine and all(a.what == "unallocated" for a in mine), index
        assert all(a.end == record.length for a in mine)  # offsets of the snapshot's volume
        assert record.note is None and record.error is None
    assert not [r for r in no_snapshots if isinstance(r, CarveArea)
                and r.partition_index >= SNAPSHOT_INDEX]


@needs_vss_sample
def test_a_carved_extent_of_a_snapshot_is_read_through_the_snapshot():
    """Bytes that differ between the snapshot and the live volume at one offset: a carved
    item of the snapshot reads the snapshot's."""
    source = open_evidence(VSS_SAMPLE)
    shadows = ShadowVolume(source, 0, source.size)
    reader = ContentReader()
    try:
        snapshot = shadows.snapshot(0)
        start, length = 180224, 8192  # $MFT records changed since the snapshot
        assert snapshot.read(start, length) != source.read(start, length)
        where = Locator(source.format, tuple(str(p) for p in source.paths), 0, None,
                        "/$Unallocated", extent=(start + 3, length - 5), snapshot=0)
        assert b"".join(reader.chunks(where)) == snapshot.read(start + 3, length - 5)
    finally:
        reader.close()
        shadows.close()
        source.close()


def test_reads_inside_a_sector_match_whole_sector_reads(luks):
    """libluksde and libvshadow give wrong bytes for a read that starts inside a sector and
    runs past it; every read of an opened volume is made whole sectors, then cut."""
    plain = _decrypted(luks.path)
    source = open_source("raw", [luks.path])
    volume = unlock(source, 0, source.size, LUKS, KEYS)
    try:
        draw = random.Random(7)
        for _ in range(300):
            offset, length = draw.randrange(0, 200_000), draw.randrange(1, 9000)
            assert volume.read(offset, length) == plain[offset:offset + length], (offset, length)
        assert volume.read(volume.size - 3, 100) == plain[-3:]
        assert volume.read(volume.size, 10) == b""
    finally:
        volume.close()
        source.close()


@needs_vss_sample
def test_snapshot_reads_inside_a_sector_match_whole_sector_reads():
    source = open_evidence(VSS_SAMPLE)
    shadows = ShadowVolume(source, 0, source.size)
    try:
        snapshot = shadows.snapshot(1)
        whole = snapshot.read(0, 1 << 20)
        draw = random.Random(1)
        for _ in range(300):
            offset, length = draw.randrange(0, 900_000), draw.randrange(1, 9000)
            assert snapshot.read(offset, length) == whole[offset:offset + length], offset
    finally:
        shadows.close()
        source.close()


def _carved_listing(case: Path) -> set[tuple]:
    store = open_case(case)
    with store.reading() as session:
        return {(f.path, f.sha256, f.carved, f.carved_offset, f.size, f.carved_in)
                for f in iter_files(session) if f.carved}


@pytest.mark.slow
def test_ingest_killed_while_carving_an_unlocked_volume_resumes_to_the_same_items(luks,
                                                                                  tmp_path):
    reference, case = tmp_path / "reference", tmp_path / "killed"
    password = ("--password", D.LUKS_PASSWORD)
    assert cli_ingest(reference, luks.path, *password).wait(timeout=240) == 0
    ingest_killed_while_carving(case, luks.path, *password)
    expected = _carved_listing(reference)
    assert {row[2] for row in expected} == {"area", "complete"}
    assert _carved_listing(case) == expected


def test_free_space_is_kept_to_the_runs_asked():
    from triage.evidence.carving import intersect

    keep = [(100, 50), (200, 10)]
    assert intersect([(0, 120), (140, 100), (300, 5)], keep) == [(100, 20), (140, 10), (200, 10)]
    assert intersect([(0, 10)], keep) == []
    assert intersect([(0, 1000)], []) == []


def test_a_partition_the_suspect_named_like_an_unlocked_volume_is_read_as_itself(tmp_path):
    """A GPT partition's name is part of its description; named "(unlocked with a
    password)", it passed for a decrypted layer and its carved picture could not be read
    back. The store now knows unlocked volumes by a column, never by the description."""
    try:
        D.require("sfdisk", "mkfs.vfat")
    except D.MissingTool as exc:
        missing(str(exc))
    fat = D.make_fat_fs(tmp_path / "p1.fat16", 4 * D.MIB, 16, None)
    picture = D._jpeg(41, size=(80, 60))
    with open(fat, "r+b") as handle:
        handle.seek(2 * D.MIB)  # free space of the empty file system
        handle.write(picture)
    disk = D._sparse(tmp_path / "named.raw", 6 * D.MIB)
    D._sfdisk(disk, "label: gpt\nunit: sectors\n"
                    f"start={D.MIB // D.SECTOR}, size={4 * D.MIB // D.SECTOR}, "
                    "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, "
                    'name="Photos (unlocked with a password)"\n')
    D._place(disk, fat, D.MIB)
    case = tmp_path / "case"
    store = open_case(case, create=True, examiner="t")
    try:
        ingest = Ingest(store, "t", IngestOptions(workers=1))
        ingest.add(disk)
        ingest.run()
        with store.reading() as session:
            [partition] = session.scalars(select(Partition).where(
                Partition.description.contains("(unlocked with a "))).all()
            assert partition.unlocked_with is None
            carved = [f for f in iter_files(session) if f.carved in ("complete", "partial")]
        assert [(f.carved, f.carved_in, f.md5) for f in carved] == [
            ("complete", "evidence", hashlib.md5(picture).hexdigest())]
    finally:
        store.close()
