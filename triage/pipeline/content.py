"""Where a file's bytes are, as the store records it, and reading a content back out.

Ingest builds its work from these locators; an export that copies media
(VICS `RelativeFilePath`) reads a content again from one of its instances.
"""

from __future__ import annotations

from typing import Callable, Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from triage.case.models import CaseSetting, Evidence, File, Media, Partition, WorkStatus
from triage.case.store import CaseStore
from triage.evidence import ContentError, ContentReader, Locator


def locator_query(*columns) -> Select:
    """`columns` plus everything `locator()` needs, for file rows joined to their evidence
    (and, for an item inside a container, to the outermost file holding it)."""
    outer = aliased(File)
    return (select(*columns, File.path, File.path_bytes, File.meta_addr, File.attr_type,
                   File.attr_id, Partition.offset, Partition.snapshot,
                   Partition.unlocked_with, Evidence.format,
                   Evidence.paths,
                   File.carve_area, File.carved_offset, File.size.label("extent_size"),
                   File.container_chain, outer.path.label("outer_path"),
                   outer.path_bytes.label("outer_path_bytes"),
                   outer.meta_addr.label("outer_meta_addr"),
                   outer.attr_type.label("outer_attr_type"),
                   outer.attr_id.label("outer_attr_id"))
            .join(Evidence, File.evidence_id == Evidence.id)
            .outerjoin(Partition, File.partition_id == Partition.id)
            .outerjoin(outer, File.outer_id == outer.id))


def locator(row) -> Locator:
    """Carved items, carve areas and a file's stored ranges count their offsets in the layer
    its partition is read through: the evidence, a VSS snapshot, or an unlocked volume's
    decrypted content."""
    unlocked = row.unlocked_with is not None
    if row.carve_area is not None:  # an area of free space: carved by the worker
        area = row.carve_area
        return Locator(row.format, tuple(row.paths), row.offset, None, row.path,
                       carve=(tuple(tuple(run) for run in area["runs"]), area["end"]),
                       snapshot=row.snapshot, unlocked=unlocked)
    if row.carved_offset is not None:  # carved: a byte range of the evidence or its layer
        return Locator(row.format, tuple(row.paths), row.offset, None, row.path,
                       extent=(row.carved_offset, row.extent_size or 0), snapshot=row.snapshot,
                       unlocked=unlocked)
    if row.container_chain:
        return Locator(row.format, tuple(row.paths), row.offset, row.outer_meta_addr,
                       row.outer_path, row.outer_path_bytes, row.outer_attr_type,
                       row.outer_attr_id, members=tuple(row.container_chain),
                       snapshot=row.snapshot, unlocked=unlocked)
    return Locator(row.format, tuple(row.paths), row.offset, row.meta_addr, row.path,
                   row.path_bytes, row.attr_type, row.attr_id, snapshot=row.snapshot,
                   unlocked=unlocked)


def media_reader(store: CaseStore) -> Callable[[str], Iterator[bytes]]:
    """A function streaming a content (by SHA-256) from the first instance that was read whole."""
    reader = ContentReader(case_passwords(store))

    def chunks(sha256: str) -> Iterator[bytes]:
        with store.reading() as session:
            row = session.execute(
                locator_query().join(Media, File.media_id == Media.id)
                .where(Media.sha256 == sha256, File.status == WorkStatus.DONE)
                .order_by(File.outer_id.is_not(None), File.id).limit(1)).first()
        if row is None:
            raise ContentError(f"no readable instance of content {sha256}")
        yield from reader.chunks(locator(row))

    return chunks


PASSWORDS = "container_passwords"  # case setting: every password an examiner gave, in order


def case_passwords(store: CaseStore) -> tuple[str, ...]:
    with store.reading() as session:
        setting = session.get(CaseSetting, PASSWORDS)
        return tuple(setting.value) if setting else ()
