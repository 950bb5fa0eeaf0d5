"""Fuzz targets: every parser of ours that reads what a suspect or another agency wrote.

Each target takes arbitrary bytes and holds our contract: a result, or the
one clear error its caller reports on the item (FormatError, DecodeError,
ContainerError, SchemeError, NotALink…), never another exception. Anything
else escaping a target is a bug that atheris reports with the input that
caused it; such inputs become regression tests (`crashes/`, run by
tests/test_fuzz.py every time).

    python -m tests.fuzz NAME [--seconds N]   # scripts/fuzz runs them all
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from triage.evidence.containers import container_kind, open_container
from triage.evidence.containers.base import ContainerError
from triage.hashsets.entries import FormatError, HashSetError
from triage.hashsets.formats import ReadOptions, SetInfo, Source, detect
from triage.links.find import find_links
from triage.links.normal import NotALink, parse_url
from triage.links.sources import Limits, extract
from triage.media.decode import DecodeError, decode_picture
from triage.media.exif import read_exif
from triage.media.sniff import sniff
from triage.paths import resources_dir
from triage.schema.attributes import load_attributes
from triage.schema.errors import SchemeError
from triage.schema.scheme import load_scheme

MAX_MEMBER_BYTES = 1 << 20  # what one fuzzed container member may give, read in full


def hash_set(data: bytes) -> None:
    """Any hash-set format we read, found by content, read to the end."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "set"
        path.write_bytes(data)
        try:
            found = detect(path, None)
        except FormatError:
            return
        source = Source(path)
        try:
            for _ in found.read(source, SetInfo(), ReadOptions()):
                pass
        except (FormatError, HashSetError):
            pass
        finally:
            source.close()


def links(data: bytes) -> None:
    """Links in text and in the formats the link scan reads (HTML, chats, strings)."""
    extract("fuzzed", lambda: iter([data]), Limits())
    text = data.decode("utf-8", "replace")
    for found in find_links(text):
        try:
            parse_url(found.url)
        except NotALink:
            pass


def picture(data: bytes) -> None:
    """Sniffing, EXIF and the one decode of a picture."""
    sniff(data[:64])
    read_exif(data)
    try:
        decode_picture(data)
    except DecodeError:
        pass


def container(data: bytes) -> None:
    """Any container we open (archives, documents, mail, databases, caches), every member
    read in full."""
    kind = container_kind(data[:1024])
    if kind is None:
        return
    try:
        for member, chunks in open_container(kind, io.BytesIO(data), "fuzzed").members():
            read = 0
            for chunk in chunks or ():
                read += len(chunk)
                if read > MAX_MEMBER_BYTES:
                    break
    except ContainerError:
        pass


_SPACE = None


def scheme(data: bytes) -> None:
    """A classification scheme's TOML, as an examiner's own scheme file would be read."""
    global _SPACE
    if _SPACE is None:
        _SPACE = load_attributes(resources_dir() / "schemes" / "_attributes.toml")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scheme.toml"
        path.write_bytes(data)
        try:
            load_scheme(path, _SPACE)
        except SchemeError:
            pass


TARGETS = {"hash_set": hash_set, "links": links, "picture": picture,
           "container": container, "scheme": scheme}


def seeds(name: str) -> list[bytes]:
    """Starting inputs: small files of the kind the target reads, from the project itself."""
    root = Path(__file__).resolve().parents[2]
    samples = root / "resources" / "samples"
    found: list[bytes] = []
    if name == "hash_set":
        found = [p.read_bytes() for p in sorted(samples.glob("demo-*"))]
        found += [b"md5,category\n" + b"0" * 32 + b',1\n"open quote\n',
                  b"SHA-1,MD5\n" + b"a" * 40 + b"," + b"b" * 32 + b"\n"]
    elif name == "links":
        found = [b"see bad(dot)site/x and http://xn--e1afmkfd.xn--p1ai/ or hxxp://a[.]b",
                 b"<html><a href='https://example.org/p?q=1'>x</a></html>"]
    elif name == "picture":
        photos = root / "resources" / "samples" / "photos"
        found = [p.read_bytes()[:65536] for p in sorted(photos.glob("*"))[:4] if p.is_file()]
    elif name == "container":
        found = [_zip_seed(), _tar_seed()]
        pst = root / "tests" / "data" / "dist-list.pst"  # an Outlook store (265 KB)
        if pst.is_file():
            found.append(pst.read_bytes())
    elif name == "scheme":
        found = [(root / "resources" / "schemes" / "vics-us.toml").read_bytes()]
    return found or [b""]


def _zip_seed() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner/a.txt", b"hello")
    return buffer.getvalue()


def _tar_seed() -> bytes:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()
