"""Faces in a picture, with OpenCV: a Haar cascade (`.xml` model) or YuNet (`.onnx` model).

Runs on the working picture of the ingest's single decode (longest side
224-448 px), so faces smaller than about `min_face` pixels there are missed:
this answers "has faces", not "every face".
"""

import cv2
import numpy as np

from triage.plugins.api import Box, Kind, Plugin, Result


class FaceDetector(Plugin):
    kind = Kind.DETECTOR
    labels = ("face",)
    batch_size = 16

    def __init__(self, context):
        super().__init__(context)
        cv2.setNumThreads(context.threads)
        settings = context.settings
        self.min_face = int(settings.get("min_face", 20))
        path = str(context.model_path or "")
        if path.endswith(".xml"):
            self.detect = self._haar(path)
        elif path.endswith(".onnx"):
            self.detect = self._yunet(path, float(settings.get("score_threshold", 0.6)))
        else:
            raise ValueError(f"model {path!r}: expected a Haar cascade (.xml) or a YuNet "
                             "model (.onnx)")

    def run(self, batch):
        return [self._result(rgb) for rgb in batch]

    def _result(self, rgb: np.ndarray) -> Result:
        height, width = rgb.shape[:2]
        boxes = []
        for x, y, w, h, score in self.detect(rgb):
            x0, y0 = max(x, 0.0), max(y, 0.0)
            x1, y1 = min(x + w, width), min(y + h, height)
            if x1 > x0 and y1 > y0:
                boxes.append(Box("face", x0 / width, y0 / height, (x1 - x0) / width,
                                 (y1 - y0) / height, score))
        best = max((b.score if b.score is not None else 1.0 for b in boxes), default=0.0)
        return Result({"face": best}, boxes)

    def _haar(self, path: str):
        if not hasattr(cv2, "CascadeClassifier"):
            raise RuntimeError(f"OpenCV {cv2.__version__} has no Haar cascades; give the "
                               "plugin a YuNet model (.onnx) instead")
        cascade = cv2.CascadeClassifier(path)
        if cascade.empty():
            raise RuntimeError(f"{path}: not a Haar cascade OpenCV can read")

        def detect(rgb):
            grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
            found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5,
                                             minSize=(self.min_face, self.min_face))
            return [(float(x), float(y), float(w), float(h), None) for x, y, w, h in found]

        return detect

    def _yunet(self, path: str, score_threshold: float):
        detector = cv2.FaceDetectorYN.create(path, "", (320, 320), score_threshold, 0.3, 500)

        def detect(rgb):
            bgr = np.ascontiguousarray(rgb[:, :, ::-1])
            detector.setInputSize((bgr.shape[1], bgr.shape[0]))
            _, faces = detector.detect(bgr)
            if faces is None:
                return []
            return [(float(f[0]), float(f[1]), float(f[2]), float(f[3]), float(f[14]))
                    for f in faces if min(f[2], f[3]) >= self.min_face]

        return detect
