"""Carving: pictures and videos where no file entry points, found with their offsets."""

from __future__ import annotations

import hashlib
import random

import pytest
from sqlalchemy import select

from triage.case.models import File, Media, Partition, WorkStatus
from triage.case.store import open_case
from triage.evidence import open_source
from triage.evidence.carving import Scanner
from triage.evidence.carving.formats import FORMATS, jpeg
from triage.evidence.carving.window import Window
from triage.pipeline.content import locator, locator_query
from triage.evidence import ContentReader
from triage.pipeline.expand import ContainerLimits
from triage.pipeline.ingest import Ingest, IngestOptions

from carving_images import cli_ingest, ingest_killed_while_carving, make_carving_disk, mp4
from diskimages import MISSING_TOOL, _jpeg, _noise_jpeg


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    try:
        return make_carving_disk(tmp_path_factory.mktemp("carving"))
    except MISSING_TOOL as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def carved_case(disk, tmp_path_factory):
    store = open_case(tmp_path_factory.mktemp("case") / "case", create=True)
    ingest = Ingest(store, "tester", IngestOptions(workers=1))
    ingest.add(disk.path)
    ingest.run()
    return store


def _carved(store) -> dict[int, File]:
    with store.reading() as session:
        rows = session.scalars(select(File).where(File.carved.is_not(None))).all()
        for row in rows:
            _ = row.media, row.partition
        return {row.carved_offset: row for row in rows}


def test_every_placed_picture_and_video_is_found_whole_at_its_offset(disk, carved_case):
    carved = _carved(carved_case)
    for placed in disk.placed:
        if placed.expect != "complete":
            continue
        assert placed.offset in carved, f"{placed.name} not carved"
        row = carved[placed.offset]
        assert row.media.sha256 == hashlib.sha256(placed.data).hexdigest(), placed.name
        assert row.size == len(placed.data) and row.carved == "complete"
        assert row.name == f"{placed.offset:010d}.{row.name.rsplit('.', 1)[1]}"
        assert row.path.endswith(f"carved/{row.name}") and row.deleted
        assert row.media.analysed and row.media.analysis_error is None


def test_nothing_else_is_carved(disk, carved_case):
    """No false picture, and allocated content is never carved again."""
    expected = {p.offset for p in disk.placed if p.expect != "none"}
    assert set(_carved(carved_case)) == expected


def test_truncated_jpeg_is_kept_as_partial_and_random_data_is_dropped(disk, carved_case):
    carved = _carved(carved_case)
    [truncated] = [p for p in disk.placed if p.expect == "partial"]
    row = carved[truncated.offset]
    assert row.carved == "partial" and row.size == len(truncated.data)
    assert row.media.analysed and row.media.width == 256
    [garbage] = [p for p in disk.placed if p.expect == "none"]
    assert garbage.offset not in carved


def test_stale_copy_of_an_allocated_picture_is_found_twice(disk, carved_case):
    """The carved copy is the same content: one media, in the same stack as the allocated one."""
    sha = hashlib.sha256(disk.allocated["keep.jpg"]).hexdigest()
    with carved_case.reading() as session:
        rows = session.execute(select(File.path, File.carved).join(Media)
                               .where(Media.sha256 == sha)).all()
    assert sorted(carved is not None for _, carved in rows) == [False, True]
    assert any(path == "/keep.jpg" for path, _ in rows)
    from triage.review.gallery import media_detail

    with carved_case.reading() as session:
        media_id = session.scalar(select(Media.id).where(Media.sha256 == sha))
        instances = media_detail(session, media_id).instances
    [stale] = [p for p in disk.placed if p.name == "fat-stale-copy"]
    assert {(i.carved, i.carved_offset) for i in instances} == {
        (None, None), ("complete", stale.offset)}


def test_carved_items_read_back_from_their_extent_and_areas_say_what_was_found(disk,
                                                                              carved_case):
    with carved_case.reading() as session:
        rows = session.execute(locator_query(File.id, Media.sha256).join(Media)
                               .where(File.carved.is_not(None))).all()
        areas = session.scalars(select(File).where(File.carve_area.is_not(None))).all()
        gaps = session.scalars(select(Partition).where(
            Partition.fs_type == "unpartitioned")).all()
        assert all(area.status == WorkStatus.DONE for area in areas)
        assert any("carved 4 items" in area.note for area in areas)
        assert not any(area.error for area in areas)
        assert {(g.offset, g.length) for g in gaps} == {(0, 1 << 20), (17 << 20, 2 << 20)}
    reader = ContentReader()
    for row in rows:
        data = b"".join(reader.chunks(locator(row)))
        assert hashlib.sha256(data).hexdigest() == row.sha256


