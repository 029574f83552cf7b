"""Tracker: one covering index for the grouped counts, replacing (account, duty, day).

(account_id, happened_on, duty_type_id, deleted_at, created_at): the district roll-up and
its history read each member's logs in a date range from the index alone. The previous
tracker index (account_id, duty_type_id, happened_on) could not seek to a date range
without a duty and is dropped. Figures in benchmarks/README.md.

Revision ID: 753e942bdf7e
Revises: 44c2a24b9d54
Create Date: 2026-11-27 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import fieldlog.database


# revision identifiers, used by Alembic.
revision = '753e942bdf7e'
down_revision = '44c2a24b9d54'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('logs', schema=None) as batch_op:
        batch_op.create_index('ix_logs_tracker_covering', ['account_id', 'happened_on', 'duty_type_id', 'deleted_at', 'created_at'], unique=False)
        batch_op.drop_index('ix_logs_account_duty_happened')


def downgrade():
    with op.batch_alter_table('logs', schema=None) as batch_op:
        batch_op.create_index('ix_logs_account_duty_happened', ['account_id', 'duty_type_id', 'happened_on'], unique=False)
        batch_op.drop_index('ix_logs_tracker_covering')
