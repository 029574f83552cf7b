"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

from fieldlog import create_app
from fieldlog.extensions import db
from fieldlog.models import Base
from fieldlog.seed import seed_duty_types

pytest_plugins = [
    "tests.fixtures.factories",
    "tests.fixtures.queries",
    "tests.fixtures.clock",
    "tests.fixtures.locks",
]

PG_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct-horse-42"
# At least 32 bytes: the app refuses to start with a shorter SECRET_KEY.
TEST_SECRET_KEY = "test-secret-key-not-for-production-use"


def _config(tmp_path, db_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """argon2 at production cost takes ~150 ms a verify here; tests log in thousands of times.

    Same algorithm and code paths, lighter parameters (the production ones are unchanged).
    """
    from argon2 import PasswordHasher

    from fieldlog.auth import passwords

    saved = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords.dummy_hash.cache_clear()
    yield
    passwords._hasher = saved
    passwords.dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def pg_engine():
    """One PostgreSQL schema for the whole run (only with TEST_DATABASE_URL)."""
    if not PG_URL:
        yield None
        return
    from fieldlog import _normalise_db_url

    engine = create_engine(_normalise_db_url(PG_URL))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as session:
            seed_duty_types(session)
            session.commit()
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def app(tmp_path, pg_engine) -> Iterator[Flask]:
    """A fresh app; SQLite in memory per test, or PostgreSQL rolled back after each test."""
    if pg_engine is None:
        app = create_app(_config(tmp_path, "sqlite://"), instance_path=str(tmp_path))
        with app.app_context():
            db.create_all()
            seed_duty_types(db.session)
            db.session.commit()
        yield app
        return
    app = create_app(_config(tmp_path, PG_URL), instance_path=str(tmp_path))
    yield from _joined_to_outer_transaction(app, pg_engine)


def _joined_to_outer_transaction(app: Flask, engine) -> Iterator[Flask]:
    """SQLAlchemy's recipe: every commit in the test becomes a savepoint release."""
    connection = engine.connect()
    outer = connection.begin()
    from flask_sqlalchemy.session import _app_ctx_id

    original = db.session
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    db.session = scoped_session(factory, scopefunc=_app_ctx_id)
    try:
        yield app
    finally:
        # Sessions were removed as each app context ended; undo everything they wrote.
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for tests that call services or queries directly."""
    with app.app_context():
        yield app


CSRF_INPUT_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT_RE.search(html)
    assert match, "no CSRF token on the page"
    value = VALUE_RE.search(match.group(0))
    assert value, "CSRF input without a value"
    return value.group(1)


class AuthActions:
    """Log in through the real login form, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str, password: str = PASSWORD, follow: bool = False):
        page = self._client.get("/auth/login")
        token = csrf_from(page.get_data(as_text=True))
        return self._client.post(
            "/auth/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=follow,
        )

    def logout(self):
        page = self._client.get("/")
        token = csrf_from(page.get_data(as_text=True))
        return self._client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def pytest_report_header(config) -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite in memory'}"


__all__ = ["PASSWORD", "TEST_SECRET_KEY", "AuthActions", "csrf_from"]