def test_no_carve_walks_only_file_entries(disk, tmp_path):
    store = open_case(tmp_path / "case", create=True)
    options = IngestOptions(workers=1, containers=ContainerLimits(carve=()))
    ingest = Ingest(store, "tester", options)
    ingest.add(disk.path)
    ingest.run()
    with store.reading() as session:
        assert not session.scalars(select(File).where(File.carve_area.is_not(None))).all()
        assert not session.scalars(select(Partition).where(
            Partition.fs_type == "unpartitioned")).all()


def test_pictures_only_leaves_videos_out(disk, tmp_path):
    store = open_case(tmp_path / "case", create=True)
    options = IngestOptions(workers=1, containers=ContainerLimits(carve=("image",)))
    ingest = Ingest(store, "tester", options)
    ingest.add(disk.path)
    ingest.run()
    carved = _carved(store)
    assert carved and all(row.media.detected_type.startswith("image/") for row in carved.values())


def test_scanner_reads_structures_across_blocks(tmp_path, monkeypatch):
    """A file that starts near the end of one read block is walked into the next."""
    import triage.evidence.carving.scanner as scanner

    monkeypatch.setattr(scanner, "BLOCK", 4096)
    picture = _noise_jpeg(3)
    data = bytearray(random.Random(1).randbytes(64 * 1024))
    data[4000:4000 + len(picture)] = picture
    path = tmp_path / "blob.raw"
    path.write_bytes(bytes(data))
    source = open_source("raw", [path])
    found = list(Scanner(source, [(0, len(data))], len(data)).candidates())
    assert [(c.offset, c.length, c.shape.complete) for c in found
            if c.format.name == "jpeg"] == [(4000, len(picture), True)]


def test_jpeg_walker_finds_the_exif_thumbnail(tmp_path):
    from PIL import Image
    import io

    thumbnail = _jpeg(5, size=(32, 24))
    exif = Image.Exif()
    exif[0x0110] = "test"
    body = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(body, "JPEG", exif=exif.tobytes())
    payload = b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00" + bytes(8) + thumbnail
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    data = body.getvalue()[:2] + segment + body.getvalue()[2:]
    path = tmp_path / "exif.raw"
    path.write_bytes(data)
    window = Window(open_source("raw", [path]), len(data))
    shape = jpeg(window, 0)
    assert shape.complete and shape.length == len(data)
    [(start, length)] = shape.embedded
    assert data[start:start + length] == thumbnail


def test_video_walkers_measure_real_files(tmp_path):
    clip = mp4(3)
    data = clip + bytes(4096)
    path = tmp_path / "video.raw"
    path.write_bytes(data)
    iso = next(f for f in FORMATS if f.name == "iso-bmff")
    shape = iso.walk(Window(open_source("raw", [path]), len(data)), 0)
    assert shape.complete and shape.length == len(clip)


def test_exports_mark_carved_instances(disk, carved_case, tmp_path):
    import csv
    import json

    from triage.export import ExportOptions, export_case

    export_case(carved_case, "csv", tmp_path / "list.csv", ExportOptions(scheme="vics-us"),
                examiner="bob")
    with open(tmp_path / "list.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    placed = {p.offset: p for p in disk.placed if p.expect != "none"}
    carved = {int(r["carved_offset"]): r for r in rows if r["carved"]}
    assert set(carved) == set(placed)
    assert {r["carved"] for r in carved.values()} == {"complete", "partial"}
    export_case(carved_case, "vics", tmp_path / "case.json", ExportOptions(scheme="vics-us"),
                examiner="bob")
    text = (tmp_path / "case.json").read_text(encoding="utf-8")
    assert text.count('"Triage.Carved"') == len(placed)
    assert json.loads(text)


def _video_file(suffix: str, fourcc: str) -> bytes:
    import tempfile
    from pathlib import Path

    import cv2
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clip{suffix}"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (64, 48))
        for index in range(12):
            frame = np.full((48, 64, 3), index * 20, np.uint8)
            frame[:, : index * 5] = (30, 200, 90)
            writer.write(frame)
        writer.release()
        return path.read_bytes()


def _picture_file(format: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").resize((80, 60)).save(buffer, format)
    return buffer.getvalue()


SAMPLES = {
    "avi": lambda: _video_file(".avi", "MJPG"),
    "mkv": lambda: _video_file(".mkv", "MJPG"),
    "webm": lambda: _video_file(".webm", "VP80"),
    "wmv": lambda: _video_file(".wmv", "WMV2"),
    "mov": lambda: _video_file(".mov", "mp4v"),
    "3gp": lambda: _video_file(".3gp", "mp4v"),
    "tiff": lambda: _picture_file("TIFF"),
    "heic": lambda: _picture_file("HEIF"),
    "png": lambda: _picture_file("PNG"),
    "progressive-jpeg": lambda: _progressive_jpeg(),
}


def _progressive_jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").resize((160, 120)).save(
        buffer, "JPEG", progressive=True, quality=80)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_format_is_carved_whole_from_among_random_data(kind, tmp_path):
    """Each file placed at an odd offset in random data is found with its exact length and
    kept because it decodes."""
    from functools import partial

    from triage.pipeline import work
    from triage.pipeline.carve import carve_area

    import pillow_heif

    pillow_heif.register_heif_opener()
    sample = SAMPLES[kind]()
    noise = random.Random(kind).randbytes
    data = noise(5003) + sample + noise(3000)
    path = tmp_path / "blob.raw"
    path.write_bytes(data)
    read = partial(work._read_carved, how=work._Reading(True, None, ContainerLimits(), True))
    result = carve_area(open_source("raw", [path]), ((0, len(data)),), len(data),
                        ("image", "video"), read)
    found = {(i.member.offset, i.member.size, i.member.carved) for i in result.items}
    assert (5003, len(sample), "complete") in found, (result.note, found)
    assert len(found) == 1, found


def _carved_listing(case) -> set[tuple]:
    import csv
    import io
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "triage", "files", str(case), "--csv"],
                         capture_output=True, check=True, text=True).stdout
    return {(r["path"], r["sha256"], r["carved"], r["carved_offset"], r["size"])
            for r in csv.DictReader(io.StringIO(out))}


