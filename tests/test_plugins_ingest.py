"""Plugins inside ingest (on its single decode) and on an existing case (`triage plugins run`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import (  # noqa: E402
    colour_model,
    model_plugin,
    noise,
    red_square,
    red_square_face_model,
    solid,
    write_plugin,
)

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry, File, PluginResult, PluginRun, WorkStatus  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.pipeline import work  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402
from triage.pipeline.plugins import _InProcess  # noqa: E402
from triage.plugins import case as case_plugins  # noqa: E402
from triage.review.queries import summary as summary_counts  # noqa: E402
from triage.plugins.discovery import discover  # noqa: E402
from triage.plugins.results import flagged_media, suggestions_for  # noqa: E402

SIZE_REPORTER = """
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        labels = ("longest_side",)
        batch_size = 2

        def run(self, batch):
            return [{"longest_side": float(max(b.shape[:2]))} for b in batch]
"""

BROKEN = """
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        labels = ("x",)

        def run(self, batch):
            raise MemoryError("the model wants 80 GB")
"""


HANGS = """
    import time
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        labels = ("x",)

        def run(self, batch):
            time.sleep(3600)
"""


@pytest.fixture
def plugins_folder(tmp_path, monkeypatch):
    folder = tmp_path / "plugins"
    write_plugin(folder, "sizes", SIZE_REPORTER)
    write_plugin(folder, "broken", BROKEN)
    write_plugin(folder, "hangs", HANGS, "timeout = 0.5\n")
    model_plugin(folder, "colour", colour_model(tmp_path / "colour.onnx"), "onnx-classifier",
                 'labels = ["reddish", "bluish"]\ninput_size = [8, 8]\nsoftmax = true\n',
                 "[thresholds]\nreddish = 0.9\n")
    model_plugin(folder, "faces-test", red_square_face_model(tmp_path / "yunet.onnx"), "faces",
                 "min_face = 8\n", "[thresholds]\nface = 0.5\n")
    monkeypatch.setenv("TRIAGE_PLUGIN_PATH", str(folder))
    monkeypatch.setattr(work, "_analysed", set())  # in-process ingests: forget earlier tests
    return folder


@pytest.fixture
def evidence(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    solid((250, 10, 10), (1600, 1200)).save(folder / "red.jpg", quality=95)
    solid((10, 10, 250)).save(folder / "blue.png")
    red_square().save(folder / "square.png")
    noise(7).save(folder / "noise.png")
    (folder / "copy-of-red.bin").write_bytes((folder / "red.jpg").read_bytes())
    (folder / "broken.jpg").write_bytes((folder / "red.jpg").read_bytes()[:200])
    (folder / "notes.txt").write_text("not a picture")
    return folder


def _enable(store, *names):
    catalogue = discover()
    for name in names:
        case_plugins.enable(store, catalogue.get(name), "ann")


def _by_name(session):
    return {f.name: f.media_id for f in session.scalars(select(File)) if f.media_id}


def test_ingest_runs_enabled_plugins_on_its_one_decode_and_goes_on_past_a_broken_one(
        tmp_path, plugins_folder, evidence, monkeypatch):
    import triage.media.analyse as analyse

    decodes = []
    real_decode = analyse.decode_picture
    monkeypatch.setattr(analyse, "decode_picture",
                        lambda data, **kw: decodes.append(1) or real_decode(data, **kw))
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    _enable(store, "sizes", "broken", "colour")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(evidence)
    summary = ingest.run()

    assert len(decodes) == 5  # red (once for two files), blue, square, noise, broken
    with store.reading() as session:
        media = _by_name(session)
        pending = session.scalar(select(func.count()).select_from(File)
                                 .where(File.status == WorkStatus.PENDING))
        assert pending == 0 and summary.files_hashed == 7
        red = {s.plugin: s for s in suggestions_for(session, media["red.jpg"])}
        assert set(red) == {"sizes", "colour"}
        # the working picture of the decode, not the 1600 px original read again
        assert 224 <= red["sizes"].scores["longest_side"] <= 448
        assert red["colour"].flags == {"reddish": pytest.approx(1.0, abs=0.01)}
        assert len(red["colour"].model_sha256) == 64 and red["sizes"].model_sha256 == ""
        assert sorted(session.scalars(flagged_media("colour", "reddish"))) == [media["red.jpg"]]
        assert suggestions_for(session, media["broken.jpg"]) == []
        answered = session.scalar(select(func.count()).select_from(PluginResult)
                                  .where(PluginResult.plugin == "sizes"))
        assert answered == 4
        runs = {r.plugin: r for r in session.scalars(select(PluginRun))}
        assert runs["broken"].error == ("broken: raised MemoryError: the model wants 80 GB; "
                                        "disabled for this run")
        assert runs["sizes"].error is None and runs["sizes"].items == 4
        assert runs["colour"].flagged == 1 and runs["sizes"].context == "ingest"
        # said at the end of the ingest and by `info`, by name (it was silent)
        assert summary.plugin_errors == {"broken": runs["broken"].error}
        assert summary_counts(session)["plugin_faults"] == {"broken": runs["broken"].error}
        audited = session.scalars(select(AuditEntry.target).where(
            AuditEntry.action == "plugin.run")).all()
        assert sorted(audited) == ["plugin:broken", "plugin:colour", "plugin:sizes"]
        assert verify_chain(session) is None


def test_ingest_in_worker_processes_stores_boxes_and_goes_on_past_a_hung_plugin(
        tmp_path, plugins_folder, evidence):
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    _enable(store, "faces-test", "colour", "hangs")
    ingest = Ingest(store, "ann", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    with store.reading() as session:
        media = _by_name(session)
        faces = {s.plugin: s for s in suggestions_for(session, media["square.png"])}["faces-test"]
        assert faces.faces >= 1 and faces.flags == {"face": pytest.approx(1.0)}
        noise_faces = {s.plugin: s for s in suggestions_for(session, media["noise.png"])}
        assert noise_faces["faces-test"].faces == 0
        runs = {r.plugin: r for r in session.scalars(select(PluginRun))}
        assert runs["hangs"].error == ("hangs: no answer within 0.5 s for a batch of 1; "
                                       "disabled for this run")
        assert runs["colour"].items == 4 and runs["colour"].error is None
        # the stand-in model "sees" a face in anything saturated red
        assert sorted(session.scalars(flagged_media("faces-test", "face"))) == \
            sorted([media["square.png"], media["red.jpg"]])


def test_plugins_run_answers_pictures_already_in_the_case_and_resumes(
        tmp_path, plugins_folder, evidence, capsys):
    from triage.cli import main

    store = open_case(tmp_path / "case", create=True, examiner="ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(evidence)
    ingest.run()
    store.close()
    case = str(tmp_path / "case")
    assert main(["plugins", "run", case, "colour", "--workers", "0"]) == 0
    assert "colour: 4 media answered, 1 flagged" in capsys.readouterr().out
    assert main(["plugins", "run", case, "colour", "--workers", "0"]) == 0
    assert "colour: 0 media answered" in capsys.readouterr().out
    assert main(["plugins", "run", case, "broken", "--workers", "0"]) == 1
    assert "the model wants 80 GB" in capsys.readouterr().err
    assert main(["plugins", "flags", case, "--plugin", "colour"]) == 0
    assert "colour:reddish" in capsys.readouterr().out
    store = open_case(case)
    with store.reading() as session:
        runs = session.scalars(select(PluginRun).order_by(PluginRun.id)).all()
        assert [(r.plugin, r.context, r.items) for r in runs] == [
            ("colour", "run", 4), ("colour", "run", 0), ("broken", "run", 0)]
        assert verify_chain(session) is None


def test_a_picture_answered_by_an_older_model_is_answered_again_beside_it(
        tmp_path, plugins_folder, evidence):
    from triage.pipeline.plugins import run_plugin

    store = open_case(tmp_path / "case", create=True, examiner="ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(evidence)
    ingest.run()
    assert run_plugin(store, "colour", "ann", workers=0).items == 4
    model_plugin(plugins_folder, "colour", colour_model(tmp_path / "v2.onnx", batch="B"),
                 "onnx-classifier", 'labels = ["reddish", "bluish"]\ninput_size = [8, 8]\n')
    assert run_plugin(store, "colour", "ann", workers=0).items == 4
    with store.reading() as session:
        media = _by_name(session)
        models = {s.model_sha256 for s in suggestions_for(session, media["blue.png"])}
    assert len(models) == 2


VIDEO_CLASSIFIER = """
    import numpy as np
    from triage.plugins.api import Kind, Plugin

    class Plug(Plugin):
        kind = Kind.VIDEO_CLASSIFIER
        size = (16, 16)
        labels = ("keyframes", "red")

        def run(self, batch):
            return [{"keyframes": float(len(frames)),
                     "red": float(np.mean([f[..., 0].mean() for f in frames]) / 255)}
                    for frames in batch]
