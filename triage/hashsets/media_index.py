"""The case's media digests, one kind at a time, sorted for looking up a block's entries.

Loaded when first asked for: per media item and kind 8 bytes of key (the
digest's first 8 bytes as one number, so key order is digest order), 8 of
media id and the digest itself (a million media, all three kinds: 116 MB),
and a bitmap of the keys' top bits (2 bytes per media) that turns most
entries away before any search. `matching.find_hits` searches it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.case.models import Media

if TYPE_CHECKING:  # numpy is imported where it is used: the desktop application's start-up
    import numpy as np  # imports this package, and numpy would add a third of a second

PAGE = 200_000  # media digests read at a time


class Digests(NamedTuple):
    keys: np.ndarray  # first 8 bytes of each digest as uint64, sorted
    ids: np.ndarray  # media ids, in key order
    digests: np.ndarray  # whole digests, rows of bytes, in key order
    bitmap: np.ndarray  # True where some key has these top bits
    shift: np.uint64  # key >> shift: a key's top bits


class MediaDigests:
    """The case's media digests, a kind at a time, loaded when first asked for."""

    def __init__(self, session: Session):
        self._session = session
        self._kinds: dict[str, Digests] = {}

    def kind(self, name: str, size: int) -> Digests:
        if name not in self._kinds:
            self._kinds[name] = self._load(name, size)
        return self._kinds[name]

    def _load(self, name: str, size: int) -> Digests:
        import numpy as np  # start-up: see the module's imports

        media = Media.__table__
        column = media.c[name]
        ids, digests = [np.zeros(0, np.int64)], [np.zeros((0, size), np.uint8)]
        last = ""
        while True:
            # A page of digests as one string (and their ids as another, in the same order):
            # a million media without a Python object for each.
            page = (select(media.c.id, column).where(column > last).order_by(column)
                    .limit(PAGE).subquery())
            count, id_text, hex_text, last = self._session.execute(select(
                func.count(), func.group_concat(page.c.id, ","),
                func.group_concat(page.c[name], ""), func.max(page.c[name]))).one()
            if not count:
                break
            ids.append(np.fromstring(id_text, np.int64, sep=","))
            digests.append(np.frombuffer(bytes.fromhex(hex_text), np.uint8).reshape(count, size))
        all_digests = np.concatenate(digests)
        keys = keys_of(all_digests)
        order = np.argsort(keys, kind="stable")  # sorted already, unless a collation differs
        keys = keys[order]
        shift = np.uint64(64 - max(20, int(len(keys) * 16).bit_length()))
        bitmap = np.zeros(1 << (64 - int(shift)), bool)
        bitmap[keys >> shift] = True
        return Digests(keys, np.concatenate(ids)[order], all_digests[order], bitmap, shift)


def keys_of(digests: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each digest (rows of bytes) as uint64, so key order is digest order."""
    import numpy as np  # start-up: see the module's imports

    return np.ascontiguousarray(digests[:, :8]).view(">u8").ravel().astype(np.uint64)
