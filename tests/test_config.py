"""Start-up settings: the secret key must be long, and is never a default."""

from __future__ import annotations

import pytest

from fieldlog import create_app
from tests.conftest import TEST_SECRET_KEY


@pytest.mark.parametrize("key", ["x", "short-but-not-32-bytes", "密" * 10])
def test_a_short_secret_key_stops_the_start(tmp_path, key):
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, str(tmp_path))


def test_a_short_secret_key_from_the_environment_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(RuntimeError, match="SECRET_KEY has 1 bytes"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, str(tmp_path))


def test_a_long_key_and_the_generated_one_are_accepted(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert create_app({"SECRET_KEY": TEST_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, str(tmp_path))
    assert len(app.config["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").read_text() == app.config["SECRET_KEY"]
