"""A folder of logical files as evidence: odd names, links, misnamed media, unreadable entries."""

import csv
import hashlib
import io
import os
import subprocess
import sys

from PIL import Image


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 16), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _triage(*args):
    return subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                          capture_output=True, text=True)


def test_folder_ingest_lists_every_entry_with_hashes_and_types(tmp_path):
    folder = tmp_path / "extracted"
    (folder / "Pictures" / "nested").mkdir(parents=True)
    jpeg = _jpeg()
    (folder / "Pictures" / "report.dat").write_bytes(jpeg)
    (folder / "Pictures" / "nested" / "holiday.jpg").write_bytes(jpeg)
    (folder / "notes.txt").write_text("hello")
    os.symlink("notes.txt", folder / "link-to-notes")
    non_utf8 = os.fsencode(folder) + b"/caf\xe9.png"
    with open(non_utf8, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)

    result = _triage("ingest", tmp_path / "case", folder)
    assert result.returncode == 0, result.stderr
    listing = _triage("files", tmp_path / "case", "--csv")
    rows = {row["path"]: row for row in csv.DictReader(io.StringIO(listing.stdout))}

    assert set(rows) == {"/Pictures", "/Pictures/nested", "/Pictures/report.dat",
                         "/Pictures/nested/holiday.jpg", "/notes.txt", "/link-to-notes",
                         "/caf\\xe9.png"}
    misnamed = rows["/Pictures/report.dat"]
    assert misnamed["detected_type"] == "image/jpeg"
    assert misnamed["extension_mismatch"] == "1"
    assert misnamed["md5"] == hashlib.md5(jpeg).hexdigest()
    assert misnamed["sha256"] == rows["/Pictures/nested/holiday.jpg"]["sha256"]
    assert rows["/Pictures/nested/holiday.jpg"]["extension_mismatch"] == "0"
    assert rows["/link-to-notes"]["kind"] == "link" and rows["/link-to-notes"]["md5"] == ""
    assert rows["/caf\\xe9.png"]["detected_type"] == "image/png"
    assert rows["/notes.txt"]["sha1"] == hashlib.sha1(b"hello").hexdigest()

    info = _triage("info", tmp_path / "case")
    assert "image/jpeg 2" in info.stdout and "Misnamed:  1" in info.stdout


def test_a_byte_that_is_not_utf8_and_its_escape_written_out_are_two_paths(tmp_path):
    """The byte 0xFF and the four characters \\xff once showed as one path."""
    folder = tmp_path / "names"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/a\xff.txt", "wb") as handle:
        handle.write(b"the byte")
    (folder / "a\\xff.txt").write_text("the text")
    assert _triage("ingest", tmp_path / "case", folder).returncode == 0
    listing = _triage("files", tmp_path / "case", "--csv")
    rows = {row["path"]: row for row in csv.DictReader(io.StringIO(listing.stdout))}
    assert set(rows) == {"/a\\xff.txt", "/a\\\\xff.txt"}
    assert rows["/a\\xff.txt"]["md5"] == hashlib.md5(b"the byte").hexdigest()
    assert rows["/a\\\\xff.txt"]["md5"] == hashlib.md5(b"the text").hexdigest()


def test_ingesting_the_same_folder_twice_adds_nothing(tmp_path):
    folder = tmp_path / "extracted"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(_jpeg())
    for _ in range(2):
        assert _triage("ingest", tmp_path / "case", folder).returncode == 0
    listing = _triage("files", tmp_path / "case", "--csv").stdout
    assert listing.count("/a.jpg") == 1


def test_missing_evidence_is_one_clear_line(tmp_path):
    result = _triage("ingest", tmp_path / "case", tmp_path / "nowhere.dd")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "nowhere.dd: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
