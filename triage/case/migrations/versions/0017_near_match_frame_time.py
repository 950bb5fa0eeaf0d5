"""hash_set_near_match.frame_time: which second of a video is near a set's picture

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

A hash set's PDQ of a picture is now also looked for among each video's
per-second frame hashes (video_frames), not only its keyframes: a frame
that comes near says at what time of the video. Existing rows: NULL (they
are keyframes, or stills).
"""

from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hash_set_near_match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frame_time', sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('hash_set_near_match', schema=None) as batch_op:
        batch_op.drop_column('frame_time')
