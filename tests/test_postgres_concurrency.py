"""Several examiners on one PostgreSQL case: no lost or doubled tags, one audit chain,
refused (not overwritten) conflicting edits, and each sees the others' changes."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from triage.case.audit import append_audit, verify_chain
from triage.case.changes import ChangeFeed, changes_since, latest_change
from triage.case.models import AuditEntry, Media, Tag
from triage.case.store import DATABASE_URL_ENV, open_case
from triage.review.commands import History, TagMedia, UntagMedia
from triage.review.tag_queries import tag_versions
from triage.review.tags import ConflictError, EXAMINER, tags_of

pytestmark = pytest.mark.postgres
MEDIA = 40


@pytest.fixture(autouse=True)
def _no_url_in_environment(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


def _add_media(store, count: int = MEDIA) -> list[int]:
    with store.session() as session:
        rows = [Media(sha256=f"{i:064x}", sha1=f"{i:040x}", md5=f"{i:032x}", size=i)
                for i in range(1, count + 1)]
        session.add_all(rows)
        session.flush()
        return [m.id for m in rows]


@pytest.fixture
def shared(tmp_path, postgres_url):
    """(url, media ids): a shared case with media and nothing tagged."""
    store = open_case(tmp_path / "first", create=True, examiner="setup",
                      database_url=postgres_url)
    ids = _add_media(store)
    store.close()
    return postgres_url, ids


def _examiner(tmp_path, url, name):
    return open_case(tmp_path / name, create=True, examiner=name, database_url=url)


def test_concurrent_examiners_lose_and_double_nothing_and_keep_one_chain(tmp_path, shared):
    url, ids = shared
    names = [f"examiner-{n}" for n in range(4)]
    stores = {name: _examiner(tmp_path, url, name) for name in names}
    refused: list[str] = []
    start = threading.Barrier(len(names))

    def work(name: str) -> None:
        history = History(stores[name], name)
        start.wait()
        for media_id in ids:  # every examiner tags every item: the same rows, at once
            try:
                history.run(TagMedia([media_id], "vics-us", 1 + names.index(name) % 3))
            except ConflictError:
                refused.append(name)

    threads = [threading.Thread(target=work, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = stores[names[0]]
    with store.reading() as session:
        assert verify_chain(session) is None
        tags = session.scalars(select(Tag)).all()
        assert sorted(t.media_id for t in tags) == sorted(ids)  # one tag each: none doubled
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "tag.set")
                                  .order_by(AuditEntry.id)).all()
        ids_in_log = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
        assert ids_in_log == list(range(1, len(ids_in_log) + 1))
    # nothing lost: each row is the last audited write to it, version = writes to it
    last = {}
    writes = {}
    for entry in audited:
        media_id = int(entry.target.split(":")[1])
        last[media_id] = entry.after
        writes[media_id] = writes.get(media_id, 0) + 1
    for tag in tags:
        assert (tag.category, tag.examiner) == (last[tag.media_id]["category"],
                                                last[tag.media_id]["examiner"])
        assert tag.version == writes[tag.media_id]
    assert refused == []  # each command read the row under the lock: nothing stale to refuse
    for s in stores.values():
        s.close()


def test_a_stale_undo_is_refused_and_the_other_examiners_tag_stays(tmp_path, shared):
    url, ids = shared
    a, b = _examiner(tmp_path, url, "a"), _examiner(tmp_path, url, "b")
    history_a, history_b = History(a, "a"), History(b, "b")
    history_a.run(TagMedia([ids[0]], "vics-us", 1))
    history_b.run(TagMedia([ids[0]], "vics-us", 2))  # b re-tags what a tagged
    with pytest.raises(ConflictError, match="was tagged by b"):
        history_a.undo()  # would silently remove b's verdict
    history_b.run(UntagMedia([ids[1]]))  # nothing there: skipped, nothing refused
    with a.reading() as session:
        tag = tags_of(session, [ids[0]], EXAMINER)[ids[0]]
        assert (tag.category, tag.examiner, tag.version) == ("2", "b", 2)
        assert verify_chain(session) is None
    assert history_a.can_undo  # the refused undo is still there to retry or drop
    a.close()
    b.close()


def test_the_audit_chain_stays_one_chain_under_concurrent_writers(tmp_path, shared):
    url, _ = shared
    stores = [_examiner(tmp_path, url, f"w{n}") for n in range(4)]
    start = threading.Barrier(len(stores))

    def write(store, n):
        start.wait()
        for i in range(25):
            with store.session() as session:
                append_audit(session, f"w{n}", "test.write", target=f"{n}:{i}")

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with stores[0].reading() as session:
        assert verify_chain(session) is None
        assert session.scalar(select(func.count()).where(
            AuditEntry.action == "test.write")) == 100
    for s in stores:
        s.close()


def test_a_tag_made_by_one_examiner_reaches_the_others_feed(tmp_path, shared):
    url, ids = shared
    a, b = _examiner(tmp_path, url, "a"), _examiner(tmp_path, url, "b")
    feed = ChangeFeed(a)
    assert feed.poll() == []

    def tag_later():
        time.sleep(0.3)
        History(b, "b").run(TagMedia(ids[:3], "vics-us", 1))

    tagger = threading.Thread(target=tag_later)
    tagger.start()
    seen = []
    deadline = time.monotonic() + 30  # a bound for a stuck feed, not a speed check
    while len(seen) < 3 and time.monotonic() < deadline:
        seen += feed.wait(timeout=10)
    tagger.join()
    assert [c.media_id for c in seen] == ids[:3]
    assert {c.examiner for c in seen} == {"b"} and {c.action for c in seen} == {"tag.set"}
    assert feed.poll() == []  # each change is shown once
    assert changes_since(a, 0)[0].action == "case.create"
    assert latest_change(a) == seen[-1].id
    feed.close()
    a.close()
    b.close()


def test_the_feed_works_the_same_on_sqlite(tmp_path):
    a = open_case(tmp_path / "case", create=True, examiner="a")
    ids = _add_media(a, 3)
    b = open_case(tmp_path / "case", examiner="b")  # another window on the same machine
    feed = ChangeFeed(a)
    History(b, "b").run(TagMedia(ids[:1], "vics-us", 2))
    changes = feed.wait(timeout=10)
    assert [(c.media_id, c.examiner) for c in changes] == [(ids[0], "b")]
    assert feed.wait(timeout=0) == []
    a.close()
    b.close()


def test_a_tag_on_what_was_shown_is_refused_when_someone_retagged_it_since(tmp_path, shared):
    url, ids = shared
    a, b = _examiner(tmp_path, url, "a"), _examiner(tmp_path, url, "b")
    with a.reading() as session:
        shown = tag_versions(session, ids[:2])  # what a's gallery shows: both untagged
    assert shown == {ids[0]: None, ids[1]: None}
    History(b, "b").run(TagMedia([ids[0]], "vics-us", 2))
    history_a = History(a, "a")
    with pytest.raises(ConflictError, match=r"was tagged 2 by b since it was shown"):
        history_a.run(TagMedia(ids[:2], "vics-us", 1, seen=shown))
    with pytest.raises(ConflictError):
        history_a.run(UntagMedia(ids[:1], seen=shown))
    with a.reading() as session:
        tags = tags_of(session, ids[:2], EXAMINER)
        assert list(tags) == [ids[0]] and tags[ids[0]].examiner == "b"  # all or nothing
        shown = tag_versions(session, ids[:2])
    assert not history_a.can_undo
    history_a.run(TagMedia(ids[:2], "vics-us", 1, seen=shown))  # shown afresh: accepted
    with a.reading() as session:
        assert {t.category for t in tags_of(session, ids[:2], EXAMINER).values()} == {"1"}
    a.close()
    b.close()


def test_the_feed_carries_on_when_its_listening_connection_is_dropped(tmp_path, shared):
    import psycopg

    url, ids = shared
    a, b = _examiner(tmp_path, url, "a"), _examiner(tmp_path, url, "b")
    feed = ChangeFeed(a)
    assert feed.wait(timeout=0) == []  # listening now
    with psycopg.connect(url, autocommit=True) as admin:  # a network blip, a server restart
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE application_name = 'triage changes'")
    History(b, "b").run(TagMedia(ids[:1], "vics-us", 1))
    seen = []
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        seen = feed.wait(timeout=5)
    assert [c.media_id for c in seen] == ids[:1]
    History(b, "b").run(TagMedia(ids[1:2], "vics-us", 1))
    seen = []
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        seen = feed.wait(timeout=5)
    assert [c.media_id for c in seen] == ids[1:2]
    feed.close()
    a.close()
    b.close()
