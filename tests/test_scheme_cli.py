"""`triage scheme list | show | translate | check`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from triage.cli import scheme as scheme_cli


@pytest.fixture(autouse=True)
def _no_home_schemes(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TRIAGE_SCHEME_DIR", str(tmp_path_factory.mktemp("no-user-schemes")))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="triage")
    scheme_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scheme", *argv])
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_every_scheme_id(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for scheme_id in ("vics-us", "dhs-legacy", "uk-2014", "sap-2002", "copine",
                      "interpol-baseline"):
        assert scheme_id in out
    code, out, _ = run(capsys, "list", "--json", "--lang", "nl")
    rows = json.loads(out)
    assert {r["id"] for r in rows} >= {"vics-us", "uk-2014"}
    us = next(r for r in rows if r["id"] == "vics-us")
    assert us["categories"][0] == {"code": "0", "label": "Niet relevant"}


def test_translate_json_has_one_object_per_source_category(capsys):
    code, out, _ = run(capsys, "translate", "sap-2002", "uk-2014", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["category"], r["result"], r["targets"]) for r in rows] == [
        ("1", "exact", ["C"]), ("2", "exact", ["B"]), ("3", "exact", ["B"]),
        ("4", "exact", ["A"]), ("5", "exact", ["A"])]
    assert rows[0]["from"] == "sap-2002" and rows[0]["to"] == "uk-2014"

    code, out, _ = run(capsys, "translate", "uk", "vics", "--json")
    row_a = json.loads(out)[0]
    assert (row_a["category"], row_a["result"], row_a["targets"]) == ("A", "ambiguous", ["1", "3"])

    code, out, _ = run(capsys, "translate", "vics-us", "uk-2014", "--json")
    comparison = next(r for r in json.loads(out) if r["category"] == "4")
    assert (comparison["result"], comparison["targets"]) == ("none", [])


def test_translate_text_table(capsys):
    code, out, _ = run(capsys, "translate", "copine", "uk-2014", "--lang", "de")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 10
    assert lines[9].split()[0] == "10" and "exact" in lines[9] and "Kategorie A" in lines[9]
    assert "none" in lines[0] and "not representable" in lines[0]


def test_show_lists_hotkeys_and_rules(capsys):
    code, out, _ = run(capsys, "show", "uk")
    assert code == 0
    assert "[1] A  Category A" in out and "Penetrative sexual activity" in out
    code, out, _ = run(capsys, "show", "vics-us", "--json")
    doc = json.loads(out)
    assert doc["vics"] == {"context": "US", "uncategorised": None}
    assert doc["categories"][0]["rule"] == [{"pertinence": ["non_pertinent"]}]


def test_unknown_scheme_is_a_usage_error(capsys):
    code, out, err = run(capsys, "translate", "nowhere", "uk")
    assert code == 2 and out == ""
    assert "no scheme 'nowhere'" in err and "uk-2014" in err


def test_check_reports_the_line_and_reason(capsys, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('id = "mine"\nname = "Mine"\nversion = "1"\nsource = "test"\n\n'
                    '[[category]]\ncode = "1"\nlabels = { en = "One" }\n'
                    'definition = "Comparison images."\nhotkey = "1"\ncolour = "#000000"\n'
                    'workflow = true\n[category.rule]\nall = { pertinence = "comparison" }\n',
                    encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace('pertinence = "comparison"', 'pertinence = "maybe"'),
                   encoding="utf-8")
    code, out, err = run(capsys, "check", str(good), str(bad))
    assert code == 1
    assert "ok" in out and "mine" in out
    assert f"{bad}:14:" in err and "no value or group 'maybe'" in err


def test_refused_user_file_is_reported_and_the_rest_still_works(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "schemes"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "x"\nname = \n', encoding="utf-8")
    monkeypatch.setenv("TRIAGE_SCHEME_DIR", str(folder))
    code, out, err = run(capsys, "list")
    assert code == 0 and "uk-2014" in out
    assert "refused" in err and "broken.toml:2:" in err


def test_wired_into_the_triage_command():
    try:
        from triage.cli import COMMAND_MODULES
    except ImportError:
        pytest.skip("top-level CLI not present")
    if "scheme" not in COMMAND_MODULES:
        pytest.skip("scheme command group not registered yet")
    result = subprocess.run([sys.executable, "-m", "triage.cli", "scheme", "translate", "copine",
                             "uk", "--json"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0 and "No module named triage.cli.__main__" in result.stderr:
        from triage.cli import main
        assert main(["scheme", "list"]) == 0
        return
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)[-1]
    assert (row["category"], row["result"], row["targets"]) == ("10", "exact", ["A"])
