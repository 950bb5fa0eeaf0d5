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

from triage.evidence.base import Source as EvidenceSource
from triage.evidence.carving.scanner import Scanner
from triage.evidence.containers import container_kind, open_container
from triage.evidence.containers.base import ContainerError
from triage.evidence.luks2 import Luks2Error, open_volume
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


class _Bytes(EvidenceSource):
    """Fuzzed bytes as an evidence that reads them back."""

    format = "fuzzed"

    def __init__(self, data: bytes):
        super().__init__([Path("fuzzed")])
        self.data = data

    @property
    def size(self) -> int:
        return len(self.data)

    def read(self, offset: int, length: int) -> bytes:
        return self.data[offset:offset + length]


def carve(data: bytes) -> None:
    """Carving's scan and structure walkers over free space that holds anything: every
    candidate measured and read, EXIF thumbnails included."""
    scanner = Scanner(_Bytes(data), [(0, len(data))], len(data))
    for candidate in scanner.candidates():
        content = scanner.content(candidate)
        for start, length in candidate.shape.embedded:
            content[start:start + length]
        if candidate.shape.complete:
            scanner.skip_to(candidate.offset + candidate.length)


def luks2(data: bytes) -> None:
    """A LUKS2 header as a suspect's disk may hold it, damaged or made to hurt: the JSON
    metadata, key slots, key derivation and digests, tried with one password."""
    read = lambda offset, length: data[offset:offset + length]  # noqa: E731
    try:
        volume, _ = open_volume(read, len(data), [("password", b"fuzz")])
        volume.read_buffer_at_offset(4096, 0)
    except Luks2Error:
        pass


TARGETS = {"hash_set": hash_set, "links": links, "picture": picture,
           "container": container, "scheme": scheme, "carve": carve, "luks2": luks2}


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
        from test_containers import container_samples  # one of every kind, PST included

        found = list(container_samples().values())
    elif name == "scheme":
        found = [(root / "resources" / "schemes" / "vics-us.toml").read_bytes()]
    elif name == "carve":
        found = [_free_space_seed()]
        clip = root / "tests" / "data" / "vpdq" / "test-padded-dimensions.mp4"  # 55 KB
        if clip.is_file():
            found.append(b"\xff" * 512 + clip.read_bytes())
    elif name == "luks2":
        found = [_luks2_seed("pbkdf2"), _luks2_seed("argon2id")]
    return found or [b""]


def _free_space_seed() -> bytes:
    """A little of every picture format carving walks, with noise between them."""
    from PIL import Image

    picture = Image.new("RGB", (48, 32), (90, 140, 200))
    parts = []
    for form, options in (("JPEG", {"exif": _exif()}), ("PNG", {}),
                          ("GIF", {}), ("BMP", {}), ("TIFF", {}), ("WEBP", {})):
        buffer = io.BytesIO()
        picture.save(buffer, form, **options)
        parts += [bytes(range(7, 200, 3)), buffer.getvalue()]
    return b"".join(parts)


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Fuzz"  # camera make: an APP1 segment for the JPEG walker to step over
    return exif.tobytes()


def _luks2_seed(kdf: str) -> bytes:
    """A LUKS2 header (binary part and JSON) with one cheap key slot of one stripe (cryptsetup
    writes 4000: a seed small enough to mutate fast); its key is not real."""
    import json
    import struct

    key_derivation = ({"type": "pbkdf2", "hash": "sha256", "iterations": 1000,
                       "salt": "AAAAAAAAAAAAAAAAAAAAAA=="} if kdf == "pbkdf2" else
                      {"type": "argon2id", "time": 1, "memory": 32, "cpus": 1,
                       "salt": "AAAAAAAAAAAAAAAAAAAAAA=="})
    metadata = {
        "keyslots": {"0": {"type": "luks2", "key_size": 64,
                           "af": {"type": "luks1", "stripes": 1, "hash": "sha256"},
                           "area": {"type": "raw", "offset": "16384", "size": "4096",
                                    "encryption": "aes-xts-plain64", "key_size": 64},
                           "kdf": key_derivation}},
        "segments": {"0": {"type": "crypt", "offset": "20480", "size": "dynamic",
                           "iv_tweak": "0", "encryption": "aes-xts-plain64",
                           "sector_size": 512}},
        "digests": {"0": {"type": "pbkdf2", "keyslots": ["0"], "segments": ["0"],
                          "hash": "sha256", "iterations": 1000,
                          "salt": "AAAAAAAAAAAAAAAAAAAAAA==",
                          "digest": "AAAAAAAAAAAAAAAAAAAAAA=="}},
        "config": {"json_size": "12288", "keyslots_size": "4096"}}
    header = struct.pack(">6sHQ", b"LUKS\xba\xbe", 2, 16384).ljust(4096, b"\0")
    return (header + json.dumps(metadata).encode()).ljust(16384, b"\0") + bytes(8192)
