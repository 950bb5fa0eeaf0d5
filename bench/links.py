"""Links: recall of planted (obfuscated) links and false links, ours against plain URL regexes; MB/s.

A corpus is generated in a temporary folder: chat logs (text), JSON and CSV
chat exports, HTML pages, a Chromium `History` and a Firefox
`places.sqlite`. Into its prose go planted links, written plainly or with
one or two of the tricks of issue 8, and decoys that are not links (version
numbers, file names, e-mail addresses, dotted numbers, IP addresses without
a scheme, "the dot com bubble", missing spaces after a full stop). Each
file is read by `triage.links.extract`, and by two regexes an examiner tool
would use on the same text:

- strict: `(?:https?://|www\\.)[^\\s<>"']+` (what IPED-like tools extract);
- loose: the strict one plus bare `name.tld[/path]` with a 2+ letter TLD.

Printed: per method, planted links found (recall, also per trick) and false
links (found, not planted); then the scan rate of the text and strings
extractors in MB/s, with the strict regex over the same bytes as a baseline.

    python bench/links.py                  # ~2,000 planted links, 20 MB for the rate
    python bench/links.py --seed 7 --links 5000 --rate-mb 50
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import string
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.links import Limits, NotALink, extract, parse_url  # noqa: E402

WORDS = ("we should meet later tonight after work maybe near the station bring your laptop and "
         "the charger please remember that thing from yesterday honestly it was great fun "
         "sorry running late again traffic is terrible today call me when you arrive okay "
         "send pictures of the garden the weather turned cold suddenly dinner was lovely "
         "thanks for everything talk soon my phone battery died so no reply earlier").split()
TLDS = ["com", "net", "org", "ru", "info", "io", "xyz", "top", "site", "online", "cc", "to",
        "me", "su", "biz", "onion", "de", "co.uk", "com.br", "club"]
DECOYS = [
    "version 2.4.1 is out", "update to v10.0.19045 now", "the file report.pdf is big",
    "run setup.py first", "open notes.txt", "clip.mov was deleted", "see archive.zip",
    "mail me at {w}.{w}@example.com", "call 555.123.4567", "it costs 3.50 each",
    "meet at 10.30 tonight", "ip 192.168.1.20 is the router", "the dot com bubble",
    "ok.so what now", "I love Paris.It was great", "back home.Now it rains", "e.g. this one",
    "i.e. tomorrow", "U.S. politics", "No. 5 please", "Dr. Smith said so", "wait...what",
    "build 1.2.3-rc.4 failed", "IMG_2034.JPG and IMG_2035.JPG", "main.rs and run.sh",
    "a polka dot top", "the red dot in the corner", "score was 2.1 to 1.9", "12.05.2023 is ok",
]
CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440",
                          "c": "\u0441"})


def _host_path(url: str) -> tuple[str, str, str]:
    scheme, _, rest = url.rpartition("://")
    cut = min((i for i in (rest.find("/"), rest.find("(slash)")) if i >= 0), default=len(rest))
    return (scheme + "://" if scheme else ""), rest[:cut], rest[cut:]


def _dots(sep):
    def trick(url):
        s, h, p = _host_path(url)
        return s + h.replace(".", sep) + p
    return trick


def _slashes(url):
    s, h, p = _host_path(url)
    return s + h + re.sub(r"/(?=.)", "(slash)", p)


def _hxxp(url):
    return re.sub(r"^http", "hxxp", url) if url.startswith("http") else "hxxp://" + url


def _fullwidth(url):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in url)


def _zero_width(url):
    s, h, p = _host_path(url)
    return s + "\u200b".join(h[i:i + 3] for i in range(0, len(h), 3)) + p


def _look_alike(url):
    s, h, p = _host_path(url)
    labels = h.split(".")
    name = labels[-2] if labels[-2] != "co" else labels[-3]
    fake = name[0] + name[1:].translate(CYRILLIC)
    return s + h.replace(name, fake, 1) + p


def _percent(url):
    s, h, p = _host_path(url)
    if not s:
        return url
    return s + "".join("".join(f"%{b:02X}" for b in c.encode()) if c.isalpha() and i % 3 == 0
                       else c for i, c in enumerate(h)) + p


TRICKS = {
    "plain": lambda u: u, "[.]": _dots("[.]"), "(dot)": _dots("(dot)"), "[dot]": _dots("[dot]"),
    "{.}": _dots("{.}"), " dot ": _dots(" dot "), " . ": _dots(" . "), "(.)": _dots("(.)"),
    "hxxp": _hxxp, "(slash)": _slashes, "full-width": _fullwidth, "zero-width": _zero_width,
    "look-alike": _look_alike, "%-encoded": _percent,
}
_URL_CHARS = r"[^\s<>\"'\x00-\x1f\x7f-\x9f]"  # printable: a regex over raw bytes stops at binary
STRICT = re.compile(r"(?:https?://|www\.)" + _URL_CHARS + "+", re.IGNORECASE)
LOOSE = re.compile(r"(?:https?://|www\.)" + _URL_CHARS + r"+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/"
                   + _URL_CHARS + "*)?", re.IGNORECASE)


class Corpus:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.planted: dict[str, set[str]] = defaultdict(set)  # file -> normal URLs
        self.trick_of: dict[tuple[str, str], str] = {}

    def label(self) -> str:
        return "".join(self.rng.choice(string.ascii_lowercase) for _ in range(
            self.rng.randint(4, 10))) + self.rng.choice(["", "", str(self.rng.randint(1, 99))])

    def url(self) -> str:
        host = self.label() + "." + self.rng.choice(TLDS)
        if self.rng.random() < 0.3:
            host = "www." + host
        path = "".join("/" + self.label() for _ in range(self.rng.randint(0, 3)))
        if self.rng.random() < 0.2:
            path += f"/{self.rng.randint(1000, 99999)}"
        scheme = self.rng.choice(["http://", "https://", ""])
        return scheme + host + (path or "/")

    def sentence(self, file: str, plant: float = 0.25, decoy: float = 0.25) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(4, 14))]
        if self.rng.random() < decoy:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(DECOYS).format(
                w=self.label()))
        if self.rng.random() < plant:
            url = self.url()
            trick = self.rng.choice(list(TRICKS))
            written = url
            if trick != "plain" and self.rng.random() < 0.3:  # a second trick, applied first
                second = self.rng.choice(["hxxp", "(slash)", "zero-width", "look-alike"])
                if second != trick:
                    written, trick = TRICKS[second](written), f"{second}+{trick}"
            written = TRICKS[trick.split("+")[-1]](written)
            normal = parse_url(url).url
            self.planted[file].add(normal)
            self.trick_of[(file, normal)] = trick
            words.insert(self.rng.randrange(len(words) + 1), written)
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice([".", "!", "?", ""])

    def history_urls(self, file: str, n: int) -> list[str]:
        urls = [self.rng.choice(["http://", "https://"]) + self.url().split("://")[-1]
                for _ in range(n)]
        for url in urls:
            normal = parse_url(url).url
            self.planted[file].add(normal)
            self.trick_of[(file, normal)] = "history"
        return urls


def build(folder: Path, rng: random.Random, links: int) -> Corpus:
    corpus = Corpus(rng)
    per_file = max(1, links // 40)
    for i in range(8):
        name = f"chat_{i}.txt"
        lines = [f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] "
                 f"{rng.choice(['ann', 'bob', 'cy'])}: {corpus.sentence(name)}"
                 for _ in range(per_file * 4)]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(4):
        name = f"export_{i}.json"
        messages = [{"id": n, "from": "user", "text": corpus.sentence(name)}
                    for n in range(per_file * 4)]
        (folder / name).write_text(json.dumps({"messages": messages}, ensure_ascii=False),
                                   encoding="utf-8")
        name = f"chat_{i}.csv"
        rows = ["time,from,text"] + [f'{n},user,"{corpus.sentence(name)}"'
                                     for n in range(per_file * 4)]
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    for i in range(4):
        name = f"page_{i}.html"
        body = []
        for _ in range(per_file * 2):
            url = corpus.url()
            url = url if "://" in url else "http://" + url
            corpus.planted[name].add(parse_url(url).url)
            corpus.trick_of[(name, parse_url(url).url)] = "href"
            body.append(f'<p><a href="{url.replace("&", "&amp;")}">link</a> '
                        f'{corpus.sentence(name)}</p>')
        (folder / name).write_text("<!DOCTYPE html><html><body>\n" + "\n".join(body)
                                   + "\n</body></html>\n", encoding="utf-8")
    _database(folder / "History", "urls", "last_visit_time",
              corpus.history_urls("History", per_file * 4))
    _database(folder / "places.sqlite", "moz_places", "last_visit_date",
              corpus.history_urls("places.sqlite", per_file * 4))
    return corpus


def _database(path: Path, table: str, time_column: str, urls: list[str]) -> None:
    connection = sqlite3.connect(path)
    connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, url TEXT, title TEXT, "
                       f"visit_count INTEGER, {time_column} INTEGER)")
    connection.executemany(f"INSERT INTO {table} (url, title, visit_count, {time_column}) "
                           "VALUES (?, 'title', 1, 0)", [(u,) for u in urls])
    connection.commit()
    connection.close()


def content(path: Path):
    return lambda: iter([path.read_bytes()])


def ours(path: Path) -> set[str]:
    return {h.found.url for h in extract(path.name, content(path)).hits
            if h.found.kind == "url" and h.found.normal is not None}


def regex(path: Path, pattern: re.Pattern) -> set[str]:
    data = path.read_bytes()
    text = data.decode("latin-1") if data.startswith(b"SQLite") else data.decode("utf-8")
    if path.suffix == ".html":
        import html
        text = html.unescape(text)
    found = set()
    for match in pattern.finditer(text):
        try:
            found.add(parse_url(match.group(0)).url)
        except NotALink:
            found.add(match.group(0))
    return found


def evaluate(folder: Path, corpus: Corpus, show_false: bool = False) -> None:
    methods = {"ours": ours, "strict regex": lambda p: regex(p, STRICT),
               "loose regex": lambda p: regex(p, LOOSE)}
    planted = sum(len(v) for v in corpus.planted.values())
    print(f"corpus: {len(corpus.planted)} files, {planted} planted links, "
          f"{sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.1f} MB")
    print(f"{'method':14} {'recall':>8} {'found':>7} {'false links':>12}")
    per_trick: dict[str, Counter] = {}
    for name, method in methods.items():
        hits, false = 0, 0
        tricks = Counter()
        for path in sorted(folder.iterdir()):
            found = method(path)
            truth = corpus.planted.get(path.name, set())
            hits += len(found & truth)
            false += len(found - truth)
            if show_false and name == "ours":
                for url in sorted(found - truth):
                    print(f"  false link in {path.name}: {url}")
            for url in found & truth:
                tricks[corpus.trick_of[(path.name, url)]] += 1
        per_trick[name] = tricks
        print(f"{name:14} {hits / planted:8.1%} {hits:7} {false:12}")
    total = Counter(corpus.trick_of[key] for key in corpus.trick_of)
    print("\nrecall per way of writing (planted: ours / strict / loose)")
    for trick, n in sorted(total.items(), key=lambda kv: -kv[1]):
        row = " / ".join(f"{per_trick[m][trick] / n:5.0%}" for m in methods)
        print(f"  {trick:22} {n:5}: {row}")


def rate(rng: random.Random, megabytes: float) -> None:
    corpus = Corpus(rng)
    lines, size = [], 0
    while size < megabytes * 1e6:  # a link in one line of 50, a decoy in one of 20
        line = corpus.sentence("rate", plant=0.02, decoy=0.05) + "\n"
        lines.append(line)
        size += len(line.encode())
    text = "".join(lines).encode()
    blob = bytearray(rng.randbytes(int(megabytes * 1e6)))
    for _ in range(int(megabytes * 200)):  # strings scattered through binary data
        at = rng.randrange(len(blob) - 200)
        piece = corpus.sentence("rate", plant=0.5).encode()[:150]
        blob[at:at + len(piece)] = piece
    blob = bytes(blob)
    print(f"\nscan rate, {megabytes:.0f} MB each (best of 2)")
    for label, data, name in (("text (chat log)", text, "chat.txt"),
                              ("strings (binary)", blob, "blob.bin")):
        chunks = lambda: (data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20))  # noqa
        ours_s = min(_timed(lambda: extract(name, chunks, Limits(strings_cap=len(data) + 1)))
                     for _ in range(2))
        decoded = data.decode("latin-1")
        base_s = min(_timed(lambda: sum(1 for _ in STRICT.finditer(decoded))) for _ in range(2))
        print(f"  {label:18} ours {len(data) / 1e6 / ours_s:7.1f} MB/s   "
              f"strict regex {len(data) / 1e6 / base_s:7.1f} MB/s")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--links", type=int, default=2000, help="about this many planted")
    parser.add_argument("--rate-mb", type=float, default=20)
    parser.add_argument("--show-false", action="store_true", help="print our false links")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="triage-bench-links-") as folder:
        corpus = build(Path(folder), rng, args.links)
        evaluate(Path(folder), corpus, args.show_false)
    if args.rate_mb > 0:
        rate(rng, args.rate_mb)


if __name__ == "__main__":
    main()
