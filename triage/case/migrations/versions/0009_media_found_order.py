"""media.found_order: the gallery's "order found", by where each content was first found

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

The gallery's "Order found" sorted by media id, which is the order in which
contents finished hashing (photo_0064 before photo_0000). Each media now
carries its place in (evidence, partition, path) order of its first
instance, set after each ingest; the cases already made are ranked here.
"""

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The ranking as triage.review.gallery.rank_found_order does it, frozen here.
_RANK = """
UPDATE media SET found_order = ranked.n
FROM (SELECT media_id, row_number() OVER (ORDER BY evidence_id, part, path, media_id) AS n
      FROM (SELECT media_id, evidence_id, coalesce(partition_id, 0) AS part, path,
                   row_number() OVER (PARTITION BY media_id
                                      ORDER BY evidence_id, coalesce(partition_id, 0), path)
                   AS k
            FROM file WHERE media_id IS NOT NULL) AS first
      WHERE k = 1) AS ranked
WHERE media.id = ranked.media_id
"""


def upgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_order', sa.Integer(), nullable=True))
    op.execute(_RANK)


def downgrade() -> None:
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_column('found_order')
