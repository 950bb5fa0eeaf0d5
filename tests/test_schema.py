"""Classification schemes as data, the pivot attributes, and translation between schemes."""

from __future__ import annotations

import ast
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from triage.schema import (
    LANGUAGES,
    SchemeError,
    TranslationError,
    builtin_scheme_dir,
    load_schemes,
    user_scheme_dir,
)
from triage.schema.translate import verdict

BUILTIN_IDS = {"vics-us", "dhs-legacy", "uk-2014", "sap-2002", "copine", "interpol-baseline"}
PIVOT = ("age", "depiction", "conduct", "adult_participant", "sadism", "bestiality", "setting",
         "pertinence")


@pytest.fixture(autouse=True)
def _no_home_schemes(tmp_path_factory, monkeypatch):
    """Never read the developer's own scheme folder."""
    monkeypatch.setenv("TRIAGE_SCHEME_DIR", str(tmp_path_factory.mktemp("no-user-schemes")))


@pytest.fixture(scope="module")
def reg():
    return load_schemes(include_user=False)


def cell(reg, source, code, target):
    t = reg.translate(source, code, target)
    return t.result, set(t.targets), t.outside


# --- the built-in files -------------------------------------------------------------------


def test_builtin_schemes_load_without_errors(reg):
    assert set(reg.ids) == BUILTIN_IDS
    assert reg.errors == []
    assert builtin_scheme_dir() == Path(__file__).resolve().parents[1] / "resources" / "schemes"


def test_every_scheme_has_the_required_fields(reg):
    for scheme in reg:
        assert scheme.name and scheme.version and scheme.source, scheme.id
        hotkeys = [c.hotkey for c in scheme.categories]
        assert len(set(hotkeys)) == len(hotkeys), scheme.id
        for c in scheme.categories:
            assert re.fullmatch(r"#[0-9a-f]{6}", c.colour), (scheme.id, c.code)
            assert c.definition and len(c.definition) < 300, (scheme.id, c.code)
            assert set(LANGUAGES) <= set(c.labels), (scheme.id, c.code, set(c.labels))
            assert all(c.labels[lang].strip() for lang in LANGUAGES)


def test_scheme_codes_as_in_the_reference(reg):
    assert reg.get("vics-us").codes == ("0", "1", "2", "3", "4")
    assert reg.get("dhs-legacy").codes == ("1", "2", "3", "4", "5")
    assert reg.get("uk-2014").codes == ("A", "B", "C")
    assert reg.get("sap-2002").codes == ("1", "2", "3", "4", "5")
    assert reg.get("copine").codes == tuple(str(n) for n in range(1, 11))
    assert reg.get("interpol-baseline").codes == ("yes", "no")
    workflow = {(s.id, c.code) for s in reg for c in s.categories if c.workflow}
    assert workflow == {("vics-us", "0"), ("vics-us", "4"), ("dhs-legacy", "4"),
                        ("dhs-legacy", "5")}
    assert reg.category("vics-us", 0).label == "Non-Pertinent"
    assert reg.category("vics-us", 4).label == "Comparison Images"
    assert reg.category("copine", 10).label == "Sadistic / bestiality"
    assert reg.category("dhs-legacy", 1).label == "Child Exploitation (Illegal)"


def test_pivot_attributes_are_defined_once_each_with_undetermined(reg):
    assert reg.attributes.ids == PIVOT
    for attribute in reg.attributes:
        assert "undetermined" in attribute.value_ids
        assert set(LANGUAGES) <= set(attribute.labels)
        for value in attribute.values:
            assert set(LANGUAGES) <= set(value.labels), (attribute.id, value.id)
    assert reg.attributes["pertinence"].workflow
    assert {a.id for a in reg.attributes if a.group == "aggravating"} == {"sadism", "bestiality"}
    # Scheme files hold no attribute definitions of their own.
    for path in builtin_scheme_dir().glob("*.toml"):
        if not path.name.startswith("_"):
            assert "[[attribute" not in path.read_text(encoding="utf-8"), path


def test_lookup_by_alias_and_code_is_case_insensitive(reg):
    assert reg.get("UK").id == "uk-2014"
    assert reg.get("sap").id == "sap-2002"
    assert reg.get("Baseline").id == "interpol-baseline"
    assert reg.category("uk", "a").code == "A"
    assert reg.category("baseline", "Yes").code == "yes"
    with pytest.raises(KeyError, match="uk-2014"):
        reg.get("nowhere")
    with pytest.raises(KeyError, match="A, B, C"):
        reg.category("uk", "D")


# --- translation: the reference's examples ----------------------------------------------