@pytest.mark.slow
def test_carving_killed_then_resumed_gives_what_one_run_gives(disk, tmp_path):
    reference, case = tmp_path / "reference", tmp_path / "killed"
    assert cli_ingest(reference, disk.path).wait(timeout=240) == 0
    ingest_killed_while_carving(case, disk.path)
    assert _carved_listing(case) == _carved_listing(reference)


def test_case_summary_counts_carved_items_apart_from_container_items(disk, carved_case):
    from triage.review.queries import summary

    with carved_case.reading() as session:
        counts = summary(session)
    placed = [p for p in disk.placed if p.expect != "none"]
    assert sum(counts["carved"].values()) == len(placed)
    assert counts["carved"]["partial"] == 1
    assert "carved" not in counts["containers"]
    areas, size = counts["carve_areas"]
    assert areas == 4 and size > 18 << 20


def test_a_file_cut_short_does_not_hide_the_files_after_it(tmp_path):
    """A PNG whose next chunk claims 50 MB runs to the end of the space as a guess; the JPEG
    that follows it is still found."""
    import struct
    from functools import partial

    from triage.pipeline import work
    from triage.pipeline.carve import carve_area

    picture = SAMPLES["png"]()
    cut = picture[:picture.index(b"IDAT") - 4] + struct.pack(">I", 50 << 20) + b"IDAT"
    jpeg_bytes = _jpeg(9, size=(64, 48))
    data = cut + random.Random(2).randbytes(9000) + jpeg_bytes + bytes(5000)
    path = tmp_path / "blob.raw"
    path.write_bytes(data)
    read = partial(work._read_carved, how=work._Reading(True, None, ContainerLimits(), True))
    result = carve_area(open_source("raw", [path]), ((0, len(data)),), len(data),
                        ("image",), read)
    found = {(i.member.offset, i.member.size) for i in result.items}
    assert (len(cut) + 9000, len(jpeg_bytes)) in found, result.note


