"""The gallery's questions (triage.review.gallery), without Qt, on an ingested case of public
camera photographs (exif-samples: makes, models, GPS) and generated pictures."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime

import pytest
from PIL import Image
from sqlalchemy import select, update

from testdata import PHOTOS, missing
from triage.review import gallery
from triage.review.gallery import CONFLICTING, UNCATEGORISED, GalleryFilter
from triage.case.models import File, HashSetVerdict, Media
from triage.case.store import open_case
from triage.review.commands import History, TagMedia
from triage.pipeline.ingest import Ingest, IngestOptions

CAMERAS = ["Canon_40D.jpg", "Nikon_D70.jpg", "Pentax_K10D.jpg"]
GPS = ["DSCN0010.jpg", "DSCN0012.jpg"]
GENERATED = 6


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    source = PHOTOS / "exif-samples" / "jpg"
    if not (source / "gps").is_dir():
        missing(f"{source} not present")
    root = tmp_path_factory.mktemp("gallery")
    evidence = root / "evidence"
    (evidence / "cameras").mkdir(parents=True)
    (evidence / "phone").mkdir()
    for name in CAMERAS:
        shutil.copy(source / name, evidence / "cameras" / name)
    for name in GPS:
        shutil.copy(source / "gps" / name, evidence / "phone" / name)
    for i in range(GENERATED):
        Image.new("RGB", (40 + i, 30), (40 * i, 100, 200 - 30 * i)).save(
            evidence / f"gen_{i}.jpg", quality=85)
    store = open_case(root / "case", create=True, examiner="builder")
    ingest = Ingest(store, "builder", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    store.close()
    return root / "case"


@pytest.fixture
def store(built, tmp_path):
    target = tmp_path / "case"
    shutil.copytree(built, target)
    store = open_case(target)
    yield store
    store.close()


def ids_of(store, f: GalleryFilter, page: int = 100) -> list[int]:
    with store.reading() as session:
        return [i.media_id for i in gallery.gallery_page(session, f, 0, page).items]


def count(store, f: GalleryFilter) -> int:
    with store.reading() as session:
        return gallery.count_media(session, f)


def media_named(store, name: str) -> int:
    with store.reading() as session:
        return session.scalar(select(File.media_id).where(File.name == name))


TOTAL = len(CAMERAS) + len(GPS) + GENERATED


@pytest.mark.parametrize("sort", gallery.SORTS)
def test_pages_by_keyset_are_the_pages_by_offset(store, sort):
    f = GalleryFilter(sort=sort)
    with store.reading() as session:
        total = gallery.count_media(session, f)
        assert total == TOTAL
        everything = [i.media_id for i in gallery.gallery_page(session, f, 0, total).items]
        by_keyset, after = [], None
        for start in range(0, total, 3):
            page = gallery.gallery_page(session, f, start, 3, after=after)
            assert [i.media_id for i in page.items] == everything[start:start + 3]
            by_keyset += [i.media_id for i in page.items]
            after = page.last_key
    assert by_keyset == everything and len(set(everything)) == total
    if sort == "size":
        with store.reading() as session:
            sizes = [i.size for i in gallery.gallery_page(session, f, 0, total).items]
        assert sizes == sorted(sizes, reverse=True)


def test_exif_camera_gps_text_and_type_filters(store):
    assert count(store, GalleryFilter(camera="nikon")) == 1 + len(GPS)  # D70, and the COOLPIX
    assert count(store, GalleryFilter(camera="canon")) == 1
    assert set(ids_of(store, GalleryFilter(has_gps=True))) == {media_named(store, n) for n in GPS}
    assert count(store, GalleryFilter(text="gen_")) == GENERATED
    assert count(store, GalleryFilter(path="/phone/")) == len(GPS)
    pentax = media_named(store, "Pentax_K10D.jpg")
    with store.reading() as session:
        md5 = session.get(Media, pentax).md5
    assert ids_of(store, GalleryFilter(text=md5[:10].upper())) == [pentax]
    assert count(store, GalleryFilter(media_type="video")) == 0
    assert count(store, GalleryFilter(media_type="image")) == TOTAL
    combined = GalleryFilter(camera="nikon", has_gps=True, text="DSCN0010")
    assert ids_of(store, combined) == [media_named(store, "DSCN0010.jpg")]


def test_deleted_and_date_filters(store):
    gen0, gen1 = media_named(store, "gen_0.jpg"), media_named(store, "gen_1.jpg")
    with store.session() as session:
        session.execute(update(File).where(File.media_id == gen0).values(deleted=True))
        session.execute(update(File).values(mtime=datetime(2020, 5, 1, 12)))
        session.execute(update(File).where(File.media_id == gen1)
                        .values(mtime=datetime(2021, 1, 31, 23, 59)))
    assert ids_of(store, GalleryFilter(deleted="deleted")) == [gen0]
    assert count(store, GalleryFilter(deleted="not-deleted")) == TOTAL - 1
    in_january = GalleryFilter(date_from=date(2021, 1, 1), date_to=date(2021, 1, 31))
    assert ids_of(store, in_january) == [gen1]  # the end day counts whole
    assert count(store, GalleryFilter(date_to=date(2020, 12, 31))) == TOTAL - 1
    with store.reading() as session:
        assert gallery.items_by_id(session, [gen0])[gen0].deleted


def test_stacks_categories_conflicts_and_known_good(store):
    ids = ids_of(store, GalleryFilter())
    stack = ids[:3]
    with store.session() as session:
        session.execute(update(Media).where(Media.id.in_(stack))
                        .values(stack_id=stack[0], stack_representative=False))
        session.execute(update(Media).where(Media.id == stack[0])
                        .values(stack_representative=True))
        session.add(HashSetVerdict(media_id=ids[3], sets=1, alert=False, known_good=True,
                                   conflicting=False, category=None))
        session.add(HashSetVerdict(media_id=ids[4], sets=2, alert=True, known_good=True,
                                   conflicting=True, category=None))
        session.add(HashSetVerdict(media_id=ids[5], sets=1, alert=True, known_good=False,
                                   conflicting=False, category="vics-us:1"))
    assert count(store, GalleryFilter(stacks=False)) == TOTAL - 1  # known-good hidden
    assert ids_of(store, GalleryFilter(min_stack_size=2)) == [stack[0]]
    assert ids_of(store, GalleryFilter(stacks=False, min_stack_size=3)) == stack
    with store.reading() as session:
        first = gallery.gallery_page(session, GalleryFilter(sort="stack"), 0, 1).items[0]
    assert first.media_id == stack[0] and first.stack_size == 3
    assert ids_of(store, GalleryFilter(hash_hits="known-good")) == [ids[3], ids[4]]
    assert ids_of(store, GalleryFilter(show_known_good=True, hash_hits="alert")) == ids[4:6]

    History(store, "alice").run(TagMedia([ids[6]], "vics-us", "0"))
    assert ids_of(store, GalleryFilter(categories=("0",))) == [ids[6]]
    assert ids_of(store, GalleryFilter(categories=(CONFLICTING,))) == [ids[4]]
    needs_a_person = ids_of(store, GalleryFilter(categories=(UNCATEGORISED,)))
    assert ids[5] not in needs_a_person and ids[6] not in needs_a_person  # pre-categorised
    assert ids[4] in needs_a_person and stack[0] in needs_a_person
    assert len(needs_a_person) == TOTAL - 2 - 1 - 2  # stacked, known-good, categorised


def test_detail_has_instances_exif_stack_and_tag_history(store):
    media = media_named(store, "DSCN0010.jpg")
    History(store, "alice").run(TagMedia([media], "vics-us", "0"))
    History(store, "bob").run(TagMedia([media], "vics-us", "4"))
    with store.reading() as session:
        detail = gallery.media_detail(session, media)
        assert gallery.media_detail(session, 10**9) is None
    assert detail.item.category == "4"
    assert detail.exif["gps_latitude"] and detail.exif["camera_make"] == "NIKON"
    assert [i.path for i in detail.instances] == ["/phone/DSCN0010.jpg"]
    assert [(h.examiner, h.action, h.after) for h in detail.history] == [
        ("alice", "tag.set", "vics-us 0"), ("bob", "tag.set", "vics-us 4")]
    assert [m.media_id for m in detail.stack] == [media]
    assert [t.source for t in detail.tags] == ["examiner"]


def test_bad_filter_values_are_refused():
    with pytest.raises(ValueError, match="sort"):
        GalleryFilter(sort="colour")
    assert replace(GalleryFilter(), text="x").text == "x"


def test_in_stack_view_a_stack_matches_when_any_member_does(store):
    """The tile is the representative's, but content filters look at every member."""
    nikon, canon = media_named(store, "Nikon_D70.jpg"), media_named(store, "Canon_40D.jpg")
    gps = media_named(store, "DSCN0010.jpg")
    with store.session() as session:  # the GPS photo stacked under the Nikon one
        session.execute(update(Media).where(Media.id.in_([nikon, gps]))
                        .values(stack_id=nikon, stack_representative=False))
        session.execute(update(Media).where(Media.id == nikon)
                        .values(stack_representative=True))
    assert ids_of(store, GalleryFilter(has_gps=True)) == sorted([nikon, media_named(
        store, "DSCN0012.jpg")])
    assert ids_of(store, GalleryFilter(text="DSCN0010")) == [nikon]
    assert ids_of(store, GalleryFilter(stacks=False, text="DSCN0010")) == [gps]
    assert ids_of(store, GalleryFilter(camera="canon")) == [canon]
    assert count(store, GalleryFilter()) == TOTAL - 1


