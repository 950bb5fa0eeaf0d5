"""The plugins of one run inside one worker process: fed one decoded picture at a time, run in batches.

Ingest's worker feeds each picture from its single decode as it is made;
a plugin runs whenever it has a full batch, and once more for what is left
when the worker's job is done. Runners are kept per run and plugin, so a
worker that takes many jobs loads each plugin once, and a plugin that
failed stays disabled in that worker for the rest of the run.
"""

from __future__ import annotations

from dataclasses import dataclass
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
        self._pending: dict[str, list[tuple[str, Any]]] = {r.name: [] for r in self.runners}
        self._outcomes: dict[str, list[Outcome]] = {}

    @property
    def wants_pictures(self) -> bool:
        return any(r.active and not r.takes_videos for r in self.runners)

    @property
    def wants_videos(self) -> bool:
        return any(r.active and r.takes_videos for r in self.runners)

    def feed(self, key: str, picture: Image.Image | None, data: bytes | None = None) -> None:
        """A picture (its working picture from the one decode, and its bytes) for picture plugins."""
        self._feed(key, False, lambda runner: runner.prepare(picture, data))

    def feed_video(self, key: str, keyframes: list[Image.Image]) -> None:
        """A video's keyframes, for video classifiers."""
        self._feed(key, True, lambda runner: runner.prepare_video(keyframes))

    def _feed(self, key: str, video: bool, prepare) -> None:
        for runner in self.runners:
            if runner.active and runner.takes_videos != video:
                continue
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
        outcomes, self._outcomes = self._outcomes, {}
        return outcomes

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

    def _add(self, key: str, outcome: Outcome) -> None:
        self._outcomes.setdefault(key, []).append(outcome)
