"""Project VIC VICS JSON, data model 2.0 and 1.x, hash-set form and case form.

Version 2.0 names its data model in `@odata.context`
(`…/ProjectVic/DataModels/2.0.xml/<US|UK|Default|CUSTOM>/$metadata#<Media|Cases>`),
1.x in `odata.metadata` (`…/ICMEC/ProjectVic/DataModels/1.3.xml#Cases`). The
hash-set form puts Media records straight under `value`; the case form puts
case objects there, each with its `Media` array. Files run to hundreds of MB
and are streamed (ijson) a record at a time.

Category integers mean what the data model's scheme says, so the scheme is
recorded from the data model and the codes are kept verbatim:

- 2.0 `US` → ``vics-us``; 2.0 `Default` (the national hash-set form) uses the
  same VICS 2.0 integers → ``vics-us`` too (the context is kept in details);
- 2.0 `UK` → ``vics-uk`` (its integers are not public: never mapped here);
- 2.0 any other variant `X` → ``vics-x`` (e.g. ``vics-custom``);
- 1.x → ``dhs-legacy`` (the legacy DHS numbering, 0 = uncategorised);
- no context at all → no scheme (the examiner must name one if there are categories).
"""

from __future__ import annotations

import io
import itertools
import os
import re
from pathlib import Path
from typing import Iterator

import ijson
import orjson

from triage.hashsets.blocks import BinaryColumns, binary_digests
from triage.hashsets.entries import (
    BadRecord,
    Entry,
    FormatError,
    Invalid,
    category,
    digest,
    dumps,
    plain_dumps_all,
    size,
)
from triage.hashsets.formats.base import (
    BOM,
    HashSetFormat,
    Head,
    Piece,
    ReadOptions,
    SetInfo,
    Source,
)

_CONTEXT = re.compile(r'"(@odata\.context|odata\.metadata)"\s*:\s*"([^"]*)"')
_MODEL = re.compile(r"DataModels/(\d+(?:\.\d+)*)\.xml(?:/([^/#$]+))?", re.IGNORECASE)
_CASES_KEY = re.compile(r'"Media"\s*:\s*\[')
_HASH_KEYS = re.compile(r'"(MD5|SHA1)"\s*:', re.IGNORECASE)
_VALUE = re.compile(r'"value"\s*:\s*\[')
_CASE_HEADERS_KEPT = 200
_VALUE_BYTES = re.compile(rb'"value"[ \t\r\n]*:[ \t\r\n]*\[')
_BOUNDARY = re.compile(rb"\}[ \t\r\n]*,")  # maybe the end of one record of `value`
_WHITESPACE = b" \t\r\n"
PIECE_BYTES = 4 << 20  # of a hash-set form file, read by one process at a time
_MAX_PIECE = 64 << 20  # a piece with no record boundary in sight is read in order instead
_SCAN = 1 << 16


def parse_context(url: str) -> dict:
    """What an odata context URL says: version, variant, entity ("Media"/"Cases"), scheme."""
    model = _MODEL.search(url)
    version = model.group(1) if model else None
    variant = model.group(2) if model else None
    entity = url.rpartition("#")[2] if "#" in url else None
    if version is None:
        scheme = None
    elif version.startswith("1"):
        scheme = "dhs-legacy"
    elif variant is None or variant.lower() == "default":
        scheme = "vics-us"
    else:
        scheme = f"vics-{variant.lower()}"
    return {"version": version, "variant": variant, "entity": entity, "scheme": scheme}


