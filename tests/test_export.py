"""Exports: VICS case and hash set JSON, md5sum lists (checked with TSK's hfind), CSV,
manifest and audit; the VICS round trip through the hash-set importer.

Categories are labels put on generated flat-colour pictures."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from tagcases import built_case, case_dir, picture_ids  # noqa: F401 (fixtures)
from triage.case.audit import verify_chain
from triage.case.models import AuditEntry, File, HashSetVerdict, Media
from triage.case.store import open_case
from triage.review.commands import History, SetWorkingScheme, TagMedia
from triage.review.tags import TagSource
from triage.export import ExportError, ExportOptions, export_case
from triage.export.manifest import sha256_file, verify_manifest
from triage.pipeline.ingest import Ingest, IngestOptions
from triage.schema import default_registry
from testdata import missing

US_CASE = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases"


@pytest.fixture
def tagged(case_dir):
    """The case with verdicts in several schemes, one deleted file, one untagged picture.

    Returns (store, {role: media id}).
    """
    store = open_case(case_dir)
    with store.session() as session:  # the content found twice plays "cam"
        twice = session.scalar(select(File.media_id).where(File.media_id.is_not(None))
                               .group_by(File.media_id).having(func.count() == 2))
    others = [i for i in picture_ids(store) if i != twice]
    roles = {"cam": twice, **dict(zip(["np", "exploitive", "cgi", "comparison", "sap4",
                                       "ambiguous", "untagged"], others))}
    history = History(store, "alice")
    for role, code in (("np", "0"), ("cam", "1"), ("exploitive", "2"), ("cgi", "3"),
                       ("comparison", "4")):
        history.run(TagMedia([roles[role]], "vics-us", code, note=f"test label {role}"))
    history.run(TagMedia([roles["sap4"]], "sap-2002", "4"))      # vics-us: 1 or 3
    history.run(TagMedia([roles["ambiguous"]], "uk-2014", "A"))  # vics-us: 1 or 3
    history.run(TagMedia([roles["cam"]], "vics-us", "2", source=TagSource.plugin("demo", "0.1")))
    with store.session() as session:  # one place of the content is a deleted entry
        first = session.scalars(select(File.id).where(File.media_id == roles["cam"])).first()
        session.execute(update(File).where(File.id == first).values(deleted=True))
    yield store, roles
    store.close()


def _export(store, tmp_path, fmt, name=None, **options):
    out = tmp_path / (name or f"export-{fmt}")
    result = export_case(store, fmt, out, ExportOptions(**options), examiner="bob")
    return result, out


def _by_md5(records):
    return {r["MD5"].lower(): r for r in records}


def _md5s(store, roles):
    with store.session() as session:
        md5 = dict(session.execute(select(Media.id, Media.md5)).all())
    return {role: md5[i] for role, i in roles.items()}


def test_vics_case_in_vics_us(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    result, out = _export(store, tmp_path, "vics", scheme="vics-us")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    document = json.loads(raw)
    assert document["@odata.context"] == US_CASE
    [case] = document["value"]
    assert case["CaseID"].startswith("{") and case["CaseID"].endswith("}")
    assert case["SourceApplicationName"] == "Triage"
    media = _by_md5(case["Media"])
    assert [m["MediaID"] for m in case["Media"]] == list(range(1, len(case["Media"]) + 1))
    assert all(m["MimeType"].startswith("image/") for m in case["Media"])

    expected = {"np": 0, "cam": 1, "exploitive": 2, "cgi": 3, "comparison": 4, "sap4": None,
                "ambiguous": None, "untagged": None}
    assert {role: media[md5[role]]["Category"] for role in expected} == expected
    for record in case["Media"]:
        assert record["MD5"] == record["MD5"].upper() and record["SHA1"] == record["SHA1"].upper()
        for flag in ("VictimIdentified", "OffenderIdentified", "IsDistributed",
                     "IsPrecategorized"):
            assert record[flag] in ("true", "false")
        for f in record["MediaFiles"]:
            assert f["Deleted"] in ("true", "false") and f["Unallocated"] in ("true", "false")
            assert f["MD5"] == record["MD5"] and f["FilePath"].endswith("\\")
            assert f["Written"].endswith("Z")

    cam = media[md5["cam"]]
    assert [f["Deleted"] for f in cam["MediaFiles"]] == ["true", "false"]  # two copies
    assert {f["FileName"] for f in cam["MediaFiles"]} == {"IMG_0000.jpg", "copy of IMG_0000.jpg"}
    assert "test label cam" in cam["Comments"] and "plugin demo@0.1" in cam["Comments"]
    meta = {m["PropertyName"]: m["PropertyValue"] for m in cam["MediaMetadata"]}
    assert meta["Triage.Scheme"] == "vics-us" and meta["Triage.Category"] == "1"
    assert meta["Triage.Translation"] == "same" and meta["Triage.Examiner"] == "alice"

    sap4 = media[md5["sap4"]]
    assert "triage:ambiguous" in sap4["Tags"]
    assert "may be 1 or 3" in sap4["Comments"] and "a person must choose" in sap4["Comments"]
    meta = {m["PropertyName"]: m["PropertyValue"] for m in sap4["MediaMetadata"]}
    assert (meta["Triage.Scheme"], meta["Triage.Category"], meta["Triage.Candidates"]) == (
        "sap-2002", "4", "1;3")
    assert media[md5["untagged"]]["Comments"] == ""
    assert result.counts["by_category"]["ambiguous"] == 2


def test_vics_case_in_a_scheme_without_vics_integers_writes_codes_not_guesses(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    result, out = _export(store, tmp_path, "vics", scheme="uk-2014")
    document = json.loads(out.read_text())
    assert "/2.0.xml/CUSTOM/" in document["@odata.context"]
    media = _by_md5(document["value"][0]["Media"])
    assert all(m["Category"] is None for m in media.values())
    sap4 = media[md5["sap4"]]
    meta = {m["PropertyName"]: m["PropertyValue"] for m in sap4["MediaMetadata"]}
    assert (meta["Triage.Translation"], meta["Triage.TargetCategory"]) == ("exact", "A")
    assert "uk-2014:A" in sap4["Tags"] and "triage:translated" in sap4["Tags"]
    comparison = media[md5["comparison"]]
    assert "triage:not-representable" in comparison["Tags"]
    assert "no counterpart in uk-2014" in comparison["Comments"]
    assert result.warnings and "no public VICS Category integers" in result.warnings[0]


def test_vics_legacy_numbering_uses_the_1x_data_model(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    _, out = _export(store, tmp_path, "vics", scheme="dhs")
    document = json.loads(out.read_text())
    assert document["odata.metadata"].endswith("1.3.xml#Cases")
    media = _by_md5(document["value"][0]["Media"])
    legacy = default_registry().get("dhs-legacy")
    assert media[md5["np"]]["Category"] == 5 and media[md5["untagged"]]["Category"] == 0
    assert legacy.from_vics(media[md5["cam"]]["Category"]).code == "1"


def _import(built_case, tmp_path, path, name):
    from triage.hashsets import import_hash_set

    fresh = tmp_path / f"fresh-{name}"
    shutil.copytree(built_case, fresh)
    store = open_case(fresh)
    result = import_hash_set(store, path, name, kind="alert", examiner="carol")
    with store.session() as session:
        verdicts = {m: c for m, c in session.execute(
            select(Media.md5, HashSetVerdict.category)
            .join(HashSetVerdict, HashSetVerdict.media_id == Media.id))}
    return store, result, verdicts


@pytest.mark.parametrize("fmt", ["vics", "vics-hashset"])
def test_vics_round_trip_through_the_hash_set_importer(tagged, tmp_path, built_case, fmt):
    """Our VICS export, imported by triage.hashsets (VICS reader), gives back every category."""
    store, roles = tagged
    md5 = _md5s(store, roles)
    _, out = _export(store, tmp_path, fmt, scheme="vics-us")
    other, result, verdicts = _import(built_case, tmp_path, out, "round-trip")
    assert result.scheme == "vics-us" and result.rejected == 0
    expected = {"np": "vics-us:0", "cam": "vics-us:1", "exploitive": "vics-us:2",
                "cgi": "vics-us:3", "comparison": "vics-us:4", "sap4": None, "ambiguous": None}
    assert {role: verdicts.get(md5[role]) for role in expected} == expected
    if fmt == "vics":
        assert verdicts.get(md5["untagged"], "absent") is None  # listed, uncategorised
    else:
        assert md5["untagged"] not in verdicts  # a hash set lists tagged items only

    # and the receiving case, exporting with pre-categorisation, writes the same integers
    _, again = _export(other, tmp_path, "vics-hashset", name="again", scheme="vics-us",
                       precategorised=True, selection="media")
    records = _by_md5(json.loads(again.read_text())["value"])
    for role, code in expected.items():
        if code is not None:
            record = records[md5[role]]
            assert record["Category"] == int(code.split(":")[1])
            assert record["IsPrecategorized"] == "true"
            assert record["PrecategorizationSource"] == "round-trip"
    other.close()


def test_vics_hash_set_form(tagged, tmp_path):
    store, roles = tagged
    _, out = _export(store, tmp_path, "vics-hashset", scheme="vics-us", categories=("1", "2"))
    document = json.loads(out.read_text())
    assert document["@odata.context"].endswith("/2.0.xml/US/$metadata#Media")
    assert sorted(r["Category"] for r in document["value"]) == [1, 2]
    assert all("MediaFiles" not in r for r in document["value"])


def test_md5_list_is_accepted_by_hfind(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    result, out = _export(store, tmp_path, "md5", scheme="vics-us")
    lines = out.read_text().splitlines()
    assert len(lines) == result.counts["items"] == 7
    assert all(len(line.split("  ", 1)[0]) == 32 for line in lines)
    if shutil.which("hfind") is None:
        missing("hfind (Debian sleuthkit) not installed")
    index = subprocess.run(["hfind", "-i", "md5sum", str(out)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    lookup = subprocess.run(["hfind", str(out), md5["cam"], md5["untagged"]],
                            capture_output=True, text=True)
    assert lookup.returncode == 0, lookup.stderr
    found = {}
    for line in lookup.stdout.splitlines():
        digest, name = line.split("\t", 1)
        found[digest.upper()] = name
    assert "IMG_0000.jpg" in found[md5["cam"].upper()]
    assert found[md5["untagged"].upper()] == "Hash Not Found"


def test_md5_list_of_one_target_category(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    _, out = _export(store, tmp_path, "md5", scheme="uk-2014", categories=("A",))
    listed = {line.split()[0] for line in out.read_text().splitlines()}
    assert listed == {md5["sap4"], md5["ambiguous"]}


def test_csv_has_one_row_per_file_and_defuses_formulas(tagged, tmp_path):
    store, roles = tagged
    md5 = _md5s(store, roles)
    result, out = _export(store, tmp_path, "csv", scheme="uk-2014")
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == result.counts["rows"] == result.counts["items"] + 1  # the copy
    cam = [r for r in rows if r["md5"] == md5["cam"]]
    assert {r["deleted"] for r in cam} == {"0", "1"}
    assert cam[0]["verdict_scheme"] == "vics-us" and cam[0]["target_result"] == "ambiguous"
    assert cam[0]["target_candidates"] == "A;B;C" and cam[0]["working_scheme"] == "vics-us"
    assert cam[0]["other_tags"] == "plugin demo@0.1: vics-us 2"
    sap4 = next(r for r in rows if r["md5"] == md5["sap4"])
    assert (sap4["target_result"], sap4["target_category"]) == ("exact", "A")
    formula = next(r for r in rows if "SUM" in r["name"])
    assert formula["name"] == "'=SUM(1+1).jpg" and formula["path"].endswith("/=SUM(1+1).jpg")


def test_every_export_writes_a_manifest_and_is_audited(tagged, tmp_path):
    store, _ = tagged
    result, out = _export(store, tmp_path, "csv")
    manifest = json.loads(result.manifest.read_text())
    assert result.manifest.name == out.name + ".manifest.json"
    assert manifest["files"] == [{"path": out.name, "size": out.stat().st_size,
                                  "sha256": sha256_file(out)}]
    assert manifest["target_scheme"]["id"] == "vics-us" and manifest["examiner"] == "bob"
    assert verify_manifest(result.manifest) == []
    with store.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert verify_chain(session) is None
    assert (entry.action, entry.examiner) == ("case.export", "bob")
    assert entry.after["manifest"]["sha256"] == sha256_file(result.manifest)
    assert entry.after["files"][0]["sha256"] == sha256_file(out)

    out.write_text("changed")
    assert verify_manifest(result.manifest) == [f"{out}: SHA-256 differs from the manifest"]


def test_export_follows_the_working_scheme_by_default(tagged, tmp_path):
    store, _ = tagged
    History(store, "alice").run(SetWorkingScheme("uk-2014"))
    result, _ = _export(store, tmp_path, "md5")
    assert result.scheme == "uk-2014"


@pytest.mark.parametrize("fmt, options, message", [
    ("xml", {}, "unknown export format"),
    ("vics", {"scheme": "nope"}, "no scheme 'nope'"),
    ("vics", {"scheme": "uk-2014", "categories": ("Z",)}, "no category 'Z'"),
    ("html", {"thumbnails": "sharp"}, "thumbnails"),
])
def test_a_wrong_export_is_refused_and_writes_nothing(tagged, tmp_path, fmt, options, message):
    store, _ = tagged
    with pytest.raises(ExportError, match=message):
        _export(store, tmp_path, fmt, **options)
    assert list(tmp_path.glob("export-*")) == []


def test_an_existing_file_is_not_overwritten_unless_asked(tagged, tmp_path):
    store, _ = tagged
    _export(store, tmp_path, "md5")
    with pytest.raises(ExportError, match="already exists"):
        _export(store, tmp_path, "md5")
    _export(store, tmp_path, "md5", overwrite=True)


def test_export_from_the_command_line(tagged, tmp_path, capsys):
    from triage.cli import main

    store, _ = tagged
    out = tmp_path / "cli.json"
    args = ["export", str(store.folder), "--format", "vics", "--scheme", "uk-2014",
            "--out", str(out), "--examiner", "erin"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "vics in uk-2014: 10 items" in captured.out and "manifest:" in captured.out
    assert "no public VICS Category integers" in captured.err
    assert json.loads(out.read_text())["value"][0]["ContactName"] == "erin"
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--overwrite", "--category", "Q"]) == 2
    assert "no category 'Q'" in capsys.readouterr().err


def test_vics_copies_media_only_when_asked(tmp_path):
    import hashlib
    import json
    import subprocess
    import sys

    from PIL import Image

    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for index, colour in enumerate(((200, 30, 30), (30, 200, 30))):
        Image.new("RGB", (40, 30), colour).save(evidence / f"p{index}.jpg")

    def triage(*args):
        result = subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    triage("ingest", tmp_path / "case", evidence, "--hashes-only")
    triage("export", tmp_path / "case", "--format", "vics", "--scheme", "vics-us",
           "--items", "media", "--out", tmp_path / "plain.json")
    plain = json.loads((tmp_path / "plain.json").read_text())["value"][0]["Media"]
    assert plain and all("RelativeFilePath" not in m for m in plain)
    assert not (tmp_path / "plain.json.media").exists()

    triage("export", tmp_path / "case", "--format", "vics", "--scheme", "vics-us",
           "--items", "media", "--out", tmp_path / "package.json", "--copy-media")
    media = json.loads((tmp_path / "package.json").read_text())["value"][0]["Media"]
    manifest = json.loads((tmp_path / "package.json.manifest.json").read_text())
    assert len(manifest["files"]) == 1 + len(media)
    for record in media:
        folder, name = record["RelativeFilePath"].split("\\")
        copied = (tmp_path / folder / name).read_bytes()
        assert hashlib.md5(copied).hexdigest().upper() == record["MD5"]


def test_a_vics_package_killed_midway_leaves_nothing_under_its_final_names(tmp_path):
    from triage.pipeline.content import media_reader

    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for index in range(3):
        Image.new("RGB", (40, 30), (60 * index, 90, 30)).save(evidence / f"p{index}.jpg")
    store = open_case(tmp_path / "case", create=True, examiner="t")
    ingest = Ingest(store, "t", IngestOptions(workers=1, analyse_media=False))
    ingest.add(evidence)
    ingest.run()
    read, calls = media_reader(store), []

    def killed_after_one(sha256):
        calls.append(sha256)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a kill would stop it, midway
        return read(sha256)

    out = tmp_path / "package.json"
    options = ExportOptions(scheme="vics-us", selection="media", copy_media=True)
    with pytest.raises(KeyboardInterrupt):
        export_case(store, "vics", out, options, examiner="t", media_content=killed_after_one)
    assert not out.exists() and not (tmp_path / "package.json.media").exists()
    result = export_case(store, "vics", out, options, examiner="t", media_content=read)
    assert result.counts["media_copied"] == 3
    assert len(list((tmp_path / "package.json.media").iterdir())) == 3
    assert not (tmp_path / "package.json.media.part").exists()
    store.close()
