"""media.series_id: pictures of one setting (a series), related but never stacked

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Stacks hold copies of one picture only; pictures that share a setting (the
same room, another pose; the same template) are kept apart and related
instead. Media of one series carry the same series_id, set when stacks are
built. Existing cases: NULL until their stacks are built again.
"""

from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_media_series_id'), ['series_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_series_id'))
        batch_op.drop_column('series_id')
