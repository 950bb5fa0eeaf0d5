"""Virtual disks (VMDK, VHD, VHDX, QCOW2, DMG): the same disk read through any of them gives
exactly the raw disk's files and MD5s, deleted entries included.

Generated disks are converted by qemu-img (Debian qemu-utils) to every format in
tests/diskimages.VIRTUAL_FORMATS and ingested in one run with the raw disk they came from;
the third-party images (made by dfVFS's authors' tools, not qemu) are compared with what
`qemu-img convert -O raw` makes of them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import diskimages as D
from testdata import missing
from conftest import has_traceback, row_deleted, row_offset, row_path
from triage.evidence import EvidenceError, identify, open_evidence

KINDS = list(D.VIRTUAL_FORMATS)
SHARED_VIRTUAL = ["ext2.vmdk", "ext2.qcow2", "ext2.vhd", "windows_volume.qcow2"]


def listing(rows: list[dict]) -> set[tuple]:
    """What must not change with the container: where, which name, deleted or not, the
    size, the content's MD5 and the error (a deleted file that cannot be read stays so)."""
    return {(row_offset(r), row_path(r), row_deleted(r), r["kind"], r["size"], r["md5"],
             r["meta_addr"], bool(r["error"])) for r in rows if not r.get("container_path")}


def _build(fn, *args):
    try:
        return fn(*args)
    except D.MissingTool as exc:
        missing(f"cannot build test image: {exc}")


@pytest.fixture(scope="module")
def converted(mbr_fat32_ext4, gpt_fat16_ntfs, image_dir, triage):
    """Both generated disks, raw and in every virtual format, ingested in one case."""
    disks = {"mbr": mbr_fat32_ext4.path, "gpt": gpt_fat16_ntfs.path}
    images = {(name, kind): _build(D.make_virtual_disk, raw, image_dir / "virtual", kind)
              for name, raw in disks.items() for kind in KINDS}
    result = triage.ingest_cached(*disks.values(), *images.values(), label="virtual")
    return disks, images, result


@pytest.mark.parametrize("disk", ["mbr", "gpt"])
@pytest.mark.parametrize("kind", KINDS)
def test_same_files_and_md5s_as_raw(converted, disk, kind):
    disks, images, result = converted
    assert result.proc.returncode == 0, result.describe()
    assert not has_traceback(result.proc.stderr), result.describe()
    raw_rows = result.rows_of(disks[disk])
    image_rows = result.rows_of(images[(disk, kind)])
    assert any(row_deleted(r) and r["md5"] for r in raw_rows)  # deleted entries are compared
    assert listing(image_rows) == listing(raw_rows)


def test_image_hash_is_the_disk_hash(converted):
    """The evidence hash of a virtual disk is that of the disk it holds (as for E01)."""
    disks, images, result = converted
    info = subprocess.run([*_triage_cmd(), "info", str(result.case_dir)], capture_output=True,
                          text=True, check=True).stdout
    raw_hash = _sha256_line(info, disks["mbr"].name)
    for kind in KINDS:
        assert _sha256_line(info, images[("mbr", kind)].name) == raw_hash, kind


def _triage_cmd() -> list[str]:
    import sys

    return [sys.executable, "-m", "triage"]


def _sha256_line(info: str, name: str) -> str:
    lines = info.splitlines()
    start = next(i for i, line in enumerate(lines) if f": {name} [" in line)
    return next(line.split()[-1] for line in lines[start + 1:] if "SHA-256" in line)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "vmdk-split"])
def test_identified_by_content(converted, kind, tmp_path):
    """A virtual disk renamed to .bin is still recognised by its bytes (a split VMDK's
    descriptor names its extents: its set is not renamed)."""
    _, images, _ = converted
    image = images[("gpt", kind)]
    renamed = tmp_path / "evidence.bin"
    shutil.copyfile(image, renamed)
    format, _ = identify(renamed)
    assert format == {"vmdk": "vmdk", "vhd": "vhd", "vhdx": "vhd",
                      "qcow2": "qcow"}[D.VIRTUAL_FORMATS[kind][2]]


