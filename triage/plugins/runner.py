"""Running one loaded plugin: inputs from the single decode, batches, timeout, checked answers.

The runner is the wall between a plugin and the case: every batch runs in
a daemon thread that is abandoned when it outlives the manifest's timeout,
and every answer is checked before it becomes an `Answer`. The first fault
(an exception, a hang, garbage) disables the plugin for the rest of the run
and is kept in `error`; the caller records it and goes on.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

from triage.plugins.api import Box, Input, Kind, Result
from triage.plugins.loading import Loaded, PluginSpec, load
from triage.plugins.manifest import PluginError

if TYPE_CHECKING:
    import numpy as np

BOX_SLACK = 1e-3  # rounding in a detector's pixel-to-fraction conversion


class PluginFault(PluginError):
    """The plugin raised, hung or answered garbage; it is disabled for the run."""


@dataclass(frozen=True)
class Answer:
    """A checked answer for one item, in plain values (picklable, JSON-ready)."""

    scores: dict[str, float]
    boxes: list[dict] | None = None
    frame_time: float | None = None
    """For a video answered by a picture plugin: the time of the keyframe this answer is."""


class Runner:
    """One plugin for one run; `answer` takes a batch of prepared inputs."""

    def __init__(self, spec: PluginSpec, threads: int = 1):
        self.spec = spec
        self.error: str | None = None
        self.reported = False  # whether `error` was handed to the caller yet
        self._caller = _Caller(spec.name)
        self.loaded: Loaded | None = None
        try:
            self.loaded = load(spec, threads)
        except PluginError as exc:
            self.error = str(exc)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def active(self) -> bool:
        return self.error is None

    @property
    def batch_size(self) -> int:
        return self.loaded.batch_size if self.loaded else 1

    @property
    def takes_bytes(self) -> bool:
        return self.loaded is not None and self.loaded.input is Input.BYTES

    @property
    def takes_videos(self) -> bool:
        return self.loaded is not None and self.loaded.kind is Kind.VIDEO_CLASSIFIER

    def prepare(self, picture: Image.Image | None, data: bytes | None = None) -> Any:
        """The item this plugin takes: an RGB array at its size, or the file's bytes."""
        if self.loaded.input is Input.BYTES:
            return data
        return self._rgb(picture)

    def prepare_video(self, keyframes: list[Image.Image]) -> list[np.ndarray]:
        """A video classifier's item: its keyframes, each as `prepare` makes a picture."""
        return [self._rgb(picture) for picture in keyframes]

    def _rgb(self, picture: Image.Image) -> np.ndarray:
        # Imported here, where a plugin runs (in a worker): the ingest process imports this
        # module for its types alone, and OpenCV and numpy cost it a sixth of a second.
        import cv2
        import numpy as np

        rgb = np.asarray(picture if picture.mode == "RGB" else picture.convert("RGB"))
        size = self.loaded.size
        if size is not None and (rgb.shape[1], rgb.shape[0]) != size:
            # Bilinear (0.13 ms for 320x240 -> 224x224) unless shrinking by 2 or more, where it
            # would alias and area averaging (1 ms) is worth it; the working picture is
            # 224-448 px, so most models' inputs take the fast path.
            far = size[0] * 2 <= rgb.shape[1] or size[1] * 2 <= rgb.shape[0]
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if far
                             else cv2.INTER_LINEAR)
        return rgb

    def answer(self, batch: Sequence[Any]) -> list[Answer]:
        """Checked answers for `batch`, or PluginFault (and the plugin is disabled)."""
        if self.error is not None:
            raise PluginFault(self.error)
        try:
            raw = self._caller.call(self.loaded.plugin.run, list(batch),
                                    self.spec.manifest.timeout)
            return _check_all(raw, len(batch), self.loaded)
        except PluginFault as exc:
            self.error = str(exc)
            raise

    def close(self) -> None:
        """Release the plugin, unless its thread is stuck inside it (then nothing is safe)."""
        self._caller.stop()
        if self.loaded is not None and not self._caller.hung:
            try:
                self.loaded.plugin.close()
            except Exception:  # noqa: BLE001 - a plugin's close failing changes no result
                pass


