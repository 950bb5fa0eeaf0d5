"""Encrypted volumes: a LUKS1 volume made here (cryptsetup writes the header, the test
encrypts the FAT inside) is read with its password and stays locked without it; the
password is never written anywhere in the case; bdetogo.raw (a BitLocker To Go image cut
short: its FVE metadata lies past its end) keeps its outer FAT and says why it stays locked.

FileVault 2: no Core Storage volume can be made on Linux and none is in the test data, so
only its recognition, the locked / wrong-credential paths on a fabricated header libfvde
rejects, garbage after the header and the never-stored rule are tested here; unlocking a
real FileVault volume is NOT tested.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct

import pytest

import diskimages as D
from testdata import missing
from conftest import has_traceback, row_deleted
from triage.evidence import VolumeKeys


@pytest.fixture(scope="module")
def luks_disk(image_dir):
    try:
        return D.make_luks1_fat(image_dir)
    except D.MissingTool as exc:
        missing(f"cannot build test image: {exc}")


def test_locked_without_credentials(luks_disk, triage):
    result = triage.ingest(luks_disk.path)
    assert result.proc.returncode == 2 and not has_traceback(result.proc.stderr)
    assert "LUKS-encrypted volume, locked" in result.proc.stderr
    assert "triage unlock" in result.proc.stderr or "--password" in result.proc.stderr


def test_wrong_password_stays_locked_and_is_not_kept(luks_disk, triage):
    case = triage.new_case_dir("luks-wrong")
    proc = triage.run("ingest", case, luks_disk.path, "--password", "not-it", "--hashes-only")
    assert proc.returncode == 2 and not has_traceback(proc.stderr)
    assert "do not unlock" in proc.stderr
    for path in case.rglob("*"):  # a password meant for a volume is a volume credential
        if path.is_file():
            assert b"not-it" not in path.read_bytes(), path


def test_unlocked_with_password_gives_the_files(luks_disk, triage):
    case = triage.new_case_dir("luks")
    proc = triage.run("ingest", case, luks_disk.path, "--password", D.LUKS_PASSWORD)
    assert proc.returncode == 0, proc.stderr
    _, _, rows = triage.files(case)
    payload = luks_disk.partitions[0][1]
    live = {r["path"]: r["md5"] for r in rows if not row_deleted(r) and r["kind"] == "file"
            and not r.get("container_path")}
    for rel, data in payload.files.items():
        if rel in D.DELETED_FAT:
            continue
        assert live[f"/{rel}"] == hashlib.md5(data).hexdigest(), rel
    deleted = [r for r in rows if row_deleted(r) and r["md5"]]
    assert {r["md5"] for r in deleted} >= {payload.md5(rel) for rel in D.DELETED_FAT}
    info = triage.run("info", case).stdout
    assert "LUKS (unlocked with a password)" in info, info


def test_password_is_never_written_to_the_case(luks_disk, triage):
    case = triage.new_case_dir("luks-secret")
    proc = triage.run("ingest", case, luks_disk.path, "--password", D.LUKS_PASSWORD,
                      "--hashes-only")
    assert proc.returncode == 0, proc.stderr
    secret = D.LUKS_PASSWORD.encode()
    for path in case.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
    with sqlite3.connect(case / "case.sqlite") as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log")]
    assert "volume.unlock" in actions


def test_bitlocker_to_go_cut_short(shared_image, triage):
    """bdetogo.raw is 824,320 bytes; its FVE metadata blocks are at 33 MiB and beyond: no
    tool can unlock it. The outer FAT is still read; the warning says why."""
    image = shared_image("bdetogo.raw")
    case = triage.new_case_dir("bde")
    proc = triage.run("ingest", case, image, "--password", "bde-TEST", "--hashes-only")
    assert proc.returncode == 0 and not has_traceback(proc.stderr), proc.stderr
    assert "BitLocker-encrypted volume, locked" in proc.stderr
    assert "metadata cannot be read" in proc.stderr
    _, _, rows = triage.files(case)
    assert any(r["path"] == "/BitLockerToGo.exe" for r in rows)


def test_credentials_do_not_show_in_repr():
    keys = VolumeKeys(("hunter2",), ("111111-222222",), ("/keys/x.BEK",))
    assert "hunter2" not in repr(keys) and "111111" not in str(keys) and "BEK" not in repr(keys)


def test_unlock_later_without_a_new_ingest(luks_disk, triage):
    case = triage.new_case_dir("luks-later")
    first = triage.run("ingest", case, luks_disk.path, "--hashes-only")
    assert first.returncode == 2
    wrong = triage.run("unlock", case, luks_disk.path.name, "--password", "not-it")
    assert wrong.returncode == 2 and not has_traceback(wrong.stderr), wrong.stderr
    proc = triage.run("unlock", case, luks_disk.path.name, "--password", D.LUKS_PASSWORD,
                      "--hashes-only")
    assert proc.returncode == 0, proc.stderr
    assert "LUKS (unlocked with a password)" in proc.stdout
    _, _, rows = triage.files(case)
    payload = luks_disk.partitions[0][1]
    by_path = {r["path"]: r["md5"] for r in rows}
    assert by_path["/DCIM/100TEST/IMG_0001.jpg"] == payload.md5("DCIM/100TEST/IMG_0001.jpg")
    for path in case.rglob("*"):
        if path.is_file():
            assert D.LUKS_PASSWORD.encode() not in path.read_bytes(), path
    again = triage.run("unlock", case, "1", "--password", D.LUKS_PASSWORD)
    assert again.returncode == 2 and "no locked" in again.stderr


def test_luks2_unlocked_with_password_gives_the_files(image_dir, triage):
    """LUKS2 (which libluksde does not read) through evidence/luks2.py: the FAT inside, its
    files and deleted entries, as for LUKS1; a wrong password stays locked."""
    try:
        disk = D.make_luks2_fat(image_dir)
    except D.MissingTool as exc:
        missing(str(exc))
    wrong = triage.run("ingest", triage.new_case_dir("luks2-wrong"), disk.path,
                       "--password", "not-it", "--hashes-only")
    assert wrong.returncode == 2 and "do not unlock" in wrong.stderr, wrong.stderr
    case = triage.new_case_dir("luks2")
    proc = triage.run("ingest", case, disk.path, "--password", D.LUKS_PASSWORD, "--hashes-only")
    assert proc.returncode == 0 and not has_traceback(proc.stderr), proc.stderr
    _, _, rows = triage.files(case)
    payload = disk.partitions[0][1]
    live = {r["path"]: r["md5"] for r in rows if not row_deleted(r) and r["kind"] == "file"
            and not r.get("container_path")}
    for rel, data in payload.files.items():
        if rel not in D.DELETED_FAT:
            assert live[f"/{rel}"] == hashlib.md5(data).hexdigest(), rel
    assert "LUKS2 (unlocked with a password)" in triage.run("info", case).stdout


def test_luks2_that_cryptsetup_encrypted_itself_reads_back_byte_for_byte(tmp_path):
    """cryptsetup's own offline encryption (Argon2id key slot, 4096-byte sectors) of 8 MB of
    random data: what luks2.py decrypts is that data, byte for byte."""
    import os
    import shutil
    import subprocess

    from triage.evidence.luks2 import open_volume

    if shutil.which("cryptsetup") is None:
        missing("cryptsetup (Debian cryptsetup-bin) not installed")
    data = os.urandom(8 << 20)
    image = tmp_path / "luks2.img"
    image.write_bytes(data + bytes(16 << 20))
    (tmp_path / "pass").write_bytes(b"luks2-TEST")
    subprocess.run(["cryptsetup", "reencrypt", "--encrypt", "--type", "luks2", "-q",
                    "--reduce-device-size", "16M", "--sector-size", "4096", "--pbkdf",
                    "argon2id", "--pbkdf-memory", "8192", "--pbkdf-force-iterations", "4",
                    "--key-file", str(tmp_path / "pass"), str(image)], check=True,
                   capture_output=True, timeout=120)
    with open(image, "rb") as handle:
        def read(offset, length):
            handle.seek(offset)
            return handle.read(length)

        volume, credential = open_volume(read, image.stat().st_size,
                                         [("password", b"luks2-TEST")])
        assert credential == "password"
        assert volume.read_buffer_at_offset(len(data), 0) == data
        assert volume.read_buffer_at_offset(5000, 123_457) == data[123_457:128_457]


def test_reading_again_needs_the_credentials_again(luks_disk):
    """Credentials are not stored: reading a file of the volume later without them says so;
    with them it gives the file."""
    from triage.evidence import ContentError, ContentReader, Locator, open_evidence, walk

    keys = VolumeKeys((D.LUKS_PASSWORD,))
    source = open_evidence(luks_disk.path)
    record = next(r for r in walk(source, keys) if getattr(r, "path", "") ==
                  "/DCIM/100TEST/IMG_0001.jpg")
    source.close()
    where = Locator("raw", (str(luks_disk.path),), 0, record.meta_addr, record.path)
    reader = ContentReader()
    with pytest.raises(ContentError, match="locked in this run"):
        b"".join(reader.chunks(where))
    reader.close()
    reader = ContentReader()
    reader.volume_keys = keys
    expected = luks_disk.partitions[0][1].md5("DCIM/100TEST/IMG_0001.jpg")
    assert hashlib.md5(b"".join(reader.chunks(where))).hexdigest() == expected
    reader.close()


def test_password_asked_for_when_given_as_dash(luks_disk, triage, tmp_path):
    """`--password -` reads it unechoed (here from stdin: no terminal), never from argv."""
    import subprocess
    import sys

    case = tmp_path / "asked"
    proc = subprocess.run([sys.executable, "-m", "triage", "ingest", str(case),
                           str(luks_disk.path), "--password", "-", "--hashes-only"],
                          input=D.LUKS_PASSWORD + "\n", capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "1 of 1 evidence readable" in proc.stdout


def test_links_are_scanned_inside_an_unlocked_volume(tmp_path, triage, image_dir):
    """The links scan that ends a full ingest reads the volume's files with the same
    in-memory credentials (a URL in a text file inside LUKS is found)."""
    from triage.case.models import Link
    from triage.case.store import open_case
    from sqlalchemy import select

    try:
        disk = D.make_luks_fat(image_dir / "links", "luks1",
                               extra={"notes/url.txt": b"see https://example.org/page42 now\n"})
    except D.MissingTool as exc:
        missing(str(exc))
    case = tmp_path / "links-case"
    proc = triage.run("ingest", case, disk.path, "--password", D.LUKS_PASSWORD)
    assert proc.returncode == 0, proc.stderr
    store = open_case(case)
    with store.reading() as session:
        urls = [link.url for link in session.scalars(select(Link))]
    store.close()
    assert any("example.org/page42" in url for url in urls), urls


@pytest.fixture(scope="module")
def core_storage(image_dir):
    return D.make_fabricated_core_storage(image_dir)


def test_filevault_is_recognised_and_locked_without_credentials(core_storage, triage):
    result = triage.ingest(core_storage)
    assert result.proc.returncode == 2 and not has_traceback(result.proc.stderr)
    assert "FileVault-encrypted volume, locked" in result.proc.stderr
    assert "not supported yet" not in result.proc.stderr


def test_filevault_wrong_credentials_are_a_clear_error(core_storage, triage):
    """libfvde rejects the fabricated header: the error says so, names no credential, and
    the recovery key is written nowhere in the case. (A --password that opened no volume
    is kept as an archive password by design: pipeline/ingest.py `_use_passwords`.)"""
    case = triage.new_case_dir("fvde-wrong")
    secret, recovery = "fv-secret-7731", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
    proc = triage.run("ingest", case, core_storage, "--password", secret,
                      "--recovery-key", recovery, "--hashes-only")
    assert proc.returncode == 2 and not has_traceback(proc.stderr), proc.stderr
    assert "FileVault-encrypted volume, locked" in proc.stderr
    assert "cannot open the FileVault volume" in proc.stderr
    assert secret not in proc.stderr + proc.stdout and recovery not in proc.stderr
    for path in case.rglob("*"):
        if path.is_file():
            assert recovery.encode() not in path.read_bytes(), path


def test_filevault_key_file_alone_is_not_a_credential(core_storage):
    """A .wipekey is read with a password, never alone: the reason says what is missing."""
    from triage.evidence import open_evidence
    from triage.evidence.encrypted import FILEVAULT, unlock

    source = open_evidence(core_storage)
    try:
        why = unlock(source, 0, source.size, FILEVAULT, VolumeKeys((), (), ("x.wipekey",)))
    finally:
        source.close()
    assert why.startswith("no credential a FileVault volume takes")


def test_filevault_garbage_after_the_header_does_not_crash(image_dir, triage):
    garbage = D.make_fabricated_core_storage(image_dir, "cs-garbage.raw", garbage=True)
    case = triage.new_case_dir("fvde-garbage")
    proc = triage.run("ingest", case, garbage, "--password", "x", "--hashes-only")
    assert proc.returncode == 2 and not has_traceback(proc.stderr), proc.stderr
    assert "FileVault-encrypted volume, locked" in proc.stderr


def test_core_storage_signature_needs_its_version():
    from triage.evidence.encrypted import FILEVAULT, encryption_of

    head = bytearray(4096)
    head[88:90] = b"CS"
    assert encryption_of(bytes(head)) is None  # a stray "CS" in some boot sector
    head[8:10] = b"\x01\x00"
    assert encryption_of(bytes(head)) == FILEVAULT


def _luks2_header(slot: dict) -> bytes:
    """A LUKS2 device whose JSON names one key slot (and a plausible segment and digest)."""
    import base64
    import json

    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    metadata = {
        "keyslots": {"0": slot},
        "segments": {"0": {"type": "crypt", "offset": "16777216", "size": "dynamic",
                           "iv_tweak": "0", "encryption": "aes-xts-plain64",
                           "sector_size": 512}},
        "digests": {"0": {"type": "pbkdf2", "keyslots": ["0"], "segments": ["0"],
                          "hash": "sha256", "iterations": 1000, "salt": b64(b"s" * 32),
                          "digest": b64(b"d" * 32)}}}
    header = struct.pack(">6sHQ", b"LUKS\xba\xbe", 2, 16384).ljust(4096, b"\0")
    return header + json.dumps(metadata).encode().ljust(12288, b"\0") + bytes(1 << 20)


_SLOT = {"type": "luks2", "key_size": 64,
         "af": {"type": "luks1", "stripes": 4000, "hash": "sha256"},
         "area": {"type": "raw", "offset": "32768", "size": "258048",
                  "encryption": "aes-xts-plain64", "key_size": 64},
         "kdf": {"type": "pbkdf2", "hash": "sha256", "iterations": 1000,
                 "salt": "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg="}}


@pytest.mark.parametrize("damage", [
    {"key_size": None}, {"af": {"type": "luks1", "stripes": 10**9, "hash": "sha256"}},
    {"af": {"type": "luks1", "stripes": 4000, "hash": "no-such-hash"}},
    {"kdf": {"type": "argon2id", "time": 4, "memory": 2**40, "cpus": 1, "salt": "eA=="}},
    {"area": {**_SLOT["area"], "key_size": 17}}, {"kdf": "not a dict"},
    # made to stall the ingest: hours of key derivation for one slot
    {"kdf": {**_SLOT["kdf"], "iterations": 2**32 - 1}},
    {"kdf": {"type": "argon2id", "time": 2**31, "memory": 1 << 20, "cpus": 1, "salt": "eA=="}}])
def test_a_damaged_luks2_key_slot_is_a_clear_reason_never_a_crash(damage):
    """Fields a damaged or hostile header gets wrong, or sets beyond what cryptsetup makes
    (reads and allocations without bound): the volume stays locked, with the reason."""
    from triage.evidence.luks2 import Luks2Error, open_volume

    slot = {key: value for key, value in {**_SLOT, **damage}.items() if value is not None}
    data = _luks2_header(slot)
    with pytest.raises(Luks2Error, match="key slot 0 cannot be used"):
        open_volume(lambda at, size: data[at:at + size], len(data), [("password", b"pw")])


@pytest.mark.parametrize("metadata", [b"[]", b'{"keyslots": [], "segments": [], "digests": []}',
                                      b'{"keyslots": {}, "segments": {"0": 1}, "digests": {}}'])
def test_luks2_metadata_of_the_wrong_shape_is_a_reason_never_a_crash(metadata):
    from triage.evidence.luks2 import Luks2Error, open_volume

    header = struct.pack(">6sHQ", b"LUKS\xba\xbe", 2, 16384).ljust(4096, b"\0")
    data = header + metadata.ljust(12288, b"\0")
    with pytest.raises(Luks2Error):
        open_volume(lambda at, size: data[at:at + size], len(data), [("password", b"pw")])
