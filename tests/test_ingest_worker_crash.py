"""A file whose decode kills the worker process (a native crash in a decoder or a plugin):
the ingest goes on, the file is still hashed, and the culprit is named."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import noise, solid, write_plugin  # noqa: E402

from triage.case.models import File, Media, PluginRun, WorkStatus  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.pipeline.executors import WorkerLost  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from triage.plugins import case as case_plugins  # noqa: E402
from triage.plugins.discovery import discover  # noqa: E402

# A plugin whose native code crashes on red pictures: it runs inside the decode, in the worker.
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


# Stands in for a decoder that segfaults on one file: imported by every worker at start-up.
CRASHING_DECODER = """
import os
import triage.media.analyse as analyse

_real = analyse.analyse_picture


def _crashing(source, derive=None):
    result = _real(source, derive)
    if result.thumbnail and b"RED" in os.environ.get("TRIAGE_TEST_CRASH_ON", "").encode():
        from PIL import Image
        import io
        picture = Image.open(io.BytesIO(result.thumbnail)).convert("RGB")
        red, green, blue = (sum(c) / len(c) for c in zip(*picture.getdata()))
        if red > 200 and blue < 50:
            os._exit(70)
    return result


analyse.analyse_picture = _crashing
"""


def _evidence(tmp_path: Path) -> Path:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    solid((250, 10, 10)).save(evidence / "red.png")
    (evidence / "copy-of-red.bin").write_bytes((evidence / "red.png").read_bytes())
    solid((10, 10, 250)).save(evidence / "blue.png")
    noise(3).save(evidence / "noise.png")
    return evidence


def _ingest(tmp_path: Path, plugin: str | None = None):
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    if plugin:
        case_plugins.enable(store, discover().get(plugin), "ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1))
    ingest.add(_evidence(tmp_path))
    summary = ingest.run()
    assert summary.files_hashed == 4
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(File)
                              .where(File.status != WorkStatus.DONE)) == 0
        media = {f.name: session.get(Media, f.media_id) for f in session.scalars(select(File))}
        runs = session.scalars(select(PluginRun)).all()
    store.close()
    assert media["red.png"].id == media["copy-of-red.bin"].id and media["red.png"].sha256
    for name in ("blue.png", "noise.png"):  # decoded as usual, before and after the crash
        assert media[name].analysis_error is None and media[name].phash
    return media, runs


def test_a_plugin_that_kills_its_worker_is_stopped_and_the_picture_still_decoded(
        tmp_path, monkeypatch):
    write_plugin(tmp_path / "plugins", "killer", KILLS_ON_RED)
    monkeypatch.setenv("TRIAGE_PLUGIN_PATH", str(tmp_path / "plugins"))
    media, runs = _ingest(tmp_path, plugin="killer")
    assert media["red.png"].analysis_error is None and media["red.png"].phash
    [run] = runs
    assert "killed the worker process on 'red.png'" in run.error or \
        "killed the worker process on 'copy-of-red.bin'" in run.error


INNOCENT = """
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        labels = ("bright",)

        def run(self, batch):
            return [{"bright": float(picture.mean() / 255)} for picture in batch]
"""


def test_the_plugin_that_kills_its_worker_is_named_and_only_it_is_stopped(
        tmp_path, monkeypatch):
    """It stopped every plugin and did not say which one; each is now tried alone on the
    file that killed the worker."""
    from triage.plugins.results import suggestions_for

    write_plugin(tmp_path / "plugins", "killer", KILLS_ON_RED)
    write_plugin(tmp_path / "plugins", "innocent", INNOCENT)
    monkeypatch.setenv("TRIAGE_PLUGIN_PATH", str(tmp_path / "plugins"))
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    for name in ("killer", "innocent"):
        case_plugins.enable(store, discover().get(name), "ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1))
    ingest.add(_evidence(tmp_path))
    summary = ingest.run()
    assert summary.files_hashed == 4
    assert list(summary.plugin_errors) == ["killer"]
    assert summary.plugin_errors["killer"].startswith("killer killed the worker process on")
    with store.reading() as session:
        media = {f.name: f.media_id for f in session.scalars(select(File))}
        answered = {name for name in ("blue.png", "noise.png")
                    if any(s.plugin == "innocent" for s in suggestions_for(session, media[name]))}
        assert answered == {"blue.png", "noise.png"}  # it went on after the crash
    store.close()


def test_a_file_whose_decoder_kills_its_worker_is_hashed_without_decoding(
        tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CRASHING_DECODER)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(site)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.setenv("TRIAGE_TEST_CRASH_ON", "RED")
    media, _ = _ingest(tmp_path)
    assert "killed the worker process" in media["red.png"].analysis_error
    assert media["red.png"].phash is None


def test_workers_that_die_on_their_own_stop_the_ingest_and_leave_the_files_pending(
        tmp_path, monkeypatch):
    """Nothing is a file's fault when every worker dies at start-up: no file is blamed."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import os, sys\n"
        "if '--multiprocessing-fork' in sys.argv and os.environ.get('TRIAGE_TEST_DIE'):\n"
        "    os._exit(71)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(site)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1))
    ingest.add(_evidence(tmp_path))
    monkeypatch.setenv("TRIAGE_TEST_DIE", "1")
    with pytest.raises(WorkerLost, match="die on their own"):
        ingest.run()
    with store.reading() as session:
        statuses = set(session.scalars(select(File.status).where(File.kind == "file")))
    store.close()
    assert statuses == {WorkStatus.PENDING}
