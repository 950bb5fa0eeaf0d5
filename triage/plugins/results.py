"""Storing what plugins said, and the questions the GUI and CLI ask of it.

A result is stored once per (media, plugin, version, model SHA-256): the same
plugin with another model or version adds a row beside the old one, so the
case always shows exactly which model said what. A label whose score reaches
its threshold becomes a *flag* (a filter such as "has faces"); a flagged
label the manifest maps to a category becomes a plugin tag, a *suggestion*
that an examiner confirms or ignores. Every run is one audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.clock import utcnow
from triage.case.models import PluginFlag, PluginResult, PluginRun, Tag, TagSourceKind
from triage.review.commands import TagMedia
from triage.review.tags import EXAMINER, TagError, TagSource
from triage.plugins.manifest import Manifest, PluginError
from triage.plugins.runner import Answer

_CHUNK = 500


# -- runs ------------------------------------------------------------------------------


def start_run(session: Session, name: str, version: str, model_sha256: str, context: str,
              examiner: str, error: str | None = None) -> int:
    """A `plugin_run` row for this run; one with `error` records a plugin refused at the start."""
    run = PluginRun(plugin=name, version=version, model_sha256=model_sha256, context=context,
                    examiner=examiner, started_at=utcnow(), items=0, flagged=0, error=error)
    session.add(run)
    session.flush()
    return run.id


def record_error(session: Session, run_id: int, error: str) -> None:
    """Keep the fault that disabled a plugin at once, in the transaction of the answers before it."""
    run = session.get(PluginRun, run_id)
    run.error = run.error or error


def finish_run(session: Session, run_id: int, examiner: str, items: int, flagged: int) -> None:
    """Close the run and audit it: which model ran, on how many items, and how it ended."""
    run = session.get(PluginRun, run_id)
    run.finished_at, run.items, run.flagged = utcnow(), items, flagged
    append_audit(session, examiner, "plugin.run", target=f"plugin:{run.plugin}",
                 after={"run": run.id, "plugin": run.plugin, "version": run.version,
                        "model_sha256": run.model_sha256, "context": run.context,
                        "items": items, "flagged": flagged, "error": run.error})


# -- results and flags -----------------------------------------------------------------


def check_suggestions(manifest: Manifest) -> None:
    """Refuse, before a run, suggestions naming a scheme or category that does not exist."""
    for suggestion in manifest.suggestions:
        try:
            TagMedia([0], suggestion.scheme, suggestion.category,
                     source=TagSource.plugin(manifest.name, manifest.version))
        except TagError as exc:
            raise PluginError(f"{manifest.name}: [[suggest]] {suggestion.label}: {exc}") from None


def store_answers(session: Session, manifest: Manifest, run_id: int,
                  thresholds: Mapping[str, float], answers: Sequence[tuple[int, Answer]],
                  examiner: str) -> int:
    """Write answers (media id, answer), their flags and suggestions; returns items flagged."""
    answers = list(dict(answers).items())  # one answer per media item: the last one given
    if not answers:
        return 0
    at = utcnow()
    rows = {media_id: {"media_id": media_id, "plugin": manifest.name,
                       "version": manifest.version, "model_sha256": manifest.model_sha256,
                       "run_id": run_id, "at": at, "scores": answer.scores,
                       "boxes": answer.boxes, "relevance": relevance(manifest, answer.scores),
                       "frame_time": answer.frame_time}
            for media_id, answer in answers}
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(PluginResult)
    session.execute(statement.on_conflict_do_update(
        index_elements=["media_id", "plugin", "version", "model_sha256"],
        set_={"run_id": statement.excluded.run_id, "at": statement.excluded.at,
              "scores": statement.excluded.scores, "boxes": statement.excluded.boxes,
              "relevance": statement.excluded.relevance,
              "frame_time": statement.excluded.frame_time}),
        list(rows.values()))
    ids = _result_ids(session, manifest, list(rows))
    flags = [{"result_id": ids[media_id], "media_id": media_id, "plugin": manifest.name,
              "label": label, "score": score}
             for media_id, answer in answers
             for label, score in sorted(answer.scores.items())
             if label in thresholds and score >= thresholds[label]]
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids.values())[start:start + _CHUNK]
        session.execute(delete(PluginFlag).where(PluginFlag.result_id.in_(chunk)))
    if flags:
        session.execute(insert(PluginFlag), flags)
    _suggest(session, manifest, flags, examiner)
    return len({flag["media_id"] for flag in flags})


def relevance(manifest: Manifest, scores: Mapping[str, float]) -> float | None:
    """The highest score among the labels the manifest orders the review by (None: none)."""
    return max((scores[label] for label in manifest.relevance if label in scores), default=None)


def _result_ids(session: Session, manifest: Manifest, media_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(media_ids), _CHUNK):
        found.update(session.execute(
            select(PluginResult.media_id, PluginResult.id)
            .where(PluginResult.plugin == manifest.name,
                   PluginResult.version == manifest.version,
                   PluginResult.model_sha256 == manifest.model_sha256,
                   PluginResult.media_id.in_(media_ids[start:start + _CHUNK]))).all())
    return found


def _suggest(session: Session, manifest: Manifest, flags: list[dict], examiner: str) -> None:
    source = TagSource.plugin(manifest.name, manifest.version)
    for suggestion in manifest.suggestions:
        media = sorted({f["media_id"] for f in flags if f["label"] == suggestion.label})
        if media:
            TagMedia(media, suggestion.scheme, suggestion.category, source=source,
                     note=f"suggested by {manifest.name} {manifest.version}: "
                          f"{suggestion.label}").do(session, examiner)


def reflag(session: Session, manifest: Manifest, thresholds: Mapping[str, float]) -> int:
    """Recompute this plugin's flags from its stored scores (thresholds changed); items flagged."""
    results = session.execute(
        select(PluginResult.id, PluginResult.media_id, PluginResult.scores)
        .where(PluginResult.plugin == manifest.name)).all()
    session.execute(delete(PluginFlag).where(PluginFlag.plugin == manifest.name))
    flags = [{"result_id": rid, "media_id": media_id, "plugin": manifest.name,
              "label": label, "score": score}
             for rid, media_id, scores in results for label, score in sorted(scores.items())
             if label in thresholds and score >= thresholds[label]]
    if flags:
        session.execute(insert(PluginFlag), flags)
    return len({flag["media_id"] for flag in flags})