class VicsFormat(HashSetFormat):
    id = "vics"
    implied_kind = "alert"  # Project VIC's sets are of known material
    title = "Project VIC VICS JSON (1.x or 2.0, hash-set or case form)"

    def sniff(self, head: Head) -> bool:
        text = head.text.lstrip()
        if not text.startswith("{"):
            return False
        context = _CONTEXT.search(text)
        if context:
            return "projectvic" in context.group(2).lower()
        return bool(_VALUE.search(text) and _HASH_KEYS.search(text))

    def read(self, source: Source, info: SetInfo,
             options: ReadOptions) -> Iterator[Entry | BadRecord]:
        form = self._describe(source.head, info)
        stream = source.open_buffered()
        if stream.peek(len(BOM))[:len(BOM)] == BOM:
            stream.read(len(BOM))
            info.details["bom"] = True
        if form == "Cases":
            yield from self._read_cases(stream, source, info)
        else:
            yield from self._read_media(stream, source)

    def _describe(self, head: Head, info: SetInfo) -> str:
        """Scheme and details from the data model; the form: "Media" (hash set) or "Cases"."""
        context = _CONTEXT.search(head.text)
        form = "Media"
        if context:
            described = parse_context(context.group(2))
            info.scheme = described["scheme"]
            info.details.update({
                "context_key": context.group(1), "context": context.group(2),
                "data_model": "/".join(filter(None, (described["version"], described["variant"]))),
            })
            if described["entity"] in ("Cases", "Media"):
                form = described["entity"]
            elif _CASES_KEY.search(head.text):
                form = "Cases"
        elif _CASES_KEY.search(head.text):
            form = "Cases"
        info.details["form"] = "case" if form == "Cases" else "hash set"
        return form

    # -- a hash-set form file read by several processes ------------------------------------
    #
    # The `value` array is cut at about every PIECE_BYTES, each cut moved on to
    # the next `}` `,` — the likely end of a record — and each piece is decoded
    # whole by orjson as `[` piece `]`. A cut that is not really between two
    # records (the `},` was inside a string, or inside a nested object) leaves a
    # piece that is not valid JSON on its own: it and all after it are then read
    # in order by ijson (`read_from`). A piece that decodes does start and end
    # between two records, given that the one before it did: so every piece that
    # decodes, in order, reads exactly what ijson would.

    def pieces(self, source: Source, info: SetInfo, options: ReadOptions) -> list | None:
        head = source.head
        if self._describe(head, info) != "Media":
            return None

        raw = head.raw
        begin = len(BOM) if raw.startswith(BOM) else 0
        found = _VALUE_BYTES.search(raw, begin)
        if found is None:
            return None
        before = raw[begin:found.start()].rstrip(_WHITESPACE)
        try:  # "value" must be a key of the outer object, not of one inside it
            if orjson.loads(before.removesuffix(b",") + b"}").__class__ is not dict:
                return None
        except orjson.JSONDecodeError:
            return None
        size = head.size
        with open(source.path, "rb") as f:
            f.seek(max(0, size - 4096))
            tail = f.read()
        end = tail.rstrip(_WHITESPACE)
        if not end.endswith(b"}"):
            return None
        end = end[:-1].rstrip(_WHITESPACE)
        if not end.endswith(b"]"):
            return None
        array_start, array_end = found.end(), size - len(tail) + len(end) - 1
        if array_end <= array_start:
            return None
        if begin:
            info.details["bom"] = True
        cuts = list(range(array_start, array_end, PIECE_BYTES)) + [array_end]
        return [(cuts[i], cuts[i + 1], array_start, array_end) for i in range(len(cuts) - 1)]

    def read_piece(self, path: Path, piece) -> Piece:
        with open(path, "rb", buffering=0) as f:
            start, end = _piece_bounds(f.fileno(), piece)
            done = Piece(start, position=end)
            if end - start > _MAX_PIECE:
                done.fallback = True
                return done
            data = os.pread(f.fileno(), end - start, start) if end > start else b""
        data = b"[" + data + b"]"
        try:
            records = orjson.loads(data)
        except orjson.JSONDecodeError:
            done.fallback = True
            return done
        done.records = len(records)
        done.columns = _plain_columns(records)
        if done.columns is None:  # out of the common run: decoded by ijson, as `read` does,
            try:  # then record by record (orjson and ijson differ on huge integers)
                records = list(ijson.items(io.BytesIO(b'{"value":' + data + b"}"),
                                           "value.item", use_float=True))
            except ijson.JSONError:  # the error, named as `read` names it, comes from read_from
                done.fallback = True
                return done
            for index, record in enumerate(records, 1):
                item = media_entry(record, index)
                if item.__class__ is BadRecord:
                    done.bad.append(item)
                else:
                    done.rows.append(tuple(item))  # plain tuples: cheaper to send than Entry
        return done

    def read_from(self, source: Source, info: SetInfo, options: ReadOptions, piece,
                  first_record: int) -> Iterator[Entry | BadRecord]:
        with open(source.path, "rb", buffering=0) as f:
            start, _ = _piece_bounds(f.fileno(), piece)
        stream = _Resumed(source.path, start, b'{"value":[')
        try:
            yield from self._read_media(io.BufferedReader(stream, 1 << 20), stream, first_record)
        finally:
            stream.close()

    def renumbered(self, bad: BadRecord, before: int) -> BadRecord:
        index = bad.record + before
        return BadRecord(index, _where(index), bad.reason, bad.text)

    def _read_media(self, stream, source, first: int = 1) -> Iterator[Entry | BadRecord]:
        index = first - 1
        try:
            for index, record in enumerate(ijson.items(stream, "value.item", use_float=True),
                                           first):
                yield media_entry(record, index)
        except ijson.JSONError as exc:
            raise _broken(exc, index, source) from None

    def _read_cases(self, stream, source: Source, info: SetInfo) -> Iterator[Entry | BadRecord]:
        cases: list[dict] = []
        builder = None
        case_no = media_no = index = 0
        try:
            for prefix, event, value in ijson.parse(stream, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event == "end_map" and prefix == "value.item.Media.item":
                        index += 1
                        yield media_entry(builder.value, index,
                                          f"record {index} (value[{case_no - 1}]"
                                          f".Media[{media_no - 1}])")
                        builder = None
                    continue
                if prefix == "value.item.Media.item" and event == "start_map":
                    media_no += 1
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                elif prefix == "value.item" and event == "start_map":
                    case_no, media_no = case_no + 1, 0
                    if len(cases) < _CASE_HEADERS_KEPT:
                        cases.append({})
                elif (event in ("string", "number", "boolean", "null")
                      and prefix.startswith("value.item.") and prefix.count(".") == 2
                      and case_no <= _CASE_HEADERS_KEPT):
                    cases[-1][prefix[len("value.item."):]] = value
                elif prefix == "value.item.Media.item" and event != "end_array":
                    index += 1
                    media_no += 1
                    yield BadRecord(index, f"record {index} (value[{case_no - 1}]"
                                    f".Media[{media_no - 1}])", "not a JSON object", repr(value))
        except ijson.JSONError as exc:
            raise _broken(exc, index, source) from None
        info.details["cases"] = cases
        info.details["case_count"] = case_no


def media_entry(record, index: int, where: str | None = None) -> Entry | BadRecord:
    """One VICS Media object → an entry; everything but digests, Category, MediaSize → extra.

    `where` names the record for a report (default: its place in a hash-set form file).
    """
    if record.__class__ is not dict:
        return BadRecord(index, where or _where(index), "not a JSON object", repr(record)[:200])
    pop = record.pop
    md5, sha1, sha256 = pop("MD5", None), pop("SHA1", None), pop("SHA256", None)
    code, raw_size = pop("Category", None), pop("MediaSize", None)
    try:
        md5, sha1, sha256 = digest(md5, "md5"), digest(sha1, "sha1"), digest(sha256, "sha256")
        if sha256 is None and "AlternativeHashes" in record:
            sha256 = _alternative_sha256(record["AlternativeHashes"])
        code = category(code)
        if md5 is None and sha1 is None and sha256 is None:
            raise Invalid("no MD5, SHA1 or SHA-256")
    except Invalid as exc:
        given = {"MD5": md5, "SHA1": sha1, "SHA256": sha256, "Category": code,
                 "MediaSize": raw_size}
        record.update((k, v) for k, v in given.items() if v is not None)
        return BadRecord(index, where or _where(index), str(exc), dumps(record) or "")
    media_size = size(raw_size) if raw_size is not None else None
    if media_size is None and raw_size is not None and raw_size != "":
        record["MediaSize"] = raw_size  # not a size: kept as given
    return Entry(index, md5, sha1, sha256, code, media_size, dumps(record))


def _where(index: int) -> str:
    return f"record {index} (value[{index - 1}])"


def _alternative_sha256(hashes) -> str | None:
    if not isinstance(hashes, list):
        return None
    for item in hashes:
        if isinstance(item, dict) and str(item.get("HashName", "")).upper().replace("-", "") \
                == "SHA256":
            return digest(item.get("HashValue"), "sha256")
    return None


_PLAIN_TYPES = frozenset((str, int, bool, type(None)))
_INT64_MIN, _INT64_LIMIT = -(1 << 63), 1 << 63


def _plain_columns(records: list) -> BinaryColumns | None:
    """The columns of a piece in which every record is in the common run, or None.

    The common run: an object whose MD5 and/or SHA1 are hex of the right
    length, no SHA256 or AlternativeHashes, an integer Category or none, a
    non-negative integer MediaSize or none, and other fields that are plain
    strings, integers (within 64 bits, as ijson reads them), booleans or
    nulls. For those, this gives exactly what `media_entry` gives, at a
    fraction of the cost: field by field over the whole piece (each a loop
    in C), and the extra fields written by one orjson call
    (`plain_dumps_all`). Anything else sends the whole piece back to
    `media_entry`, record by record.
    """
    if not all(record.__class__ is dict for record in records):
        return None
    values = list(itertools.chain.from_iterable(map(dict.values, records)))
    if not set(map(type, values)) <= _PLAIN_TYPES:
        return None
    integers = list(filter(int.__instancecheck__, values))
    if integers and not (_INT64_MIN < min(integers) and max(integers) < _INT64_LIMIT):
        return None  # ijson refuses what it cannot hold in 64 bits (and -2**63)
    if any(map(dict.__contains__, records, itertools.repeat("AlternativeHashes"))):
        return None
    md5s, sha1s, sha256s, codes, sizes = (
        list(map(dict.pop, records, itertools.repeat(name), itertools.repeat(None)))
        for name in KNOWN_FIELDS)
    if sha256s.count(None) != len(records):
        return None
    return _checked_columns(md5s, sha1s, codes, sizes, [
        extra[1:-1].encode() if extra else b"" for extra in plain_dumps_all(records)])


def _checked_columns(md5s: list, sha1s: list, codes: list, sizes: list,
                     extras: list[bytes]) -> BinaryColumns | None:
    """The entries of the common run as a block stores them, from a piece's fields, or None
    where a value is out of it. `extras`: what is inside each record's object of extra
    fields, as JSON (b"" where it has none)."""
    if None in sha1s and any(md5 is None and sha1 is None for md5, sha1 in zip(md5s, sha1s)):
        return None
    if set(map(type, codes)) - {int, type(None)} or set(map(type, sizes)) - {int, type(None)}:
        return None
    if min((size for size in sizes if size is not None), default=0) < 0:
        return None
    digests = binary_digests((md5s, sha1s, None))
    if digests is None:
        return None
    flags, (md5, sha1, _) = digests
    return BinaryColumns(range(1, len(md5s) + 1), flags, md5, sha1, None,
                         _fields(codes, sizes, extras))


def _fields(codes: list, sizes: list, extras: list[bytes]) -> bytes:
    """The entries' `fields` lines (`blocks.field_lines`) written as bytes in one pass."""
    if None in codes or None in sizes or b"" in extras:
        codes = [b"" if code is None else b"%d" % code for code in codes]
        sizes = [b"" if size is None else b"%d" % size for size in sizes]
        extras = [b"{%b}" % extra if extra else b"" for extra in extras]
        return b"\n".join(map(b"%b\t%b\t%b".__mod__, zip(codes, sizes, extras)))
    return b"\n".join(map(b"%d\t%d\t{%b}".__mod__, zip(codes, sizes, extras)))


KNOWN_FIELDS = ("MD5", "SHA1", "SHA256", "Category", "MediaSize")


def _piece_bounds(fd: int, piece) -> tuple[int, int]:
    """Where a piece (cut, next cut, start and end of `value`) really starts and ends."""
    cut, next_cut, array_start, array_end = piece
    start = array_start if cut == array_start else _boundary(fd, cut, array_end) + 1
    end = array_end if next_cut == array_end else _boundary(fd, next_cut, array_end)
    return start, max(start, end)


def _boundary(fd: int, cut: int, limit: int) -> int:
    """The offset of the first `,` after a `}` at or after `cut` (`limit` if none before it).

    The pieces on both sides of a cut call this with the same arguments and so
    agree on it, whatever it finds.
    """
    at = cut
    while at < limit:
        data = os.pread(fd, min(_SCAN + 256, limit - at), at)
        found = _BOUNDARY.search(data)
        if found is not None and found.start() < _SCAN:
            return at + found.end() - 1
        at += _SCAN
    return limit


class _Resumed(io.RawIOBase):
    """`prefix`, then the file from `offset` on; `position` is the offset in the file."""

    def __init__(self, path: Path, offset: int, prefix: bytes):
        self._file = open(path, "rb", buffering=0)
        self._file.seek(offset)
        self._prefix = prefix
        self.position = offset

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        n = self._file.readinto(buffer)
        self.position += n
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def _broken(exc: Exception, records: int, source) -> FormatError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return FormatError(f"broken JSON after record {records} (near byte {source.position}): "
                       f"{reason}; nothing after that point can be read")
