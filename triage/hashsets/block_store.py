"""Storing a set's blocks and reading them back; unpacking the entries that matter.

Every entry lives packed in `hash_set_block` (`blocks`). An entry that some
media matches (or nearly matches) is also unpacked into `hash_set_entry`, once,
so whatever shows or exports matches joins an ordinary table.
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import insert, null, select
from sqlalchemy.orm import Session

from triage.case.models import HashSetBlock, HashSetEntry
from triage.hashsets.blocks import Block, record_numbers, unpack

PAGE = 16  # blocks read from the store at a time


def insert_blocks(session: Session, hash_set_id: int, blocks: list[Block]) -> None:
    session.execute(insert(HashSetBlock), [block.columns(hash_set_id) for block in blocks])


def iter_blocks(session: Session, hash_set_id: int, fields: bool = True
                ) -> Iterator[tuple[int, Block]]:
    """(block id, block) of a set, a page at a time, in record order; without `fields`, the
    blocks' `fields` are None (matching reads them only where an entry matched)."""
    columns = [HashSetBlock.id, *(getattr(HashSetBlock, name) if fields or name != "fields"
                                  else null() for name in Block._fields)]
    last = 0
    while True:
        page = session.execute(
            select(*columns).where(HashSetBlock.hash_set_id == hash_set_id,
                                   HashSetBlock.id > last)
            .order_by(HashSetBlock.id).limit(PAGE)).all()
        if not page:
            return
        for row in page:
            yield row[0], Block(*row[1:])
        last = page[-1][0]


def entry_ids(session: Session, hash_set_id: int, block_id: int, block: Block,
              positions: list[int]) -> dict[int, int]:
    """Entry ids of some entries of a block (position → id), unpacking those not yet unpacked.

    The block's `fields` are read (by `block_id`) only when some entry must be unpacked.
    """
    records = record_numbers(block, positions)
    known = entry_ids_between(session, hash_set_id, min(records), max(records))
    missing = [p for p, record in zip(positions, records) if record not in known]
    if missing:
        if block.fields is None:
            block = block._replace(fields=session.scalar(
                select(HashSetBlock.fields).where(HashSetBlock.id == block_id)))
        insert_entries(session, hash_set_id, unpack(block, missing))
        known = entry_ids_between(session, hash_set_id, min(records), max(records))
    return {p: known[record] for p, record in zip(positions, records)}


def store_entries(session: Session, hash_set_id: int, rows: list[tuple]) -> dict[int, int]:
    """Unpacked rows of a set in `hash_set_entry`, each put there once; record → entry id.

    Ids come back for every record between the rows' first and last.
    """
    records = [row[0] for row in rows]
    low, high = min(records), max(records)
    known = entry_ids_between(session, hash_set_id, low, high)
    new = [row for row in rows if row[0] not in known]
    if new:
        insert_entries(session, hash_set_id, new)
        known = entry_ids_between(session, hash_set_id, low, high)
    return known


def insert_entries(session: Session, hash_set_id: int, rows: list[tuple]) -> None:
    # The extra fields go in as the text that the Merkle root was built over: through the
    # JSON type they would be encoded again.
    insert_rows(session, "hash_set_entry", ("hash_set_id", "record", "md5", "sha1", "sha256",
                                            "category", "size", "extra"),
                [(hash_set_id, *row) for row in rows])


def insert_rows(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple]
                ) -> None:
    """Rows straight to the driver's `executemany`: for a hundred thousand matches, building
    SQLAlchemy's parameters for each row cost more than the insert."""
    mark = "?" if session.bind.dialect.paramstyle == "qmark" else "%s"
    session.connection().exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})",
        rows)


def entry_ids_between(session: Session, hash_set_id: int, low: int, high: int) -> dict[int, int]:
    return dict(session.execute(
        select(HashSetEntry.record, HashSetEntry.id).where(
            HashSetEntry.hash_set_id == hash_set_id,
            HashSetEntry.record.between(low, high))).all())