"""


def _video(path: Path) -> None:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (96, 64))
    for index in range(30):
        frame = np.zeros((64, 96, 3), np.uint8)
        frame[:, :] = (0, 0, 230) if index < 15 else (0, 0, 200)  # BGR: red throughout
        writer.write(frame)
    writer.release()


def test_a_video_classifier_gets_each_videos_keyframes_from_ingests_one_decode(
        tmp_path, plugins_folder, monkeypatch):
    from triage.pipeline.plugins import run_plugin

    write_plugin(plugins_folder, "video-red", VIDEO_CLASSIFIER, "[thresholds]\nred = 0.5\n")
    folder = tmp_path / "evidence"
    folder.mkdir()
    _video(folder / "clip.avi")
    solid((250, 0, 0)).save(folder / "red.png")
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    _enable(store, "video-red")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(folder)
    ingest.run()
    with store.reading() as session:
        media = _by_name(session)
        [answer] = suggestions_for(session, media["clip.avi"])
        assert 1 <= answer.scores["keyframes"] <= 16 and answer.flags.keys() == {"red"}
        assert suggestions_for(session, media["red.png"]) == []
    summary = run_plugin(store, "video-red", "ann", workers=0)  # answered already: nothing to do
    assert (summary.items, summary.errors) == (0, {})

    later = open_case(tmp_path / "later", create=True, examiner="ann")  # enabled after ingest
    ingest = Ingest(later, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(folder)
    ingest.run()
    _enable(later, "video-red")
    summary = run_plugin(later, "video-red", "ann", workers=0)
    assert (summary.items, summary.flagged, summary.errors) == (1, 1, {})


def test_a_plugin_that_kills_its_worker_process_is_disabled_and_the_run_ends_cleanly(
        tmp_path, plugins_folder, evidence):
    from triage.pipeline.plugins import run_plugin

    write_plugin(plugins_folder, "crashes", """
        import os
        from triage.plugins.api import Plugin

        class Plug(Plugin):
            labels = ("x",)

            def run(self, batch):
                os._exit(1)  # as a segmentation fault in native code would
    """)
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(evidence)
    ingest.run()
    summary = run_plugin(store, "crashes", "ann", workers=1)
    assert summary.items == 0 and "a worker process died" in summary.errors["crashes"]
    with store.reading() as session:
        run = session.scalars(select(PluginRun).where(PluginRun.plugin == "crashes")).one()
        assert "a worker process died" in run.error and run.finished_at is not None


def test_ingest_enables_plugins_says_their_faults_and_lists_their_flags(
        tmp_path, plugins_folder, evidence, capsys):
    """From a plugin author's first try: enable before the first ingest, hear about a
    fault, and see the flags in `files --csv`."""
    import csv
    import io

    from triage.cli import main

    case = str(tmp_path / "case")
    assert main(["ingest", case, str(evidence), "--workers", "1", "--plugin", "colour",
                 "--plugin", "broken"]) == 0
    err = capsys.readouterr().err
    assert "plugin broken stopped: broken: raised MemoryError" in err
    assert "plugin colour" not in err
    assert main(["files", case, "--csv"]) == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["red.jpg"]["plugin_flags"] == "colour:reddish"
    assert rows["blue.png"]["plugin_flags"] == ""
    assert main(["info", case]) == 0
    assert "Plugin:    broken stopped in its last run" in capsys.readouterr().out
    assert main(["plugins", "list", "--case", case]) == 0
    assert "last run in this case stopped: broken: raised MemoryError" in \
        capsys.readouterr().out
    out = tmp_path / "items.csv"
    assert main(["export", case, "--format", "csv", "--scheme", "vics-us", "--items", "media",
                 "--out", str(out)]) == 0
    exported = {r["name"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert exported["red.jpg"]["plugin_flags"] == "colour:reddish"
    assert main(["ingest", case, str(evidence), "--plugin", "nothing"]) == 2


REDNESS = """
    from triage.plugins.api import Plugin

    class Plug(Plugin):
        size = (16, 16)
        labels = ("red", "frames")
        batch_size = 4

        def run(self, batch):
            return [{"red": float(b[..., 0].mean()) / 255, "frames": 1.0} for b in batch]
