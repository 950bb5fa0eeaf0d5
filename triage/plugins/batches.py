"""The plugins of one run inside one worker process: fed one decoded picture at a time, run in batches.

Ingest's worker feeds each picture from its single decode as it is made;
a plugin runs whenever it has a full batch, and once more for what is left
when the worker's job is done. A video's keyframes go to video classifiers
as one item, and to picture plugins frame by frame: the video's answer from
a picture plugin is its highest frame's (by the manifest's `relevance`
labels, else by any score), with that frame's time. Runners are kept per
run and plugin, so a worker that takes many jobs loads each plugin once, and
a plugin that failed stays disabled in that worker for the rest of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PIL import Image

from triage.plugins.loading import PluginSpec
from triage.plugins.runner import Answer, PluginFault, Runner


@dataclass(frozen=True)
class Outcome:
    """What one plugin said about one item: an answer, or the fault that disabled it."""

    plugin: str
    answer: Answer | None = None
    error: str | None = None


_runners: dict[tuple[str, str], Runner] = {}


def _runner(spec: PluginSpec, threads: int) -> Runner:
    key = (spec.run, spec.name)
    if key not in _runners:
        for old in [k for k in _runners if k[0] != spec.run]:  # a new run: forget the last one
            _runners.pop(old).close()
        _runners[key] = Runner(spec, threads)
    return _runners[key]


def release(run: str) -> None:
    """Close this process's runners of `run` (a run made in this process is over)."""
    for key in [k for k in _runners if k[0] == run]:
        _runners.pop(key).close()


class BatchedRunners:
    """Feed items by key; `finish` runs what is left and returns every item's outcomes."""

    def __init__(self, specs: tuple[PluginSpec, ...] | list[PluginSpec], threads: int = 1):
        self.runners = [_runner(spec, threads) for spec in specs]
        self._pending: dict[str, list[tuple[Any, Any]]] = {r.name: [] for r in self.runners}
        self._outcomes: dict[str, list[Outcome]] = {}
        self._frames: dict[tuple[str, str], list[tuple[float | None, Outcome]]] = {}

    @property
    def wants_pictures(self) -> bool:
        return any(r.active and not r.takes_videos for r in self.runners)

    @property
    def wants_videos(self) -> bool:
        """Video classifiers take a video, and picture plugins its keyframes one by one."""
        return any(r.active and not r.takes_bytes for r in self.runners)

    def feed(self, key: str, picture: Image.Image | None, data: bytes | None = None) -> None:
        """A picture (its working picture from the one decode, and its bytes) for picture plugins."""
        self._feed(key, False, lambda runner: runner.prepare(picture, data))

    def feed_video(self, key: str, keyframes: list[Image.Image],
                   times: list[float | None] | None = None) -> None:
        """A video's keyframes (and their times in seconds): one item for video classifiers,
        each frame an item for picture plugins."""
        self._feed(key, True, lambda runner: runner.prepare_video(keyframes))
        times = list(times) if times is not None else [None] * len(keyframes)
        for picture, time in zip(keyframes, times):
            self._feed(_Frame(key, time), False, lambda runner: runner.prepare(picture, None),
                       to_bytes_plugins=False)

    def _feed(self, key, video: bool, prepare, to_bytes_plugins: bool = True) -> None:
        for runner in self.runners:
            if runner.active and runner.takes_videos != video:
                continue
            if not to_bytes_plugins and runner.active and runner.takes_bytes:
                continue  # a video frame has no file bytes of its own
            if not runner.active:
                if not runner.reported:  # a load failure, told once per worker with an item
                    runner.reported = True
                    self._add(key, Outcome(runner.name, error=runner.error))
                continue
            try:
                item = prepare(runner)
            except Exception as exc:  # noqa: BLE001 - a picture the plugin's input cannot take
                runner.error = (f"{runner.name}: cannot prepare its input ({type(exc).__name__}: "
                                f"{exc}); disabled for this run")
                runner.reported = True
                self._add(key, Outcome(runner.name, error=runner.error))
                continue
            pending = self._pending[runner.name]
            pending.append((key, item))
            if len(pending) >= runner.batch_size:
                self._run(runner)

    def finish(self) -> dict[str, list[Outcome]]:
        """Run every partial batch and hand over the outcomes gathered, by key."""
        for runner in self.runners:
            if self._pending[runner.name]:
                self._run(runner)
        for (name, key), frames in self._frames.items():
            self._outcomes.setdefault(key, []).append(self._best_frame(name, frames))
        outcomes, self._outcomes, self._frames = self._outcomes, {}, {}
        return outcomes

    def _best_frame(self, name: str, frames: list[tuple[float | None, Outcome]]) -> Outcome:
        """A video's answer from a picture plugin: its highest frame's, with that frame's time
        (or the fault, if the plugin failed on one of its frames)."""
        failed = [outcome for _, outcome in frames if outcome.error is not None]
        if failed:
            return failed[0]
        labels = next(r.spec.manifest.relevance for r in self.runners if r.name == name)

        def height(frame: tuple[float | None, Outcome]) -> float:
            scores = frame[1].answer.scores
            return max((v for k, v in scores.items() if k in labels or not labels), default=0.0)

        time, best = max(frames, key=height)
        return replace(best, answer=replace(best.answer, frame_time=time))

    def _run(self, runner: Runner) -> None:
        pending, self._pending[runner.name] = self._pending[runner.name], []
        if not runner.active:
            return
        try:
            answers = runner.answer([item for _, item in pending])
        except PluginFault as exc:
            runner.reported = True
            for key, _ in pending:
                self._add(key, Outcome(runner.name, error=str(exc)))
            return
        for (key, _), answer in zip(pending, answers):
            self._add(key, Outcome(runner.name, answer=answer))

    def _add(self, key, outcome: Outcome) -> None:
        if isinstance(key, _Frame):
            self._frames.setdefault((outcome.plugin, key.video), []).append((key.time, outcome))
        else:
            self._outcomes.setdefault(key, []).append(outcome)


@dataclass(frozen=True)
class _Frame:
    """The key of one keyframe of video `video` fed to a picture plugin."""

    video: str
    time: float | None
