"""plugin results: a relevance score to order the review by, and a video frame's time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

A classifier's result carries its *relevance* (the highest score of the
labels its manifest names for ordering, e.g. open_nsfw's "nsfw"), indexed
so the gallery can sort and filter by it; a video's result is its highest
keyframe's, and `frame_time` says which. Existing rows: NULL (no plugin
declared relevance before; run it again to fill them).
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plugin_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relevance', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('frame_time', sa.Double(), nullable=True))
        batch_op.create_index(batch_op.f('ix_plugin_result_relevance'), ['relevance'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plugin_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plugin_result_relevance'))
        batch_op.drop_column('frame_time')
        batch_op.drop_column('relevance')