# -- questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginSuggestion:
    """What one plugin said about one media item: scores, boxes, flags, and who said it."""

    plugin: str
    version: str
    model_sha256: str
    scores: dict[str, float]
    boxes: list[dict]
    flags: dict[str, float]
    """Labels that reached their threshold, with their scores."""
    at: object
    relevance: float | None = None
    frame_time: float | None = None

    @property
    def faces(self) -> int:
        """How many boxes labelled "face" (the faces plugin); 0 for other plugins."""
        return sum(1 for box in self.boxes if box.get("label") == "face")

    @property
    def source(self) -> str:
        """How the tags table names this plugin's suggestions ("plugin NAME@VERSION")."""
        return str(TagSource.plugin(self.plugin, self.version))


def suggestions_for(session: Session, media_id: int) -> list[PluginSuggestion]:
    """Every plugin result of one media item, newest first; never an examiner's verdict."""
    rows = session.scalars(select(PluginResult).where(PluginResult.media_id == media_id)
                           .order_by(PluginResult.at.desc(), PluginResult.id.desc())).all()
    flags: dict[int, dict[str, float]] = {}
    for result_id, label, score in session.execute(
            select(PluginFlag.result_id, PluginFlag.label, PluginFlag.score)
            .where(PluginFlag.media_id == media_id)):
        flags.setdefault(result_id, {})[label] = score
    return [PluginSuggestion(r.plugin, r.version, r.model_sha256, dict(r.scores),
                             list(r.boxes or []), flags.get(r.id, {}), r.at, r.relevance,
                             r.frame_time) for r in rows]


def flags_for(session: Session, media_ids: Iterable[int]) -> dict[int, set[str]]:
    """"plugin:label" flags of many media at once (a gallery page), by media id."""
    ids = list(dict.fromkeys(media_ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        for media_id, plugin, label in session.execute(
                select(PluginFlag.media_id, PluginFlag.plugin, PluginFlag.label)
                .where(PluginFlag.media_id.in_(ids[start:start + _CHUNK]))):
            found.setdefault(media_id, set()).add(f"{plugin}:{label}")
    return found


def flagged_media(plugin: str, label: str) -> Select:
    """A query for the ids of media `plugin` flagged with `label` (e.g. "faces", "face")."""
    return (select(PluginFlag.media_id).where(PluginFlag.plugin == plugin,
                                              PluginFlag.label == label).distinct())


def flag_counts(session: Session) -> list[tuple[str, str, int]]:
    """(plugin, label, media flagged) for every flag in the case: the choices of a filter menu."""
    return [tuple(row) for row in session.execute(
        select(PluginFlag.plugin, PluginFlag.label, func.count(PluginFlag.media_id.distinct()))
        .group_by(PluginFlag.plugin, PluginFlag.label)
        .order_by(PluginFlag.plugin, PluginFlag.label))]


def confirm_suggestion(session: Session, media_ids: Sequence[int], plugin: str,
                       version: str) -> TagMedia:
    """The examiner's tag that confirms a plugin's suggestion (run it through `History`).

    The plugin's tag stays as it was: the confirmation is a new examiner tag
    with the same scheme and category, so both who suggested and who decided
    are on record.
    """
    source = TagSource.plugin(plugin, version)
    rows = session.execute(select(Tag.media_id, Tag.scheme, Tag.category).where(
        Tag.source_kind == TagSourceKind.PLUGIN, Tag.source_name == source.name,
        Tag.media_id.in_(list(media_ids)))).all()
    answers = {(scheme, category) for _, scheme, category in rows}
    if len(answers) != 1:
        raise TagError(f"{source} suggests {len(answers)} different categories for these "
                       "items; confirm them one category at a time")
    scheme, category = answers.pop()
    return TagMedia([media_id for media_id, _, _ in rows], scheme, category, source=EXAMINER,
                    note=f"confirmed suggestion of {source}")
