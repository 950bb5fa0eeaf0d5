"""Tags: giving, changing and removing them, the audit trail, undo/redo, conflicts,
and the working scheme. Categories here are labels on generated flat-colour pictures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tagcases import built_case, case_dir, picture_ids  # noqa: F401 (fixtures)
from triage.case.audit import verify_chain
from triage.case.models import AuditEntry, Tag, TagSourceKind, TagState
from triage.case.store import open_case
from triage.review.commands import History, SetWorkingScheme, TagMedia, UntagMedia
from triage.review.tag_queries import counts, review_queue
from triage.review.tags import ConflictError, EXAMINER, TagError, TagSource, working_scheme


@pytest.fixture
def store(case_dir):
    store = open_case(case_dir)
    yield store
    store.close()


def _tags(store, source=EXAMINER) -> dict[int, Tag]:
    with store.session() as session:
        return {t.media_id: t for t in session.scalars(
            select(Tag).where(Tag.source_kind == source.kind, Tag.source_name == source.name))}


def _audit(store, since: int = 0) -> list[AuditEntry]:
    with store.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.id > since)
                                    .order_by(AuditEntry.id)))


def _last_audit_id(store) -> int:
    return _audit(store)[-1].id


def test_tagging_several_items_tags_each_and_audits_each(store):
    ids = picture_ids(store)[:3]
    start = _last_audit_id(store)
    History(store, "alice").run(TagMedia(ids, "vics-us", 2, note="posed, benign test label"))
    tags = _tags(store)
    assert sorted(tags) == ids
    for tag in tags.values():
        assert (tag.scheme, tag.category, tag.examiner) == ("vics-us", "2", "alice")
        assert tag.state is TagState.CURRENT and tag.working_category == "2"
        assert tag.note == "posed, benign test label" and tag.version == 1
    entries = _audit(store, start)
    assert [e.action for e in entries] == ["tag.set"] * 3
    assert [e.target for e in entries] == [f"media:{i}" for i in ids]
    assert all(e.before is None and e.after["category"] == "2" and e.after["md5"]
               for e in entries)
    with store.session() as session:
        assert verify_chain(session) is None


def test_changing_a_tag_audits_before_and_after_and_bumps_version(store):
    media = picture_ids(store)[0]
    history = History(store, "alice")
    history.run(TagMedia([media], "vics-us", "2"))
    start = _last_audit_id(store)
    history.run(TagMedia([media], "VICS-US", "1"))  # scheme by alias, any case
    [entry] = _audit(store, start)
    assert entry.action == "tag.set"
    assert entry.before["category"] == "2" and entry.after["category"] == "1"
    assert _tags(store)[media].version == 2


def test_tagging_again_with_the_same_category_changes_nothing(store):
    media = picture_ids(store)[0]
    history = History(store, "alice")
    history.run(TagMedia([media], "vics-us", "1"))
    start = _last_audit_id(store)
    receipt = History(store, "bob").run(TagMedia([media], "vics-us", "1"))
    assert receipt == [] and _audit(store, start) == []
    assert _tags(store)[media].examiner == "alice"


def test_undo_and_redo_restore_each_state_and_are_audited(store):
    ids = picture_ids(store)[:2]
    history = History(store, "alice")
    history.run(TagMedia(ids, "vics-us", "2"))
    history.run(TagMedia(ids[:1], "vics-us", "1"))
    history.run(UntagMedia(ids[1:]))
    assert set(_tags(store)) == {ids[0]}
    assert history.undo_label == "remove the tag of 1 item"

    history.undo()
    assert {m: t.category for m, t in _tags(store).items()} == {ids[0]: "1", ids[1]: "2"}
    history.undo()
    assert {m: t.category for m, t in _tags(store).items()} == {ids[0]: "2", ids[1]: "2"}
    history.undo()
    assert _tags(store) == {} and not history.can_undo
    assert history.undo() is None

    history.redo()
    history.redo()
    assert {m: t.category for m, t in _tags(store).items()} == {ids[0]: "1", ids[1]: "2"}
    assert history.can_redo
    history.run(TagMedia(ids[1:], "vics-us", "3"))  # a new change drops what could be redone
    assert not history.can_redo

    actions = [e.action for e in _audit(store) if e.action.startswith("tag.")]
    assert actions == ["tag.set", "tag.set", "tag.set", "tag.remove", "tag.undo", "tag.undo",
                       "tag.undo", "tag.undo", "tag.redo", "tag.redo", "tag.redo", "tag.set"]
    with store.session() as session:
        assert verify_chain(session) is None


def test_undo_keeps_the_original_examiner_and_time_of_the_restored_tag(store):
    media = picture_ids(store)[0]
    History(store, "alice").run(TagMedia([media], "vics-us", "2"))
    original = _tags(store)[media]
    history = History(store, "bob")
    history.run(TagMedia([media], "vics-us", "1"))
    history.undo()
    restored = _tags(store)[media]
    assert (restored.examiner, restored.at, restored.category) == ("alice", original.at, "2")
    assert _audit(store)[-1].examiner == "bob"


def test_undo_is_refused_when_someone_else_changed_the_tag_since(store):
    media = picture_ids(store)[0]
    alice = History(store, "alice")
    alice.run(TagMedia([media], "vics-us", "2"))
    History(store, "bob").run(TagMedia([media], "vics-us", "3"))
    start = _last_audit_id(store)
    with pytest.raises(ConflictError, match="bob"):
        alice.undo()
    assert _tags(store)[media].category == "3"
    assert _audit(store, start) == []
    assert alice.can_undo and not alice.can_redo  # the refused undo is still there


def test_a_command_prepared_on_stale_rows_is_refused_as_a_whole(store):
    ids = picture_ids(store)[:2]
    History(store, "alice").run(TagMedia(ids, "vics-us", "2"))
    from triage.review.tags import TagChange, apply_changes, snapshot

    with store.session() as session:
        rows = {t.media_id: snapshot(t) for t in session.scalars(select(Tag))}
    History(store, "bob").run(TagMedia(ids[1:], "vics-us", "1"))
    changes = [TagChange(m, EXAMINER, rows[m], None) for m in ids]
    with pytest.raises(ConflictError), store.session() as session:
        apply_changes(session, changes, examiner="alice", action="tag.remove")
    assert {m: t.category for m, t in _tags(store).items()} == {ids[0]: "2", ids[1]: "1"}


@pytest.mark.parametrize("scheme, category, attributes, message", [
    ("no-such-scheme", "1", None, "no scheme"),
    ("vics-us", "9", None, "no category '9'"),
    ("vics-us", "1", {"colour": "red"}, "unknown attribute"),
    ("vics-us", "1", {"pertinence": "comparison"}, "contradict"),
])
def test_a_wrong_tag_is_refused_before_anything_is_written(store, scheme, category, attributes,
                                                          message):
    start = _last_audit_id(store)
    with pytest.raises(TagError, match=message):
        TagMedia(picture_ids(store)[:1], scheme, category, attributes)
    assert _audit(store, start) == []


def test_tagging_unknown_media_is_refused(store):
    with pytest.raises(TagError, match="no media with id 999"):
        History(store, "alice").run(TagMedia([999], "vics-us", "1"))
    assert _tags(store) == {}


def test_hash_set_and_plugin_tags_are_kept_apart_from_the_examiner_verdict(store):
    media = picture_ids(store)[0]
    history = History(store, "alice")
    history.run(TagMedia([media], "vics-us", "1", source=TagSource.hash_set("Test Set")))
    history.run(TagMedia([media], "vics-us", "0",
                         source=TagSource.plugin("flat-colour", "1.2")))
    history.run(TagMedia([media], "vics-us", "2"))
    with store.session() as session:
        kinds = {(t.source_kind, t.source_name, t.category)
                 for t in session.scalars(select(Tag).where(Tag.media_id == media))}
        assert counts(session) == {"2": 1}
        assert counts(session, TagSource.hash_set("Test Set")) == {"1": 1}
    assert kinds == {(TagSourceKind.EXAMINER, "", "2"), (TagSourceKind.HASH_SET, "Test Set", "1"),
                     (TagSourceKind.PLUGIN, "flat-colour@1.2", "0")}
    assert TagSource.parse("plugin flat-colour@1.2") == TagSource.plugin("flat-colour", "1.2")
    assert str(TagSource.parse("hash set Test Set")) == "hash set Test Set"


def test_switching_the_working_scheme_translates_reviews_and_keeps_foreign_tags(store):
    a, b, c, d, e = picture_ids(store)[:5]
    history = History(store, "alice")
    history.run(TagMedia([a], "sap-2002", "4"))                       # exact: A
    history.run(TagMedia([b], "vics-us", "1"))                        # ambiguous: A/B/C
    history.run(TagMedia([c], "vics-us", "4"))                        # none (Comparison)
    history.run(TagMedia([d], "vics-us", "1", {"conduct": "penetrative"}))  # exact by attributes
    history.run(TagMedia([e], "vics-us", "1", source=TagSource.hash_set("Test Set")))
    with store.session() as session:
        assert working_scheme(session) == "vics-us"
    before = {m: t.state for m, t in _tags(store).items()}
    assert before[a] is TagState.REVIEW  # SAP level 4 is VICS US 1 or 3: a person decides

    start = _last_audit_id(store)
    history.run(SetWorkingScheme("uk-2014"))
    tags = _tags(store)
    assert (tags[a].state, tags[a].working_category) == (TagState.CURRENT, "A")
    assert "exact translation of sap-2002 4" in tags[a].reason
    assert (tags[b].state, tags[b].candidates) == (TagState.REVIEW, ["A", "B", "C"])
    assert "a person decides" in tags[b].reason
    assert tags[c].state is TagState.FOREIGN and "no counterpart in uk-2014" in tags[c].reason
    assert (tags[d].state, tags[d].working_category) == (TagState.CURRENT, "A")
    # nothing the examiner said is rewritten
    assert [(tags[m].scheme, tags[m].category) for m in (a, b, c, d)] == [
        ("sap-2002", "4"), ("vics-us", "1"), ("vics-us", "4"), ("vics-us", "1")]
    hash_set_tag = _tags(store, TagSource.hash_set("Test Set"))[e]
    assert hash_set_tag.state is TagState.REVIEW  # other sources are placed too, kept apart

    with store.session() as session:
        assert working_scheme(session) == "uk-2014"
        assert [t.media_id for t in review_queue(session)] == [b]
        assert counts(session) == {"A": 2, "review": 1, "foreign": 1}
    [entry] = _audit(store, start)
    assert (entry.action, entry.before, entry.after["working_scheme"]) == (
        "case.working_scheme", {"working_scheme": "vics-us"}, "uk-2014")
    assert entry.after["examiner_tags"] == {"current": 2, "review": 1, "foreign": 1}

    # the examiner resolves the review item in the working scheme
    history.run(TagMedia([b], "uk-2014", "B"))
    with store.session() as session:
        assert review_queue(session) == []

    history.undo()   # the resolution
    history.undo()   # the switch
    tags = _tags(store)
    with store.session() as session:
        assert working_scheme(session) == "vics-us"
    assert {m: (t.state, t.working_category) for m, t in tags.items()} == {
        a: (TagState.REVIEW, None), b: (TagState.CURRENT, "1"), c: (TagState.CURRENT, "4"),
        d: (TagState.CURRENT, "1")}
    history.redo()
    assert _tags(store)[a].working_category == "A"


def test_switching_is_refused_for_an_unknown_scheme(store):
    with pytest.raises(TagError, match="no scheme"):
        SetWorkingScheme("klingon")


def test_undoing_a_switch_someone_else_changed_since_is_refused(store):
    alice = History(store, "alice")
    alice.run(SetWorkingScheme("uk-2014"))
    History(store, "bob").run(SetWorkingScheme("sap-2002"))
    with pytest.raises(ConflictError, match="sap-2002"):
        alice.undo()
    with store.session() as session:
        assert working_scheme(session) == "sap-2002"
