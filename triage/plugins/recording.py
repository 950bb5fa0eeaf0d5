"""The parent's side of a run of plugins (in an ingest, or on an existing case).

`RunRecorder` refuses at the start any plugin that cannot run (unknown, a
model that fails its pin, a suggestion naming no real category) with a
recorded error; stores answers in the caller's transaction as they come
back from workers; on the first fault of a plugin records it and ignores
that plugin for the rest of the run; and closes each run with an audit
entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from triage.case.store import CaseStore
from triage.plugins.batches import Outcome
from triage.plugins.case import enabled, thresholds
from triage.plugins.discovery import Catalogue, discover
from triage.plugins.loading import PluginSpec, resolve
from triage.plugins.manifest import PluginError
from triage.plugins.results import (
    check_suggestions,
    finish_run,
    record_error,
    start_run,
    store_answers,
)


@dataclass
class PluginRunState:
    spec: PluginSpec | None
    run_id: int
    thresholds: dict[str, float]
    items: int = 0
    flagged: int = 0
    error: str | None = None


class RunRecorder:
    """One run of some plugins over a case, from the parent process."""

    def __init__(self, store: CaseStore, examiner: str, context: str,
                 names: Iterable[str] | None = None, catalogue: Catalogue | None = None):
        """`names` None: the plugins the case has enabled (an ingest)."""
        self.store, self.examiner = store, examiner
        self.runs: dict[str, PluginRunState] = {}
        if names is None:
            with store.reading() as session:
                names = list(enabled(session))
        names = list(names)
        if names:
            self._start(names, catalogue or discover(), context)

    def _start(self, names: list[str], catalogue: Catalogue, context: str) -> None:
        token = uuid.uuid4().hex
        with self.store.session() as session:
            for name in names:
                spec, error = None, None
                try:
                    found = catalogue.get(name)
                    spec = replace(resolve(found, catalogue), run=token)
                    check_suggestions(spec.manifest)
                except PluginError as exc:
                    spec, error = None, str(exc)
                manifest = spec.manifest if spec else None
                run_id = start_run(session, name, manifest.version if manifest else "",
                                   manifest.model_sha256 if manifest else "", context,
                                   self.examiner, error)
                self.runs[name] = PluginRunState(
                    spec, run_id, thresholds(session, manifest) if manifest else {}, error=error)

    def specs(self) -> tuple[PluginSpec, ...]:
        """The plugins still running: what a new job for a worker carries."""
        return tuple(r.spec for r in self.runs.values() if r.error is None)

    @property
    def errors(self) -> dict[str, str]:
        return {name: r.error for name, r in self.runs.items() if r.error}

    def record(self, session: Session, outcomes: Iterable[tuple[int, Outcome]]) -> None:
        """Store (media id, outcome) pairs in the caller's transaction; a fault stops that plugin."""
        answers: dict[str, list] = {}
        for media_id, outcome in outcomes:
            state = self.runs.get(outcome.plugin)
            if state is None or state.error is not None:
                continue
            if outcome.error is not None:
                state.error = outcome.error
                record_error(session, state.run_id, outcome.error)
                continue
            answers.setdefault(outcome.plugin, []).append((media_id, outcome.answer))
        for name, pairs in answers.items():
            state = self.runs[name]
            state.flagged += store_answers(session, state.spec.manifest, state.run_id,
                                           state.thresholds, pairs, self.examiner)
            state.items += len(pairs)

    def stop(self, session: Session, name: str, reason: str) -> None:
        """Stop one plugin for the rest of the run, recording `reason` on its run."""
        state = self.runs.get(name)
        if state is not None and state.error is None:
            state.error = reason
            record_error(session, state.run_id, reason)

    def stop_all(self, session: Session, reason: str) -> None:
        """Stop every plugin still running, recording `reason` on its run (a worker crash
        that cannot be pinned on one of them)."""
        for state in self.runs.values():
            if state.error is None:
                state.error = reason
                record_error(session, state.run_id, reason)

    def finish(self) -> None:
        """Close every run, each with its audit entry."""
        if not self.runs:
            return
        with self.store.session() as session:
            for state in self.runs.values():
                finish_run(session, state.run_id, self.examiner, state.items, state.flagged)
