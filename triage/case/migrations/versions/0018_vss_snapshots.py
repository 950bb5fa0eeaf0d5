"""vss snapshots: a partition may be a shadow copy of another volume; partition notes

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

A Windows volume shadow copy is walked as a volume of its own, at the same byte
offset as the live NTFS volume it belongs to; `snapshot` is its number (from
0), which the content reader needs to read its files back. Existing rows are
volumes, not snapshots: NULL. `note` says what the examiner should know of a
partition that is not an error (its free space was not carved, for a file system
whose allocation is not read).
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
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('snapshot')
