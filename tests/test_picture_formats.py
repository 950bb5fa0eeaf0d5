"""Photoshop documents and JPEG 2000 pictures are pictures: sniffed, decoded, hashed,
stacked and shown like any other (before, they were hashed as "other" and never seen)."""

from __future__ import annotations

import csv
import io
import struct
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from triage.media.decode import decode_picture
from triage.paths import resources_dir
from triage.media.sniff import extension_mismatch, sniff


def _picture() -> np.ndarray:
    """A public-domain photograph of the demo samples (a cat), small."""
    with Image.open(resources_dir() / "samples" / "photos" / "cat.jpg") as photo:
        return np.asarray(photo.convert("RGB").resize((240, 160)))


def psd(rgb: np.ndarray) -> bytes:
    """A flat RGB Photoshop document, raw channel data (Pillow reads PSD, never writes it)."""
    height, width, _ = rgb.shape
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    empty_sections = struct.pack(">III", 0, 0, 0)  # colour mode data, resources, layers
    planes = b"".join(rgb[:, :, channel].tobytes() for channel in range(3))
    return header + empty_sections + struct.pack(">H", 0) + planes


def jp2(rgb: np.ndarray, codestream: bool = False) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG2000", no_jp2=codestream)
    return buffer.getvalue()


@pytest.mark.parametrize("make, kind", [
    (psd, "image/vnd.adobe.photoshop"), (jp2, "image/jp2"),
    (lambda rgb: jp2(rgb, codestream=True), "image/jp2")])
def test_sniffed_and_decoded(make, kind):
    data = make(_picture())
    assert sniff(data[:1024]) == kind
    decoded = np.asarray(decode_picture(data).picture)
    assert decoded.shape == (160, 240, 3)
    assert np.abs(decoded.astype(int) - _picture()).max() <= 2  # lossless, or nearly


def test_misnamed_photoshop_and_jpeg2000_are_flagged():
    assert not extension_mismatch("edit.psd", "image/vnd.adobe.photoshop")
    assert extension_mismatch("edit.doc", "image/vnd.adobe.photoshop")
    assert not extension_mismatch("scan.jp2", "image/jp2")


def test_ingested_as_pictures(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    rgb = _picture()
    (evidence / "edit.psd").write_bytes(psd(rgb))
    (evidence / "scan.jp2").write_bytes(jp2(rgb))
    (evidence / "same.png").write_bytes(_png(rgb))
    case = tmp_path / "case"
    run = subprocess.run([sys.executable, "-m", "triage", "ingest", case, evidence],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    listing = subprocess.run([sys.executable, "-m", "triage", "files", case, "--csv"],
                             capture_output=True, text=True).stdout
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(listing))}
    for name in ("edit.psd", "scan.jp2"):
        assert rows[name]["pdq"] and rows[name]["analysis_error"] == "", rows[name]
    # the same picture in three formats: one stack
    stacks = {rows[name]["stack_id"] for name in ("edit.psd", "scan.jp2", "same.png")}
    assert len(stacks) == 1 and stacks != {""}


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()
