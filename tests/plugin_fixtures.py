"""Plugins, models and pictures the plugin tests build (no downloads, no real material)."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image

REPO_PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def write_plugin(parent: Path, name: str, code: str, manifest: str = "",
                 entry: str = "plug:Plug", folder: str | None = None) -> Path:
    """A plugin folder `parent/folder` with `plugin.toml` and `plug.py`."""
    target = parent / (folder or name)
    target.mkdir(parents=True, exist_ok=True)
    (target / "plugin.toml").write_text(
        f'name = "{name}"\nversion = "0.1"\napi = 1\nentry = "{entry}"\n'
        + textwrap.dedent(manifest))
    (target / "plug.py").write_text(textwrap.dedent(code))
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_plugin(parent: Path, name: str, model: Path, uses: str, settings: str,
                 extra: str = "") -> Path:
    """A model-only plugin (no code): its model file and a manifest that `uses` another's code."""
    target = parent / name
    target.mkdir(parents=True, exist_ok=True)
    local = target / model.name
    if local != model:
        local.write_bytes(model.read_bytes())
    (target / "plugin.toml").write_text(
        f'name = "{name}"\nversion = "1.0"\napi = 1\nuses = "{uses}"\n'
        f'[model]\nfile = "{model.name}"\nsha256 = "{sha256(local)}"\n'
        + textwrap.dedent(extra) + "\n[settings]\n" + textwrap.dedent(settings))
    return target


def colour_model(path: Path, batch: int | str = "N") -> Path:
    """A tiny ONNX classifier: mean colour -> logits ("reddish" = R - B, "bluish" = B - R)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = np.array([[4.0, -4.0], [0.0, 0.0], [-4.0, 4.0]], np.float32)
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", ["pixels"], ["mean"]),
         helper.make_node("Flatten", ["mean"], ["flat"]),
         helper.make_node("MatMul", ["flat", "weights"], ["logits"])],
        "colour", [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, [batch, 3, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 2])],
        [numpy_helper.from_array(weights, "weights")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def red_square_face_model(path: Path) -> Path:
    """A stand-in with YuNet's inputs and outputs that "detects" saturated red squares.

    No face model ships offline with OpenCV 5; this one lets the faces plugin's
    whole path through OpenCV's FaceDetectorYN (input size, padding, decoding,
    NMS, boxes) be tested on generated pictures.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(np.array([[[[-0.05]], [[-0.05]], [[0.1]]]], np.float32),
                                     "w_red"),  # BGR input: 0.1 * (R - (B + G) / 2)
             numpy_helper.from_array(np.array([-8.0], np.float32), "b_red"),
             numpy_helper.from_array(np.array([1, -1, 1], np.int64), "shape"),
             numpy_helper.from_array(np.array([0.0], np.float32), "zero"),
             numpy_helper.from_array(np.array([0.5, 0.5, 0.0, 0.0], np.float32), "centre")]
    nodes = [helper.make_node("Conv", ["input", "w_red", "b_red"], ["red"])]
    for s in (8, 16, 32):
        inits.append(numpy_helper.from_array(np.array([1.0 if s == 32 else 0.0], np.float32),
                                             f"use_{s}"))
        nodes += [
            helper.make_node("AveragePool", ["red"], [f"pool_{s}"], kernel_shape=[s, s],
                             strides=[s, s]),
            helper.make_node("Sigmoid", [f"pool_{s}"], [f"sig_{s}"]),
            helper.make_node("Reshape", [f"sig_{s}", "shape"], [f"score_{s}"]),
            helper.make_node("Mul", [f"score_{s}", f"use_{s}"], [f"cls_{s}"]),
            helper.make_node("Mul", [f"score_{s}", f"use_{s}"], [f"obj_{s}"]),
            helper.make_node("Mul", [f"score_{s}", "zero"], [f"z_{s}"]),
            helper.make_node("Concat", [f"z_{s}"] * 4, [f"z4_{s}"], axis=2),
            helper.make_node("Add", [f"z4_{s}", "centre"], [f"bbox_{s}"]),
            helper.make_node("Concat", [f"z_{s}"] * 10, [f"kps_{s}"], axis=2),
        ]
    width = {"cls": 1, "obj": 1, "bbox": 4, "kps": 10}
    outputs = [helper.make_tensor_value_info(f"{k}_{s}", TensorProto.FLOAT, [1, None, width[k]])
               for k in ("cls", "obj", "bbox", "kps") for s in (8, 16, 32)]
    graph = helper.make_graph(
        nodes, "red-squares",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "H", "W"])],
        outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def solid(colour: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> Image.Image:
    return Image.new("RGB", size, colour)


def noise(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A colourful picture, different for each seed (so each is its own media)."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def red_square(size: tuple[int, int] = (320, 240),
               box: tuple[int, int, int, int] = (96, 64, 192, 160)) -> Image.Image:
    picture = solid((128, 128, 128), size)
    picture.paste((255, 0, 0), box)
    return picture
