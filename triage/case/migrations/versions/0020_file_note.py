"""file notes: what to know of a file that is not an error

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07

A deleted file whose clusters its file system has allocated again reads, there,
another file's data under its own name and times; `note` says so on the file
(its content is still hashed and shown). What carving found in an area of free
space ("carved 4 items ... from N bytes") was kept in its `error` column: it
moves to `note`, so that `error` only ever says what could not be read.
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
    op.execute("UPDATE file SET note = error, error = NULL "
               "WHERE carve_area IS NOT NULL AND status = 'DONE' AND error IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE file SET error = note "
               "WHERE carve_area IS NOT NULL AND note IS NOT NULL AND error IS NULL")
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.drop_column('note')
