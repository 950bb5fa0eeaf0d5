"""audit identity: the account behind each audit row, and alterations of the log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Every audit row gains `account`: on PostgreSQL the role that wrote it
(`session_user`, set by a trigger on the server), on SQLite the
operating-system user. Existing rows keep NULL (their hash did not cover
it). On PostgreSQL, UPDATE, DELETE and TRUNCATE of the log are recorded in
`audit_alteration` by a trigger, with the role that did them. The trigger
statements are a frozen copy of triage.case.guards.TRIGGERS.
"""

from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TRIGGERS = (
    """CREATE OR REPLACE FUNCTION triage_audit_account() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
           NEW.account := session_user;
           RETURN NEW;
       END $$""",
    """CREATE OR REPLACE FUNCTION triage_audit_altered() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       BEGIN
           INSERT INTO audit_alteration (at, account, operation, entry_id)
           VALUES (clock_timestamp() AT TIME ZONE 'UTC', session_user, TG_OP,
                   CASE WHEN TG_OP = 'TRUNCATE' THEN NULL ELSE OLD.id END);
           RETURN NULL;
       END $$""",
    "DROP TRIGGER IF EXISTS audit_log_account ON audit_log",
    """CREATE TRIGGER audit_log_account BEFORE INSERT ON audit_log
       FOR EACH ROW EXECUTE FUNCTION triage_audit_account()""",
    "DROP TRIGGER IF EXISTS audit_log_altered ON audit_log",
    """CREATE TRIGGER audit_log_altered AFTER UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION triage_audit_altered()""",
    "DROP TRIGGER IF EXISTS audit_log_truncated ON audit_log",
    """CREATE TRIGGER audit_log_truncated AFTER TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION triage_audit_altered()""",
)


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=200), nullable=True))
    op.create_table(
        'audit_alteration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('account', sa.String(length=200), nullable=False),
        sa.Column('operation', sa.String(length=10), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_truncated ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_altered ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_account ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS triage_audit_altered()")
        op.execute("DROP FUNCTION IF EXISTS triage_audit_account()")
    op.drop_table('audit_alteration')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('account')
