"""partition descriptions of any length

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

A partition's description names every layer it is read through, and some layers are
named by the suspect: an APFS volume's name (up to 255 bytes), a GPT partition's
name, then "encrypted (unlocked with a password)". Over 200 characters PostgreSQL
refused the row and the whole evidence's walk failed (SQLite never checks lengths).
"""

from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.alter_column('description', existing_type=sa.String(length=200),
                              type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.alter_column('description', existing_type=sa.Text(),
                              type_=sa.String(length=200), existing_nullable=False)
