"""Migrations from an empty database produce exactly the schema of the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from fieldlog import create_app
from fieldlog.catalogue import SEVEN_ONES
from fieldlog.extensions import db
from fieldlog.models import Base, DutyType
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
