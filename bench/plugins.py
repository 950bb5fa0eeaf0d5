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

``--classifiers`` measures the shipped classifiers instead (opennsfw, and
nudenet where its extra is installed), on BSDS500 photographs from the
shared test data (``$TRIAGE_TESTDATA``, never copied into the project),
all in one run:

* per picture: the ingest's one decode (the working picture) against each
  classifier's cost through the runner (resize, batch, inference, checks),
  in its manifest's batches of 8 and one at a time, one inference thread;
* whole ingest of a folder of those photographs (one worker process, as
  many times as ``--repeat``, order alternated): without plugins, with each
  classifier, with both; what a classifier adds per picture is set against
  the decode it shares (the issue's goal: no more than that decode);
* the same per-picture figures on the exif-samples camera photographs of
  1 MP and more (phones and cameras, up to 12 MP): the decode grows with the
  picture, a classifier's cost does not (it sees the working picture);
* each model's arithmetic per picture (counted from its ONNX graph) and the
  rate it reaches, against onnxruntime's own single-thread matrix product on
  this core: the ceiling an exact (float32) CPU inference cannot pass.

    python bench/plugins.py --classifiers                # 48 photographs, ~1 minute
    python bench/plugins.py --classifiers --pictures 96 --repeat 3
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
    parser.add_argument("--pictures", type=int, default=None,
                        help="256 (small CNN) or 48 (--classifiers)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=None, help="3, or 1 with --classifiers")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--classifiers", action="store_true",
                        help="the shipped classifiers: per picture and whole ingest")
    args = parser.parse_args()
    if args.classifiers:
        classifiers(args.pictures or 48, args.repeat or 1, args.threads)
        return
    args.pictures, args.repeat = args.pictures or 256, args.repeat or 3
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


# -- the shipped classifiers -------------------------------------------------------------

CLASSIFIERS = ("opennsfw", "nudenet")


def photographs(count: int) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from testdata import PHOTOS

    found = sorted((PHOTOS / "bsds500").glob("*.jpg"))[:count]
    if len(found) < count:
        sys.exit(f"need {count} BSDS500 photographs under {PHOTOS / 'bsds500'}; "
                 f"found {len(found)} (set TRIAGE_TESTDATA)")
    return found


def classifier_runners(threads: int) -> dict[str, Runner]:
    """The shipped classifiers that load here (a missing wheel is said, not fatal)."""
    catalogue = discover([repository_folder()], entry_points=False)
    runners = {}
    for name in CLASSIFIERS:
        try:
            runner = Runner(resolve(catalogue.get(name), catalogue), threads=threads)
        except Exception as exc:  # noqa: BLE001 - the model's package is not installed
            print(f"  {name}: not measured ({exc})")
            continue
        if runner.error:
            print(f"  {name}: not measured ({runner.error})")
            continue
        runners[name] = runner
    return runners


def camera_photographs() -> list[Path]:
    """exif-samples' JPEGs of 1 MP and more that decode: what a phone or camera leaves."""
    from PIL import Image

    from testdata import PHOTOS
    from triage.media.decode import decode_picture

    found = []
    for path in sorted((PHOTOS / "exif-samples").rglob("*.jp*g")):
        try:
            with Image.open(path) as im:
                large = im.width * im.height >= 1_000_000
            if large:
                decode_picture(path.read_bytes())
                found.append(path)
        except Exception:  # noqa: BLE001 - exif-samples keeps broken files on purpose
            continue
    return found


def per_picture(paths: list[Path], runners: dict[str, Runner]) -> None:
    """Milliseconds per picture: the one decode, then each classifier on its result."""
    from triage.media.decode import decode_picture

    data = [p.read_bytes() for p in paths]
    decoded = [decode_picture(d).picture for d in data]  # warm-up, and the pictures to feed
    start = time.perf_counter()
    for d in data:
        decode_picture(d)
    decode_ms = (time.perf_counter() - start) * 1000 / len(data)
    print(f"    decode (working picture, shared by every plugin) {decode_ms:7.2f} ms/picture")
    for name, runner in runners.items():
        batch = runner.batch_size
        timed(runner, decoded[:batch])  # warm-up
        batched = timed(runner, decoded) * 1000 / len(decoded)
        runner.loaded.batch_size = 1
        single = timed(runner, decoded) * 1000 / len(decoded)
        runner.loaded.batch_size = batch
        print(f"    {name:<10} batches of {batch}: {batched:7.2f} ms/picture, one at a time "
              f"{single:7.2f} ({single / batched:.2f}x slower); {batched / decode_ms:.1f}x the "
              "decode")


def ingest_seconds(evidence: Path, case: Path, plugins: tuple[str, ...]) -> float:
    from triage.case.store import open_case
    from triage.pipeline.ingest import Ingest, IngestOptions
    from triage.plugins import case as case_plugins

    store = open_case(case, create=True, examiner="bench")
    try:
        catalogue = discover([repository_folder()], entry_points=False)
        for name in plugins:
            case_plugins.enable(store, catalogue.get(name), "bench")
        ingest = Ingest(store, "bench", IngestOptions(workers=1))
        ingest.add(evidence)
        start = time.perf_counter()
        summary = ingest.run()
        seconds = time.perf_counter() - start
        if summary.plugin_errors:
            sys.exit(f"a plugin failed: {summary.plugin_errors}")
        return seconds
    finally:
        store.close()


def whole_ingest(paths: list[Path], names: list[str], repeat: int, temp: Path) -> None:
    import shutil

    evidence = temp / "evidence"
    evidence.mkdir(parents=True)
    for number, path in enumerate(paths):  # numbered: exif-samples repeats names
        shutil.copy(path, evidence / f"{number:03d}-{path.name}")
    sides = {"no plugins": ()}
    sides.update({name: (name,) for name in names})
    if len(names) > 1:
        sides["both"] = tuple(names)
    times: dict[str, list[float]] = {side: [] for side in sides}
    order, runs = list(sides), 0
    for round_ in range(repeat):
        for side in order if round_ % 2 == 0 else order[::-1]:
            runs += 1
            times[side].append(ingest_seconds(evidence, temp / f"case{runs}", sides[side]))
    base = statistics.median(times["no plugins"])
    for side, seconds in times.items():
        median = statistics.median(seconds)
        added = (median - base) * 1000 / len(paths)
        print(f"    {side:<10} {median:6.2f} s median ({len(paths) / median:6.1f} "
              f"pictures/s)" + (f"; adds {added:6.1f} ms/picture" if side != "no plugins"
                                else ""))


def classifiers(count: int, repeat: int, threads: int) -> None:
    import onnxruntime

    paths = photographs(count)
    print(f"Shipped classifiers on {count} BSDS500 photographs (481x321), {threads} inference "
          f"thread(s), onnxruntime {onnxruntime.__version__} (CPU provider), load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    runners = classifier_runners(threads)
    print(f"  {count} BSDS500 photographs (481x321):")
    per_picture(paths, runners)
    cameras = camera_photographs()
    megapixels = [_megapixels(p) for p in cameras]
    print(f"  {len(cameras)} exif-samples camera photographs "
          f"({min(megapixels):.1f}-{max(megapixels):.1f} MP, median "
          f"{statistics.median(megapixels):.1f}):")
    per_picture(cameras, runners)
    phones = [p for p, mp in zip(cameras, megapixels) if mp >= 8]
    print(f"  of them, the {len(phones)} of 8 MP and more (today's phones):")
    per_picture(phones, runners)
    ceiling(runners, threads)
    for runner in runners.values():
        runner.close()
    with tempfile.TemporaryDirectory() as temp:
        print(f"  whole ingest of the {count} BSDS500 photographs, one worker:")
        whole_ingest(paths, list(runners), repeat, Path(temp) / "bsds")
        print(f"  whole ingest of the {len(cameras)} camera photographs, one worker:")
        whole_ingest(cameras, list(runners), repeat, Path(temp) / "cameras")


def _megapixels(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as im:
        return im.width * im.height / 1e6


def ceiling(runners: dict[str, Runner], threads: int) -> None:
    """Each model's rate against onnxruntime's own matrix product: how near the roof it runs."""
    import onnx
    from onnx import TensorProto, helper

    side = 1024
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "matmul.onnx"
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul",
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, [side, side]) for n in "ab"],
            [helper.make_tensor_value_info("c", TensorProto.FLOAT, [side, side])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.save(model, path)
        session = raw_session(path, threads)
    a = np.random.default_rng(3).random((side, side), np.float32)
    roof = 2 * side ** 3 / _seconds_per_call(lambda: session.run(None, {"a": a, "b": a})) / 1e9
    print(f"  onnxruntime's float32 matrix product here: {roof:.0f} GFLOP/s "
          f"({threads} thread(s)), the roof for an exact CPU inference")
    for name, runner in runners.items():
        model = runner.spec.manifest.model_path()
        session = runner.loaded.plugin.session
        feed = session.get_inputs()[0]
        shape = [1, 224, 224, 3] if feed.shape[-1] == 3 else [1, 3, 320, 320]
        pixels = np.random.default_rng(4).random(shape, np.float32)
        seconds = _seconds_per_call(lambda: session.run(None, {feed.name: pixels}))
        gflop = model_gflop(model, shape)
        print(f"    {name:<10} {gflop:.2f} GFLOP/picture, inference alone {seconds * 1000:.2f} ms: "
              f"{gflop / seconds:.0f} GFLOP/s, {gflop / seconds / roof:.0%} of the roof")


def _seconds_per_call(call, budget: float = 2.0) -> float:
    call()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget:
        call()
        calls += 1
    return (time.perf_counter() - start) / calls


def model_gflop(path: Path, shape: list[int]) -> float:
    """Multiply-adds x 2 of a model's convolutions and matrix products on one input."""
    import onnx
    from onnx import shape_inference

    model = onnx.load(path)
    for dim, value in zip(model.graph.input[0].type.tensor_type.shape.dim, shape):
        dim.ClearField("dim_param")
        dim.dim_value = value
    graph = shape_inference.infer_shapes(model, data_prop=True).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*graph.value_info, *graph.output]}
    weights = {w.name: list(w.dims) for w in graph.initializer}
    flop = 0
    for node in graph.node:
        weight, out = weights.get(node.input[1]) if len(node.input) > 1 else None, \
            shapes.get(node.output[0])
        if weight is None or not out:
            continue
        if node.op_type == "Conv":
            flop += 2 * int(np.prod(out)) * int(np.prod(weight[1:]))
        elif node.op_type in ("MatMul", "Gemm"):
            flop += 2 * int(np.prod(out)) * weight[0]
    return flop / 1e9


def label(batch: int) -> str:
    return "one at a time" if batch == 1 else f"batches of {batch}"

if __name__ == "__main__":
    main()