# --------------------------------------------------------------------------
# Differential images
# --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["qcow2", "vmdk"])
def qcow2_chain(request, converted, tmp_path_factory):
    """(base, child): a QCOW2 overlay or VMDK delta that overwrites 4 KiB of the base's first
    partition."""
    _, images, _ = converted
    fmt = request.param
    folder = tmp_path_factory.mktemp(f"chain-{fmt}")
    base = folder / f"base.{fmt}"
    shutil.copyfile(images[("mbr", "qcow2" if fmt == "qcow2" else "vmdk-sparse")], base)
    child = _build(D.make_child_image, base, folder, fmt, {D.MIB + 512 * 1024: (0x5A, 4096)})
    return base, child


def test_differential_read_over_its_parent(qcow2_chain):
    base, child = qcow2_chain
    format, segments = identify(child)
    assert format == {"qcow2": "qcow", "vmdk": "vmdk"}[child.suffix[1:]]
    assert segments == [child, base]
    source = open_evidence(child)
    try:
        assert source.read(D.MIB + 512 * 1024, 4096) == b"\x5a" * 4096
        assert source.read(0, 512) == open_evidence(base).read(0, 512)  # the MBR, from the base
    finally:
        source.close()


def test_missing_parent_is_a_clear_error_naming_it(qcow2_chain, tmp_path, triage):
    _, child = qcow2_chain
    alone = tmp_path / child.name
    shutil.copyfile(child, alone)
    with pytest.raises(EvidenceError, match=f"base{child.suffix}.*--parent"):
        identify(alone)
    result = triage.ingest(alone)
    assert result.proc.returncode == 2 and not has_traceback(result.proc.stderr)
    assert f"base{child.suffix}" in result.proc.stderr and alone.name in result.proc.stderr


def test_parent_given_with_option(qcow2_chain, tmp_path, triage):
    base, child = qcow2_chain
    (tmp_path / "c").mkdir()
    (tmp_path / "p").mkdir()
    alone = tmp_path / "c" / child.name
    elsewhere = tmp_path / "p" / f"renamed-base{child.suffix}"
    shutil.copyfile(child, alone)
    shutil.copyfile(base, elsewhere)
    result = triage.run("ingest", tmp_path / "case", alone, "--parent", elsewhere,
                        "--hashes-only")
    assert result.returncode == 0, result.stderr
    _, _, rows = triage.files(tmp_path / "case")
    assert any(r["path"] == "/DCIM/100TEST/IMG_0001.jpg" and r["md5"] for r in rows)


# --------------------------------------------------------------------------
# Third-party images
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_converted(shared_image, tmp_path_factory, triage):
    """The third-party virtual disks and their `qemu-img convert -O raw`, in one case."""
    try:
        D.require("qemu-img")
    except D.MissingTool as exc:
        missing(str(exc))
    folder = tmp_path_factory.mktemp("qemu-raw")
    pairs = {}
    for name in SHARED_VIRTUAL:
        image = shared_image(name)
        raw = folder / f"{name}.raw"
        subprocess.run(["qemu-img", "convert", "-q", "-O", "raw", str(image), str(raw)],
                       check=True)
        pairs[name] = (image, raw)
    evidence = [p for pair in pairs.values() for p in pair]
    return pairs, triage.ingest_cached(*evidence, label="shared-virtual")


@pytest.mark.parametrize("name", SHARED_VIRTUAL)
def test_third_party_same_as_qemu_raw(shared_converted, name):
    pairs, result = shared_converted
    assert result.proc.returncode == 0, result.describe()
    image, raw = pairs[name]
    image_rows = result.rows_of(image)
    assert image_rows
    assert listing(image_rows) == listing(result.rows_of(raw))


