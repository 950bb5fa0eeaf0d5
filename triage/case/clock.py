"""The one clock of the case store."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, as every timestamp in the store is."""
    return datetime.now(UTC).replace(tzinfo=None)
