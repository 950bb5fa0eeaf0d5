"""The plugin API and its guard rails: manifests and pins, discovery, faults, storage, CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))

from plugin_fixtures import REPO_PLUGINS, sha256, solid, write_plugin  # noqa: E402

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry, Media, PluginRun, Tag, TagSourceKind  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.plugins import case as case_plugins  # noqa: E402
from triage.plugins.discovery import discover  # noqa: E402
from triage.plugins.loading import resolve  # noqa: E402
from triage.plugins.manifest import ManifestError, PluginError, read_manifest  # noqa: E402
from triage.plugins.recording import RunRecorder  # noqa: E402
from triage.plugins.batches import BatchedRunners, Outcome  # noqa: E402
from triage.plugins.results import (  # noqa: E402
    confirm_suggestion,
    flag_counts,
    flagged_media,
    flags_for,
    suggestions_for,
)
from triage.plugins.testing import PluginFault, run_plugin_on  # noqa: E402

SCORES = """
    from triage.plugins.api import Plugin, Result

    class Plug(Plugin):
        size = (16, 16)
        batch_size = 4
        labels = ("red", "other")

        def run(self, batch):
            return [Result({"red": float(b[..., 0].mean() / 255), "other": 0.0}) for b in batch]
"""


# -- manifests and pins ------------------------------------------------------------------


def test_a_model_that_is_not_the_pinned_one_is_refused(tmp_path):
    folder = write_plugin(tmp_path, "pinned", SCORES, '[model]\nfile = "m.bin"\nsha256 = "'
                          + "0" * 64 + '"\n')
    (folder / "m.bin").write_bytes(b"a model the lab never vetted")
    catalogue = discover([tmp_path], entry_points=False)
    with pytest.raises(ManifestError, match="has SHA-256 .* but the manifest pins 0000"):
        resolve(catalogue.get("pinned"), catalogue)
    (folder / "plugin.toml").write_text((folder / "plugin.toml").read_text()
                                        .replace("0" * 64, sha256(folder / "m.bin")))
    catalogue = discover([tmp_path], entry_points=False)
    assert resolve(catalogue.get("pinned"), catalogue).manifest.model_sha256 == \
        sha256(folder / "m.bin")


@pytest.mark.parametrize("text, reason", [
    ('name = "x"\nversion = "1"\napi = 1\n', "exactly one of 'entry'"),
    ('name = "x"\nversion = "1"\napi = 99\nentry = "a:B"\n', "plugin API 99"),
    ('name = "Bad Name"\nversion = "1"\napi = 1\nentry = "a:B"\n', "lower-case"),
    ('name = "x"\nversion = "1"\napi = 1\nentry = "a:B"\n[model]\nfile = "m.onnx"\n', "no pinned"),
    ('name = "x"\nversion = "1"\napi = 1\nentry = "a:B"\n[[suggest]]\nlabel = "l"\n'
     'scheme = "vics-us"\ncategory = "1"\n', "has no threshold"),
    ('name = "x"\nversion = "1"\napi = 1\nentry = "a:B"\ntimeout = -1\n', "timeout"),
    ('name = "x"\nversion = \n', "not valid TOML"),
])
def test_a_bad_manifest_is_refused_with_the_reason(tmp_path, text, reason):
    (tmp_path / "plugin.toml").write_text(text)
    with pytest.raises(ManifestError, match=reason):
        read_manifest(tmp_path)


def test_discovery_reads_manifests_without_running_code_and_reports_problems(tmp_path):
    write_plugin(tmp_path / "a", "same", "raise SystemExit('plugin code ran during discovery')")
    write_plugin(tmp_path / "b", "same", SCORES)
    (tmp_path / "a" / "broken").mkdir()
    (tmp_path / "a" / "broken" / "plugin.toml").write_text("name = ")
    catalogue = discover([tmp_path / "a", tmp_path / "b"], entry_points=False)
    assert list(catalogue.plugins) == ["same"]
    assert catalogue.plugins["same"].manifest.folder == tmp_path / "a" / "same"
    assert any("already found" in p for p in catalogue.problems)
    assert any("not valid TOML" in p for p in catalogue.problems)
    with pytest.raises(PluginError, match="no plugin named 'nope'"):
        catalogue.get("nope")


def test_the_repository_plugins_are_found():
    catalogue = discover([REPO_PLUGINS], entry_points=False)
    assert {"example", "faces", "onnx-classifier"} <= set(catalogue.plugins)
    assert not catalogue.problems


def test_an_entry_point_plugin_is_found_and_runs(tmp_path, monkeypatch):
    """What `pip install` of a plugin package leaves behind: a package and its entry point."""
    site = tmp_path / "site"
    write_plugin(site, "packaged", SCORES, folder="packaged_plugin")
    (site / "packaged_plugin" / "__init__.py").write_text("")
    dist = site / "packaged_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: packaged-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[triage.plugins]\npackaged = packaged_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    catalogue = discover([], entry_points=True)
    found = catalogue.get("packaged")
    assert found.origin == "entry point" and found.package == "packaged_plugin"
    runners = BatchedRunners([resolve(found, catalogue)])
    runners.feed("k", solid((255, 0, 0)))
    [outcome] = runners.finish()["k"]
    assert outcome.answer.scores["red"] == pytest.approx(1.0)


# -- the runner: batches, faults, garbage --------------------------------------------------


def test_answers_come_in_batches_in_order(tmp_path):
    write_plugin(tmp_path, "counting", """
        from triage.plugins.api import Plugin
        CALLS = []

        class Plug(Plugin):
            size = (8, 8)
            batch_size = 3
            labels = ("index",)

            def run(self, batch):
                CALLS.append(len(batch))
                return [{"index": float(b[0, 0, 0])} for b in batch]
    """)
    pictures = [solid((i, 0, 0), (20, 10)) for i in range(7)]
    answers = run_plugin_on(tmp_path / "counting", pictures, also=[])
    assert [a.scores["index"] for a in answers] == list(range(7))
    from importlib import import_module
    module = next(m for n, m in sys.modules.items() if n.endswith(".plug") and "counting" in n)
    assert import_module(module.__name__).CALLS == [3, 3, 1]


@pytest.mark.parametrize("body, reason", [
    ("raise RuntimeError('model exploded')", "raised RuntimeError: model exploded"),
    ("return []", "returned 0 results for 2 items"),
    ("return 'yes'", "not a list of results"),
    ("return [{'red': float('nan')}] * len(batch)", "is not finite"),
    ("return [{'blue': 1.0}] * len(batch)", "not one the plugin declares"),
    ("return [{'red': 'high'}] * len(batch)", "is not a number"),
    ("return [Result({'red': 1.0}, 7)] * len(batch)", "returned garbage"),
    ("return [Result({'red': 1.0}, [Box('red', 0.5, 0.5, 0.9, 0.1)])] * len(batch)",
     "not inside the picture"),
    ("import time; time.sleep(3600)", "no answer within 0.2 s"),
])
def test_a_plugin_that_misbehaves_is_disabled_with_the_reason(tmp_path, body, reason):
    write_plugin(tmp_path, "bad", f"""
        from triage.plugins.api import Box, Kind, Plugin, Result

        class Plug(Plugin):
            kind = Kind.DETECTOR
            labels = ("red",)
            batch_size = 2

            def run(self, batch):
                {body}
    """, "timeout = 0.2\n")
    with pytest.raises(PluginFault, match=reason):
        run_plugin_on(tmp_path / "bad", [solid((1, 2, 3))] * 2, also=[])


def test_a_plugin_that_fails_to_load_is_reported_once_with_an_item(tmp_path):
    write_plugin(tmp_path, "noload", "raise ImportError('no such library')")
    catalogue = discover([tmp_path], entry_points=False)
    runners = BatchedRunners([resolve(catalogue.get("noload"), catalogue)])
    runners.feed("a", solid((0, 0, 0)))
    runners.feed("b", solid((0, 0, 0)))
    outcomes = runners.finish()
    assert "cannot load (ImportError: no such library)" in outcomes["a"][0].error
    assert "b" not in outcomes


def test_after_a_fault_the_plugin_gets_no_more_work(tmp_path):
    write_plugin(tmp_path, "once", """
        from triage.plugins.api import Plugin
        CALLS = []

        class Plug(Plugin):
            labels = ("x",)

            def run(self, batch):
                CALLS.append(1)
                raise ValueError("broken")
    """)
    catalogue = discover([tmp_path], entry_points=False)
    runners = BatchedRunners([resolve(catalogue.get("once"), catalogue)])
    for key in "abc":
        runners.feed(key, solid((0, 0, 0)))
    outcomes = runners.finish()
    assert list(outcomes) == ["a"] and "broken" in outcomes["a"][0].error
    module = next(m for n, m in sys.modules.items() if n.endswith(".plug") and "once" in n)
    assert module.CALLS == [1]


def test_bytes_plugins_get_the_file_bytes(tmp_path):
    write_plugin(tmp_path, "sizer", """
        from triage.plugins.api import Input, Plugin

        class Plug(Plugin):
            input = Input.BYTES
            labels = ("png",)

            def run(self, batch):
                return [{"png": float(item[:4] == b"\\x89PNG")} for item in batch]
    """)
    picture = tmp_path / "p.png"
    solid((0, 0, 0)).save(picture)
    [answer] = run_plugin_on(tmp_path / "sizer", [picture], also=[])
    assert answer.scores == {"png": 1.0}


# -- storage, flags, suggestions, audit ----------------------------------------------------


def _case_with_media(tmp_path, count=3):
    store = open_case(tmp_path / "case", create=True, examiner="ann")
    with store.session() as session:
        for i in range(count):
            session.add(Media(sha256=f"{i:064x}", sha1=f"{i:040x}", md5=f"{i:032x}", size=1,
                              detected_type="image/png"))
    return store


SUGGESTING = """
    [thresholds]
    red = 0.5
    [[suggest]]
    label = "red"
    scheme = "vics-us"
    category = "0"
