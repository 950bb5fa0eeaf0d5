"""The demo case: shipped samples agree with their listing, the generator is deterministic,
`ensure_demo_case` builds the case once through the normal pipeline (and resumes), and
`triage demo`."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from triage import demo
from triage.case.models import AuditEntry, Evidence, File, HashSet, HashSetVerdict, Media
from triage.case.store import open_case
from triage.cli import main
from testdata import missing

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
GENERATOR = ROOT / "scripts" / "make-samples"


def contents() -> dict:
    return json.loads((SAMPLES / "demo-contents.json").read_text())


@pytest.fixture(scope="module")
def data_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("xdg-data")


@pytest.fixture
def demo_case(data_home, monkeypatch) -> Path:
    """The demo case in a test data folder (built by the first test that asks)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    return demo.ensure_demo_case()


# -- the shipped samples -------------------------------------------------------------------


def test_shipped_samples_agree_with_their_listing():
    listing = contents()
    image = (SAMPLES / "demo-usb.img").read_bytes()
    assert listing["image"]["sha256"] == hashlib.sha256(image).hexdigest()
    assert len(image) <= 4 * 1024 * 1024
    files = listing["files"]
    alert = json.loads((SAMPLES / "demo-alert.json").read_text())["value"]
    alert_md5s = {record["MD5"].lower() for record in alert}
    assert {f["md5"] for f in files if f["alert_category"]} <= alert_md5s
    known_good = {line.split()[0] for line in
                  (SAMPLES / "demo-known-good.md5").read_text().splitlines()}
    assert known_good == {f["md5"] for f in files if f["known_good"]}
    assert any(f["deleted"] for f in files)
    assert any(f["path"].endswith(".xls") for f in files)  # the renamed picture
    for source in ("cat", "coffee", "rocket", "hubble", "coins", "brick"):
        assert (SAMPLES / "photos" / f"{source}.jpg").is_file()
        assert f"photos/{source}.jpg" in (SAMPLES / "README.md").read_text()  # licence recorded


def test_generator_is_deterministic_and_lists_what_ships(tmp_path):
    for tool in ("mkfs.vfat", "mcopy", "sfdisk"):
        if shutil.which(tool) is None:
            missing(f"{tool} not installed")
    for run in ("a", "b"):
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / run)],
                       check=True, capture_output=True)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["demo-alert.json", "demo-contents.json", "demo-known-good.md5",
                     "demo-usb.img"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    made = json.loads((tmp_path / "a" / "demo-contents.json").read_text())
    strip = lambda listing: [{k: v for k, v in f.items() if k not in ("md5", "size")}  # noqa: E731
                             for f in listing["files"]]
    assert strip(made) == strip(contents())  # same files, roles and groups as what ships


# -- ensure_demo_case ----------------------------------------------------------------------


def test_demo_case_is_in_the_user_data_folder_and_shows_every_feature(demo_case, data_home):
    assert demo_case == data_home / "triage" / "demo-case"
    assert demo.is_demo_case_ready(demo_case)
    listing = contents()["files"]
    store = open_case(demo_case)
    try:
        with store.reading() as session:
            evidence = session.scalars(select(Evidence)).all()
            assert len(evidence) == 1 and evidence[0].error is None
            assert Path(evidence[0].paths[0]).parent == demo_case / "evidence"
            found = {row.path.lstrip("/"): row for row in session.execute(
                select(File.path, File.deleted, File.extension_mismatch, Media.md5,
                       Media.stack_id).join(Media, File.media_id == Media.id))}
            verdicts = {md5: (alert, known_good) for md5, alert, known_good in session.execute(
                select(Media.md5, HashSetVerdict.alert, HashSetVerdict.known_good)
                .join(HashSetVerdict, HashSetVerdict.media_id == Media.id))}
            sets = set(session.scalars(select(HashSet.name)))
    finally:
        store.close()
    assert sets == {demo.ALERT_SET_NAME, demo.KNOWN_GOOD_NAME}
    stacks = defaultdict(set)
    for sample in listing:
        row = found[sample["path"]]
        assert row.md5 == sample["md5"]
        assert row.deleted == sample["deleted"], sample["path"]
        assert row.extension_mismatch == sample["path"].endswith(".xls"), sample["path"]
        if sample["group"]:
            stacks[sample["group"]].add(row.stack_id)
        if sample["alert_category"]:
            assert verdicts[sample["md5"]] == (True, False), sample["path"]
        if sample["known_good"]:
            assert verdicts[sample["md5"]] == (False, True), sample["path"]
    members = defaultdict(int)
    for sample in listing:
        members[sample["group"]] += bool(sample["group"])
    stacked = {group for group, count in members.items() if count > 1}
    assert len(stacked) == 4  # cat, coffee, rocket, hubble
    for group in stacked:  # every near-duplicate of one photograph in one stack
        assert len(stacks[group]) == 1 and None not in stacks[group], group
    assert len(set().union(*(stacks[group] for group in stacked))) == 4


def test_asking_again_changes_nothing(demo_case):
    before = _audit_count(demo_case)
    assert demo.ensure_demo_case() == demo_case
    assert _audit_count(demo_case) == before


def test_an_interrupted_build_is_finished_without_doubling_anything(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = demo.demo_case_dir()
    real_import = demo._import_hash_sets

    def interrupted(*args):
        raise KeyboardInterrupt  # killed after the ingest, before the hash sets

    monkeypatch.setattr(demo, "_import_hash_sets", interrupted)
    with pytest.raises(KeyboardInterrupt):
        demo.ensure_demo_case()
    assert not demo.is_demo_case_ready(folder)
    monkeypatch.setattr(demo, "_import_hash_sets", real_import)
    steps: list[str] = []
    assert demo.ensure_demo_case(steps.append) == folder
    assert demo.is_demo_case_ready(folder)
    assert not any("Copying" in step for step in steps)  # the evidence copy was complete
    store = open_case(folder)
    try:
        with store.reading() as session:
            assert session.scalar(select(func.count()).select_from(Evidence)) == 1
            assert session.scalar(select(func.count()).select_from(HashSet)) == 2
    finally:
        store.close()


def test_missing_samples_are_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TRIAGE_SAMPLES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(demo.DemoError, match="demo-usb.img|samples"):
        demo.ensure_demo_case()
    assert main(["demo", "--no-gui"]) == 2


def test_triage_demo_no_gui_prints_the_case_folder(demo_case, capsys):
    assert main(["demo", "--no-gui"]) == 0
    assert capsys.readouterr().out.strip() == str(demo_case)


def _audit_count(folder: Path) -> int:
    store = open_case(folder)
    try:
        with store.reading() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry))
    finally:
        store.close()
