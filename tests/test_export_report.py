"""The HTML and PDF reports: sections, provenance, thumbnails placeholder, audit appendix;
the PDF rendered to PNG to check nothing runs past the page edge.

Categories are labels put on generated flat-colour pictures."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from tagcases import built_case, case_dir, picture_ids  # noqa: F401 (fixtures)
from triage.case.models import AuditEntry, File, Media
from triage.case.store import open_case
from triage.review.commands import History, TagMedia
from triage.export import ExportOptions, export_case
from testdata import missing


@pytest.fixture
def store(case_dir, tmp_path):
    store = open_case(case_dir)
    ids = picture_ids(store)
    with store.session() as session:
        longest = session.scalar(select(File.media_id).order_by(func_length(File.path).desc()))
    history = History(store, "alice")
    history.run(TagMedia(ids[:2], "vics-us", "1", note="test label"))
    history.run(TagMedia(ids[2:3], "vics-us", "0"))                    # workflow: not listed
    history.run(TagMedia(ids[3:4], "sap-2002", "4"))                   # ambiguous in vics-us
    history.run(TagMedia(ids[4:5], "vics-us", "4"))                    # workflow: not listed
    history.run(TagMedia([longest], "uk-2014", "B", note="x" * 300))   # long, unbroken
    # a hash set that knows two of the items (made with our own hash-set export)
    from triage.hashsets import import_hash_set

    hash_set = tmp_path / "known.json"
    export_case(store, "vics-hashset", hash_set, ExportOptions(scheme="vics-us",
                                                               categories=("1",)),
                examiner="alice")
    import_hash_set(store, hash_set, "Known Test Set", kind="alert", examiner="alice")
    yield store
    store.close()


def func_length(column):
    from sqlalchemy import func

    return func.length(column)


def _report(store, tmp_path, fmt, **options):
    out = tmp_path / f"report.{fmt}"
    result = export_case(store, fmt, out, ExportOptions(**options), examiner="bob")
    return result, out


def test_html_report_sections_and_provenance(store, tmp_path):
    result, out = _report(store, tmp_path, "html", scheme="uk-2014")
    page = out.read_text()
    with store.session() as session:
        md5 = [session.get(Media, i).md5 for i in picture_ids(store)]
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    for text in ("Case report: case", "Report by</b></td><td>bob", "1. Evidence",
                 "In the working scheme: Project VIC US", "In the report scheme: England",
                 "3. Hash sets", "Known Test Set", "4. Items by category", "B — Category B",
                 "A — Category A", "Ambiguous in uk-2014",
                 "Appendix A. Audit trail", "Hash chain checked when this report was made: "
                 "intact", 'class="thumb"', "Triage 0.1"):
        assert text in page, text
    assert page.count("HOOK") == 0  # the hook is in the code, not in the output
    # provenance of the hash-set match, and translation explained
    assert "<b>Hash set</b> Known Test Set (alert, record" in page
    assert "is ambiguous in uk-2014: it may be A, B or C" in page
    # every audit entry is in the appendix (the export's own entry comes after it)
    rows = re.findall(r"<tr><td>\d+</td><td class='small'>\d{4}-", page)
    assert actions[-1] == "case.export" and len(rows) == len(actions) - 1
    # workflow categories are counted, not listed
    listing = page.split("4. Items by category")[1].split("Appendix A")[0]
    assert md5[0] in listing and md5[3] in listing
    assert md5[2] not in listing and md5[4] not in listing
    assert result.counts["items_listed"] == 4


def test_items_alert_sets_identified_are_listed_apart_with_their_confirmation(store,
                                                                              tmp_path):
    ids = picture_ids(store)
    History(store, "alice").run(TagMedia(ids[1:2], "vics-us", "2"))  # the examiner disagrees
    with store.session() as session:
        md5 = [session.get(Media, i).md5 for i in ids[:2]]
    result, out = _report(store, tmp_path, "html", scheme="vics-us")
    section = out.read_text().split("5. Items identified by alert hash sets")[1]
    section = section.split("6. Shared links")[0]
    assert md5[0] in section and md5[1] in section
    label = "1 — Child Abuse Material"
    assert re.search(rf"<tr><td>{label}[^<]*</td><td>1</td><td>1</td><td>0</td></tr>", section)
    assert "Known Test Set (alert, record" in section
    assert result.counts["alert_hits"] == {
        next(k for k in result.counts["alert_hits"] if k.startswith(label)):
            {"confirmed": 1, "decided otherwise": 1}}


def test_html_thumbnail_modes(store, tmp_path):
    _, out = _report(store, tmp_path, "html", thumbnails="none")
    assert 'class="thumb"' not in out.read_text()
    (tmp_path / "report.html").unlink()
    (tmp_path / "report.html.manifest.json").unlink()
    _, out = _report(store, tmp_path, "html", thumbnails="clear")
    assert "data:image/jpeg;base64," in out.read_text()


def _embedded(cell: str) -> Image.Image:
    import base64
    import io
    import re

    data = re.search(r'data:image/jpeg;base64,([^"]+)"', cell).group(1)
    return Image.open(io.BytesIO(base64.b64decode(data))).convert("L")


def _detail(picture: Image.Image) -> float:
    """Mean absolute difference between neighbouring pixels: high for a sharp picture."""
    import numpy as np

    pixels = np.asarray(picture, dtype=float)
    return float(np.abs(np.diff(pixels, axis=1)).mean())


def test_thumbnails_are_blurred_on_the_pixels_unless_asked_clear():
    import io

    from triage.export.html import thumbnail_cell

    stored = io.BytesIO()
    Image.effect_noise((256, 192), 80).convert("RGB").save(stored, "JPEG", quality=90)
    blurred = _embedded(thumbnail_cell(None, "blurred", stored.getvalue()))
    clear = _embedded(thumbnail_cell(None, "clear", stored.getvalue()))
    assert _detail(blurred) < _detail(clear) / 4
    assert "no<br>thumbnail" in thumbnail_cell(None, "blurred", None)
    assert thumbnail_cell(None, "none", stored.getvalue()) == ""


def test_pdf_report_renders_within_the_page(store, tmp_path):
    result, out = _report(store, tmp_path, "pdf", scheme="uk-2014")
    assert out.read_bytes().startswith(b"%PDF-")
    assert result.counts["pages"] >= 3
    if shutil.which("pdftoppm") is None:
        missing("pdftoppm (Debian poppler-utils) not installed")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == result.counts["pages"]
    for png in pages:
        image = Image.open(png).convert("L")
        width, height = image.size
        margin = int(40 * 12 / 25.4)  # 12 of the 15 mm right margin must stay blank
        strip = image.crop((width - margin, 0, width, height))
        assert strip.getextrema()[0] > 240, f"{png.name}: something runs into the margin"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Case report: case" in text and "Appendix A. Audit trail" in text
        with store.session() as session:
            first = session.scalar(select(Media.sha256).order_by(Media.id))
        assert first in text.replace("\n", "")


def test_the_command_line_signs_with_the_examiner_named_in_the_case(store, tmp_path,
                                                                    monkeypatch):
    from triage.case.store import current_examiner, record_examiner
    from triage.cli import main

    monkeypatch.delenv("TRIAGE_EXAMINER", raising=False)
    with store.session() as session:
        record_examiner(session, "Det. Ada Smith")  # as Set examiner in the GUI does
    assert current_examiner(store) == "Det. Ada Smith"
    out = tmp_path / "cli-report.html"
    assert main(["export", str(store.folder), "--format", "html", "--scheme", "vics-us",
                 "--out", str(out)]) == 0
    assert "Report by</b></td><td>Det. Ada Smith" in out.read_text()
    with store.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.examiner")
                                ).one()
        assert entry.examiner == "Det. Ada Smith"


def test_a_videos_segments_are_in_the_report_beside_its_verdict(store, tmp_path):
    from triage.review.segments import SegmentError, add_segment

    ids = picture_ids(store)
    with store.session() as session:  # a picture stands in for a video here
        session.get(Media, ids[0]).detected_type = "video/mp4"
    with store.session() as session:
        add_segment(session, "alice", ids[0], 12.5, 4.0, "vics-us", "2")
    with store.session() as session, pytest.raises(SegmentError):
        add_segment(session, "alice", ids[1], 1, 2, "vics-us", "2")  # not a video
    _, out = _report(store, tmp_path, "html", scheme="vics-us")
    page = out.read_text()
    assert "<b>Segment</b> 4.0–12.5 s: vics-us 2, by alice" in page
