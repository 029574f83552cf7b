"""``database.idle`` and ``reading``: slow work runs with no transaction open (on SQLite,
no write lock held), and never after a write; the ``synchronous`` pragma."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from fieldlog import create_app
from fieldlog.database import idle, reading
from fieldlog.extensions import db
from fieldlog.models import Organisation
from tests.fixtures.locks import write_lock_free


def test_idle_ends_a_reading_transaction(ctx):
    db.session.scalars(select(Organisation)).all()
    assert db.session().in_transaction()
    with idle(db.session):
        assert not db.session().in_transaction()


def test_idle_after_a_write_is_refused_and_the_write_kept(ctx):
    db.session.add(Organisation(name="甲村", kind="village", path="/"))
    db.session.flush()
    with pytest.raises(RuntimeError), idle(db.session):
        pass
    assert db.session.scalars(select(Organisation).where(Organisation.name == "甲村")).one()


def test_idle_after_a_commit_is_allowed(ctx):
    db.session.add(Organisation(name="乙村", kind="village", path="/"))
    db.session.commit()
    db.session.scalars(select(Organisation)).all()
    with idle(db.session):
        assert not db.session().in_transaction()


# reading(): work that only reads, holding no write lock ----------------------------------


def test_reading_ends_the_transaction_and_refuses_a_write(ctx):
    db.session.scalars(select(Organisation)).all()
    with pytest.raises(RuntimeError, match="reading"), reading(db.session):
        assert db.session.scalars(select(Organisation)).all() == []
        db.session.add(Organisation(name="丙村", kind="village", path="/"))
        db.session.flush()
    assert not db.session().in_transaction()
    assert db.session.scalars(select(Organisation)).all() == []


def test_reading_after_a_write_is_refused(ctx):
    db.session.add(Organisation(name="丁村", kind="village", path="/"))
    db.session.flush()
    with pytest.raises(RuntimeError), reading(db.session):
        pass


def _file_app(tmp_path, **settings):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lock.sqlite3'}", **settings},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        db.create_all()
    return app, tmp_path / "lock.sqlite3"


def test_in_a_post_request_reading_holds_no_write_lock_and_a_write_after_it_does(tmp_path):
    app, db_file = _file_app(tmp_path)
    with app.test_request_context("/", method="POST"):
        db.session.scalars(select(Organisation)).all()
        assert not write_lock_free(db_file)  # a POST begins BEGIN IMMEDIATE
        with reading(db.session):
            db.session.scalars(select(Organisation)).all()
            assert db.session().in_transaction() and write_lock_free(db_file)
        db.session.add(Organisation(name="戊村", kind="village", path="/"))
        db.session.flush()
        assert not write_lock_free(db_file)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_idle_in_a_post_request_frees_the_write_lock(tmp_path):
    app, db_file = _file_app(tmp_path)
    with app.test_request_context("/", method="POST"):
        db.session.scalars(select(Organisation)).all()
        assert not write_lock_free(db_file)
        with idle(db.session):
            assert write_lock_free(db_file)
        db.session.remove()
        db.engine.dispose()


# PRAGMA synchronous ----------------------------------------------------------------------

LEVELS = {"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}


@pytest.mark.parametrize(("setting", "level"), [(None, "FULL"), ("normal", "NORMAL")])
def test_sqlite_synchronous_is_full_unless_a_setting_says_otherwise(tmp_path, setting, level):
    settings = {} if setting is None else {"SQLITE_SYNCHRONOUS": setting}
    app, _db_file = _file_app(tmp_path, **settings)
    with app.app_context():
        assert db.session.scalar(text("PRAGMA synchronous")) == LEVELS[level]
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        db.session.remove()
        db.engine.dispose()


def test_an_unknown_synchronous_level_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        _file_app(tmp_path, SQLITE_SYNCHRONOUS="SOMETIMES")
