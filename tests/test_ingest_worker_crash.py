"""A file whose decode kills the worker process (a native crash) is an error on that file; the
ingest goes on, and the file is still hashed."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import noise, solid, write_plugin  # noqa: E402

from triage.case.models import File, Media, WorkStatus  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from triage.plugins import case as case_plugins  # noqa: E402
from triage.plugins.discovery import discover  # noqa: E402

# Stands in for a decoder that segfaults on one file: it runs inside the decode, in the worker.
KILLS_ON_RED = """
    import os
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        labels = ("x",)

        def run(self, batch):
            for picture in batch:
                if picture[..., 0].mean() > 200 and picture[..., 2].mean() < 50:
                    os._exit(70)
            return [{"x": 0.0} for _ in batch]
"""


def test_a_file_that_kills_its_worker_is_hashed_without_decoding_and_the_rest_goes_on(
        tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "killer", KILLS_ON_RED)
    monkeypatch.setenv("TRIAGE_PLUGIN_PATH", str(plugins))
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    solid((250, 10, 10)).save(evidence / "red.png")
    (evidence / "copy-of-red.bin").write_bytes((evidence / "red.png").read_bytes())
    solid((10, 10, 250)).save(evidence / "blue.png")
    noise(3).save(evidence / "noise.png")

    store = open_case(tmp_path / "case", create=True, examiner="ann")
    case_plugins.enable(store, discover().get("killer"), "ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1))
    ingest.add(evidence)
    summary = ingest.run()

    assert summary.files_hashed == 4
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(File)
                              .where(File.status != WorkStatus.DONE)) == 0
        media = {f.name: session.get(Media, f.media_id) for f in session.scalars(select(File))}
    red = media["red.png"]
    assert red.sha256 and red is media["copy-of-red.bin"] or red.id == media["copy-of-red.bin"].id
    assert "killed the worker process" in red.analysis_error
    for name in ("blue.png", "noise.png"):  # decoded as usual, before and after the crash
        assert media[name].analysis_error is None and media[name].phash
    store.close()