"""


def _dark_then_red_video(path: Path) -> None:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (96, 64))
    for index in range(40):
        frame = np.zeros((64, 96, 3), np.uint8)
        frame[:, :] = (20, 20, 40) if index < 8 else (0, 0, 240)  # BGR: dark, then red at 0.8 s
        writer.write(frame)
    writer.release()


def test_a_picture_plugin_scores_a_video_by_its_highest_keyframe_with_that_frames_time(
        tmp_path, plugins_folder):
    write_plugin(plugins_folder, "redness", REDNESS, 'relevance = ["red"]\n')
    folder = tmp_path / "evidence"
    folder.mkdir()
    _dark_then_red_video(folder / "clip.avi")
    solid((120, 0, 0)).save(folder / "half-red.png")
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    _enable(store, "redness")
    ingest = Ingest(store, "ann", IngestOptions(workers=1), executor=_InProcess())
    ingest.add(folder)
    ingest.run()
    with store.reading() as session:
        media = _by_name(session)
        [video] = suggestions_for(session, media["clip.avi"])
        [picture] = suggestions_for(session, media["half-red.png"])
    assert video.scores["red"] > 0.85 and video.relevance == video.scores["red"]
    assert video.frame_time is not None and video.frame_time >= 0.75  # a frame of the red part
    assert picture.relevance == pytest.approx(120 / 255, abs=0.01)
    assert picture.frame_time is None


def test_files_csv_exports_and_the_report_carry_the_relevance_scores(tmp_path, plugins_folder,
                                                                   capsys):
    import csv
    import io

    from triage.cli import main

    write_plugin(plugins_folder, "redness", REDNESS, 'relevance = ["red"]\n')
    folder = tmp_path / "evidence"
    folder.mkdir()
    _dark_then_red_video(folder / "clip.avi")
    solid((120, 0, 0)).save(folder / "half-red.png")
    (folder / "notes.txt").write_text("not a picture")
    case = str(tmp_path / "case")
    assert main(["ingest", case, str(folder), "--workers", "1", "--plugin", "redness"]) == 0
    capsys.readouterr()
    assert main(["files", case, "--csv"]) == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["half-red.png"]["relevance"]) == pytest.approx(120 / 255, abs=0.01)
    assert rows["half-red.png"]["relevance_scores"].startswith("redness@0.1/=0.4")
    assert rows["clip.avi"]["relevance_scores"].endswith("s")  # "…=0.9412@0.8s": the frame
    assert rows["notes.txt"]["relevance"] == "" and rows["notes.txt"]["relevance_scores"] == ""
    out = tmp_path / "items.csv"
    assert main(["export", case, "--format", "csv", "--scheme", "vics-us", "--items", "media",
                 "--out", str(out)]) == 0
    exported = {r["name"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert exported["clip.avi"]["relevance_scores"] == rows["clip.avi"]["relevance_scores"]
    assert float(exported["clip.avi"]["relevance"]) > 0.85
    assert main(["tag", case, "--md5", rows["clip.avi"]["md5"], "--scheme", "vics-us",
                 "--category", "1"]) == 0  # the report lists categorised items
    report = tmp_path / "report.html"
    assert main(["export", case, "--format", "html", "--scheme", "vics-us", "--items", "media",
                 "--out", str(report)]) == 0
    text = report.read_text()
    assert "Classifier relevance" in text and "not a category, not a verdict" in text
