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

from alembic import op
import sqlalchemy as sa

from triage.hashsets.blocks import pack

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_BATCH = 10_000


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
            connection.execute(block.insert(), [pack([tuple(row) for row in rows])[0]
                                                .columns(set_id)])
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
