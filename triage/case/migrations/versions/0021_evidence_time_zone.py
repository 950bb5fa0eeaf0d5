"""evidence time zone: the zone the device's clock was set to, where the examiner knows it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

FAT, exFAT and ZIP times are the writing device's clock with no zone. With the
zone the examiner sets (`triage time-zone`), they are shown converted to UTC;
without it (NULL, as for every existing evidence), as the clock read.
"""

from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
