"""OLE compound files, read through olefile (BSD): Windows `Thumbs.db` (XP, and still
written on network shares), Outlook `.msg` attachments, and pictures kept whole in the
streams of other OLE files.

A Thumbs.db stream holds one cached thumbnail after a small header; its `Catalog`
stream names the picture each was made from, so items are named `entry N/original
name`: the chain says which picture a thumbnail stands for after the picture itself
was deleted.
"""

from __future__ import annotations

import struct
from typing import Iterator

from triage.evidence.containers.base import Chunks, Container, ContainerError, Member, timestamp

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PICTURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM")


class Ole(Container):
    """An OLE compound file: a Thumbs.db, an Outlook .msg, or any other (a .doc, .xls):
    from those, only streams whose content is a picture or a container become items."""

    kinds = frozenset({"ole", "thumbs.db", "msg"})

    @staticmethod
    def sniff(head: bytes) -> str | None:
        return "ole" if head.startswith(OLE) else None

    def members(self) -> Iterator[tuple[Member, Chunks | None]]:
        import olefile  # only when an OLE file is met

        try:
            ole = olefile.OleFileIO(self.stream)
        except (OSError, ValueError, RecursionError) as exc:  # a directory that loops
            raise ContainerError(f"not a readable OLE file: {type(exc).__name__}: "
                                 f"{exc}") from None
        try:
            if ole.exists("Catalog"):
                self.found = "thumbs.db"
                yield from _thumbnails(ole)
            elif ole.exists("__properties_version1.0"):
                self.found = "msg"
                yield from _attachments(ole)
            else:
                self.keeps_everything = False
                yield from _streams(ole)
        except (OSError, ValueError, RecursionError) as exc:  # olefile on a damaged file
            raise ContainerError(f"damaged OLE file: {type(exc).__name__}: {exc}") from None
        finally:
            ole.close()


def _thumbnails(ole) -> Iterator[tuple[Member, Chunks | None]]:
    names = _catalog(ole)
    for path in ole.listdir(streams=True, storages=False):
        stream = "/".join(path)
        if stream == "Catalog":
            continue
        name, written = names.get(stream, (stream, None))
        location = f"entry {stream}/{name.replace('/', '_').replace(chr(92), '/')}"
        try:
            data = _picture(ole.openstream(path).read())
        except OSError as exc:
            yield Member(location, error=f"cannot read stream: {exc}"), None
            continue
        if data is None:
            yield Member(location, kind="other", error="no picture in this stream"), None
            continue
        yield Member(location, size=len(data), mtime=written), iter((data,))


def _attachments(ole) -> Iterator[tuple[Member, Chunks | None]]:
    """An Outlook message's attachments (each storage `__attach_version1.0_#N`): the data
    stream (PR_ATTACH_DATA_BIN) named by the long or short file name."""
    storages = sorted({path[0] for path in ole.listdir(streams=True, storages=False)
                       if path[0].startswith("__attach_version1.0_#")})
    for number, storage in enumerate(storages, 1):
        name = (_text(ole, storage, "3707") or _text(ole, storage, "3704")
                or f"attachment {number}")
        location = f"attachment {number}/{name.replace('/', '_')}"
        data_stream = [storage, "__substg1.0_37010102"]
        if not ole.exists("/".join(data_stream)):
            yield Member(location, kind="other", error="no attached data (an embedded "
                         "message or object)"), None
            continue
        data = ole.openstream(data_stream).read()
        yield Member(location, size=len(data)), iter((data,))


def _text(ole, storage: str, tag: str) -> str | None:
    for kind, codec in (("001F", "utf-16-le"), ("001E", "latin-1")):
        path = f"{storage}/__substg1.0_{tag}{kind}"
        if ole.exists(path):
            return ole.openstream(path).read().decode(codec, "replace").rstrip("\0") or None
    return None


def _streams(ole) -> Iterator[tuple[Member, Chunks | None]]:
    for path in ole.listdir(streams=True, storages=False):
        data = ole.openstream(path).read()
        yield Member("/".join(path), size=len(data)), iter((data,))


def _picture(raw: bytes) -> bytes | None:
    """The picture in a thumbnail stream: after its small header (header size, index,
    data size), or from the first picture signature where the header is another kind."""
    if len(raw) >= 12:
        header, _, size = struct.unpack_from("<III", raw)
        if 8 <= header <= 64 and raw[header:].startswith(PICTURES) and size <= len(raw) - header:
            return raw[header:header + size]
    starts = [i for i in (raw.find(magic) for magic in PICTURES[:2]) if i >= 0]
    return raw[min(starts):] if starts else None


def _catalog(ole) -> dict[str, tuple[str, object]]:
    """Stream name -> (the original file's name, its time) from the Catalog stream; the
    stream of entry 12 is called "21" (the digits reversed)."""
    if not ole.exists("Catalog"):
        return {}
    data = ole.openstream("Catalog").read()
    names = {}
    try:
        (header,) = struct.unpack_from("<H", data)
        offset = header
        while offset + 16 <= len(data):
            size, index, filetime = struct.unpack_from("<IIQ", data, offset)
            if size < 16:
                break
            raw = data[offset + 16:offset + size]
            name = raw.decode("utf-16-le", "replace").split("\0", 1)[0]
            seconds = filetime / 10_000_000 - 11_644_473_600 if filetime else None
            names[str(index)[::-1]] = (name or str(index), timestamp(seconds))
            offset += size
    except struct.error:
        pass  # a damaged catalog: the streams are still read, named by themselves
    return names
