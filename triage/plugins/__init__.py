"""Plugins: classifiers and detectors that suggest, never decide.

Plugins import only `triage.plugins.api`. The rest of this package is
Triage's side: discovery and manifests (pinned model SHA-256), loading,
the runner (batches, timeouts, checked answers), per-case enabling, and
storing results as suggestions. `results.suggestions_for(session,
media_id)` is what a viewer asks.
"""
