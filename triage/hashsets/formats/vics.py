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

import importlib.util
import re
from typing import Iterator

from triage.hashsets.entries import (
    BadRecord,
    Entry,
    FormatError,
    Invalid,
    category,
    digest,
    dumps,
    size,
)
from triage.hashsets.formats.base import (
    BOM,
    HashSetFormat,
    Head,
    ReadOptions,
    SetInfo,
    Source,
    read_head,
)

_CONTEXT = re.compile(r'"(@odata\.context|odata\.metadata)"\s*:\s*"([^"]*)"')
_MODEL = re.compile(r"DataModels/(\d+(?:\.\d+)*)\.xml(?:/([^/#$]+))?", re.IGNORECASE)
_CASES_KEY = re.compile(r'"Media"\s*:\s*\[')
_HASH_KEYS = re.compile(r'"(MD5|SHA1)"\s*:', re.IGNORECASE)
_VALUE = re.compile(r'"value"\s*:\s*\[')
_CASE_HEADERS_KEPT = 200


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
        head = read_head(source.path)
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
        _need_ijson()
        stream = source.open_buffered()
        if stream.peek(len(BOM))[:len(BOM)] == BOM:
            stream.read(len(BOM))
            info.details["bom"] = True
        if form == "Cases":
            yield from self._read_cases(stream, source, info)
        else:
            yield from self._read_media(stream, source)

    def _read_media(self, stream, source: Source) -> Iterator[Entry | BadRecord]:
        import ijson

        index = 0
        try:
            for index, record in enumerate(ijson.items(stream, "value.item", use_float=True), 1):
                yield media_entry(record, index)
        except ijson.JSONError as exc:
            raise _broken(exc, index, source) from None

    def _read_cases(self, stream, source: Source, info: SetInfo) -> Iterator[Entry | BadRecord]:
        import ijson

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


def _need_ijson() -> None:
    """ijson is only needed here: without it the rest of Triage (ingest included) still works."""
    if importlib.util.find_spec("ijson") is None:
        raise FormatError("reading VICS JSON needs the Python package ijson (pip install ijson)")


def _alternative_sha256(hashes) -> str | None:
    if not isinstance(hashes, list):
        return None
    for item in hashes:
        if isinstance(item, dict) and str(item.get("HashName", "")).upper().replace("-", "") \
                == "SHA256":
            return digest(item.get("HashValue"), "sha256")
    return None


def _broken(exc: Exception, records: int, source: Source) -> FormatError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return FormatError(f"broken JSON after record {records} (near byte {source.position}): "
                       f"{reason}; nothing after that point can be read")