class _Caller:
    """Calls a plugin in a daemon thread of its own and waits at most `timeout` for the answer.

    A thread cannot be killed: one that outlives the timeout is left behind,
    and the plugin, disabled, gets no more work. Being a daemon, it never
    keeps the process from exiting. One long-lived thread per runner rather
    than one per batch: starting a thread (about 0.25 ms on the development
    machine) is half a small CNN's inference (bench/plugins.py).
    """

    def __init__(self, name: str):
        self.name = name
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.hung = False

    def call(self, function, batch: list, timeout: float) -> Any:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name=f"plugin {self.name}",
                                            daemon=True)
            self._thread.start()
        reply: queue.SimpleQueue = queue.SimpleQueue()
        self._requests.put((function, batch, reply))
        try:
            ok, value = reply.get(timeout=timeout)
        except queue.Empty:
            self.hung = True
            raise PluginFault(f"{self.name}: no answer within {timeout:g} s for a batch of "
                              f"{len(batch)}; disabled for this run") from None
        if not ok:
            raise PluginFault(f"{self.name}: raised {type(value).__name__}: {value}; "
                              "disabled for this run")
        return value

    def stop(self) -> None:
        """Let the thread end (a hung one never reads this, and stays a harmless daemon)."""
        if self._thread is not None:
            self._requests.put(None)
            self._thread = None

    def _serve(self) -> None:
        while (request := self._requests.get()) is not None:
            function, batch, reply = request
            try:
                reply.put((True, function(batch)))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                reply.put((False, exc))


def _check_all(raw: Any, count: int, loaded: Loaded) -> list[Answer]:
    name = loaded.spec.name
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence):
        raise PluginFault(f"{name}: returned {type(raw).__name__}, not a list of results; "
                          "disabled for this run")
    if len(raw) != count:
        raise PluginFault(f"{name}: returned {len(raw)} results for {count} items; "
                          "disabled for this run")
    try:
        return [_check(item, loaded) for item in raw]
    except Exception as exc:  # noqa: BLE001 - whatever the plugin's objects do when read
        raise PluginFault(f"{name}: returned garbage ({exc}); disabled for this run") from None


def _check(item: Any, loaded: Loaded) -> Answer:
    if isinstance(item, Mapping):
        item = Result(scores=item)
    if not isinstance(item, Result):
        raise ValueError(f"a {type(item).__name__} where a Result was expected")
    if not isinstance(item.scores, Mapping):
        raise ValueError("scores is not a mapping of label to score")
    scores = {_label(label, loaded): _finite(score, label) for label, score in item.scores.items()}
    if item.boxes and loaded.kind is not Kind.DETECTOR:
        raise ValueError("boxes from a plugin that is not a detector")
    boxes = [_box(box, loaded) for box in item.boxes] if loaded.kind is Kind.DETECTOR else None
    return Answer(scores, boxes)


def _label(label: Any, loaded: Loaded) -> str:
    if not isinstance(label, str):
        raise ValueError(f"label {label!r} is not a string")
    if loaded.labels and label not in loaded.labels:
        raise ValueError(f"label {label!r} is not one the plugin declares")
    return label


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what}: {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{what}: {number} is not finite")
    return number


def _box(box: Any, loaded: Loaded) -> dict:
    if not isinstance(box, Box):
        raise ValueError(f"a {type(box).__name__} where a Box was expected")
    x, y, w, h = (_finite(v, f"box {n}") for n, v in zip("xywh", (box.x, box.y, box.w, box.h)))
    if w <= 0 or h <= 0 or x < -BOX_SLACK or y < -BOX_SLACK or x + w > 1 + BOX_SLACK \
            or y + h > 1 + BOX_SLACK:
        raise ValueError(f"box {(x, y, w, h)} is not inside the picture (fractions 0 to 1)")
    score = None if box.score is None else _finite(box.score, "box score")
    return {"label": _label(box.label, loaded), "x": x, "y": y, "w": w, "h": h, "score": score}