def test_reference_examples(reg):
    assert cell(reg, "sap-2002", "4", "uk-2014") == ("exact", {"A"}, False)
    assert cell(reg, "uk-2014", "A", "vics-us") == ("ambiguous", {"1", "3"}, False)
    assert cell(reg, "copine", "10", "uk-2014") == ("exact", {"A"}, False)
    assert cell(reg, "vics-us", "4", "uk-2014")[:2] == ("none", set())


@pytest.mark.parametrize("level,category", [("1", "C"), ("2", "B"), ("3", "B"), ("4", "A"),
                                            ("5", "A")])
def test_sap_to_uk_correspondence(reg, level, category):
    t = reg.translate("sap-2002", level, "uk-2014")
    assert (t.result, t.targets, t.target) == ("exact", (category,), category)


def test_uk_back_to_sap_is_the_inverse_correspondence(reg):
    assert cell(reg, "uk-2014", "A", "sap-2002") == ("ambiguous", {"4", "5"}, False)
    assert cell(reg, "uk-2014", "B", "sap-2002") == ("ambiguous", {"2", "3"}, False)
    assert cell(reg, "uk-2014", "C", "sap-2002") == ("exact", {"1"}, False)


def test_more_cells(reg):
    # COPINE against the two England & Wales scales
    assert cell(reg, "copine", "9", "uk-2014") == ("exact", {"A"}, False)
    assert cell(reg, "copine", "8", "sap-2002") == ("exact", {"3"}, False)
    assert cell(reg, "copine", "7", "uk-2014") == ("ambiguous", {"A", "B"}, False)
    assert cell(reg, "copine", "6", "uk-2014") == ("exact", {"C"}, False)
    for level in ("1", "2", "3"):
        assert cell(reg, "copine", level, "uk-2014")[:2] == ("none", set())
    # Project VIC
    assert cell(reg, "vics-us", "1", "uk-2014") == ("ambiguous", {"A", "B", "C"}, False)
    assert cell(reg, "vics-us", "0", "uk-2014")[:2] == ("none", set())
    assert cell(reg, "copine", "10", "vics-us") == ("ambiguous", {"1", "3"}, False)
    assert cell(reg, "copine", "3", "vics-us") == ("exact", {"2"}, False)
    # SAP levels were derived from COPINE and cover the same pseudo-photographs
    assert cell(reg, "sap-2002", "5", "copine") == ("exact", {"10"}, False)
    assert cell(reg, "sap-2002", "2", "copine") == ("exact", {"7"}, False)
    assert cell(reg, "sap-2002", "4", "copine") == ("ambiguous", {"7", "9"}, False)
    assert cell(reg, "uk-2014", "C", "copine") == ("ambiguous", {"4", "5", "6"}, False)
    assert cell(reg, "interpol-baseline", "yes", "vics-us") == ("exact", {"1"}, False)
    assert cell(reg, "vics-us", "1", "interpol-baseline") == ("ambiguous", {"yes", "no"}, False)
    assert cell(reg, "vics-us", "4", "interpol-baseline")[:2] == ("none", set())
    # drawn material is outside the photograph-based scales
    drawn = reg.translate_attributes({"depiction": "drawn_animated"}, "copine",
                                     within=("vics-us", "3"))
    assert (drawn.result, drawn.targets) == ("none", ())
    result, targets, outside = cell(reg, "vics-us", "3", "uk-2014")
    assert (result, targets, outside) == ("ambiguous", {"A", "B", "C"}, True)


def test_legacy_dhs_and_vics_us_translate_one_to_one(reg):
    pairs = {"1": "1", "2": "2", "3": "3", "4": "4", "5": "0"}
    for dhs, us in pairs.items():
        assert cell(reg, "dhs-legacy", dhs, "vics-us") == ("exact", {us}, False)
        assert cell(reg, "vics-us", us, "dhs-legacy") == ("exact", {dhs}, False)


def test_verdict_rules():
    assert verdict(["A"], False) == "exact"
    assert verdict(["A"], True) == "ambiguous"      # A, or not representable
    assert verdict(["A", "B"], False) == "ambiguous"
    assert verdict([], True) == "none"


# --- translation: properties of the rules ------------------------------------------------


def _representative_points(reg):
    """One point per equivalence class of every rule of every scheme: as good as all points."""
    from triage.schema.translate import _value_classes
    boxes = [b for s in reg for c in s.categories for b in c.rule]
    classes = _value_classes(reg.attributes, boxes)
    return list(itertools.product(*[sorted(set(m.values())) for m in classes]))


