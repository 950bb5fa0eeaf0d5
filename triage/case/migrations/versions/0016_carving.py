"""carving: areas of free space to carve, and items carved from them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

An area of unallocated or unpartitioned space is a virtual file row with its
byte runs (`carve_area`); what is carved from it are its items, each at a
byte offset of the evidence (`carved_offset`) and marked "complete" or
"partial" (`carved`). Existing rows are neither: all NULL.
"""

from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carve_area', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('carved_offset', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('carved', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.drop_column('carved')
        batch_op.drop_column('carved_offset')
        batch_op.drop_column('carve_area')
