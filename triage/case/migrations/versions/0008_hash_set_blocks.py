"""hash set entries packed in blocks; hash_set_entry keeps the matched ones

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

A new table, hash_set_block, holds every entry of every set, packed about
ten thousand to a row (`triage.hashsets.blocks`). The entries already in
hash_set_entry are packed into it, set by set in record order; those that no
match or near match points to are then dropped. Matching no longer uses the
three digest indexes, so they go; (hash_set_id, record) becomes unique.
Merkle roots are unchanged: the blocks hold the same entries, same text.
"""

import struct
import zlib

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_BATCH = 10_000
_KINDS = ((1, 'md5', 16), (2, 'sha1', 20), (4, 'sha256', 32))  # flag bit, column, bytes


def _block(set_id: int, rows: list[tuple]) -> dict:
    """Rows (record, md5, sha1, sha256, category, size, extra) packed as the block format of
    this revision: frozen here, so a later change of the live format cannot break upgrades."""
    offset = rows[0][0] - 1
    flags = bytearray(len(rows))
    columns = {'hash_set_id': set_id, 'record_offset': offset, 'count': len(rows),
               'records': struct.pack(f'<{len(rows)}I', *(row[0] - offset for row in rows))}
    for position, (bit, name, size) in enumerate(_KINDS, start=1):
        values = [row[position] for row in rows]
        if all(value is None for value in values):
            columns[name] = None
            continue
        for index, value in enumerate(values):
            if value is not None:
                flags[index] |= bit
        columns[name] = b''.join(bytes(size) if value is None else bytes.fromhex(value)
                                 for value in values)
    lines = '\n'.join('\t'.join('' if value is None else str(value) for value in row[4:])
                      for row in rows)
    if lines.count('\t') != 2 * len(rows) or lines.count('\n') != len(rows) - 1:
        raise ValueError('a category or extra field holds a tab or a newline')
    columns['digests'] = bytes(flags)
    columns['fields'] = zlib.compress(lines.encode(), 1)
    return columns


def upgrade() -> None:
    op.create_table('hash_set_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash_set_id', sa.Integer(), nullable=False),
    sa.Column('record_offset', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('records', sa.LargeBinary(), nullable=False),
    sa.Column('digests', sa.LargeBinary(), nullable=False),
    sa.Column('md5', sa.LargeBinary(), nullable=True),
    sa.Column('sha1', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.LargeBinary(), nullable=True),
    sa.Column('fields', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['hash_set_id'], ['hash_set.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hash_set_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_set_block_hash_set_id'), ['hash_set_id'], unique=False)

    connection = op.get_bind()
    block = sa.table('hash_set_block', *(sa.column(name) for name in (
        'hash_set_id', 'record_offset', 'count', 'records', 'digests', 'md5', 'sha1', 'sha256',
        'fields')))
    for (set_id,) in connection.execute(sa.text('SELECT id FROM hash_set ORDER BY id')).all():
        last = None
        while True:
            rows = connection.execute(sa.text(
                'SELECT record, md5, sha1, sha256, category, size, CAST(extra AS TEXT) '
                'FROM hash_set_entry WHERE hash_set_id = :set'
                + ('' if last is None else ' AND record > :last')
                + ' ORDER BY record LIMIT :batch'),
                {'set': set_id, 'last': last, 'batch': _BATCH}).all()
            if not rows:
                break
            connection.execute(block.insert(), [_block(set_id, [tuple(row) for row in rows])])
            last = rows[-1][0]
    connection.execute(sa.text(
        'DELETE FROM hash_set_entry WHERE id NOT IN (SELECT entry_id FROM hash_set_match) '
        'AND id NOT IN (SELECT entry_id FROM hash_set_near_match)'))

    for name in ('sha256', 'sha1', 'md5', 'hash_set_id'):
        op.drop_index(f'ix_hash_set_entry_{name}', table_name='hash_set_entry')
    op.create_index('ix_hash_set_entry_set_record', 'hash_set_entry', ['hash_set_id', 'record'],
                    unique=True)


def downgrade() -> None:
    raise NotImplementedError('entries packed in blocks are not unpacked again')
