"""Which recorded times are UTC and which are a device's local clock, and the pin that keeps
every machine reading them alike.

FAT and exFAT record the local time of the device that wrote them, with no zone (exFAT has
an offset byte, which The Sleuth Kit does not read); so do ZIP and CAB members. The Sleuth
Kit and libarchive turn such a reading into Unix time with mktime(), that is in *this
process's* time zone: the same USB stick gave times nine hours apart on an examiner's
machine in Tokyo and one in London, each shown as UTC. `pin_utc` makes that conversion
the identity (as TSK's own later fix does with timegm), so a local reading comes out as the
device showed it, on every machine and every cluster worker alike; `local_clock` says which
recorded times are such readings, so that they are never shown as UTC; and where the
examiner knows the zone the device was set to (an evidence's `time_zone`), `shown` converts
them to UTC.
"""

from __future__ import annotations

import os
import time
from datetime import UTC as _UTC
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

LOCAL_CLOCK_KINDS = frozenset({"fat12", "fat16", "fat32", "exfat", "zip", "cab", "iso9660"})
"""File systems and containers whose times are the writing device's local clock. ISO 9660
records its offset from UTC too, which The Sleuth Kit does not apply (a disc burnt at
16:07 CEST lists 16:07): its times are the burner's clock as well."""

UTC, DEVICE_LOCAL = "UTC", "device-local"
"""What a file's times are, as `files --csv` says it in its `time_zone` column (or
"UTC from ZONE": a device's clock converted with the zone the examiner set)."""


def pin_utc() -> None:
    """Make this process's local time zone UTC, before any library converts a local clock."""
    os.environ["TZ"] = "UTC"
    if hasattr(time, "tzset"):  # POSIX; Windows' C runtime reads TZ when it first needs it
        time.tzset()


def local_clock(fs_type: str | None, container_kind: str | None = None) -> bool:
    """Whether a file's times are a local clock reading: those of the container it was
    found in where there is one, else those of its file system."""
    return (container_kind or fs_type) in LOCAL_CLOCK_KINDS


def time_zone(fs_type: str | None, container_kind: str | None = None,
              zone: str | None = None) -> str:
    if not local_clock(fs_type, container_kind):
        return UTC
    return f"{UTC} from {zone}" if zone else DEVICE_LOCAL


DATE_ONLY_ACCESS = frozenset({"fat12", "fat16", "fat32"})
"""FAT keeps the day of last access, not its time: a day is not converted (midnight in
London in July is 23:00 UTC the day before, a day the file was perhaps never opened)."""


def shown_times(crtime, mtime, atime, ctime, fs_type: str | None,
                container_kind: str | None, zone: str | None) -> tuple:
    """A file's four times as shown: `shown` for each, FAT's access day left as it is."""
    local = local_clock(fs_type, container_kind)
    day_only = container_kind is None and fs_type in DATE_ONLY_ACCESS
    return (shown(crtime, local, zone), shown(mtime, local, zone),
            atime if day_only else shown(atime, local, zone), shown(ctime, local, zone))


def shown(value: datetime | None, local: bool, zone: str | None) -> datetime | None:
    """A recorded time as shown: a device's clock reading converted to UTC (naive, as every
    time here) where its zone is known; every other time as it is."""
    if value is None or not local or not zone:
        return value
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(_UTC).replace(tzinfo=None)


class UnknownZone(ValueError):
    """Not an IANA time zone name this machine knows."""


def checked_zone(name: str) -> str:
    """`name` if it is an IANA zone (Europe/London, America/New_York, UTC), else UnknownZone."""
    if name not in available_timezones() and name != "UTC":
        raise UnknownZone(f"{name!r} is not a time zone name (IANA, such as Europe/London)")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(f"{name!r}: {exc}") from exc
    return name
