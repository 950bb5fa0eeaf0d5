"""video_segment: stretches of a video categorised on their own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('video_segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Double(), nullable=False),
    sa.Column('end', sa.Double(), nullable=False),
    sa.Column('scheme', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('examiner', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('video_segment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_segment_media_id'), ['media_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('video_segment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_video_segment_media_id'))
    op.drop_table('video_segment')