def test_differential_vhd_with_parent_beside_it(shared_image):
    """image-differential.vhd names image.vhd, which is beside it (same identifier)."""
    child = shared_image("image-differential.vhd")
    format, segments = identify(child)
    assert format == "vhd" and [p.name for p in segments] == [child.name, "image.vhd"]


@pytest.mark.parametrize("name,parent", [("fat-differential.vhd", "fat-parent.vhd"),
                                         ("image-differential.vhd", "image.vhd")])
def test_differential_vhd_without_parent(name, parent, shared_image, tmp_path, triage):
    alone = tmp_path / name
    shutil.copyfile(shared_image(name), alone)
    result = triage.ingest(alone)
    assert result.proc.returncode == 2, result.describe()
    assert not has_traceback(result.proc.stderr)
    assert parent in result.proc.stderr and name in result.proc.stderr


def test_dmg_lists_hfsplus(shared_image, triage):
    """hfsplus_zlib.dmg: a zlib-compressed UDIF image holding an HFS+ volume."""
    result = triage.ingest_cached(shared_image("hfsplus_zlib.dmg"))
    assert result.proc.returncode == 0, result.describe()
    files = {r["path"]: r for r in result.rows if r["kind"] == "file"}
    assert files and all(not r["error"] for r in files.values() if r["size"] != "0"), files


def _with_wrong_checksum(dmg: Path, target: Path) -> Path:
    """A copy of a UDIF image whose HFS+ partition's stored CRC32 is changed (the property
    list rewritten at the end, the trailer pointed at it)."""
    import plistlib
    import struct

    data = dmg.read_bytes()
    trailer = bytearray(data[-512:])
    xml_offset, xml_length = struct.unpack(">QQ", trailer[0xD8:0xE8])
    plist = plistlib.loads(data[xml_offset:xml_offset + xml_length])
    for entry in plist["resource-fork"]["blkx"]:
        if "Apple_HFS" in entry.get("Name", ""):
            table = bytearray(entry["Data"])
            table[0x48] ^= 0xFF
            entry["Data"] = bytes(table)
    xml = plistlib.dumps(plist)
    trailer[0xD8:0xE8] = struct.pack(">QQ", xml_offset, len(xml))
    target.write_bytes(data[:xml_offset] + xml + bytes(trailer))
    return target


def test_dmg_stored_checksums_are_checked(shared_image, tmp_path, triage):
    """UDIF stores a CRC32 per partition: the intact image agrees, a changed one is named."""
    good = shared_image("hfsplus_zlib.dmg")
    assert open_evidence(good).checksum_problem() is None
    bad = _with_wrong_checksum(good, tmp_path / "changed.dmg")
    problem = open_evidence(bad).checksum_problem()
    assert problem and "Apple_HFS" in problem and "differs" in problem
    case = triage.new_case_dir("dmg-checksum")
    triage.run("ingest", case, bad, "--hashes-only")
    info = triage.run("info", case).stdout
    assert "UDIF checksum" in info, info


@pytest.mark.parametrize("kind", ["qcow2", "vhdx", "vmdk-sparse"])
def test_cut_short_image_reads_what_is_there(converted, kind, tmp_path, triage):
    """The second half of the image file missing: what lies in the first half is read, the
    rest is zeros recorded as unreadable (the image hash and the files touching it say so),
    never a traceback."""
    _, images, _ = converted
    image = images[("mbr", kind)]
    cut = tmp_path / image.name
    cut.write_bytes(image.read_bytes()[:image.stat().st_size // 2])
    result = triage.ingest(cut)
    assert not has_traceback(result.proc.stderr), result.describe()
    if result.proc.returncode == 2:  # the format keeps what it needs to open at its end
        assert cut.name in result.proc.stderr
        return
    assert result.proc.returncode == 0, result.describe()
    assert "could not be read" in result.proc.stderr
    assert any(r["md5"] for r in result.rows)
