"""``database.idle``: slow work runs with no transaction open, and never after a write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldlog.database import idle
from fieldlog.extensions import db
from fieldlog.models import Organisation


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