def test_order_found_is_evidence_partition_then_path_not_the_order_hashed(store):
    with store.session() as session:  # as if hashing had finished in another order
        session.execute(update(Media).values(found_order=None))
    f = GalleryFilter(stacks=False, sort="found", show_known_good=True)
    assert ids_of(store, f) == sorted(ids_of(store, f))  # unranked: in id order
    with store.session() as session:
        assert gallery.rank_found_order(session) == TOTAL
    with store.reading() as session:
        paths = [i.path for i in gallery.gallery_page(session, f, 0, 100).items]
    assert len(paths) == TOTAL and paths == sorted(paths)
    with store.session() as session:
        assert gallery.rank_found_order(session) == 0  # nothing moved: nothing written


def _score(store, relevance_by_name: dict[str, list[float]]) -> None:
    """Classifier results as ingest stores them: each (plugin) score a result row."""
    from triage.case.models import PluginResult, PluginRun

    with store.session() as session:
        run = PluginRun(plugin="scorer", version="1", context="run", examiner="t",
                        started_at=datetime(2026, 1, 1), items=0, flagged=0)
        session.add(run)
        session.flush()
        for name, scores in relevance_by_name.items():
            for index, score in enumerate(scores):
                session.add(PluginResult(media_id=media_named(store, name), plugin=f"p{index}",
                                         version="1", model_sha256="", run_id=run.id,
                                         at=datetime(2026, 1, 1), scores={"x": score},
                                         relevance=score))


