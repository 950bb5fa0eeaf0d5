"""The Sleuth Kit's command-line tools as an independent reference.

``mmls`` gives the partitions, ``fls -r -p`` every entry of each file system,
``fls -l`` sizes and times, and ``icat`` the content (its MD5).  Debian's
sleuthkit is built with libewf, so all of this works on ``.E01`` directly
(segments found by libewf's glob), and split raw is given as the list of all
segments.

The records mirror the columns of ``triage files --csv`` so tests can
compare them directly:

- ``path``: ``/`` + the path fls prints (fls replaces control characters in
  names with ``^``; see :func:`sanitize_name`).
- ``partition_offset``: bytes (0 for a bare file system).
- ``kind``: file, dir, link, virtual, other (from fls's type letters).
- ``meta_addr``: the inode number, without NTFS's ``-TYPE-ID`` suffix.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

TSK_TOOLS = ("mmls", "fls", "icat")

# "r/r * 123-128-4(realloc):\tpath"  (-l adds tab-separated columns)
_FLS_LINE = re.compile(
    r"^(?P<ntype>[-a-zA-Z])/(?P<mtype>[-a-zA-Z]) "
    r"(?P<deleted>\* )?"
    r"(?P<addr>\d+)(?:-(?P<atype>\d+)-(?P<aid>\d+))?"
    r"(?P<realloc>\(realloc\))?:\t(?P<rest>.*)$"
)

# fls type letters -> Triage kind.  'V' is TSK's virtual directory
# ($OrphanFiles), 'v' a virtual file ($MBR, $FAT1, ...).
_KIND = {
    "r": "file",
    "d": "dir",
    "l": "link",
    "v": "virtual",
    "V": "dir",
}


def have_tsk() -> bool:
    return all(shutil.which(t) for t in TSK_TOOLS)


def sanitize_name(s: str) -> str:
    """What fls prints for a name: control characters (< 0x20) become '^'."""
    return "".join("^" if ord(c) < 0x20 else c for c in s)


@dataclass(frozen=True)
class Partition:
    slot: str
    start_sector: int
    length_sectors: int
    description: str
    sector_size: int = 512

    @property
    def offset(self) -> int:
        return self.start_sector * self.sector_size


@dataclass(frozen=True)
class Entry:
    partition_offset: int
    path: str  # with leading '/'
    name_type: str  # fls letter before '/'
    meta_type: str  # fls letter after '/'
    deleted: bool
    meta_addr: int
    attr: str  # "128-4" for NTFS, "" otherwise
    realloc: bool
    # from fls -l (None when not requested)
    size: int | None = None
    mtime: int | None = None
    atime: int | None = None
    ctime: int | None = None
    crtime: int | None = None

    @property
    def kind(self) -> str:
        letter = self.meta_type if self.meta_type != "-" else self.name_type
        return _KIND.get(letter, "other")

    @property
    def is_dir(self) -> bool:
        return self.name_type in "dV" or self.meta_type in "dV"

    @property
    def full_addr(self) -> str:
        return f"{self.meta_addr}-{self.attr}" if self.attr else str(self.meta_addr)

    @property
    def is_named_stream(self) -> bool:
        """An NTFS alternate data stream row (``file:stream``), which fls
        lists as its own entry."""
        name = self.path.rsplit("/", 1)[-1]
        return bool(self.attr) and ":" in name


def _tool(args: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
    return subprocess.run(list(args), capture_output=True, timeout=timeout, env=env)


def image_args(image: Path | Sequence[Path]) -> list[str]:
    """TSK image arguments: one path, or every segment of a split raw."""
    if isinstance(image, (str, os.PathLike)):
        image = Path(image)
        if re.fullmatch(r"\.\d{3}", image.suffix):
            segs = sorted(image.parent.glob(image.stem + ".[0-9][0-9][0-9]"))
            return [str(s) for s in segs]
        return [str(image)]
    return [str(p) for p in image]


@lru_cache(maxsize=None)
def _mmls(args: tuple[str, ...]) -> tuple[Partition, ...]:
    proc = _tool(["mmls", *args])
    if proc.returncode != 0:
        return ()
    out = proc.stdout.decode("utf-8", "replace")
    m = re.search(r"Units are in (\d+)-byte sectors", out)
    ssize = int(m.group(1)) if m else 512
    parts = []
    for line in out.splitlines():
        m = re.match(r"^\s*\d+:\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$", line)
        if not m:
            continue
        slot = m.group(1)
        if slot == "Meta" or slot.startswith("-"):
            continue
        parts.append(Partition(slot, int(m.group(2)), int(m.group(4)),
                               m.group(5).strip(), ssize))
    return tuple(parts)


def partitions(image) -> list[Partition]:
    """Allocated partitions per mmls; [] when there is no volume system."""
    return list(_mmls(tuple(image_args(image))))


def parse_time(s: str) -> int | None:
    """'2012-05-25 15:55:50 (UTC)' -> epoch seconds; zero time -> None."""
    s = s.strip()
    if not s or s.startswith("0000-00-00"):
        return None
    s = re.sub(r"\s*\(.*\)$", "", s)
    s = s.split(".")[0]
    return calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S"))


def parse_fls(text: str, partition_offset: int = 0, long: bool = False) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        m = _FLS_LINE.match(line)
        if not m:
            continue
        rest = m.group("rest")
        extra = {}
        if long:
            cols = rest.split("\t")
            # name may in theory hold a tab; the last 7 columns are fixed
            name, cols = "\t".join(cols[:-7]), cols[-7:]
            mt, at, ct, crt, size = cols[:5]
            extra = dict(size=int(size), mtime=parse_time(mt), atime=parse_time(at),
                         ctime=parse_time(ct), crtime=parse_time(crt))
        else:
            name = rest
        attr = ""
        if m.group("atype"):
            attr = f"{m.group('atype')}-{m.group('aid')}"
        entries.append(Entry(
            partition_offset=partition_offset,
            path="/" + name,
            name_type=m.group("ntype"),
            meta_type=m.group("mtype"),
            deleted=bool(m.group("deleted")),
            meta_addr=int(m.group("addr")),
            attr=attr,
            realloc=bool(m.group("realloc")),
            **extra,
        ))
    return entries


@lru_cache(maxsize=None)
def _fls(args: tuple[str, ...], sector_offset: int) -> tuple[bool, tuple[Entry, ...]]:
    cmd = ["fls", "-r", "-p", "-l"]
    if sector_offset:
        cmd += ["-o", str(sector_offset)]
    proc = _tool(cmd + list(args))
    if proc.returncode != 0:
        return False, ()
    text = proc.stdout.decode("utf-8", "replace")
    # sector size: TSK default 512 for all images we use
    return True, tuple(parse_fls(text, sector_offset * 512, long=True))


def fls(image, sector_offset: int = 0) -> list[Entry] | None:
    """Entries of the file system at ``sector_offset``; None if fls fails."""
    ok, entries = _fls(tuple(image_args(image)), sector_offset)
    return list(entries) if ok else None


@dataclass
class Reference:
    """What TSK finds in one evidence item."""

    partitions: list[Partition]
    #: partition byte offset -> entries (only file systems fls could open)
    file_systems: dict[int, list[Entry]]
    #: partition byte offsets with no file system fls could open
    unreadable: list[int]

    @property
    def entries(self) -> list[Entry]:
        return [e for es in self.file_systems.values() for e in es]


@lru_cache(maxsize=None)
def _reference(args: tuple[str, ...]) -> Reference:
    parts = list(_mmls(args))
    file_systems: dict[int, list[Entry]] = {}
    unreadable = []
    if parts:
        for p in parts:
            ok, entries = _fls(args, p.start_sector)
            if ok:
                file_systems[p.offset] = list(entries)
            else:
                unreadable.append(p.offset)
    else:
        ok, entries = _fls(args, 0)
        if ok:
            file_systems[0] = list(entries)
    return Reference(parts, file_systems, unreadable)


def reference(image) -> Reference:
    """Partitions (mmls) and entries (fls) of an image, like Triage walks it:
    every allocated partition, or the bare file system when there is no
    partition table."""
    return _reference(tuple(image_args(image)))


@lru_cache(maxsize=None)
def _icat(args: tuple[str, ...], sector_offset: int, addr: str) -> tuple[bool, str, str, int]:
    cmd = ["icat"]
    if sector_offset:
        cmd += ["-o", str(sector_offset)]
    proc = _tool(cmd + list(args) + [addr], timeout=120)
    data = proc.stdout
    return (proc.returncode == 0, hashlib.md5(data).hexdigest(),
            proc.stderr.decode("utf-8", "replace").strip(), len(data))


@dataclass(frozen=True)
class Content:
    ok: bool  # icat exit status 0
    md5: str  # MD5 of whatever icat wrote (even on failure)
    error: str
    length: int


def icat(image, partition_offset: int, addr: int | str) -> Content:
    """icat's view of one metadata address (the default data attribute when
    ``addr`` is a bare inode number)."""
    ok, md5, err, n = _icat(tuple(image_args(image)), partition_offset // 512, str(addr))
    return Content(ok, md5, err, n)


def icat_entry(image, entry: Entry) -> Content:
    """Content of an entry as Triage should hash it: ``icat IMAGE INODE``
    (the default data attribute).  Deleted entries with meta address 0 have
    no content."""
    if entry.meta_addr == 0 and entry.deleted:
        return Content(False, "", "no metadata address", 0)
    return icat(image, entry.partition_offset, entry.meta_addr)