def test_a_fully_described_item_falls_into_at_most_one_category_per_scheme(reg):
    points = _representative_points(reg)
    assert len(points) > 100
    for scheme in reg:
        for point in points:
            holders = [c.code for c in scheme.categories if c.holds(point)]
            assert len(holders) <= 1, (scheme.id, point, holders)


def test_every_category_is_reachable(reg):
    points = _representative_points(reg)
    for scheme in reg:
        reached = {scheme.classify(p).code for p in points if scheme.classify(p) is not None}
        assert reached == set(scheme.codes), scheme.id


def test_a_scheme_translates_exactly_into_itself(reg):
    for scheme in reg:
        for code in scheme.codes:
            assert cell(reg, scheme.id, code, scheme.id) == ("exact", {code}, False)


def test_every_table_has_a_cell_for_every_source_category(reg):
    for source in reg:
        for target in reg:
            table = reg.translate_table(source.id, target.id)
            assert [t.source_code for t in table] == list(source.codes)
            for t in table:
                assert t.result in ("exact", "ambiguous", "none")
                assert (t.result == "none") == (not t.targets)
                assert list(t.targets) == [c for c in target.codes if c in t.targets]


def _brute_force(reg, source_category, target):
    """Translation by enumerating every value, without the equivalence-class shortcut."""
    hit, outside = set(), False
    for box in source_category.rule:
        for point in itertools.product(*[sorted(s) for s in box]):
            category = target.classify(point)
            if category is None:
                outside = True
            else:
                hit.add(category.code)
    return hit, outside


def test_class_enumeration_matches_brute_force(reg):
    checked = 0
    for source in reg:
        for category in source.categories:
            size = sum(len(list(itertools.product(*box))) for box in category.rule)
            if size > 4000:
                continue
            for target in reg:
                t = reg.translate(source.id, category.code, target.id)
                assert (set(t.targets), t.outside) == _brute_force(reg, category, target), \
                    (source.id, category.code, target.id)
                checked += 1
    assert checked > 100


def test_whole_tables_are_fast(reg):
    import time
    fresh = load_schemes(include_user=False)
    start = time.perf_counter()
    for source in fresh:
        for target in fresh:
            fresh.translate_table(source.id, target.id)
    assert time.perf_counter() - start < 5


# --- items described by attributes -------------------------------------------------------

FULL = {"age": "under_12", "depiction": "photographic", "conduct": "penetrative",
        "adult_participant": "yes", "sadism": "no", "bestiality": "no", "setting": "everyday",
        "pertinence": "evidence"}


def test_fully_described_item_translates_exactly_everywhere_it_fits(reg):
    expected = {"uk-2014": "A", "sap-2002": "4", "copine": "9", "vics-us": "1",
                "dhs-legacy": "1", "interpol-baseline": "yes"}
    for scheme_id, code in expected.items():
        t = reg.translate_attributes(FULL, scheme_id)
        assert (t.result, t.targets) == ("exact", (code,)), scheme_id
        assert reg.classify(FULL, scheme_id).code == code


def test_partly_described_item(reg):
    partial = {k: v for k, v in FULL.items() if k not in ("sadism", "setting")}
    assert reg.translate_attributes(partial, "uk-2014").target == "A"
    t = reg.translate_attributes(partial, "sap-2002")
    assert (t.result, set(t.targets)) == ("ambiguous", {"4", "5"})
    # a group or a list of values is accepted too
    t = reg.translate_attributes({**FULL, "age": "child"}, "interpol-baseline")
    assert set(t.targets) == {"yes", "no"}
    t = reg.translate_attributes({**FULL, "depiction": ["photographic",
                                                        "synthetic_photorealistic"]}, "vics-us")
    assert set(t.targets) == {"1", "3"}


def test_attributes_narrow_a_foreign_category(reg):
    # UK A alone is ambiguous in VIC US; knowing it is a photograph makes it exact.
    t = reg.translate_attributes({"depiction": "photographic"}, "vics-us", within=("uk", "A"))
    assert (t.result, t.targets, t.source_scheme, t.source_code) == \
        ("exact", ("1",), "uk-2014", "A")
    # COPINE 7 is A or B in England & Wales; the conduct decides.
    t = reg.translate_attributes({"conduct": "penetrative"}, "uk-2014", within=("copine", "7"))
    assert (t.result, t.targets) == ("exact", ("A",))


def test_attributes_that_contradict_the_category_are_refused(reg):
    with pytest.raises(TranslationError, match="contradict"):
        reg.translate_attributes({"age": "adult"}, "vics-us", within=("uk", "A"))


