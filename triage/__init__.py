"""Triage: find, hash, match and categorise pictures and videos on seized evidence."""

__version__ = "0.1.0"
