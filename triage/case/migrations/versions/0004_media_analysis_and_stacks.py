"""media analysis and stacks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('keyframe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('time', sa.Double(), nullable=True),
    sa.Column('phash', sa.String(length=16), nullable=False),
    sa.Column('dhash', sa.String(length=16), nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=False),
    sa.Column('pdq_quality', sa.Integer(), nullable=False),
    sa.Column('featureless', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('media_id', 'index')
    )
    with op.batch_alter_table('keyframe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyframe_media_id'), ['media_id'], unique=False)

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('analysed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('width', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('phash', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('dhash', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('pdq', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdq_quality', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('featureless', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('exif', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('video', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('analysis_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('extra_hashes', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('stack_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('stack_representative', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_media_stack_id'), ['stack_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_stack_id'))
        batch_op.drop_column('stack_representative')
        batch_op.drop_column('stack_id')
        batch_op.drop_column('extra_hashes')
        batch_op.drop_column('analysis_error')
        batch_op.drop_column('video')
        batch_op.drop_column('exif')
        batch_op.drop_column('featureless')
        batch_op.drop_column('pdq_quality')
        batch_op.drop_column('pdq')
        batch_op.drop_column('dhash')
        batch_op.drop_column('phash')
        batch_op.drop_column('height')
        batch_op.drop_column('width')
        batch_op.drop_column('analysed')

    with op.batch_alter_table('keyframe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyframe_media_id'))

    op.drop_table('keyframe')
