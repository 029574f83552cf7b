"""Meetings as the rules run them (issue 11).

- 议事 meetings are stored as ``discussion``, the word the API uses (was ``deliberation``).
- A review round is held at a 述职评议会: ``review_rounds.meeting_id``.
- The chair marks who gave her mid-year oral report: ``review_entries.oral_reported``.

Revision ID: 50aa190c3954
Revises: 11ad322820c7
Create Date: 2026-12-08 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50aa190c3954'
down_revision = '11ad322820c7'
branch_labels = None
depends_on = None

meetings = sa.table("meetings", sa.column("kind", sa.String))


def _rename_kind(old, new):
    op.execute(meetings.update().where(meetings.c.kind == old).values(kind=new))


def upgrade():
    _rename_kind("deliberation", "discussion")
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_review_rounds_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id']
        )
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('oral_reported', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.drop_column('oral_reported')
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_review_rounds_meeting_id_meetings'), type_='foreignkey'
        )
        batch_op.drop_column('meeting_id')
    _rename_kind("discussion", "deliberation")
