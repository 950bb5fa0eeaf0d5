"""plugin runs, results and flags

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Three new tables (plugin_run, plugin_result, plugin_flag); no change to
existing ones. Which plugins a case has enabled is a case_setting row.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plugin_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('model_sha256', sa.String(length=64), nullable=False),
    sa.Column('context', sa.String(length=20), nullable=False),
    sa.Column('examiner', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('items', sa.BigInteger(), nullable=False),
    sa.Column('flagged', sa.BigInteger(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plugin_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plugin_run_plugin'), ['plugin'], unique=False)

    op.create_table('plugin_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('model_sha256', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('boxes', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['plugin_run.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('media_id', 'plugin', 'version', 'model_sha256')
    )
    with op.batch_alter_table('plugin_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plugin_result_media_id'), ['media_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plugin_result_run_id'), ['run_id'], unique=False)

    op.create_table('plugin_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], ),
    sa.ForeignKeyConstraint(['result_id'], ['plugin_result.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plugin_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plugin_flag_media_id'), ['media_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plugin_flag_result_id'), ['result_id'], unique=False)
        batch_op.create_index('ix_plugin_flag_plugin_label', ['plugin', 'label'], unique=False)


def downgrade() -> None:
    op.drop_table('plugin_flag')
    op.drop_table('plugin_result')
    op.drop_table('plugin_run')
