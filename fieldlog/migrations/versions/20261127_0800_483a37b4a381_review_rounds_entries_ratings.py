"""Duty-report review (issue 4): rounds, one entry per member, ratings.

review_rounds: one per committee and half-year, open or closed, with the grading rule it
uses; review_entries: the member's frozen tracker figures, her report and her result;
review_ratings: votes per grade and rater group, or one row per rater.

Revision ID: 483a37b4a381
Revises: 1bd0932a669a
Create Date: 2026-11-27 08:00:03.739207

"""
from alembic import op
import sqlalchemy as sa
import fieldlog.database


# revision identifiers, used by Alembic.
revision = '483a37b4a381'
down_revision = '1bd0932a669a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('half', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('figures_as_of', sa.Date(), nullable=False),
    sa.Column('figures_at', fieldlog.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', fieldlog.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['accounts.id'], name=op.f('fk_review_rounds_closed_by_id_accounts')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['accounts.id'], name=op.f('fk_review_rounds_opened_by_id_accounts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_review_rounds_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('organisation_id', 'half', name=op.f('uq_review_rounds_organisation_id'))
    )
    op.create_table('review_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('report_body', sa.Text(), nullable=False),
    sa.Column('report_saved_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('report_submitted_at', fieldlog.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating_mode', sa.String(length=12), nullable=False),
    sa.Column('computed_grade', sa.String(length=16), nullable=True),
    sa.Column('override_grade', sa.String(length=16), nullable=True),
    sa.Column('override_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_review_entries_account_id_accounts')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_entries_round_id_review_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_entries')),
    sa.UniqueConstraint('round_id', 'account_id', name=op.f('uq_review_entries_round_id'))
    )
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_entries_account_id'), ['account_id'], unique=False)

    op.create_table('review_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('rater_group', sa.String(length=16), nullable=False),
    sa.Column('rater', sa.String(length=40), nullable=True),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['review_entries.id'], name=op.f('fk_review_ratings_entry_id_review_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_ratings'))
    )
    with op.batch_alter_table('review_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_ratings_entry_id'), ['entry_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_ratings_entry_id'))

    op.drop_table('review_ratings')
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_entries_account_id'))

    op.drop_table('review_entries')
    op.drop_table('review_rounds')
