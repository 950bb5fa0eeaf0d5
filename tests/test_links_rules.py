"""De-obfuscation rules, each by name; the normal form; and no links out of ordinary prose.

Property tests (hypothesis) generate hosts and paths, obfuscate them the ways
offenders do, put them in a sentence, and expect the finder to give back
exactly the plain link's normal form; and generate ordinary prose and
expect nothing.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.case.models import LinkConfidence
from triage.links import NotALink, find_links, parse_url
from triage.links.find import COMMON_TLDS, STOPWORDS
from triage.links.rules import TEXT_RULES

# -- each rule by name -----------------------------------------------------------------------

RULE_CASES = {
    "zero_width": ("b\u200bad.si\u200dte/x", "http://bad.site/x"),
    "fullwidth": ("ｂａｄ．ｓｉｔｅ／ｘ", "http://bad.site/x"),
    "ideographic_full_stop": ("bad\u3002site/x", "http://bad.site/x"),
    "bracket_period": ("bad[.]site/x", "http://bad.site/x"),
    "paren_period": ("bad(.)site/x", "http://bad.site/x"),
    "brace_period": ("bad{.}site/x", "http://bad.site/x"),
    "angle_dot": ("bad<dot>site/x", "http://bad.site/x"),
    "bracket_dot": ("bad[dot]site/x", "http://bad.site/x"),
    "paren_dot": ("bad(dot)site/x", "http://bad.site/x"),
    "spaced_dot_word": ("bad dot site/x", "http://bad.site/x"),
    "spaces_around_dots": ("bad . site/x", "http://bad.site/x"),
    "slash_words": ("bad.site(slash)content[/]123", "http://bad.site/content/123"),
    "defanged_colon": ("http[:]//bad.site/x", "http://bad.site/x"),
    "defanged_scheme": ("hxxps://bad.site/x", "https://bad.site/x"),
    "missing_colon_slashes": ("http//bad.site/x", "http://bad.site/x"),
    "missing_scheme": ("bad.site/x", "http://bad.site/x"),
    "trailing_punctuation": ("http://bad.site/x).", "http://bad.site/x"),
    "url_encoding": ("http://%62ad.site/%63ontent", "http://bad.site/content"),
    "confusables": ("http://p\u0430yp\u0430l.com/x", "http://paypal.com/x"),
    "idna": ("http://bücher.de/x", "http://xn--bcher-kva.de/x"),
}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_undoes_its_trick_and_is_named(rule):
    text, expected = RULE_CASES[rule]
    normal = parse_url(text)
    assert normal.url == expected
    assert rule in normal.rules


def test_every_text_rule_has_a_case():
    assert {name for name, _ in TEXT_RULES} <= set(RULE_CASES)


@pytest.mark.parametrize("text", ["hxxp://bad.site/", "hXXp://bad.site/", "h**p://bad.site/",
                                  "h__p://bad.site/", "fxp://bad.site/"])
def test_defanged_scheme_spellings(text):
    assert parse_url(text).rules == ("defanged_scheme",)


@pytest.mark.parametrize("text", ["http[:]//bad.site/", "http[://]bad.site/",
                                  "http:[//]bad.site/", "hxxp[:]//bad[.]site/"])
def test_defanged_colon_spellings(text):
    assert parse_url(text).url == "http://bad.site/"


def test_a_genuine_internationalised_name_is_not_folded_to_look_alikes():
    normal = parse_url("пример.рф")
    assert normal.host == "xn--e1afmkfd.xn--p1ai"
    assert "confusables" not in normal.rules and "idna" in normal.rules
    assert parse_url("xn--e1afmkfd.xn--p1ai").match_key == normal.match_key


# -- the normal form -------------------------------------------------------------------------


def test_normal_form_as_documented():
    normal = parse_url("HTTP://user:pw@WWW.Bad.Site:80/A/b%2f%7e?Q=1#frag")
    assert normal.url == "http://www.bad.site/A/b%2F~?Q=1"  # path and query case kept
    assert normal.host_key == "bad.site"
    assert normal.match_key == "bad.site/A/b%2F~?Q=1"
    assert normal.domain == "bad.site"
    assert parse_url("https://bad.site:8443/").match_key == "bad.site:8443/"
    assert parse_url("bad.co.uk").domain == "bad.co.uk"
    assert parse_url("a.b.bad.co.uk").domain == "bad.co.uk"


@pytest.mark.parametrize("text", ["report.pdf", "1.2.3", "http://localhost/x", "mailto:a@b.com",
                                  "file:///etc/passwd", "http://-bad.site/", "bad.notatld"])
def test_what_is_not_a_link(text):
    with pytest.raises(NotALink):
        parse_url(text)


labels = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=3, max_size=12).filter(
    lambda s: s[0].isalpha() and s not in STOPWORDS)
tlds = st.sampled_from(sorted(COMMON_TLDS - {"onion"}))
segments = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=10)


@st.composite
def plain_urls(draw):
    host = ".".join(draw(st.lists(labels, min_size=1, max_size=3)) + [draw(tlds)])
    if draw(st.booleans()):
        host = "www." + host
    path = "/" + "/".join(draw(st.lists(segments, min_size=0, max_size=3)))
    scheme = draw(st.sampled_from(["http://", "https://", ""]))
    return f"{scheme}{host}{path}"


@given(plain_urls())
def test_normal_form_is_a_fixed_point(url):
    normal = parse_url(url)
    again = parse_url(normal.url)
    assert again.url == normal.url and again.match_key == normal.match_key


@given(plain_urls())
def test_www_and_scheme_do_not_change_the_match_key(url):
    bare = url.split("://", 1)[-1].removeprefix("www.")
    keys = {parse_url(f"{scheme}{www}{bare}").match_key
            for scheme in ("", "http://", "https://") for www in ("", "www.")}
    assert len(keys) == 1


# -- obfuscations found in sentences ---------------------------------------------------------

CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440",
                          "c": "\u0441", "x": "\u0445"})


def _host_and_rest(url: str) -> tuple[str, str, str]:
    scheme, _, rest = url.rpartition("://")
    host, slash, path = rest.partition("/")
    return (scheme + "://" if scheme else ""), host, slash + path


def _dots(replacement):
    def apply(url):
        scheme, host, path = _host_and_rest(url)
        return scheme + host.replace(".", replacement) + path
    return apply


def _defang_scheme(url):
    return url.replace("http", "hxxp", 1) if url.startswith("http") else url


def _fullwidth(url):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in url)


def _zero_width(url):
    scheme, host, path = _host_and_rest(url)
    return scheme + "\u200b".join(host[i:i + 2] for i in range(0, len(host), 2)) + path


def _look_alikes(url):
    scheme, host, path = _host_and_rest(url)
    labels_ = host.split(".")
    labels_[-2] = labels_[-2][0] + labels_[-2][1:].translate(CYRILLIC)  # keep one ASCII letter
    return scheme + ".".join(labels_) + path


def _slash_words(url):
    scheme, host, path = _host_and_rest(url)
    return scheme + host + re.sub(r"/(?=.)", "(slash)", path)  # a last "/" stays: ambiguous


DOT_TRICKS = {
    "bracket_period": _dots("[.]"), "paren_period": _dots("(.)"), "brace_period": _dots("{.}"),
    "bracket_dot": _dots("[dot]"), "paren_dot": _dots("(dot)"), "spaced_dot_word": _dots(" dot "),
    "spaces_around_dots": _dots(" . "), "ideographic_full_stop": _dots("\u3002"), "none": None,
}
# Applied in this order, around one trick for the dots.
BEFORE_DOTS = {"confusables": _look_alikes, "zero_width": _zero_width,
               "slash_words": _slash_words}
AFTER_DOTS = {"defanged_scheme": _defang_scheme, "fullwidth": _fullwidth}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(plain_urls(), st.sampled_from(sorted(DOT_TRICKS)),
       st.sets(st.sampled_from(sorted(BEFORE_DOTS) + sorted(AFTER_DOTS))),
       st.sampled_from(["look at {} now", "{}", "go to {}, ok?", "link: {}.", "(see {})"]))
def test_obfuscated_links_in_a_sentence_decode_to_the_plain_link(url, dots, tricks, sentence):
    obfuscated = url
    for name, trick in BEFORE_DOTS.items():
        if name in tricks:
            obfuscated = trick(obfuscated)
    if DOT_TRICKS[dots]:
        obfuscated = DOT_TRICKS[dots](obfuscated)
    for name, trick in AFTER_DOTS.items():
        if name in tricks:
            obfuscated = trick(obfuscated)
    found = [f for f in find_links(sentence.format(obfuscated)) if f.kind == "url"]
    assert [f.url for f in found] == [parse_url(url).url], obfuscated
    changed = obfuscated.replace("https", "http") != url.replace("https", "http")
    assert found[0].confidence is (LinkConfidence.DECODED if changed else LinkConfidence.PLAIN)


@given(plain_urls())
def test_the_raw_text_is_the_link_as_written(url):
    text = f"see {url}. Then more"
    (found,) = find_links(text)
    assert found.raw == url and text[found.start:found.end] == url


# -- ordinary prose gives no links -----------------------------------------------------------

# Not "dot" nor " . ": "window dot net" is the obfuscation itself, not prose (the paragraph
# below checks the prose uses of "dot").
WORDS = (
    "the a this is it in me so at to no on my we be do go now new one top art day red "
    "house window report table chair water light street river paper music garden friend "
    "happy quickly never always because although before after during while version "
    "release number page file folder photo picture message phone evening morning Monday "
    "Paris London John Mary doctor school example site web net link online com"
).split()
TOKENS = ["3.5", "v1.2.3", "12.05.2023", "10.30", "1.000.000", "report.pdf", "setup.py",
          "notes.txt", "IMG_0001.JPG", "archive.zip", "clip.mov", "e.g.", "i.e.", "etc.",
          "a.m.", "U.S.", "No. 5", "St. Louis", "...", "p.m.", "Ph.D.", "192.168.0.1",
          "and/or", "24/7", "1/2", "12/05/2023", "km/h", "w/o"]


@st.composite
def prose(draw):
    sentences = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(st.sampled_from(WORDS + TOKENS), min_size=1, max_size=14))
        joiners = draw(st.lists(st.sampled_from([" ", " ", " ", ", ", " - ", "; "]),
                                min_size=len(words), max_size=len(words)))
        text = "".join(w + j for w, j in zip(words, joiners)).strip(" ,;-")
        sentences.append(text[:1].upper() + text[1:] + draw(st.sampled_from([".", "!", "?"])))
    return " ".join(sentences)


@settings(max_examples=400)
@given(prose())
def test_ordinary_prose_has_no_links(text):
    assert [f.raw for f in find_links(text) if f.kind == "url"] == []


PROSE = """\
Dear Mary, the meeting is at 10.30 a.m. on Monday (i.e. tomorrow). Bring report.pdf and
setup.py, version 2.4.1 of the tool, and read README.md first. I paid $3.50, e.g. for coffee.
We met Mr. Smith and Dr. Jones in St. Louis, U.S.A., at No. 5 Main St. The dot com bubble
burst in 2000... what a time! ok.so what now? I love Paris.It was great. Back home.Now it
rains. See the red dot in the corner, polka dot top. My phone is 555.123.4567. The IP was
10.0.0.1 and the build 1.2.3-rc.4. Files: IMG_1234.JPG, clip.mov, notes.zip, main.rs, run.sh.
Email me at mary.jones@example.org, not at the old one. Error in const.cc:7 of
mingw-libgnurx-2.5.1.dev; see /usr/share/doc/gcc/FAQ and /usr/share/doc/python/policy.txt.gz.
In code: Image.open(path), datetime.date, pool.map and logging.INFO; self.total = 3.
"""


def test_a_paragraph_of_tricky_prose_has_no_links_and_keeps_the_email_apart():
    found = find_links(PROSE)
    assert [f.raw for f in found if f.kind == "url"] == []
    assert [f.url for f in found if f.kind == "email"] == ["mary.jones@example.org"]


@pytest.mark.parametrize("text, expected", [
    ("go to content/123 on the website", "/content/123"),
    ("visit the page forum/threads/42 later", "/forum/threads/42"),
    ("open /albums/2019/summer.", "/albums/2019/summer"),
])
def test_partial_links_after_pointing_words(text, expected):
    (found,) = find_links(text)
    assert found.url == expected and found.confidence is LinkConfidence.PARTIAL
    assert found.normal is None


@pytest.mark.parametrize("text", ["see and/or that", "open 24/7", "go to 12/05/2023",
                                  "check the ratio 1/2", "see /usr/share/doc/gcc/FAQ"])
def test_no_partial_links_from_fractions_dates_and_and_or(text):
    assert find_links(text) == []


@pytest.mark.parametrize("text, email", [
    ("Dmitry <dbaryshkov at gmail.com>", "dbaryshkov@gmail.com"),
    ("write to alon.barlev at gmail.com", "alon.barlev@gmail.com"),
    ("mail bob (at) example (dot) org", "bob@example.org"),
    ("mail bob[at]example[.]org now", "bob@example.org"),
])
def test_spam_proofed_email_addresses_are_emails_not_links(text, email):
    (found,) = find_links(text)
    assert (found.kind, found.url) == ("email", email)


def test_look_at_a_site_is_a_link_not_an_email():
    (found,) = find_links("look at bad.site/x now")
    assert (found.kind, found.url) == ("url", "http://bad.site/x")


# -- any input: never a crash ----------------------------------------------------------------

URLISH = st.lists(st.sampled_from(list("ab.:/[]()%@-_ dothxp0189?#&=\u200b\uff0e\u3002\u0430")
                                  + ["dot", "[.]", "http://", "xn--", "com", "(dot)", " at "]),
                  max_size=30).map("".join)


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=200), URLISH))
def test_any_text_finds_without_error(text):
    for found in find_links(text):
        assert 0 <= found.start <= found.end <= len(text)
        assert text[found.start:found.end] == found.raw


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=100), URLISH))
def test_parse_url_either_normalises_or_says_why_not(text):
    try:
        normal = parse_url(text)
    except NotALink:
        return
    assert parse_url(normal.url).url == normal.url


@pytest.mark.parametrize("text, url", [
    ("see example.co.uk now", "http://example.co.uk/"),
    ("go to badsite.top now", "http://badsite.top/"),
    ("go to badsite[.]to now", "http://badsite.to/"),
    ("go to badsite(dot)me now", "http://badsite.me/"),
    ("Visit BadSite.Com today", "http://badsite.com/"),
    ("VISIT BADSITE DOT COM", "http://badsite.com/"),
])
def test_bare_names_that_are_hosts(text, url):
    assert [f.url for f in find_links(text)] == [url]
