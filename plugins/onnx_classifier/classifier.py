"""Any ONNX image classifier, run through onnxruntime as its manifest describes.

Settings (the using plugin's ``[settings]``):

- ``labels``: one per model output, in output order (required)
- ``input_size``: [width, height] the model takes (required)
- ``layout``: "NCHW" (default) or "NHWC"
- ``scale``: pixels (0-255) are multiplied by it first (default 1/255)
- ``mean``, ``std``: per RGB channel, after scaling (default 0 and 1)
- ``softmax``: turn the outputs into probabilities (default false: the model already does)
- ``batch_size``: pictures per call (default 1: on CPU, batching a small CNN was no faster,
  0.7-0.9x, in ``bench/plugins.py``; measure your model with it before raising it);
  a model with a fixed batch of 1 is always fed one at a time
- ``input``, ``output``: tensor names, when the model has more than one
"""

import numpy as np
import onnxruntime as ort

from triage.plugins.api import Plugin


class OnnxClassifier(Plugin):
    def __init__(self, context):
        super().__init__(context)
        if context.model_path is None:
            raise ValueError("onnx-classifier is the code for model plugins: make a folder with "
                             "your model and a plugin.toml saying uses = \"onnx-classifier\"")
        settings = context.settings
        self.labels = tuple(_required(settings, "labels"))
        width, height = _required(settings, "input_size")
        self.size = (int(width), int(height))
        self.layout = str(settings.get("layout", "NCHW")).upper()
        if self.layout not in ("NCHW", "NHWC"):
            raise ValueError(f"layout {self.layout!r}: expected NCHW or NHWC")
        scale = float(settings.get("scale", 1 / 255))
        mean = np.asarray(settings.get("mean", [0.0, 0.0, 0.0]), np.float32)
        std = np.asarray(settings.get("std", [1.0, 1.0, 1.0]), np.float32)
        # (pixel * scale - mean) / std as one multiply and one subtract, per channel
        shape = (3, 1, 1) if self.layout == "NCHW" else (3,)
        self.multiply = (scale / std).reshape(shape)
        self.subtract = (mean / std).reshape(shape)
        self.softmax = bool(settings.get("softmax", False))
        self.session = self._session(context)
        self.input_name = settings.get("input") or self.session.get_inputs()[0].name
        self.output_name = settings.get("output") or self.session.get_outputs()[0].name
        fixed = self.session.get_inputs()[0].shape[0]
        self.batch_size = 1 if fixed == 1 else int(settings.get("batch_size", 1))
        self._check_model()

    def _check_model(self) -> None:
        """At load, not at the first picture: the model's fixed input size and output count
        must be what plugin.toml says."""
        shape = list(self.session.get_inputs()[0].shape)
        if len(shape) != 4:
            raise ValueError(f"the model's input has shape {shape}: expected 4 dimensions "
                             f"({self.layout})")
        height, width = (shape[2], shape[3]) if self.layout == "NCHW" else (shape[1], shape[2])
        if all(isinstance(d, int) for d in (width, height)) and (width, height) != self.size:
            raise ValueError(f"input_size {list(self.size)} (width, height) but the model "
                             f"takes {width}×{height}")
        outputs = self.session.get_outputs()[0].shape
        count = outputs[-1] if outputs else None
        if isinstance(count, int) and len(outputs) == 2 and count != len(self.labels):
            raise ValueError(f"{len(self.labels)} labels but the model gives {count} outputs")

    @staticmethod
    def _session(context):
        options = ort.SessionOptions()
        options.intra_op_num_threads = context.threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(str(context.model_path), options,
                                    providers=["CPUExecutionProvider"])

    def run(self, batch):
        pictures = np.stack(batch)  # (n, height, width, 3) uint8
        if self.layout == "NCHW":
            pictures = pictures.transpose(0, 3, 1, 2)  # on uint8: a quarter of the bytes to move
        pictures = pictures.astype(np.float32, order="C")  # a contiguous copy, normalised in place
        pictures *= self.multiply
        pictures -= self.subtract
        outputs = self.session.run([self.output_name], {self.input_name: pictures})[0]
        outputs = outputs.reshape(len(batch), -1)
        if outputs.shape[1] != len(self.labels):
            raise ValueError(f"the model gives {outputs.shape[1]} outputs for "
                             f"{len(self.labels)} labels")
        if self.softmax:
            outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
            outputs /= outputs.sum(axis=1, keepdims=True)
        return [dict(zip(self.labels, row.tolist())) for row in outputs]

    def close(self):
        self.session = None


def _required(settings, key):
    if key not in settings:
        raise ValueError(f"[settings] {key} is required")
    return settings[key]
