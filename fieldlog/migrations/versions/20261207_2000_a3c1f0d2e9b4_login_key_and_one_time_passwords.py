"""Login key and one-time passwords that work once and expire (issue 16).

accounts.login_key: the login name as the login looks it up and the throttle counts it
(NFKC, trimmed, case-folded), unique. accounts.one_time_expires_at / one_time_used_at: a
one-time password logs in once, within 7 days; passwords already handed out get 7 days
from this upgrade.

Revision ID: a3c1f0d2e9b4
Revises: cd58e8341fd4
Create Date: 2026-12-07 20:00:00

"""
import unicodedata
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa
import fieldlog.database


# revision identifiers, used by Alembic.
revision = 'a3c1f0d2e9b4'
down_revision = 'cd58e8341fd4'
branch_labels = None
depends_on = None

accounts = sa.table(
    'accounts',
    sa.column('id', sa.Integer),
    sa.column('username', sa.String),
    sa.column('login_key', sa.String),
    sa.column('must_change_password', sa.Boolean),
    sa.column('one_time_expires_at', fieldlog.database.UTCDateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('one_time_expires_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('one_time_used_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True))
    conn = op.get_bind()
    expires = datetime.now(UTC) + timedelta(days=7)
    for row in conn.execute(sa.select(accounts.c.id, accounts.c.username, accounts.c.must_change_password)):
        key = unicodedata.normalize('NFKC', row.username).strip().casefold()
        values = {'login_key': key}
        if row.must_change_password:
            values['one_time_expires_at'] = expires
        conn.execute(accounts.update().where(accounts.c.id == row.id).values(**values))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('login_key', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_login_key'), ['login_key'])


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_accounts_login_key'), type_='unique')
        batch_op.drop_column('one_time_used_at')
        batch_op.drop_column('one_time_expires_at')
        batch_op.drop_column('login_key')
