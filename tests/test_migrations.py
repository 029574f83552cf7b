"""Migrations from an empty database produce exactly the schema of the models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from fieldlog import create_app
from fieldlog.catalogue import SEVEN_ONES
from fieldlog.extensions import db
from fieldlog.models import Account, Base, DutyType, Membership, Organisation
from tests.conftest import TEST_SECRET_KEY
from tests.fixtures.databases import KINDS, scratch_database


@pytest.fixture(params=KINDS)
def empty_db_url(request, tmp_path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path) as url:
        yield url


def test_upgrade_from_empty_matches_models(empty_db_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_db_url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
        rows = {d.code: d for d in db.session.scalars(select(DutyType))}
        assert set(rows) == {row["code"] for row in SEVEN_ONES}
        assert rows["record_book"].completed_by == "book"
        assert rows["contact"].completed_by == "logs"
        db.session.remove()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def _terms(conn) -> list[tuple]:
    rows = conn.execute(text("SELECT id, replaces_id, leave_kind FROM memberships ORDER BY id"))
    return [tuple(row) for row in rows]


def _seed() -> None:
    """A member advised to resign and the one who replaced her (rows pointing at rows)."""
    org = Organisation(name="甲村", kind="village", path="/")
    people = [
        Account(username=n, display_name=n, password_hash="x", organisation=org) for n in "ab"
    ]
    db.session.add_all([org, *people])
    db.session.flush()
    gone = Membership(
        account_id=people[0].id,
        organisation_id=org.id,
        joined_on=date(2020, 1, 1),
        left_on=date(2026, 3, 1),
        leave_kind="advised_to_resign",
    )
    db.session.add(gone)
    db.session.flush()
    db.session.add(
        Membership(
            account_id=people[1].id,
            organisation_id=org.id,
            joined_on=date(2026, 3, 2),
            join_kind="replacing",
            replaces_id=gone.id,
        )
    )
    db.session.commit()
    db.session.remove()


def _terms() -> list[tuple]:
    with db.engine.connect() as conn:
        query = "SELECT replaces_id IS NOT NULL, leave_kind FROM memberships ORDER BY id"
        return [tuple(row) for row in conn.execute(text(query))]


def test_migrations_down_and_up_keep_rows_that_point_at_each_other(empty_db_url, tmp_path):
    """SQLite copies a table to alter it: rows pointing at it (a member replacing another)
    must survive that; and "advised_to_resign" must fit in PostgreSQL."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_db_url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        upgrade()
        _seed()
        downgrade(revision="cd58e8341fd4")  # before both migrations that alter a table
        assert _terms() == [(False, "advised"), (True, None)]
        upgrade()
        assert _terms() == [(False, "advised_to_resign"), (True, None)]
        db.engine.dispose()