@pytest.mark.parametrize("kind", ["fat12", "fat16", "ext4", "ntfs"])
def test_free_blocks_are_those_tsk_blkls_lists(kind, tmp_path):
    """The allocation read from the FAT, the ext block bitmaps and $Bitmap agrees with TSK's
    own block walk (`blkls -l`), deleted files included (NTFS: but for its last cluster,
    past the file system's clusters, which is carved as volume slack)."""
    import shutil
    import subprocess

    import pytsk3

    from diskimages import (DELETED_EXT, DELETED_FAT, MIB, make_ext4_fs, make_fat_fs,
                            make_ntfs_fs, standard_payload)
    from triage.evidence.carving import free_runs

    if shutil.which("blkls") is None:
        pytest.skip("sleuthkit not installed")
    path = tmp_path / f"{kind}.img"
    try:
        if kind.startswith("fat"):
            size = 1440 * 1024 if kind == "fat12" else 8 * MIB
            make_fat_fs(path, size, int(kind[3:]), standard_payload(4), DELETED_FAT)
        elif kind == "ext4":
            make_ext4_fs(path, 8 * MIB, standard_payload(5), DELETED_EXT)
        else:
            make_ntfs_fs(path, 8 * MIB, standard_payload(3))
    except MISSING_TOOL as exc:
        pytest.skip(str(exc))
    source = open_source("raw", [path])
    fs = pytsk3.FS_Info(source.tsk_image())
    block = fs.info.block_size
    ours = {n for start, length in free_runs(source, fs, 0, source.size)
            for n in range(start // block, (start + length) // block)}
    listing = subprocess.run(["blkls", "-l", str(path)], capture_output=True, text=True).stdout
    tsk = {int(line.split("|")[0]) for line in listing.splitlines() if line.endswith("|f")}
    extra = ours - tsk
    assert tsk <= ours and (not extra or (kind == "ntfs" and extra == {fs.info.block_count}))


def test_gallery_filter_shows_carved_content(disk, carved_case):
    from triage.review.gallery import GalleryFilter, count_media

    with carved_case.reading() as session:
        carved = count_media(session, GalleryFilter(deleted="carved"))
        inside = count_media(session, GalleryFilter(inside="inside"))
    placed = {hashlib.sha256(p.data).hexdigest() for p in disk.placed if p.expect != "none"}
    assert carved == len(placed) and inside == 0


def test_exfat_free_space_is_carved(tmp_path):
    """exFAT (SD cards, USB sticks): its allocation bitmap says what is free."""
    import shutil
    import subprocess

    from triage.evidence import CarveArea, walk

    if shutil.which("mkfs.exfat") is None:
        pytest.skip("exfatprogs not installed")
    path = tmp_path / "exfat.img"
    with open(path, "wb") as handle:
        handle.truncate(16 << 20)
    subprocess.run(["mkfs.exfat", str(path)], check=True, capture_output=True)
    picture = _jpeg(12, size=(80, 60))
    with open(path, "r+b") as handle:
        handle.seek(9 << 20)
        handle.write(picture)
    source = open_source("raw", [path])
    records = list(walk(source))
    [partition] = [r for r in records if hasattr(r, "fs_type")]
    assert partition.fs_type == "exfat" and partition.error is None
    areas = [r for r in records if isinstance(r, CarveArea)]
    assert areas and sum(a.size for a in areas) > 13 << 20
    found = [(c.offset, c.length) for a in areas
             for c in Scanner(source, list(a.runs), a.end).candidates()]
    assert found == [(9 << 20, len(picture))]


def test_free_space_of_a_file_system_not_read_is_a_note_not_an_error(iso9660_image, triage):
    """ISO 9660: TSK lists its files, Triage cannot read its allocation; `info` says its free
    space was not carved, on that partition, and counts no error for it."""
    from triage.evidence.walk import FREE_SPACE_NOT_CARVED

    case = triage.ingest_cached(iso9660_image.path).case_dir
    info = triage.run("info", case)
    assert info.returncode == 0, info.stderr
    lines = info.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("  partition 0 "))
    assert lines[at + 1] == f"    note: {FREE_SPACE_NOT_CARVED}"
    assert "ERROR" not in lines[at] and FREE_SPACE_NOT_CARVED not in lines[at]
    assert "Errors:    0 entries" in info.stdout
    store = open_case(case)
    with store.reading() as session:
        partition = session.scalars(select(Partition)).one()
    assert partition.error is None


def test_zeroed_space_is_passed_over_but_a_picture_among_zeros_is_found(tmp_path, monkeypatch):
    """The scanner skips slices of zeros; a picture starting just past one, or straddling
    two slices, is still found."""
    import triage.evidence.carving.scanner as scanner

    monkeypatch.setattr(scanner, "_SLICE", 4096)
    monkeypatch.setattr(scanner, "_ZEROS", bytes(4096))
    picture = _noise_jpeg(4)
    data = bytearray(256 * 1024)
    data[4095:4095 + len(picture)] = picture
    data[100001:100001 + len(picture)] = picture
    path = tmp_path / "zeros.raw"
    path.write_bytes(bytes(data))
    source = open_source("raw", [path])
    found = list(Scanner(source, [(0, len(data))], len(data)).candidates())
    assert [(c.offset, c.length) for c in found if c.format.name == "jpeg"] == [
        (4095, len(picture)), (100001, len(picture))]


def test_jpeg_cut_short_by_zeros_read_past_the_block(tmp_path, monkeypatch):
    """A run of zeros ends a JPEG's scan even where the walker reads it from the source in
    pieces shorter than the run (the pieces overlap by the run's length)."""
    import triage.evidence.carving.window as window

    monkeypatch.setattr(window, "READ_SIZE", 3000)
    picture = _noise_jpeg(3)
    kept = picture[:len(picture) * 2 // 3].rstrip(b"\x00")
    data = b"\x00" * 100 + kept + bytes(9000) + random.Random(2).randbytes(20_000)
    path = tmp_path / "cut.raw"
    path.write_bytes(data)
    shape = jpeg(Window(open_source("raw", [path]), len(data)), 100)
    assert (shape.length, shape.complete) == (len(kept), False)
