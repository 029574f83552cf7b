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


def _stored_before_the_rule(kind: str) -> dict[str, str]:
    """Text with characters the text rule refuses, as older versions stored it."""
    nul = "\x00" if kind == "sqlite" else ""  # PostgreSQL never stored a NUL
    return {
        "notes": f"第一行\x0b第二行\x1b[31m{nul}\r完",
        "topics": "议题\x7f一\x85二\r\n三",
        "display_name": "王\x08芳",
        "name": "甲村\x1f",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_stored_control_characters_are_cleaned(kind, tmp_path):
    from datetime import date

    from fieldlog.models import Account, Log, Meeting, Organisation

    with scratch_database(kind, tmp_path) as url:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY},
            instance_path=str(tmp_path),
        )
        text = _stored_before_the_rule(kind)
        with app.app_context():
            upgrade(revision="b7d2e4f1a8c3")  # the one before the cleaning
            org = Organisation(name=text["name"], kind="village", path="/1/")
            db.session.add(org)
            db.session.flush()
            account = Account(
                username="wang", display_name=text["display_name"], password_hash="x",
                organisation_id=org.id,
            )  # fmt: skip
            db.session.add(account)
            db.session.flush()
            duty = db.session.scalars(select(DutyType).where(DutyType.code == "contact")).one()
            day = date(2026, 3, 1)
            db.session.add_all([
                Log(client_id="7c9e6679-7425-40de-944b-e07fc1f90ae7", account_id=account.id,
                    created_by_id=account.id, duty_type_id=duty.id, happened_on=day,
                    notes=text["notes"], topic="干净的文字"),
                Meeting(organisation_id=org.id, held_on=day, kind="committee",
                        topics=text["topics"], created_by_id=account.id),
            ])  # fmt: skip
            db.session.commit()
            upgrade()
            db.session.expire_all()
            log = db.session.scalars(select(Log)).one()
            assert log.notes == "第一行\n第二行[31m\n完"
            assert log.topic == "干净的文字"
            assert db.session.scalars(select(Meeting)).one().topics == "议题一\n二\r\n三"
            assert db.session.get(Account, account.id).display_name == "王芳"
            assert db.session.get(Organisation, org.id).name == "甲村"
            db.session.remove()
            db.engine.dispose()
