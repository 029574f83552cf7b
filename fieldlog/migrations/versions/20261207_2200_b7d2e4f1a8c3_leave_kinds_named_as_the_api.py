"""Leave kinds named as the API names them (issue 10), and the move between committees.

memberships.leave_kind: self_exit -> resigned, advised -> advised_to_resign,
term_end -> term_ended; "transferred" (调动) is new, as is the join kind "transferred"
(调入). memberships.leave_kind widens from 16 to 20 characters first: "advised_to_resign"
has 17, which PostgreSQL refuses in a VARCHAR(16) (even in an UPDATE of no rows).

Revision ID: b7d2e4f1a8c3
Revises: a3c1f0d2e9b4
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f1a8c3'
down_revision = 'a3c1f0d2e9b4'
branch_labels = None
depends_on = None

RENAMED = {'self_exit': 'resigned', 'advised': 'advised_to_resign', 'term_end': 'term_ended'}
memberships = sa.table('memberships', sa.column('leave_kind', sa.String), sa.column('join_kind', sa.String))


def _rename(mapping):
    for old, new in mapping.items():
        op.execute(memberships.update().where(memberships.c.leave_kind == old).values(leave_kind=new))


def _leave_kind_length(old, new):
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column(
            'leave_kind', existing_type=sa.String(length=old), type_=sa.String(length=new),
            existing_nullable=True,
        )


def upgrade():
    _leave_kind_length(16, 20)
    _rename(RENAMED)


def downgrade():
    # A move has no older name: it reads as "left by herself" and "added" after a downgrade.
    _rename({'transferred': 'self_exit', **{new: old for old, new in RENAMED.items()}})
    op.execute(memberships.update().where(memberships.c.join_kind == 'transferred').values(join_kind='added'))
    _leave_kind_length(20, 16)
