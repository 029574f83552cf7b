"""FieldLog: duty logs, tracker and record books for women's federation executives."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldlog.config import DefaultConfig
from fieldlog.grading import RuleError, check_rule

if TYPE_CHECKING:  # Flask is imported inside create_app so the pure modules stay Flask-free.
    from flask import Flask


def create_app(
    test_config: Mapping[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors and CLI."""
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    _load_config(app, test_config)
    from fieldlog import web

    web.register_input_guard(app)
    web.register_extensions(app)
    web.register_converters(app)
    web.register_blueprints(app)
    web.register_errors(app)
    web.register_template_helpers(app)
    web.register_cli(app)
    return app


def _load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """DefaultConfig, then instance/config.py, then the environment, then ``test_config``."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("FIELDLOG")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_file = Path(app.instance_path) / "fieldlog.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    _check_secret(app.config["SECRET_KEY"])
    # A wrong review rule stops the start with its reason, not a review page later.
    try:
        app.config["REVIEW_RULE"] = check_rule(app.config["REVIEW_RULE"])
    except RuleError as error:
        raise RuntimeError(f"REVIEW_RULE in the configuration: {error}") from error


MIN_SECRET_BYTES = 32


def _check_secret(key: str | bytes) -> None:
    """A short SECRET_KEY lets anyone who guesses it forge sessions: refuse to start."""
    size = len(key.encode() if isinstance(key, str) else key)
    if size < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"SECRET_KEY has {size} bytes; it needs at least {MIN_SECRET_BYTES}. Leave it unset "
            "to use instance/secret_key (made on first start), or set a long random value, "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))'."
        )


def _normalise_db_url(url: str) -> str:
    """Hosting platforms hand out ``postgres://`` URLs; SQLAlchemy wants psycopg 3 named."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """Read instance/secret_key, creating it (mode 0600) on first run."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
