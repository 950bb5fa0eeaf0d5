"""The fixture builders and the TSK reference checked against each other,
without Triage: if these fail, the other tests' expectations are wrong."""

from __future__ import annotations

import pytest

import diskimages as D
import tsk_reference as T

pytestmark = pytest.mark.usefixtures("need_tsk")


def expected_path(fs: str, rel: str, deleted: bool = False) -> str:
    """Where TSK shows a payload file of a generated file system."""
    if fs == "ntfs":
        rel = rel.replace("/", "_")
    if deleted and fs.startswith("fat"):
        head, _, name = rel.rpartition("/")
        rel = (head + "/" if head else "") + "_" + name[1:]
    return "/" + rel


def test_parse_fls_line_forms():
    text = (
        "r/r 13:\ta_directory/a_file\n"
        "r/- * 0:\tpasswords.txt~\n"
        "-/r * 13:\t$OrphanFiles/OrphanFile-13\n"
        "r/r 76-128-4:\tphoto.jpg:hidden\n"
        "r/r * 5(realloc):\tx.jpg\n"
        "V/V 17:\t$OrphanFiles\n"
        "v/v 3028:\t$FAT1\n"
    )
    es = T.parse_fls(text, 1024)
    assert [e.path for e in es] == ["/a_directory/a_file", "/passwords.txt~",
                                    "/$OrphanFiles/OrphanFile-13", "/photo.jpg:hidden",
                                    "/x.jpg", "/$OrphanFiles", "/$FAT1"]
    assert [e.deleted for e in es] == [False, True, True, False, True, False, False]
    assert [e.meta_addr for e in es] == [13, 0, 13, 76, 5, 17, 3028]
    assert [e.kind for e in es] == ["file", "file", "file", "file", "file", "dir", "virtual"]
    assert es[3].attr == "128-4" and es[3].is_named_stream and es[3].full_addr == "76-128-4"
    assert es[4].realloc
    assert all(e.partition_offset == 1024 for e in es)


def test_parse_fls_long():
    line = ("r/r 14:\ta_directory/a_file\t2012-05-25 15:59:14 (UTC)\t"
            "2012-05-25 15:59:15 (UTC)\t2012-05-25 15:59:16 (UTC)\t"
            "0000-00-00 00:00:00 (UTC)\t53\t5000\t151107\n")
    (e,) = T.parse_fls(line, long=True)
    assert e.path == "/a_directory/a_file" and e.size == 53
    assert e.mtime == 1337961554 and e.atime == 1337961555 and e.ctime == 1337961556
    assert e.crtime is None


def _check_disk(disk: D.Disk, image=None):
    """Every payload file is where TSK says, with the right content; deleted
    ones are listed as deleted."""
    image = image or disk.path
    ref = T.reference(image)
    for off, (fs, payload, deleted) in disk.partitions.items():
        if payload is None:
            assert off not in ref.file_systems, f"{fs} at {off} unexpectedly readable"
            continue
        assert off in ref.file_systems, f"fls cannot read {fs} at offset {off}"
        by_path = {}
        for e in ref.file_systems[off]:
            by_path.setdefault((e.path, e.deleted), e)
        for rel, data in payload.files.items():
            is_del = rel in deleted
            key = (expected_path(fs, rel, is_del), is_del)
            assert key in by_path, f"{fs}@{off}: {key} not in fls output"
            e = by_path[key]
            if not is_del or fs.startswith("fat") or fs == "ext4":
                c = T.icat_entry(image, e)
                assert c.ok and c.md5 == payload.md5(rel), f"{fs}@{off}: icat {rel}"


def test_mbr_fat32_ext4(mbr_fat32_ext4):
    parts = T.partitions(mbr_fat32_ext4.path)
    assert [p.offset for p in parts] == sorted(mbr_fat32_ext4.partitions)
    assert "FAT32" in parts[0].description
    fs = T.reference(mbr_fat32_ext4.path).file_systems
    assert any(e.path == "/$FAT1" for e in fs[parts[0].offset])
    _check_disk(mbr_fat32_ext4)


