"""partition.unlocked_with: how the store knows a volume is read decrypted

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

It was told by a mark in the partition's description, "(unlocked with a
password)"; but a description also holds names the suspect chose (an APFS
volume's, a GPT partition's), and one holding that text passed for an unlocked
layer. The kind of credential is now a column of its own, filled here from the
mark that unlocked volumes were given (the last one in the description: the
layers the suspect did not name come after the ones they did).
"""

from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

_MARK = "(unlocked with a "  # frozen: the mark evidence/encrypted.py and apfs.py wrote


def upgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unlocked_with', sa.String(length=40), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, description FROM partition WHERE description LIKE :mark"),
        {"mark": f"%{_MARK}%"}).all()
    for partition_id, description in rows:
        credential = description.rsplit(_MARK, 1)[1].split(")", 1)[0][:40]
        connection.execute(sa.text("UPDATE partition SET unlocked_with = :credential "
                                   "WHERE id = :id"), {"credential": credential,
                                                       "id": partition_id})


def downgrade() -> None:
    with op.batch_alter_table('partition', schema=None) as batch_op:
        batch_op.drop_column('unlocked_with')
