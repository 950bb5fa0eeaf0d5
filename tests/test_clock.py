"""FAT's times are the writing device's clock with no zone: the same on every examiner's
machine, and never shown as UTC (triage/time_zones.py)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from testdata import IMAGES, missing
from triage.paths import resources_dir

DEMO = resources_dir() / "samples" / "demo-usb.img"  # a FAT16 USB stick


def _triage(*args, zone: str) -> str:
    env = {**os.environ, "TZ": zone}
    run = subprocess.run([sys.executable, "-m", "triage", *map(str, args)], env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _listing(case: Path, zone: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_triage("files", case, "--csv", zone=zone))))


def test_fat_times_are_the_same_whatever_the_examiners_time_zone(tmp_path):
    """The Sleuth Kit converts FAT's local readings in the process's zone: without the pin,
    an examiner in Tokyo and one in New York got times 14 hours apart, both marked UTC."""
    listings = []
    for zone in ("Asia/Tokyo", "America/New_York"):
        case = tmp_path / zone.replace("/", "-")
        _triage("ingest", case, DEMO, "--no-carve", zone=zone)
        listings.append(_listing(case, zone))
    times = [[(r["path"], r["crtime"], r["mtime"], r["atime"]) for r in listing]
             for listing in listings]
    assert times[0] == times[1]
    photo = next(r for r in listings[0] if r["path"] == "/DCIM/100DEMO/IMG_0002.JPG")
    assert photo["time_zone"] == "device-local"
    assert photo["mtime"] and not photo["mtime"].endswith("Z")  # ISO 8601: local time


def test_times_a_file_system_keeps_in_utc_are_marked_utc(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "note.txt").write_text("hello")
    os.utime(folder / "note.txt", (1_700_000_000, 1_700_000_000))
    case = tmp_path / "case"
    _triage("ingest", case, folder, zone="Asia/Tokyo")
    [row] = [r for r in _listing(case, "Asia/Tokyo") if r["name"] == "note.txt"]
    assert (row["time_zone"], row["mtime"]) == ("UTC", "2023-11-14 22:13:20Z")


def test_exports_keep_the_device_clock_apart(tmp_path):
    case = tmp_path / "case"
    _triage("ingest", case, DEMO, "--no-carve", zone="UTC")
    out = tmp_path / "items.csv"
    _triage("export", case, "--format", "csv", "--items", "all", "--out", out, zone="UTC")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    row = next(r for r in rows if r["path"] == "/DCIM/100DEMO/IMG_0002.JPG")
    assert row["time_zone"] == "device-local" and not row["mtime"].endswith("Z")


def test_with_the_devices_zone_set_fat_times_are_shown_in_utc(tmp_path):
    """London in March is UTC+0, in July UTC+1: the demo's photo written 2024-03-09 at
    16:00 by the device's clock is 16:00Z; the zone can be cleared again; both audited."""
    case = tmp_path / "case"
    _triage("ingest", case, DEMO, "--no-carve", zone="UTC")
    read = {r["path"]: r for r in _listing(case, "UTC")}
    assert "Europe/London" not in _triage("time-zone", case, "1", zone="UTC")
    _triage("time-zone", case, "demo-usb.img", "Europe/London", zone="UTC")
    converted = {r["path"]: r for r in _listing(case, "UTC")}
    photo = "/DCIM/100DEMO/IMG_0002.JPG"
    assert converted[photo]["time_zone"] == "UTC from Europe/London"
    assert converted[photo]["mtime"] == read[photo]["mtime"] + "Z"  # GMT in March
    _triage("time-zone", case, "1", "Asia/Tokyo", zone="UTC")  # UTC+9: nine hours earlier
    tokyo = {r["path"]: r for r in _listing(case, "UTC")}
    assert tokyo[photo]["mtime"] != converted[photo]["mtime"]
    assert tokyo[photo]["atime"] == read[photo]["atime"] + "Z"  # FAT keeps a day: not moved
    _triage("time-zone", case, "1", "--clear", zone="UTC")
    assert {r["path"]: r for r in _listing(case, "UTC")}[photo] == read[photo]
    audit = _triage("audit", case, "--action", "evidence.time_zone", zone="UTC")
    assert audit.count("evidence.time_zone") == 3, audit


def test_an_unknown_zone_is_refused(tmp_path):
    case = tmp_path / "case"
    _triage("ingest", case, DEMO, "--no-carve", zone="UTC")
    run = subprocess.run([sys.executable, "-m", "triage", "time-zone", str(case), "1",
                          "Mars/Olympus"], capture_output=True, text=True)
    assert run.returncode == 2 and "not a time zone" in run.stderr



def test_iso9660_times_are_the_burners_clock(tmp_path):
    """The shared disc records 16:07:32 at UTC+2; TSK lists 16:07:32 (no offset applied),
    which is the burner's clock, not UTC."""
    disc = IMAGES / "iso9660.raw"
    if not disc.is_file():
        missing(f"{disc} (shared test data)")
    case = tmp_path / "case"
    _triage("ingest", case, disc, "--no-carve", zone="America/New_York")
    [row] = [r for r in _listing(case, "UTC") if r["path"] == "/A_DIRECTORY/A_FILE"]
    assert (row["time_zone"], row["crtime"]) == ("device-local", "2021-07-22 16:07:32")
