"""Images per second of the ONNX runner on a small CNN: batched against one picture per call.

In one run, on the same pictures and the same model:

* one-at-a-time: the plugin is declared with ``batch_size = 1``, so each
  picture is one ``session.run`` call;
* batched: the same plugin with ``batch_size = 32`` (``--batch``);
* the floor under both: onnxruntime alone on tensors already made, one at a
  time and in batches (no resizing, normalising, thread hand-off or checks).

Both go through everything an ingest worker does for a plugin (the shipped
``onnx-classifier`` code behind a model-only manifest, the model's pinned
SHA-256, resizing the working picture, a daemon thread per batch with its
timeout, and the answer checks), with one inference thread as in an ingest
worker (``--threads`` to change). The model, built here with ``onnx.helper``
(no download), is a small CNN: four 3x3 convolutions (16-32-64-128
channels, stride 2, ReLU), global average pooling and a 10-way linear head
on 224x224 RGB: about 0.1 GFLOP per picture. The pictures are generated
(256 by default, 320x240 noise, decoded as ingest would). Each side runs
``--repeat`` times, alternating which goes first; best and median are printed.

Measured on the shared 2-core development machine (load average 5 to 11,
so single figures are noisy; read the medians): runner one at a time
300-425 images/s median, batches of 8 or 32 at 0.7-1.1x that; onnxruntime
alone 550-690 images/s median, batched 0.75-0.94x. A conv net on CPU gains
nothing from batching here, hence onnx-classifier's default ``batch_size =
1``; batches pay where a call's fixed cost is large against the model (tiny
models, accelerators).

    python bench/plugins.py
    python bench/plugins.py --pictures 512 --repeat 5 --batch 64 --threads 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.plugins.discovery import discover, repository_folder  # noqa: E402
from triage.plugins.loading import resolve  # noqa: E402
from triage.hashing.digests import sha256_file  # noqa: E402
from triage.plugins.runner import Runner  # noqa: E402

CHANNELS = (3, 16, 32, 64, 128)


def small_cnn(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes, inits, previous = [], [], "pixels"
    for i, (cin, cout) in enumerate(zip(CHANNELS, CHANNELS[1:])):
        weight = rng.normal(0, (2 / (9 * cin)) ** 0.5, (cout, cin, 3, 3)).astype(np.float32)
        inits += [numpy_helper.from_array(weight, f"w{i}"),
                  numpy_helper.from_array(np.zeros(cout, np.float32), f"b{i}")]
        nodes += [helper.make_node("Conv", [previous, f"w{i}", f"b{i}"], [f"c{i}"],
                                   kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"c{i}"], [f"r{i}"])]
        previous = f"r{i}"
    inits += [numpy_helper.from_array(rng.normal(0, 0.1, (CHANNELS[-1], 10)).astype(np.float32),
                                      "head")]
    nodes += [helper.make_node("GlobalAveragePool", [previous], ["pooled"]),
              helper.make_node("Flatten", ["pooled"], ["flat"]),
              helper.make_node("MatMul", ["flat", "head"], ["logits"])]
    graph = helper.make_graph(
        nodes, "small-cnn",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def plugin_folder(parent: Path, model: Path, batch: int) -> Path:
    folder = parent / f"cnn-b{batch}"
    folder.mkdir()
    (folder / model.name).write_bytes(model.read_bytes())
    (folder / "plugin.toml").write_text(
        f'name = "cnn-b{batch}"\nversion = "1"\napi = 1\nuses = "onnx-classifier"\n'
        'timeout = 3600\n'
        f'[model]\nfile = "{model.name}"\nsha256 = "{sha256_file(model)}"\n'
        '[settings]\nlabels = ["c0","c1","c2","c3","c4","c5","c6","c7","c8","c9"]\n'
        f'input_size = [224, 224]\nsoftmax = true\nbatch_size = {batch}\n'
        'mean = [0.485, 0.456, 0.406]\nstd = [0.229, 0.224, 0.225]\n')
    return folder


def pictures(count: int):
    import io

    from PIL import Image

    from triage.media.decode import decode_picture

    rng = np.random.default_rng(1)
    result = []
    for _ in range(count):
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)).save(buffer, "PNG")
        result.append(decode_picture(buffer.getvalue()).picture)
    return result


def timed(runner: Runner, batch_pictures) -> float:
    """Seconds for prepare + answer over every picture, in batches of the plugin's size."""
    start = time.perf_counter()
    items = [runner.prepare(p) for p in batch_pictures]
    for i in range(0, len(items), runner.batch_size):
        runner.answer(items[i:i + runner.batch_size])
    return time.perf_counter() - start


def raw_session(model: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def timed_raw(session, tensors: np.ndarray, batch: int) -> float:
    """Seconds for onnxruntime alone on tensors already made: the floor under the runner."""
    start = time.perf_counter()
    for i in range(0, len(tensors), batch):
        session.run(None, {"pixels": tensors[i:i + batch]})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pictures", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import onnxruntime

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        model = small_cnn(temp / "small_cnn.onnx")
        folders = {b: plugin_folder(temp, model, b) for b in (1, args.batch)}
        catalogue = discover([repository_folder(), temp], entry_points=False)
        runners = {b: Runner(resolve(catalogue.get(f.name), catalogue), threads=args.threads)
                   for b, f in folders.items()}
        for batch, runner in runners.items():
            if runner.error:
                sys.exit(f"cannot load the batch-{batch} runner: {runner.error}")
        work = pictures(args.pictures)
        session = raw_session(model, args.threads)
        tensors = np.random.default_rng(2).random((args.pictures, 3, 224, 224), np.float32)
        sides = {f"runner, {label(b)}": (lambda r=runner: timed(r, work))
                 for b, runner in runners.items()}
        sides.update({f"onnxruntime alone, {label(b)}": (lambda b=b: timed_raw(session, tensors, b))
                      for b in runners})
        for side in sides.values():
            side()  # warm-up: sessions and threads start, caches fill
        times: dict[str, list[float]] = {name: [] for name in sides}
        order = list(sides)
        for round_ in range(args.repeat):
            for name in order if round_ % 2 == 0 else order[::-1]:
                times[name].append(sides[name]())
    print(f"ONNX runner, small CNN (224x224, {len(CHANNELS) - 1} convs), "
          f"{args.pictures} pictures, {args.threads} inference thread(s), "
          f"onnxruntime {onnxruntime.__version__}, {args.repeat} runs each, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rates = {}
    for name, seconds in times.items():
        best, median = args.pictures / min(seconds), args.pictures / statistics.median(seconds)
        rates[name] = best
        print(f"  {name:<36} {best:8.1f} images/s best, {median:8.1f} median")
    one, batched = label(1), label(args.batch)
    print(f"  runner batching: {rates[f'runner, {batched}'] / rates[f'runner, {one}']:.2f}x "
          f"the one-at-a-time rate; onnxruntime alone: "
          f"{rates[f'onnxruntime alone, {batched}'] / rates[f'onnxruntime alone, {one}']:.2f}x "
          "(best runs)")


def label(batch: int) -> str:
    return "one at a time" if batch == 1 else f"batches of {batch}"

if __name__ == "__main__":
    main()
