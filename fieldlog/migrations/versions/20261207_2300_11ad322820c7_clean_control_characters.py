"""Text stored before the text rule (issue 16): control characters cleaned out.

Every text column of every table loses the characters fieldlog.textcheck now refuses at
input: a line or page break (vertical tab, form feed, a carriage return alone) becomes a
line feed, anything else is dropped. Such characters made the record book's XLSX fail for
good. Only rows that hold one are written. No schema change; the downgrade keeps the text
as it is now.

Revision ID: 11ad322820c7
Revises: b7d2e4f1a8c3
Create Date: 2026-12-07 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from fieldlog.textcheck import clean, is_clean


# revision identifiers, used by Alembic.
revision = '11ad322820c7'
down_revision = 'b7d2e4f1a8c3'
branch_labels = None
depends_on = None

# The characters textcheck refuses that PostgreSQL can store at all (never NUL, never a
# lone surrogate): rows are picked by the server there. SQLite has no regular expressions,
# so its (small) tables are read and picked here.
PG_PATTERN = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)"


def _text_columns(inspector, table_name):
    return [
        c["name"] for c in inspector.get_columns(table_name) if isinstance(c["type"], sa.String)
    ]


def _dirty_rows(bind, table, keys, names):
    query = sa.select(*(table.c[n] for n in keys + names))
    if bind.dialect.name == "postgresql":
        query = query.where(sa.or_(*(table.c[n].op("~")(PG_PATTERN) for n in names)))
    for row in bind.execute(query).mappings():
        changed = {
            n: clean(row[n]) for n in names if isinstance(row[n], str) and not is_clean(row[n])
        }
        if changed:
            yield {k: row[k] for k in keys}, changed


def _clean_table(bind, inspector, table_name):
    names = _text_columns(inspector, table_name)
    keys = inspector.get_pk_constraint(table_name)["constrained_columns"]
    if not names or not keys:
        return
    table = sa.table(table_name, *(sa.column(n) for n in dict.fromkeys(keys + names)))
    for key, changed in list(_dirty_rows(bind, table, keys, names)):
        where = sa.and_(*(table.c[k] == v for k, v in key.items()))
        bind.execute(table.update().where(where).values(**changed))


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table_name in inspector.get_table_names():
        if table_name != "alembic_version":
            _clean_table(bind, inspector, table_name)


def downgrade():
    pass
