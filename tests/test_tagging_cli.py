"""`triage tag / untag / tags / working-scheme`: scripted tagging through the command line."""

from __future__ import annotations

from sqlalchemy import select

from tagcases import built_case, case_dir  # noqa: F401 (fixtures)
from triage.case.models import AuditEntry, Media, Tag
from triage.case.store import open_case
from triage.cli import main


def _digests(case_dir):
    store = open_case(case_dir)
    with store.session() as session:
        rows = session.execute(select(Media.md5, Media.sha1).where(
            Media.detected_type == "image/jpeg").order_by(Media.id)).all()
    store.close()
    return rows


def _tags(case_dir):
    store = open_case(case_dir)
    with store.session() as session:
        tags = {(t.media.md5, t.scheme, t.category, t.state.value, t.examiner, t.note)
                for t in session.scalars(select(Tag))}
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    store.close()
    return tags, actions


def test_tag_untag_and_working_scheme_from_the_command_line(case_dir, capsys, monkeypatch):
    monkeypatch.setenv("TRIAGE_EXAMINER", "carol")
    (md5_a, _), (md5_b, sha1_b), *_ = _digests(case_dir)
    assert main(["tag", str(case_dir), "--md5", md5_a.upper(), "--sha1", sha1_b,
                 "--scheme", "uk", "--category", "c", "--note", "test label"]) == 0
    assert "2 changed" in capsys.readouterr().out
    assert main(["tag", str(case_dir), "--md5", md5_a, "--scheme", "uk-2014",
                 "--category", "C", "--note", "test label"]) == 0
    assert "1 already so" in capsys.readouterr().out
    tags, _ = _tags(case_dir)
    assert tags == {(md5_a, "uk-2014", "C", "review", "carol", "test label"),
                    (md5_b, "uk-2014", "C", "review", "carol", "test label")}

    assert main(["working-scheme", str(case_dir), "uk-2014"]) == 0
    assert "C 2" in capsys.readouterr().out
    assert main(["working-scheme", str(case_dir)]) == 0
    assert capsys.readouterr().out.strip() == "uk-2014"

    assert main(["untag", str(case_dir), "--md5", md5_b, "--examiner", "dave"]) == 1
    assert "by carol" in capsys.readouterr().err  # another examiner's verdict stays
    assert main(["untag", str(case_dir), "--md5", md5_b, "--examiner", "dave",
                 "--if-category", "C"]) == 0
    assert main(["tags", str(case_dir), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[2].startswith(md5_a)
    tags, actions = _tags(case_dir)
    assert {t[0] for t in tags} == {md5_a}
    assert actions[-4:] == ["tag.set", "tag.set", "case.working_scheme", "tag.remove"]


def test_tag_errors_are_one_line_and_change_nothing(case_dir, capsys):
    (md5_a, _), *_ = _digests(case_dir)
    cases = [
        (["--md5", "0" * 32, "--scheme", "vics-us", "--category", "1"], "not in this case"),
        (["--md5", "xyz", "--scheme", "vics-us", "--category", "1"], "not a MD5"),
        (["--md5", md5_a, "--scheme", "vics-us", "--category", "9"], "no category '9'"),
        (["--md5", md5_a, "--scheme", "nope", "--category", "1"], "no scheme 'nope'"),
        (["--md5", md5_a, "--scheme", "vics-us", "--category", "1", "--attribute", "age"],
         "NAME=VALUE"),
        (["--scheme", "vics-us", "--category", "1"], "at least one"),
    ]
    for extra, message in cases:
        assert main(["tag", str(case_dir), *extra]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1
    assert main(["working-scheme", str(case_dir), "klingon"]) == 2
    assert _tags(case_dir)[0] == set()


def test_the_command_line_never_silently_replaces_another_examiners_verdict(
        case_dir, capsys, monkeypatch):
    (md5_a, _), (md5_b, _), *_ = _digests(case_dir)
    tag = ["tag", str(case_dir), "--md5", md5_a, "--scheme", "vics-us"]
    assert main([*tag, "--category", "1", "--examiner", "carol"]) == 0
    capsys.readouterr()

    assert main([*tag, "--category", "2", "--examiner", "dave"]) == 1  # refused by default
    error = capsys.readouterr().err
    assert "refused" in error and "vics-us 1 by carol" in error and "--if-category 1" in error
    assert main([*tag, "--category", "1", "--examiner", "dave"]) == 0  # the same verdict: fine
    assert main([*tag, "--category", "2", "--examiner", "dave", "--if-category", "3"]) == 1
    assert main([*tag, "--category", "2", "--examiner", "dave", "--if-untagged"]) == 1
    both = ["tag", str(case_dir), "--md5", md5_a, md5_b, "--scheme", "vics-us"]
    assert main([*both, "--category", "2", "--examiner", "dave", "--if-untagged"]) == 1
    capsys.readouterr()
    tags, _ = _tags(case_dir)
    assert {(t[0], t[2], t[4]) for t in tags} == {(md5_a, "1", "carol")}  # nothing changed

    assert main([*tag, "--category", "2", "--examiner", "dave", "--if-category", "1"]) == 0
    assert main([*tag, "--category", "3", "--examiner", "erin", "--overwrite"]) == 0
    tags, actions = _tags(case_dir)
    assert {(t[0], t[2], t[4]) for t in tags} == {(md5_a, "3", "erin")}
    assert actions[-3:] == ["tag.set", "tag.set", "tag.set"]


def test_a_tag_changed_while_the_command_runs_is_refused(case_dir, capsys, monkeypatch):
    """The versions read when the command starts are checked again when it writes."""
    import triage.cli.tag as cli_tag
    from triage.review.commands import History, TagMedia

    (md5_a, _), *_ = _digests(case_dir)
    guard = cli_tag._guard

    def someone_tags_in_between(session, args, media, *rest):
        seen = guard(session, args, media, *rest)
        store = open_case(case_dir)
        History(store, "carol").run(TagMedia(media, "vics-us", "1"))
        store.close()
        return seen

    monkeypatch.setattr(cli_tag, "_guard", someone_tags_in_between)
    assert main(["tag", str(case_dir), "--md5", md5_a, "--scheme", "vics-us", "--category",
                 "2", "--examiner", "dave"]) == 1
    assert "tagged 1 by carol since" in capsys.readouterr().err
    tags, _ = _tags(case_dir)
    assert {(t[0], t[2], t[4]) for t in tags} == {(md5_a, "1", "carol")}
