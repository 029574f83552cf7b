"""The member's own flow: home, logging a duty, her list of logs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("logs", __name__, url_prefix="/")

from fieldlog.logs import views  # noqa: E402, F401 - registers the routes
