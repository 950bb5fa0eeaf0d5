"""The plugins shipped in `plugins/`: the ONNX classifier, faces, and the example."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import (  # noqa: E402
    REPO_PLUGINS,
    colour_model,
    model_plugin,
    noise,
    red_square,
    red_square_face_model,
    solid,
)

from testdata import PHOTOS  # noqa: E402
from triage.plugins.testing import PluginFault, run_plugin_on  # noqa: E402

COLOUR_SETTINGS = """
    labels = ["reddish", "bluish"]
    input_size = [8, 8]
    softmax = true
"""


@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
def test_onnx_classifier_runs_a_model_from_its_manifest(tmp_path, layout):
    model = colour_model(tmp_path / "colour.onnx")
    if layout == "NHWC":  # same model behind a transpose, to check the layout setting
        import onnx
        from onnx import helper

        m = onnx.load(model)
        m.graph.node.insert(0, helper.make_node("Transpose", ["nhwc"], ["pixels"],
                                                perm=[0, 3, 1, 2]))
        m.graph.input[0].CopyFrom(helper.make_tensor_value_info("nhwc", 1, ["N", 8, 8, 3]))
        onnx.save(m, model)
    folder = model_plugin(tmp_path, "colour", model, "onnx-classifier",
                          COLOUR_SETTINGS + f'layout = "{layout}"\nbatch_size = 2\n')
    answers = run_plugin_on(folder, [solid((255, 0, 0)), solid((0, 0, 255)), solid((90, 0, 90))])
    assert answers[0].scores["reddish"] > 0.95 and answers[1].scores["bluish"] > 0.95
    assert answers[2].scores == pytest.approx({"reddish": 0.5, "bluish": 0.5})
    assert all(sum(a.scores.values()) == pytest.approx(1.0) for a in answers)


def test_onnx_classifier_feeds_a_fixed_batch_model_one_at_a_time(tmp_path):
    model = colour_model(tmp_path / "one.onnx", batch=1)
    folder = model_plugin(tmp_path, "one", model, "onnx-classifier", COLOUR_SETTINGS)
    answers = run_plugin_on(folder, [solid((255, 0, 0)), solid((0, 0, 255))])
    assert [max(a.scores, key=a.scores.get) for a in answers] == ["reddish", "bluish"]


def test_onnx_classifier_with_labels_that_do_not_fit_the_model_is_disabled(tmp_path):
    model = colour_model(tmp_path / "colour.onnx")
    folder = model_plugin(tmp_path, "three", model, "onnx-classifier",
                          'labels = ["a", "b", "c"]\ninput_size = [8, 8]\n')
    with pytest.raises(PluginFault, match="cannot load .*3 labels but the model gives 2"):
        run_plugin_on(folder, [solid((255, 0, 0))])  # refused at load, not at a picture


def test_onnx_classifier_whose_input_size_is_not_the_models_is_refused_at_load(tmp_path):
    model = colour_model(tmp_path / "colour.onnx")
    folder = model_plugin(tmp_path, "wrong-size", model, "onnx-classifier",
                          'labels = ["reddish", "bluish"]\ninput_size = [16, 16]\n')
    with pytest.raises(PluginFault, match=r"cannot load .*input_size \[16, 16\].*takes 8×8"):
        run_plugin_on(folder, [solid((255, 0, 0))])


def test_onnx_classifier_alone_says_it_needs_a_model(tmp_path):
    with pytest.raises(PluginFault, match="code for model plugins"):
        run_plugin_on(REPO_PLUGINS / "onnx_classifier", [solid((1, 1, 1))])


def test_faces_with_a_yunet_shaped_model_finds_boxes_and_none_on_a_faceless_picture(tmp_path):
    model = red_square_face_model(tmp_path / "yunet.onnx")
    folder = model_plugin(tmp_path, "faces-yunet", model, "faces", "min_face = 8\n",
                          "[thresholds]\nface = 0.5\n")
    blank, square, photo_like = run_plugin_on(folder, [
        solid((128, 128, 128)), red_square(), noise(1)])
    assert blank.scores == {"face": 0.0} and blank.boxes == []
    assert photo_like.boxes == []
    assert square.scores["face"] > 0.9 and square.boxes
    for box in square.boxes:  # fractions of the picture, overlapping the square (0.3-0.6, 0.27-0.67)
        assert box["label"] == "face" and 0 <= box["x"] and box["x"] + box["w"] <= 1
        assert box["x"] < 0.6 and box["x"] + box["w"] > 0.3
        assert box["y"] < 0.67 and box["y"] + box["h"] > 0.27


@pytest.mark.skipif(not hasattr(cv2, "CascadeClassifier"),
                    reason=f"OpenCV {cv2.__version__} ships no Haar cascades")
def test_faces_as_shipped_gives_no_face_on_a_faceless_picture():
    [answer] = run_plugin_on(REPO_PLUGINS / "faces", [solid((128, 128, 128))])
    assert answer.scores == {"face": 0.0} and answer.boxes == []


PORTRAIT = PHOTOS / "bsds500" / "189080.jpg"


@pytest.mark.skipif(not hasattr(cv2, "CascadeClassifier"),
                    reason=f"OpenCV {cv2.__version__} ships no Haar cascades")
@pytest.mark.skipif(not PORTRAIT.exists(), reason="shared BSDS500 portrait not found")
def test_faces_as_shipped_finds_the_face_in_a_portrait():
    from PIL import Image

    picture = np.asarray(Image.open(PORTRAIT).convert("RGB"))  # a man in a fez, head and shoulders
    [answer] = run_plugin_on(REPO_PLUGINS / "faces", [picture])
    assert answer.scores["face"] > 0.5 and len(answer.boxes) == 1
    box = answer.boxes[0]  # the face is about x 0.08-0.85, y 0.35-0.9 of the picture
    assert 0.05 < box["x"] < 0.4 and box["x"] + box["w"] > 0.6
    assert 0.2 < box["y"] < 0.6 and box["y"] + box["h"] > 0.6


@pytest.mark.skipif(hasattr(cv2, "CascadeClassifier"), reason="this OpenCV ships cascades")
def test_faces_as_shipped_says_clearly_why_it_cannot_run_on_opencv_5():
    with pytest.raises(PluginFault, match="cannot read model .*haarcascade_frontalface"):
        run_plugin_on(REPO_PLUGINS / "faces", [solid((128, 128, 128))])


def test_example_flags_grey_pictures_and_not_colourful_ones(tmp_path):
    grey = np.repeat(np.asarray(noise(2).convert("L"))[:, :, None], 3, axis=2)
    grey_answer, colour_answer = run_plugin_on(REPO_PLUGINS / "example", [grey, noise(3)])
    assert grey_answer.scores["monochrome"] == pytest.approx(1.0)
    assert colour_answer.scores["monochrome"] == pytest.approx(0.0)