"""


def test_answers_are_stored_with_flags_suggestions_and_one_audit_entry(tmp_path):
    store = _case_with_media(tmp_path)
    write_plugin(tmp_path / "plugins", "reddish", SCORES, SUGGESTING)
    catalogue = discover([tmp_path / "plugins"], entry_points=False)
    recorder = RunRecorder(store, "ann", "run", ["reddish"], catalogue)
    runners = BatchedRunners(recorder.specs())
    for media_id, colour in ((1, (255, 0, 0)), (2, (0, 0, 255)), (3, (200, 10, 10))):
        runners.feed(str(media_id), solid(colour))
    outcomes = runners.finish()
    with store.session() as session:
        recorder.record(session, [(int(k), o) for k, os in outcomes.items() for o in os])
    recorder.finish()

    with store.reading() as session:
        [answer] = suggestions_for(session, 1)
        assert answer.plugin == "reddish" and answer.version == "0.1"
        assert answer.model_sha256 == "" and answer.flags == {"red": pytest.approx(1.0)}
        assert suggestions_for(session, 2)[0].flags == {}
        assert sorted(session.scalars(flagged_media("reddish", "red"))) == [1, 3]
        assert flags_for(session, [1, 2, 3]) == {1: {"reddish:red"}, 3: {"reddish:red"}}
        assert flag_counts(session) == [("reddish", "red", 2)]
        tags = session.scalars(select(Tag).order_by(Tag.media_id)).all()
        assert [(t.media_id, t.source_kind, t.source_name, t.category) for t in tags] == [
            (1, TagSourceKind.PLUGIN, "reddish@0.1", "0"),
            (3, TagSourceKind.PLUGIN, "reddish@0.1", "0")]
        run = session.scalars(select(PluginRun)).one()
        assert (run.items, run.flagged, run.error) == (3, 2, None)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "plugin.run")).one()
        assert audit.after["plugin"] == "reddish" and audit.after["items"] == 3
        assert verify_chain(session) is None


def test_confirming_a_suggestion_is_an_examiner_tag_beside_the_plugins(tmp_path):
    from triage.review.commands import History

    test_answers_are_stored_with_flags_suggestions_and_one_audit_entry(tmp_path)
    store = open_case(tmp_path / "case")
    with store.reading() as session:
        command = confirm_suggestion(session, [1, 3], "reddish", "0.1")
    History(store, "bob").run(command)
    with store.reading() as session:
        kinds = session.execute(select(Tag.media_id, Tag.source_kind, Tag.examiner)
                                .order_by(Tag.media_id, Tag.source_kind)).all()
    assert (1, TagSourceKind.EXAMINER, "bob") in kinds
    assert (1, TagSourceKind.PLUGIN, "ann") in kinds


def test_a_fault_is_recorded_and_answers_after_it_are_ignored(tmp_path):
    store = _case_with_media(tmp_path)
    write_plugin(tmp_path / "plugins", "reddish", SCORES, SUGGESTING)
    recorder = RunRecorder(store, "ann", "ingest", ["reddish", "missing"],
                           discover([tmp_path / "plugins"], entry_points=False))
    assert [s.name for s in recorder.specs()] == ["reddish"]
    assert "no plugin named 'missing'" in recorder.errors["missing"]
    from triage.plugins.runner import Answer
    with store.session() as session:
        recorder.record(session, [(1, Outcome("reddish", Answer({"red": 1.0}))),
                                  (2, Outcome("reddish", error="reddish: raised X")),
                                  (3, Outcome("reddish", Answer({"red": 1.0})))])
    recorder.finish()
    assert recorder.specs() == ()
    with store.reading() as session:
        runs = {r.plugin: r for r in session.scalars(select(PluginRun))}
        assert runs["reddish"].error == "reddish: raised X" and runs["reddish"].items == 1
        assert "no plugin named" in runs["missing"].error
        assert [s.plugin for s in suggestions_for(session, 3)] == []


def test_enabling_is_audited_and_new_thresholds_reflag_stored_scores(tmp_path):
    test_answers_are_stored_with_flags_suggestions_and_one_audit_entry(tmp_path)
    store = open_case(tmp_path / "case")
    found = discover([tmp_path / "plugins"], entry_points=False).get("reddish")
    case_plugins.enable(store, found, "ann")
    case_plugins.enable(store, found, "ann", {"red": 0.9})
    with store.reading() as session:
        assert case_plugins.enabled(session)["reddish"]["thresholds"] == {"red": 0.9}
        assert sorted(session.scalars(flagged_media("reddish", "red"))) == [1]
    assert case_plugins.disable(store, "reddish", "ann")
    assert not case_plugins.disable(store, "reddish", "ann")
    with store.reading() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("plugin.%")).order_by(AuditEntry.id)))
    assert actions == ["plugin.run", "plugin.enable", "plugin.enable", "plugin.disable"]


def test_a_suggestion_naming_no_real_category_is_refused_before_the_run(tmp_path):
    store = _case_with_media(tmp_path)
    write_plugin(tmp_path / "plugins", "wrong", SCORES,
                 SUGGESTING.replace('category = "0"', 'category = "no-such"'))
    recorder = RunRecorder(store, "ann", "run", ["wrong"],
                           discover([tmp_path / "plugins"], entry_points=False))
    assert recorder.specs() == () and "[[suggest]] red" in recorder.errors["wrong"]


# -- command line -------------------------------------------------------------------------


def test_cli_list_enable_disable_and_flags(tmp_path, monkeypatch, capsys):
    from triage.cli import main

    monkeypatch.setenv("TRIAGE_PLUGIN_PATH", str(tmp_path / "plugins"))
    write_plugin(tmp_path / "plugins", "reddish", SCORES, SUGGESTING)
    _case_with_media(tmp_path).close()
    case = str(tmp_path / "case")
    assert main(["plugins", "list", "--case", case]) == 0
    out = capsys.readouterr().out
    assert "reddish 0.1 [disabled]" in out and "example 1.0.0 [disabled]" in out
    assert main(["plugins", "enable", case, "reddish", "--threshold", "red=0.7"]) == 0
    assert main(["plugins", "enable", case, "nothing"]) == 2
    assert "no plugin named 'nothing'" in capsys.readouterr().err
    assert main(["plugins", "enable", case, "reddish", "--threshold", "red"]) == 2
    assert main(["plugins", "list", "--case", case]) == 0
    assert "reddish 0.1 [enabled]" in capsys.readouterr().out
    assert main(["plugins", "disable", case, "reddish"]) == 0
    assert main(["plugins", "flags", case]) == 0
