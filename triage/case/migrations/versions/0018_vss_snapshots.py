"""vss snapshots: a partition may be a shadow copy of another volume

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

A Windows volume shadow copy is walked as a volume of its own, at the same byte
offset as the live NTFS volume it belongs to; `snapshot` is its number (from
0), which the content reader needs to read its files back. Existing rows are
volumes, not snapshots: NULL.
"""

from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
