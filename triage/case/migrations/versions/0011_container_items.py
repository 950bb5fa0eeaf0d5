"""items found inside containers: a file's parent file and its path inside

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

An archive member, a document's picture or a mail attachment is a file row
like any other, with the row of the file it was found in (`parent_id`), the
path the container gives it (`container_path`), the container's kind and
whether it needs a password; and, to read it again, the outermost file
holding it (`outer_id`) with the path in each container from there down
(`container_chain`). Existing rows are files of file systems: all NULL
(and not encrypted).
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('container_path', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('container_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('encrypted', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('outer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('container_chain', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_file_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key('fk_file_parent_id_file', 'file', ['parent_id'], ['id'])
        batch_op.create_foreign_key('fk_file_outer_id_file', 'file', ['outer_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.drop_constraint('fk_file_outer_id_file', type_='foreignkey')
        batch_op.drop_constraint('fk_file_parent_id_file', type_='foreignkey')
        batch_op.drop_column('container_chain')
        batch_op.drop_column('outer_id')
        batch_op.drop_index(batch_op.f('ix_file_parent_id'))
        batch_op.drop_column('encrypted')
        batch_op.drop_column('container_kind')
        batch_op.drop_column('container_path')
        batch_op.drop_column('parent_id')