def test_most_likely_relevant_first_orders_filters_and_a_stack_takes_its_highest_member(store):
    canon, nikon = media_named(store, "Canon_40D.jpg"), media_named(store, "Nikon_D70.jpg")
    gps, pentax = media_named(store, "DSCN0010.jpg"), media_named(store, "Pentax_K10D.jpg")
    # two classifiers: a content's relevance is the higher of its scores
    _score(store, {"Canon_40D.jpg": [0.2, 0.6], "Nikon_D70.jpg": [0.3], "DSCN0010.jpg": [0.9],
                   "Pentax_K10D.jpg": [0.05]})
    f = GalleryFilter(sort="relevance", stacks=False)
    ordered = ids_of(store, f)
    assert ordered[:4] == [gps, canon, nikon, pentax] and len(ordered) == TOTAL  # unscored last
    assert ids_of(store, replace(f, min_relevance=0.5)) == [gps, canon]
    with store.session() as session:  # the 0.9 GPS photo stacked under the 0.3 Nikon one
        session.execute(update(Media).where(Media.id.in_([nikon, gps]))
                        .values(stack_id=nikon, stack_representative=False))
        session.execute(update(Media).where(Media.id == nikon)
                        .values(stack_representative=True))
    stacked = GalleryFilter(sort="relevance")
    assert ids_of(store, stacked)[:3] == [nikon, canon, pentax]
    assert ids_of(store, replace(stacked, min_relevance=0.5)) == [nikon, canon]
    with store.reading() as session:
        tiles = gallery.items_by_id(session, [nikon, canon, media_named(store, "gen_0.jpg")])
        total = gallery.count_media(session, stacked)
        by_keyset, after = [], None
        for start in range(0, total, 2):
            page = gallery.gallery_page(session, stacked, start, 2, after=after)
            by_keyset += [i.media_id for i in page.items]
            after = page.last_key
    assert by_keyset == ids_of(store, stacked)
    assert (tiles[nikon].relevance, tiles[nikon].stack_relevance) == (0.3, 0.9)
    assert (tiles[canon].relevance, tiles[canon].stack_relevance) == (0.6, 0.6)
    assert tiles[media_named(store, "gen_0.jpg")].relevance is None
