"""Where a file's bytes are, as the store records it, and reading a content back out.

Ingest builds its work from these locators; an export that copies media
(VICS `RelativeFilePath`) reads a content again from one of its instances.
"""

from __future__ import annotations

from typing import Callable, Iterator

from sqlalchemy import Select, select

from triage.case.models import Evidence, File, Media, Partition, WorkStatus
from triage.case.store import CaseStore
from triage.evidence import ContentError, ContentReader, Locator


def locator_query(*columns) -> Select:
    """`columns` plus everything `locator()` needs, for file rows joined to their evidence."""
    return (select(*columns, File.path, File.path_bytes, File.meta_addr, File.attr_type,
                   File.attr_id, Partition.offset, Evidence.format, Evidence.paths)
            .join(Evidence, File.evidence_id == Evidence.id)
            .outerjoin(Partition, File.partition_id == Partition.id))


def locator(row) -> Locator:
    return Locator(row.format, tuple(row.paths), row.offset, row.meta_addr, row.path,
                   row.path_bytes, row.attr_type, row.attr_id)


def media_reader(store: CaseStore) -> Callable[[str], Iterator[bytes]]:
    """A function streaming a content (by SHA-256) from the first instance that was read whole."""
    reader = ContentReader()

    def chunks(sha256: str) -> Iterator[bytes]:
        with store.reading() as session:
            row = session.execute(
                locator_query().join(Media, File.media_id == Media.id)
                .where(Media.sha256 == sha256, File.status == WorkStatus.DONE)
                .order_by(File.id).limit(1)).first()
        if row is None:
            raise ContentError(f"no readable instance of content {sha256}")
        yield from reader.chunks(locator(row))

    return chunks
