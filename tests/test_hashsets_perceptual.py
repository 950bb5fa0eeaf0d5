"""Hash sets that carry PDQ or pHash values give near matches: leads with a distance, kept apart."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from PIL import Image
from sqlalchemy import func, select

from testdata import PHOTOS
from triage.case.models import AuditEntry, HashSetMatch, HashSetNearMatch, HashSetVerdict, Media
from triage.review.queries import LISTING_COLUMNS, iter_files
from triage.case.store import open_case
from triage.hashsets import HashSetError, import_hash_set, list_hash_sets, match_case, remove_hash_set
from triage.pipeline.ingest import Ingest, IngestOptions

BASES = sorted((PHOTOS / "bsds500").glob("*.jpg"))[:4]


def _ingest(case, folder):
    store = open_case(case, create=True, examiner="tester")
    ingest = Ingest(store, "tester", IngestOptions(workers=1))
    ingest.add(folder)
    ingest.run()
    store.close()


def _files_csv(case) -> str:
    store = open_case(case)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LISTING_COLUMNS)
    with store.reading() as session:
        for item in iter_files(session):
            writer.writerow("" if getattr(item, c) is None else getattr(item, c)
                            for c in LISTING_COLUMNS)
    store.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """Case A holds four photographs; case B half-size, quality-35 copies of the first two."""
    if len(BASES) < 4:
        pytest.skip(f"shared photographs not found under {PHOTOS}")
    root = tmp_path_factory.mktemp("perceptual")
    (root / "a").mkdir()
    (root / "b").mkdir()
    for index, path in enumerate(BASES):
        picture = Image.open(path).convert("RGB")
        picture.save(root / "a" / f"photo{index}.jpg", quality=92)
        if index < 2:
            picture.resize((picture.width // 2, picture.height // 2)).save(
                root / "b" / f"copy{index}.jpg", quality=35)
    _ingest(root / "case-a", root / "a")
    _ingest(root / "case-b", root / "b")
    (root / "b-files.csv").write_text(_files_csv(root / "case-b"))
    return root


@pytest.fixture
def case(cases, tmp_path):
    shutil.copytree(cases / "case-a", tmp_path / "case")
    store = open_case(tmp_path / "case", examiner="tester")
    yield store
    store.close()


def _near(store) -> dict[str, tuple[str, int]]:
    """photo name → (algorithm, distance) of its closest PDQ near match."""
    with store.reading() as session:
        rows = session.execute(
            select(Media.id, HashSetNearMatch.algorithm, func.min(HashSetNearMatch.distance))
            .join(HashSetNearMatch, HashSetNearMatch.media_id == Media.id)
            .group_by(Media.id, HashSetNearMatch.algorithm)).all()
        names = {item.sha256: item.name for item in iter_files(session) if item.sha256}
        sha = dict(session.execute(select(Media.id, Media.sha256)).all())
    return {(names[sha[m]], algorithm): distance for m, algorithm, distance in rows}


def test_our_own_files_export_is_a_perceptual_set(case, cases):
    result = import_hash_set(case, cases / "b-files.csv", "copies", skip_bad=True, kind="alert")
    assert result.details["perceptual"] == ["pdq", "phash"]
    near = _near(case)
    pdq = {name for name, algorithm in near if algorithm == "pdq"}
    assert pdq == {"photo0.jpg", "photo1.jpg"}  # the copies' originals, and nothing else
    assert all(d <= 31 for (_, a), d in near.items() if a == "pdq")
    assert all(d <= 6 for (_, a), d in near.items() if a == "phash")
    with case.reading() as session:  # a lead, not a verdict: nothing pre-categorised
        assert session.scalar(select(func.count()).select_from(HashSetMatch)) == 0
        assert session.scalar(select(func.count()).select_from(HashSetVerdict)) == 0
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "hashset.import")
                                ).all()[-1]
        assert audit.after["near_matches"] >= 2
        listed = {item.name: item.near_matches for item in iter_files(session)}
        summary = list_hash_sets(session)[0]
    assert listed["photo0.jpg"].startswith("copies:")
    assert listed["photo2.jpg"] is None
    assert summary.near_matched_media == 2


def test_a_pdq_only_list_matches_by_distance_and_never_further(case, tmp_path):
    with case.reading() as session:
        pdq = dict(session.execute(select(Media.id, Media.pdq).where(Media.pdq.is_not(None))).all())
    first, second = sorted(pdq)[:2]
    near = _flip(pdq[first], 5)
    far = _flip(pdq[second], 40)
    listing = tmp_path / "pdq.csv"
    listing.write_text("PDQ,Comment\n" f"{near},five bits\n{far},forty bits\n" + "0" * 64 + ",zero\n")
    result = import_hash_set(case, listing, "pdq-list", kind="alert")
    assert result.entries == 3
    with case.reading() as session:
        rows = session.execute(select(HashSetNearMatch.media_id, HashSetNearMatch.distance)).all()
    assert rows == [(first, 5)]


def test_a_bad_perceptual_value_names_its_line(case, tmp_path):
    listing = tmp_path / "bad.csv"
    listing.write_text("pdq\n" + "ab" * 32 + "\nnot-a-hash\n")
    with pytest.raises(HashSetError, match=r"line 3: pdq 'not-a-hash' is not 64 hex digits"):
        import_hash_set(case, listing, "bad", kind="alert")


def test_removing_the_set_removes_its_near_matches_and_rematching_rebuilds_them(case, cases):
    import_hash_set(case, cases / "b-files.csv", "copies", skip_bad=True, kind="alert")
    with case.reading() as session:
        before = session.scalar(select(func.count()).select_from(HashSetNearMatch))
    assert match_case(case)["near_matches"] == before  # idempotent, not doubled
    remove_hash_set(case, "copies")
    with case.reading() as session:
        assert session.scalar(select(func.count()).select_from(HashSetNearMatch)) == 0


def _flip(hex_hash: str, bits: int) -> str:
    value = int(hex_hash, 16)
    for bit in range(bits):
        value ^= 1 << (bit * 6)
    return f"{value:0{len(hex_hash)}x}"
