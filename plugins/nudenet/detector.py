"""NudeNet's 320n detector on the working picture, exactly as the nudenet wheel runs it.

The wheel's `NudeDetector.detect` is reproduced step for step, so that on the
same picture the scores and boxes equal the wheel's within 1e-4
(tests/test_plugins_classifiers.py): pad the picture on the right and bottom
to a square, resize it to 320x320 with OpenCV's `blobFromImage` (bilinear,
pixels / 255), keep the candidates whose best class scores 0.2 or more, and
suppress overlaps (OpenCV's NMS, 0.25 score, 0.45 IoU). Written here rather
than imported because a plugin may import only Triage's plugin API (and the
wheel's code is AGPL-3.0); the model file is the wheel's, pinned in
plugin.toml. Each label's score is its best box's (0 where none was found).
"""

import cv2
import numpy as np
import onnxruntime as ort

from triage.plugins.api import Box, Kind, Plugin, Result

LABELS = (
    "FEMALE_GENITALIA_COVERED", "FACE_FEMALE", "BUTTOCKS_EXPOSED", "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED", "MALE_BREAST_EXPOSED", "ANUS_EXPOSED", "FEET_EXPOSED",
    "BELLY_COVERED", "FEET_COVERED", "ARMPITS_COVERED", "ARMPITS_EXPOSED", "FACE_MALE",
    "BELLY_EXPOSED", "MALE_GENITALIA_EXPOSED", "ANUS_COVERED", "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)
"""The model's classes, in output order (as the wheel lists them)."""
SIDE = 320
MIN_SCORE = 0.2
NMS_SCORE, NMS_IOU = 0.25, 0.45


class NudeNet(Plugin):
    kind = Kind.DETECTOR
    labels = LABELS

    def __init__(self, context):
        super().__init__(context)
        self.batch_size = max(1, int(context.settings.get("batch_size", 8)))
        options = ort.SessionOptions()
        options.intra_op_num_threads = context.threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(context.model_path), options,
                                            providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def run(self, batch):
        # The wheel turns its BGR picture to RGB (cvtColor RGBA2BGR on three channels swaps
        # them), pads it, then swaps back to BGR in blobFromImage: the model takes BGR planes.
        padded = [_pad_square(rgb) for rgb in batch]
        blob = cv2.dnn.blobFromImages(padded, 1 / 255.0, (SIDE, SIDE), (0, 0, 0),
                                      swapRB=True, crop=False)
        (outputs,) = self.session.run(None, {self.input_name: blob})
        return [_result(output, rgb.shape[1], rgb.shape[0])
                for output, rgb in zip(outputs, batch)]

    def close(self):
        self.session = None


def _pad_square(rgb: np.ndarray) -> np.ndarray:
    side = max(rgb.shape[:2])
    return cv2.copyMakeBorder(rgb, 0, side - rgb.shape[0], 0, side - rgb.shape[1],
                              cv2.BORDER_CONSTANT)


def _result(output: np.ndarray, width: int, height: int) -> Result:
    """Scores and boxes of one picture from its (22, candidates) output."""
    rows = output.T  # (candidates, 4 + classes): centre x, y, width, height, class scores
    classes = rows[:, 4:]
    best = classes.max(axis=1)
    keep = best >= MIN_SCORE
    boxes, scores, class_ids = [], [], []
    side = max(width, height)
    for (cx, cy, w, h), score, class_id in zip(rows[keep, :4], best[keep],
                                               classes[keep].argmax(axis=1)):
        x = max(0, min((cx - w / 2) * side / SIDE, width))
        y = max(0, min((cy - h / 2) * side / SIDE, height))
        boxes.append([x, y, min(w * side / SIDE, width - x), min(h * side / SIDE, height - y)])
        scores.append(score)
        class_ids.append(class_id)
    scored = dict.fromkeys(LABELS, 0.0)
    found = []
    for i in cv2.dnn.NMSBoxes(boxes, scores, NMS_SCORE, NMS_IOU) if boxes else ():
        label, score = LABELS[class_ids[i]], float(scores[i])
        scored[label] = max(scored[label], score)
        x, y, w, h = (float(v) for v in boxes[i])
        if w > 0 and h > 0:
            found.append(Box(label, x / width, y / height, w / width, h / height, score))
    return Result(scored, found)
