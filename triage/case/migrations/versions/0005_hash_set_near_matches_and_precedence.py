"""hash-set near matches (perceptual) and precedence defaults for conflicts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

One new table (hash_set_near_match) and three nullable columns on
hash_set_verdict; existing rows need no values.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hash_set_near_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('keyframe_id', sa.Integer(), nullable=True),
    sa.Column('hash_set_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=8), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['hash_set_entry.id'], ),
    sa.ForeignKeyConstraint(['hash_set_id'], ['hash_set.id'], ),
    sa.ForeignKeyConstraint(['keyframe_id'], ['keyframe.id'], ),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hash_set_near_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_set_near_match_hash_set_id'), ['hash_set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hash_set_near_match_media_id'), ['media_id'], unique=False)

    with op.batch_alter_table('hash_set_verdict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_category', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('resolved_known_good', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('hash_set_verdict', schema=None) as batch_op:
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('resolved_known_good')
        batch_op.drop_column('resolved_category')

    with op.batch_alter_table('hash_set_near_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hash_set_near_match_media_id'))
        batch_op.drop_index(batch_op.f('ix_hash_set_near_match_hash_set_id'))

    op.drop_table('hash_set_near_match')
