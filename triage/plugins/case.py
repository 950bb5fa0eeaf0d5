"""Which plugins a case runs, and with which thresholds: one audited case setting.

Enabling a plugin is the examiner's consent that its code runs on this
case's media during ingest; nothing runs that is not enabled (`triage
plugins run` is an explicit request of its own).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.models import CaseSetting
from triage.case.store import CaseStore
from triage.plugins.discovery import Found
from triage.plugins.manifest import Manifest
from triage.plugins.results import reflag

SETTING = "plugins"


def enabled(session: Session) -> dict[str, dict]:
    """Enabled plugin name -> its case settings ({"thresholds": {label: value}})."""
    row = session.get(CaseSetting, SETTING)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


def thresholds(session: Session, manifest: Manifest) -> dict[str, float]:
    """The manifest's thresholds with this case's overrides laid on top."""
    own = enabled(session).get(manifest.name, {}).get("thresholds", {})
    return {**manifest.thresholds, **{k: float(v) for k, v in own.items()}}


def enable(store: CaseStore, found: Found, examiner: str,
           overrides: Mapping[str, float] | None = None) -> None:
    """Enable a plugin for the case (again: new thresholds), audited; flags follow thresholds."""
    manifest = found.manifest
    with store.session() as session:
        current = enabled(session)
        before = current.get(manifest.name)
        settings = {"version": manifest.version,
                    "thresholds": dict(overrides if overrides is not None
                                       else (before or {}).get("thresholds", {}))}
        if before == settings:
            return
        _write(session, {**current, manifest.name: settings})
        append_audit(session, examiner, "plugin.enable", target=f"plugin:{manifest.name}",
                     before=before, after=settings)
        if before is None or before.get("thresholds") != settings["thresholds"]:
            reflag(session, manifest, thresholds(session, manifest))


def disable(store: CaseStore, name: str, examiner: str) -> bool:
    """Stop running a plugin on the case; its results so far stay. False when it was not enabled."""
    with store.session() as session:
        current = enabled(session)
        before = current.pop(name, None)
        if before is None:
            return False
        _write(session, current)
        append_audit(session, examiner, "plugin.disable", target=f"plugin:{name}",
                     before=before, after=None)
        return True


def _write(session: Session, value: dict) -> None:
    row = session.get(CaseSetting, SETTING)
    if row is None:
        session.add(CaseSetting(key=SETTING, value=value))
    else:
        row.value = value
