"""How numbers read on screen: exact counts with separators, sizes and rates in binary units."""

from __future__ import annotations

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def count(n: int | None) -> str:
    return "" if n is None else f"{n:,}"


def size(n: int | None) -> str:
    """A size for people: `512 bytes`, `1.5 MiB`, `3.72 GiB`."""
    if n is None:
        return ""
    value, unit = float(n), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{n:,} bytes"
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f} {_UNITS[unit]}"


def exact_size(n: int | None) -> str:
    """The exact byte count, and the readable size beside it when that differs."""
    if n is None:
        return "unknown"
    readable = size(n)
    return f"{n:,} bytes" if readable.endswith("bytes") else f"{n:,} bytes ({readable})"


def rate(bytes_per_second: float) -> str:
    if bytes_per_second <= 0:
        return ""
    return size(int(bytes_per_second)).replace("bytes", "B") + "/s"


def duration(seconds: float | None) -> str:
    """Time left, rounded as a person would say it: `40 s`, `3 min`, `1 h 05 min`."""
    if seconds is None:
        return ""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes = (seconds + 30) // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
