"""video frame hashes, still and clip matches to videos, vPDQ hash lists

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('video_frames',
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('frames', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.PrimaryKeyConstraint('media_id')
    )
    op.create_table('video_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('frames', sa.Integer(), nullable=False),
    sa.Column('video_start', sa.Double(), nullable=False),
    sa.Column('video_end', sa.Double(), nullable=False),
    sa.Column('media_start', sa.Double(), nullable=True),
    sa.Column('media_end', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.ForeignKeyConstraint(['video_id'], ['media.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('video_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_match_media_id'), ['media_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_match_video_id'), ['video_id'], unique=False)
    op.create_table('vpdq_video',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash_set_id', sa.Integer(), nullable=False),
    sa.Column('record', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('frames', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['hash_set_id'], ['hash_set.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vpdq_video', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vpdq_video_hash_set_id'), ['hash_set_id'], unique=False)
    op.create_table('vpdq_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('hash_set_id', sa.Integer(), nullable=False),
    sa.Column('vpdq_video_id', sa.Integer(), nullable=False),
    sa.Column('query_percent', sa.Double(), nullable=False),
    sa.Column('compared_percent', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['hash_set_id'], ['hash_set.id'], ),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.ForeignKeyConstraint(['vpdq_video_id'], ['vpdq_video.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vpdq_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vpdq_match_hash_set_id'), ['hash_set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vpdq_match_media_id'), ['media_id'], unique=False)


def downgrade() -> None:
    for table in ('vpdq_match', 'vpdq_video', 'video_match', 'video_frames'):
        op.drop_table(table)
