"""Matching media against hash sets, block by block — never a set in Python memory.

A media item matches an entry by the strongest digest the entry has (the
media always has all three): SHA-256 when the entry has one, else SHA-1,
else MD5. An entry whose SHA-256 differs from the media's does not match
on a weaker digest that happens to agree.

The case's media digests are held in memory, sorted (`media_index`); an
import matches each block as it stores it (`store_blocks`), a re-match
reads each set a page of blocks at a time, and each block's strongest
digests are looked up with one numpy search (`find_hits`). 5 million media
against 50 million entries is a read of the sets' digest columns and 50
million binary searches.

Verdicts (`hash_set_verdict`) summarise, per matched media, what the sets
say: alert, known-good, the agreed category, or conflicting when they
disagree (alert and known-good, or two different categorised answers —
codes of different schemes count as different until someone translates
them). Nothing is resolved: every answer stays in `hash_set_match`.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Integer, func, select, text
from sqlalchemy.orm import Session

from triage.case.models import HashSet, HashSetKind, HashSetVerdict
from triage.hashsets.block_store import entry_ids, insert_blocks, insert_rows, iter_blocks
from triage.hashsets.blocks import KINDS, STRONGER, Block
from triage.hashsets.media_index import MediaDigests, keys_of
from triage.hashsets.precedence import apply_precedence


def match_set(session: Session, hash_set_id: int, media: MediaDigests | None = None) -> int:
    """Match every media against one set; returns the number of matches made."""
    media = media or MediaDigests(session)
    return sum(match_block(session, hash_set_id, block, media, block_id)
               for block_id, block in iter_blocks(session, hash_set_id, fields=False))


def store_blocks(session: Session, hash_set_id: int, blocks: list[Block],
                 media: MediaDigests) -> int:
    """New blocks of a set being imported, stored and matched; returns the matches made."""
    insert_blocks(session, hash_set_id, blocks)
    return sum(match_block(session, hash_set_id, block, media, None) for block in blocks)


def match_block(session: Session, hash_set_id: int, block: Block, media: MediaDigests,
                block_id: int | None) -> int:
    """Match every media against one block of a set (read without its `fields`: `block_id`
    finds them where an entry must be unpacked); returns the number of matches made."""
    made = 0
    for hits in find_hits(block, media):
        ids = entry_ids(session, hash_set_id, block_id, block, sorted(set(hits.positions)))
        _insert_matches(session, [(media_id, hash_set_id, ids[position], hits.digest)
                                   for position, media_id in zip(hits.positions, hits.media_ids)])
        made += len(hits.positions)
    return made


def _insert_matches(session: Session, rows: list[tuple]) -> None:
    """Rows (media id, set id, entry id, digest) into `hash_set_match`."""
    insert_rows(session, "hash_set_match", ("media_id", "hash_set_id", "entry_id", "digest"),
                rows)


def match_all(session: Session) -> int:
    """Drop every match and match every media against every set again (idempotent)."""
    session.execute(text("DELETE FROM hash_set_match"))
    media = MediaDigests(session)
    return sum(match_set(session, set_id, media)
               for set_id in session.scalars(select(HashSet.id).order_by(HashSet.id)))


_VERDICTS = """
INSERT INTO hash_set_verdict (media_id, sets, alert, known_good, conflicting, category)
SELECT media_id, COUNT(DISTINCT hash_set_id),
       CAST(MAX(is_alert) AS BOOLEAN), CAST(MAX(is_good) AS BOOLEAN),
       CAST(CASE WHEN MAX(is_alert) = 1 AND MAX(is_good) = 1 THEN 1
                 WHEN COUNT(DISTINCT answer) > 1 THEN 1 ELSE 0 END AS BOOLEAN),
       CASE WHEN MAX(is_alert) = 1 AND MAX(is_good) = 1 THEN NULL
            WHEN COUNT(DISTINCT answer) = 1 THEN MIN(answer) END
FROM (SELECT x.media_id, x.hash_set_id,
             CASE WHEN s.kind = :alert THEN 1 ELSE 0 END AS is_alert,
             CASE WHEN s.kind = :good THEN 1 ELSE 0 END AS is_good,
             CASE WHEN s.kind = :alert AND e.category IS NOT NULL
                  THEN COALESCE(s.scheme, '?') || ':' || e.category END AS answer
      FROM hash_set_match AS x
      JOIN hash_set AS s ON s.id = x.hash_set_id
      JOIN hash_set_entry AS e ON e.id = x.entry_id
      {where}) AS answers
GROUP BY media_id
"""
_KINDS = {"alert": HashSetKind.ALERT.name, "good": HashSetKind.KNOWN_GOOD.name}


def refresh_verdicts(session: Session, scope: str | None = None, params: dict | None = None
                     ) -> None:
    """Rebuild verdicts: all of them, or those of the media selected by the SQL `scope`.

    `scope` is a subquery giving media ids (e.g. the media one set matched).
    """
    params = {**_KINDS, **(params or {})}
    if scope is None:
        session.execute(text("DELETE FROM hash_set_verdict"))
        session.execute(text(_VERDICTS.format(where="")), params)
    else:
        session.execute(text(f"DELETE FROM hash_set_verdict WHERE media_id IN ({scope})"), params)
        session.execute(text(_VERDICTS.format(where=f"WHERE x.media_id IN ({scope})")), params)
    apply_precedence(session, scope, params)


def verdict_counts(session: Session) -> dict:
    """How many media each verdict covers: matched, alert, known-good, conflicting, and
    conflicting with a default picked by the case's precedence rule."""
    v = HashSetVerdict
    row = session.execute(select(
        func.count(), *(func.coalesce(func.sum(flag.cast(Integer)), 0)
                        for flag in (v.alert, v.known_good, v.conflicting)),
        func.count(v.resolved_by))).one()
    return {"matched": row[0], "alert": row[1], "known_good": row[2], "conflicting": row[3],
            "defaulted": row[4]}


def sets_exist(session: Session) -> bool:
    return session.scalar(select(HashSet.id).limit(1)) is not None


class Hits(NamedTuple):
    """Entries of a block (positions) and the media each matches, by digest kind."""

    positions: list[int]
    media_ids: list[int]
    digest: str


def find_hits(block: Block, media: MediaDigests) -> list[Hits]:
    """The media each entry of the block matches, by the entry's strongest digest."""
    import numpy as np  # the desktop application's start-up imports this module: see blocks

    flags = np.frombuffer(block.digests, np.uint8)
    found: list[Hits] = []
    for name, size, bit in KINDS:
        data = getattr(block, name)
        if data is None:
            continue
        strongest = (flags & bit).astype(bool) & ~(flags & STRONGER[name]).astype(bool)
        if not strongest.any():
            continue
        known = media.kind(name, size)
        if not len(known.keys):
            continue
        entries = np.frombuffer(data, np.uint8).reshape(block.count, size)
        keys = keys_of(entries)
        positions = np.flatnonzero(strongest & known.bitmap[keys >> known.shift])
        if not len(positions):
            continue
        keys = keys[positions]
        left = np.searchsorted(known.keys, keys, "left")
        counts = np.searchsorted(known.keys, keys, "right") - left
        total = int(counts.sum())
        if not total:
            continue
        # Every (entry, media) pair with the same first 8 bytes, then the whole digest.
        candidate = np.repeat(positions, counts)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        media_index = starts + np.arange(total)
        same = (entries[candidate] == known.digests[media_index]).all(axis=1)
        found.append(Hits(candidate[same].tolist(), known.ids[media_index[same]].tolist(), name))
    return found
