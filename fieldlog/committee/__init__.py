"""A chair's view of her committee: its members and their logs (read only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")

from fieldlog.committee import views  # noqa: E402, F401 - registers the routes
