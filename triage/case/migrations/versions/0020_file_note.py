"""file notes: what to know of a file that is not an error

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07

A deleted file whose clusters its file system has allocated again reads, there,
another file's data under its own name and times; `note` says so on the file
(its content is still hashed and shown). Existing rows have no note: NULL.
"""

from alembic import op
import sqlalchemy as sa

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.drop_column('note')
