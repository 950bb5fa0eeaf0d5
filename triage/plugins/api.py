"""The plugin API: the only module a plugin imports from Triage.

A plugin is a small class that *declares* what it is (kind, what input it
needs, batch size, labels) and implements one method, :meth:`Plugin.run`,
which answers a batch of inputs with one :class:`Result` per input. Triage
owns everything else: discovery, the manifest and its pinned model SHA-256,
decoding (the plugin gets the ingest's single decode, never a second read),
batching, timeouts, checking the answers, and storing them as *suggestions*
named by plugin, version and model SHA-256. Nothing a plugin returns is ever
an examiner's verdict.

What this module promises across versions (``API_VERSION``): the names
below keep their meaning; new optional fields may be added with defaults;
a change that would break a plugin raises ``API_VERSION`` and a plugin whose
manifest names an older one is refused with a clear message rather than run
wrongly.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

API_VERSION = 1
"""The version of this API; a manifest's `api` must equal it."""

__all__ = ["API_VERSION", "Box", "Context", "Input", "Kind", "Plugin", "Result"]


class Kind(str, enum.Enum):
    """What a plugin answers.

    `IMAGE_CLASSIFIER`: scores for a picture. `DETECTOR`: scores and boxes
    for a picture. `VIDEO_CLASSIFIER`: scores for a video, from its
    keyframes (one per scene, 6 to 16, chosen by Triage): each item is a
    list of RGB arrays, as `Input.RGB` describes. Both run inside ingest's one
    decode and with `triage plugins run`. A picture plugin also gets each
    keyframe of a video as a picture; the video's answer is its highest
    frame's (by the manifest's `relevance` labels, else by any score).
    """

    IMAGE_CLASSIFIER = "image-classifier"
    DETECTOR = "detector"
    VIDEO_CLASSIFIER = "video-classifier"


class Input(str, enum.Enum):
    """What each item of a batch is.

    `RGB`: a numpy array, shape (height, width, 3), dtype uint8, RGB order,
    made from the ingest's one decode (the *working picture*, longest side
    224-448 px) and resized to the plugin's `size` when it declares one.
    `BYTES`: the file's bytes, for plugins that decode for themselves.
    """

    RGB = "rgb"
    BYTES = "bytes"


@dataclass(frozen=True)
class Box:
    """A region a detector found, in fractions of the picture's width and height (0 to 1).

    Fractions, not pixels, so a box fits the picture at any size it is shown.
    """

    label: str
    x: float
    y: float
    w: float
    h: float
    score: float | None = None


@dataclass(frozen=True)
class Result:
    """A plugin's answer for one item: label -> score, and boxes for a detector."""

    scores: Mapping[str, float]
    boxes: Sequence[Box] = ()


@dataclass(frozen=True)
class Context:
    """What Triage hands a plugin when it loads it.

    `model_path` is the manifest's model file, already checked against its
    pinned SHA-256 (`model_sha256`); None when the manifest names no model.
    `settings` is the manifest's ``[settings]`` table. `threads` is how many
    threads the plugin may use (ingest runs one worker per core, so usually 1).
    """

    name: str
    version: str
    folder: Path
    settings: Mapping[str, Any] = field(default_factory=dict)
    model_path: Path | None = None
    model_sha256: str = ""
    threads: int = 1


class Plugin:
    """Base class of every plugin: declare, then implement `run`.

    The declarations are class attributes; a plugin whose declarations come
    from its manifest (an ONNX model's labels and input size) sets them on
    the instance in ``__init__``. Triage reads them after ``__init__``.
    """

    kind: ClassVar[Kind] = Kind.IMAGE_CLASSIFIER
    input: Input = Input.RGB
    size: tuple[int, int] | None = None
    """(width, height) every RGB item is resized to; None: the working picture as decoded."""
    batch_size: int = 1
    labels: Sequence[str] = ()
    """Every label a result may score (or box); an answer with another label is refused."""

    def __init__(self, context: Context):
        self.context = context

    def run(self, batch: Sequence[Any]) -> Sequence[Result | Mapping[str, float]]:
        """One result per item of `batch`, in order. A plain mapping is read as `Result(scores)`.

        Raising, taking longer than the manifest's `timeout`, or returning
        anything else (a different count, an undeclared label, a score that
        is not a finite number, a box outside the picture) disables the
        plugin for the rest of the run, with the reason recorded.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release what `__init__` took (sessions, files); called once at the end of a run."""