def test_gpt_fat16_ntfs(gpt_fat16_ntfs):
    out = T._tool(["mmls", str(gpt_fat16_ntfs.path)]).stdout.decode()
    assert "GUID Partition Table" in out
    _check_disk(gpt_fat16_ntfs)
    ntfs = T.reference(gpt_fat16_ntfs.path).file_systems[5 * D.MIB]
    (ads,) = [e for e in ntfs if e.is_named_stream and not e.path.startswith("/$")]
    assert ads.path == "/photo.jpg:hidden"
    assert T.icat(gpt_fat16_ntfs.path, 5 * D.MIB, ads.full_addr).md5 == \
        __import__("hashlib").md5(D._png(99)).hexdigest()


@pytest.mark.parametrize("name", ["bare_fat12", "bare_ext4", "bare_ntfs", "iso9660_image"])
def test_bare_file_systems(name, request):
    disk = request.getfixturevalue(name)
    assert T.partitions(disk.path) == []
    _check_disk(disk)


def test_unicode_name_present(bare_ext4, bare_fat12):
    for disk in (bare_ext4, bare_fat12):
        paths = {e.path for e in T.reference(disk.path).entries}
        assert "/" + D.UNICODE_NAME in paths


def test_fat_deleted_keep_content(bare_fat12):
    es = {e.path: e for e in T.reference(bare_fat12.path).entries}
    e = es["/_4_del.jpg"]
    assert e.deleted and T.icat_entry(bare_fat12.path, e).md5 == \
        bare_fat12.partitions[0][1].md5("04_del.jpg")


def test_e01_and_split_match_raw(mbr_fat32_ext4, mbr_e01, gpt_fat16_ntfs, gpt_e01_multi,
                                 bare_fat12, fat12_split):
    assert len(mbr_e01) == 1
    assert len(gpt_e01_multi) > 2, "multi-segment E01 expected"
    assert len(fat12_split) == 3
    for raw, other in [(mbr_fat32_ext4.path, mbr_e01[0]),
                       (gpt_fat16_ntfs.path, gpt_e01_multi[0]),
                       (bare_fat12.path, fat12_split[0])]:
        a, b = T.reference(raw), T.reference(other)
        assert a.entries == b.entries and a.entries
        e = next(e for e in a.entries if e.path.endswith("big_noise.jpg") or
                 e.path.endswith("IMG_0001.jpg"))
        assert T.icat_entry(raw, e) == T.icat_entry(other, e)


def test_bad_images_are_bad_for_tsk(random_bytes, empty_file, zeroed_superblock_ext4,
                                    truncated_e01, mbr_only_past_end, mbr_past_end):
    for p in (random_bytes, empty_file, zeroed_superblock_ext4, truncated_e01,
              mbr_only_past_end, mbr_past_end.path):
        ref = T.reference(p)
        assert not ref.file_systems, f"TSK unexpectedly reads {p.name}"


def test_one_bad_partition(mbr_one_bad_partition):
    ref = T.reference(mbr_one_bad_partition.path)
    assert list(ref.file_systems) == [D.MIB] and ref.unreadable == [5 * D.MIB]
    _check_disk(mbr_one_bad_partition)


def test_truncated_partition(mbr_truncated_partition):
    img = mbr_truncated_partition.path
    fs = T.reference(img).file_systems
    assert set(fs) == {D.MIB, 2 * D.MIB}
    by = {e.path: e for e in fs[2 * D.MIB]}
    assert T.icat_entry(img, by["/first.jpg"]).ok
    for name in ("/padding.bin", "/lost.jpg", "/lost.png"):
        assert not T.icat_entry(img, by[name]).ok


def test_shared_images_readable(shared_image):
    ref = T.reference(shared_image("ext2.split.E01"))
    assert {e.path for e in ref.entries} >= {"/a_directory/a_file", "/passwords.txt"}
    ref = T.reference(shared_image("imageformat_mmls_1.E01"))
    assert len(ref.file_systems) == 2
