"""A small ingested case of generated pictures, for the tagging and export tests.

The pictures are flat-colour JPEGs made with Pillow; the categories the
tests give them are labels on benign pictures, nothing more. The case is
ingested once per test session and copied for each test that writes to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from triage.case.models import Media
from triage.case.store import open_case
from triage.pipeline.ingest import Ingest, IngestOptions

PICTURES = 8


def make_pictures(folder: Path, count: int = PICTURES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pictures").mkdir(exist_ok=True)
    for i in range(count):
        where = folder / "Pictures" if i % 2 else folder
        Image.new("RGB", (32 + i, 24), (30 * i % 256, 90, 200 - 20 * i)).save(
            where / f"IMG_{i:04d}.jpg", quality=80)
    # the same content under a second name: one media, two files
    shutil.copy(folder / "IMG_0000.jpg", folder / "Pictures" / "copy of IMG_0000.jpg")
    (folder / "notes.txt").write_text("not a picture\n")
    # a name a spreadsheet would run as a formula (CSV exports must defuse it)
    Image.new("RGB", (16, 16), (1, 2, 3)).save(folder / "Pictures" / "=SUM(1+1).jpg")
    # a long path without spaces (reports must wrap it, not run off the page)
    deep = folder.joinpath(*[f"a_long_folder_name_without_any_spaces_{i}" for i in range(4)])
    deep.mkdir(parents=True)
    Image.new("RGB", (16, 16), (200, 2, 3)).save(deep / ("L" * 180 + ".jpg"))
    return folder


def build_case(root: Path) -> Path:
    evidence = make_pictures(root / "evidence")
    case = root / "case"
    store = open_case(case, create=True, examiner="builder")
    ingest = Ingest(store, "builder", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    store.close()
    return case


@pytest.fixture(scope="session")
def built_case(tmp_path_factory) -> Path:
    return build_case(tmp_path_factory.mktemp("tagcase"))


@pytest.fixture
def case_dir(built_case, tmp_path) -> Path:
    """A fresh copy of the ingested case, for one test to change."""
    target = tmp_path / "case"
    shutil.copytree(built_case, target)
    return target


def picture_ids(store) -> list[int]:
    """Media ids of the pictures, in id order."""
    with store.session() as session:
        return list(session.scalars(select(Media.id).where(Media.detected_type == "image/jpeg")
                                    .order_by(Media.id)))