def test_unknown_attribute_or_value_is_refused(reg):
    with pytest.raises(ValueError, match="unknown attribute 'colour'"):
        reg.translate_attributes({"colour": "red"}, "uk")
    with pytest.raises(ValueError, match="no value or group 'teen'"):
        reg.translate_attributes({"age": "teen"}, "uk")
    with pytest.raises(ValueError, match="not given one value"):
        reg.classify({"age": "adult"}, "uk")


def test_undetermined_age_is_its_own_value(reg):
    item = {**FULL, "age": "undetermined"}
    assert reg.classify(item, "vics-us").code == "2"      # Age Difficult
    assert reg.classify(item, "uk-2014") is None          # not representable
    assert reg.translate_attributes(item, "uk-2014").result == "none"


# --- VICS integer codes -------------------------------------------------------------------


def test_vics_us_null_is_uncategorised_and_zero_is_non_pertinent(reg):
    us = reg.get("vics-us")
    assert us.from_vics(None) is None
    assert us.from_vics("") is None
    assert us.from_vics(0).label == "Non-Pertinent"
    assert us.vics_code(None) is None
    assert us.vics_code("0") == 0
    assert us.vics.context == "US"
    with pytest.raises(ValueError, match="no meaning"):
        us.from_vics(5)


def test_legacy_dhs_zero_is_uncategorised_and_five_is_non_pertinent(reg):
    dhs = reg.get("dhs-legacy")
    assert dhs.from_vics(0) is None
    assert dhs.from_vics(None) is None
    assert dhs.vics_code(None) == 0
    assert dhs.from_vics(5).label == "Non-Pertinent"
    assert dhs.from_vics("1").code == "1"


def test_vics_codes_round_trip(reg):
    for scheme_id in ("vics-us", "dhs-legacy"):
        scheme = reg.get(scheme_id)
        for code in (None, *scheme.codes):
            written = scheme.vics_code(code)
            read = scheme.from_vics(written)
            assert (read.code if read else None) == code, (scheme_id, code, written)
    # a non-pertinent verdict survives the trip from one numbering to the other
    us_np = reg.get("vics-us").from_vics(0)
    dhs = reg.translate("vics-us", us_np.code, "dhs-legacy").target
    assert reg.get("dhs-legacy").vics_code(dhs) == 5
    with pytest.raises(ValueError, match="by label"):
        reg.get("uk-2014").vics_code("A")


# --- user scheme files ----------------------------------------------------------------------

GOOD = '''\
id = "test-two-level"
name = "Two-level test scheme"
version = "1"
source = "Written for the test suite."

[[category]]
code = "P"
labels = { en = "Photograph of a child, sexual", fr = "Photographie" }
definition = "Photograph of a child with sexual activity."
hotkey = "p"
colour = "#112233"
[category.rule]
all = { pertinence = "evidence", age = "child", depiction = "photographic", conduct = "sexual_activity" }

[[category]]
code = "X"
labels = { en = "Other pertinent" }
definition = "Anything else pertinent."
hotkey = "x"
colour = "#445566"
[category.rule]
all = { pertinence = "evidence" }
any = [
    { age = "!child" },
    { depiction = "!photographic" },
    { conduct = "!sexual_activity" },
]
'''


def _user_registry(tmp_path, files: dict[str, str]):
    folder = tmp_path / "user"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_schemes(user_dir=folder)


def test_user_scheme_is_loaded_and_translates(tmp_path):
    reg = _user_registry(tmp_path, {"two.toml": GOOD})
    assert reg.errors == []
    scheme = reg.get("test-two-level")
    assert not scheme.builtin
    assert scheme.category("p").label_in("fr") == "Photographie"
    assert scheme.category("x").label_in("de") == "Other pertinent"   # falls back to English
    assert cell(reg, "interpol-baseline", "yes", "test-two-level") == ("ambiguous", {"P", "X"},
                                                                       False)
    # COPINE 9 and SAP 4 admit pseudo-photographs, which this scheme files under X
    assert cell(reg, "copine", "9", "test-two-level") == ("ambiguous", {"P", "X"}, False)
    assert reg.translate_attributes({**FULL, "conduct": "non_penetrative"},
                                    "test-two-level").target == "P"
    assert cell(reg, "uk-2014", "A", "test-two-level") == ("ambiguous", {"P", "X"}, False)
    assert cell(reg, "vics-us", "4", "test-two-level")[:2] == ("none", set())


