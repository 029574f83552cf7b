"""Record books (issue 5) and log photos (issue 6).

record_books: one per member and year, submitted (completing the record-book duty) or
reopened by the chair with a reason; photos: images attached to logs, stored under
instance/ by a random name, with a client_id so a retried upload lands once.

Revision ID: cd58e8341fd4
Revises: 483a37b4a381
Create Date: 2026-11-27 08:14:31.407351

"""
from alembic import op
import sqlalchemy as sa
import fieldlog.database


# revision identifiers, used by Alembic.
revision = 'cd58e8341fd4'
down_revision = '483a37b4a381'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_books',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('include_names', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', fieldlog.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_record_books_account_id_accounts')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['accounts.id'], name=op.f('fk_record_books_reopened_by_id_accounts')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['accounts.id'], name=op.f('fk_record_books_submitted_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_books')),
    sa.UniqueConstraint('account_id', 'year', name=op.f('uq_record_books_account_id'))
    )
    with op.batch_alter_table('record_books', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_books_account_id'), ['account_id'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('thumb_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', fieldlog.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_photos_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['log_id'], ['logs.id'], name=op.f('fk_photos_log_id_logs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('client_id', name=op.f('uq_photos_client_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_photos_stored_name')),
    sa.UniqueConstraint('thumb_name', name=op.f('uq_photos_thumb_name'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_log_id'), ['log_id'], unique=False)



def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_log_id'))

    op.drop_table('photos')
    with op.batch_alter_table('record_books', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_books_account_id'))

    op.drop_table('record_books')
