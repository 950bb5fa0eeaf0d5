"""E01 chunks that fail their checksum: libewf reads them as zeros without a word, so
Triage asks ewfverify which chunks fail and gives every file stored there an error naming
the byte range (issue 22, item 1)."""

from __future__ import annotations

import re

import pyewf
import pytest

from sqlalchemy import select

from conftest import has_traceback
from triage.case.models import Evidence, File, WorkStatus
from triage.case.store import open_case
from triage.evidence import ewf
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.pipeline.work import hash_evidence


def test_a_file_in_a_corrupt_chunk_carries_an_error_naming_the_range(triage, corrupted_e01):
    path, disk, damaged = corrupted_e01
    result = triage.ingest(path)
    assert not has_traceback(result.proc.stderr), result.describe()
    assert result.proc.returncode == 0, result.describe()
    assert "1 file errors" in result.proc.stdout, result.describe()
    assert "fail their checksum" in result.proc.stderr, result.describe()
    rows = {r["path"]: r for r in result.rows if r["deleted"] == "0"}
    error = rows[damaged]["error"]
    match = re.search(r"fails its checksum \(bytes (\d+)-(\d+)\)", error)
    assert match, error
    start, last = int(match[1]), int(match[2])
    assert start % 512 == 0 and (last + 1) % 512 == 0 and last > start
    intact = [p for p, r in rows.items() if p != damaged and r["kind"] == "file"]
    assert intact and all(not rows[p]["error"] for p in intact), \
        [(p, rows[p]["error"]) for p in intact if rows[p]["error"]]
    info = triage.run("info", result.case_dir)
    assert "fail their checksum" in info.stdout and "1 entries could not be read" in info.stdout


def test_hashing_an_intact_e01_finds_no_damage(mbr_e01):
    result = hash_evidence("ewf", [str(p) for p in mbr_e01])
    assert result.error is None and result.warning is None and result.damaged == ()
    assert result.md5 == result.stored_md5


def test_the_damaged_ranges_come_from_ewfverify(corrupted_e01):
    path, _, _ = corrupted_e01
    result = hash_evidence("ewf", [str(path)])
    assert result.error is None and result.sha256
    assert len(result.damaged) == 1 and "fail their checksum" in result.warning


def test_without_ewfverify_the_evidence_says_its_chunks_were_not_checked(monkeypatch, mbr_e01):
    """Never silently: an examiner must know the files in damaged chunks could not be told."""
    real = ewf.shutil.which
    monkeypatch.setattr(ewf.shutil, "which", lambda name: None if name == "ewfverify"
                        else real(name))
    result = hash_evidence("ewf", [str(p) for p in mbr_e01])
    assert result.sha256 and result.error is None
    assert result.warning == ewf.NO_EWFVERIFY and "ewf-tools" in result.warning


@pytest.mark.parametrize("output, expected", [
    (b"Sector validation errors:\n\ttotal number: 2\n"
     b"\tat sector(s): 192 - 255 (number: 64) in segment file(s): /x.E01\n"
     b"\tat sector(s): 1024 - 1087 (number: 64) in segment file(s): /x.E01\n",
     [(192 * 512, 256 * 512), (1024 * 512, 1088 * 512)]),
    (b"MD5 hash calculated over data:\t\tabc\n", []),
])
def test_ewfverify_output_is_read_as_byte_ranges(output, expected):
    assert [(int(a) * 512, (int(b) + 1) * 512)
            for a, b in ewf._BAD_SECTORS.findall(output)] == expected


@pytest.mark.parametrize("name", ["ext2.E01", "ext2.split.E01", "image-split.E01",
                                  "imageformat_mmls_1.E01"])
def test_third_party_e01s_pass_the_chunk_check(name, shared_image):
    """Sets written by other tools (dfVFS test data): no chunk flagged that is not damaged."""
    result = hash_evidence("ewf", pyewf.glob(str(shared_image(name))))
    assert (result.error, result.warning, result.damaged) == (None, None, ())
    assert result.md5 == result.stored_md5


def test_a_hash_finished_before_the_files_were_read_is_recorded_when_they_are(tmp_path,
                                                                             corrupted_e01):
    """Cancelled after the image hash and before the files: the damage must not be recorded
    then (no file to mark yet) and lost; the resumed run hashes again and marks them."""
    path, _, damaged = corrupted_e01
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    try:
        ingest = Ingest(store, "ann", IngestOptions(workers=1, analyse_media=False))
        evidence_id = ingest.add(path)
        ingest._walk(evidence_id)
        ingest._record_evidence_hash(evidence_id, hash_evidence("ewf", [str(path)]))
        with store.reading() as session:
            assert session.get(Evidence, evidence_id).hash_status == WorkStatus.PENDING
        ingest.run()
        with store.reading() as session:
            assert session.get(Evidence, evidence_id).hash_status == WorkStatus.DONE
            error = session.scalar(select(File.error).where(File.path == damaged,
                                                            File.deleted.is_(False)))
        assert "fails its checksum" in error
    finally:
        store.close()