def test_user_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_SCHEME_DIR", str(tmp_path / "mine"))
    assert user_scheme_dir() == tmp_path / "mine"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "two.toml").write_text(GOOD, encoding="utf-8")
    assert "test-two-level" in load_schemes()
    monkeypatch.delenv("TRIAGE_SCHEME_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_scheme_dir() == tmp_path / "xdg" / "triage" / "schemes"


def _refusal(tmp_path, text: str) -> SchemeError:
    reg = _user_registry(tmp_path, {"bad.toml": text, "two.toml": GOOD})
    assert "test-two-level" in reg or "bad" in text   # the good file still loads
    assert set(BUILTIN_IDS) <= set(reg.ids)
    assert len(reg.errors) == 1, reg.errors
    error = reg.errors[0]
    assert error.path.name == "bad.toml"
    return error


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_malformed_toml_is_refused_with_its_line(tmp_path):
    text = GOOD.replace('hotkey = "x"', 'hotkey = x"')
    error = _refusal(tmp_path, text)
    assert error.line == _line_of(text, 'hotkey = x"')
    assert "not valid TOML" in error.reason
    assert str(error).startswith(f"{error.path}:{error.line}:")


@pytest.mark.parametrize("old,new,needle,reason", [
    ('conduct = "sexual_activity" }', 'conduct = "sexual_activity", hair = "long" }',
     'hair = "long"', "unknown attribute 'hair'"),
    ('{ age = "!child" }', '{ age = "!kid" }', '"!kid"', "no value or group 'kid'"),
    ('hotkey = "x"', 'hotkey = "P"', 'hotkey = "P"', "hotkey 'P' already used"),
    ('code = "X"', 'code = "p"', 'code = "p"', "code 'p' used twice"),
    ('colour = "#445566"', 'colour = "blue"', 'colour = "blue"', "hex colour"),
    ('definition = "Anything else pertinent."\n', '', '[[category]]', "'definition'"),
    ('{ conduct = "!sexual_activity" },', '{ conduct = "sexual_activity" },',
     '[category.rule]', "overlaps category 'P'"),
    ('name = "Two-level test scheme"\n', '', None, "missing or empty 'name'"),
])
def test_schema_errors_are_refused_with_key_and_line(tmp_path, old, new, needle, reason):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    error = _refusal(tmp_path, text)
    assert reason in error.reason
    if needle in ("[category.rule]", "[[category]]"):
        # reported at the second category's rule (an overlap) or header (a missing key)
        lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
        assert error.line == lines[-1]
    elif needle is not None:
        assert error.line == _line_of(text, needle), str(error)


def test_bad_vics_table_is_refused_with_its_line(tmp_path):
    text = GOOD.replace('source = "Written for the test suite."\n',
                        'source = "Written for the test suite."\n\n[vics]\nuncategorised = "none"\n')
    error = _refusal(tmp_path, text)
    assert "vics.uncategorised" in error.reason
    assert error.line == _line_of(text, 'uncategorised = "none"')
    text = GOOD.replace('source = "Written for the test suite."\n',
                        'source = "Written for the test suite."\n\n[vics]\nuncategorised = 0\n')
    error = _refusal(tmp_path, text)
    assert "needs a 'vics' code" in error.reason
    assert error.line == _line_of(text, 'code = "P"')


def test_schemes_and_categories_are_hashable(reg):
    assert len({reg.get("uk"), reg.get("uk-2014"), reg.get("sap")}) == 2
    assert reg.category("uk", "A") == reg.get("uk-2014").category("a")
    assert len({c for s in reg for c in s.categories}) == sum(len(s.categories) for s in reg)


def test_user_scheme_may_not_take_a_builtin_id(tmp_path):
    error = _refusal(tmp_path, GOOD.replace('"test-two-level"', '"uk-2014"'))
    assert "already used by scheme 'uk-2014'" in error.reason
    error = _refusal(tmp_path, GOOD.replace('"test-two-level"', '"other"')
                     .replace('version = "1"', 'version = "1"\naliases = ["SAP"]'))
    assert "alias 'SAP'" in error.reason


def test_broken_builtin_folder_raises(tmp_path):
    with pytest.raises(SchemeError, match="pivot attribute file not found"):
        load_schemes(builtin_dir=tmp_path)


# --- house rules ------------------------------------------------------------------------------


def test_schema_package_imports_nothing_else_of_ours_and_no_qt():
    package = Path(__file__).resolve().parents[1] / "triage" / "schema"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 1 or not (node.module or "").startswith(("triage", "PySide")), \
                    (path.name, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(("triage", "PySide", "PyQt")), path.name
    code = ("import sys, triage.schema as s; s.load_schemes(); "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy')) or "
            "(m.startswith('triage.') and not m.startswith('triage.schema'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
