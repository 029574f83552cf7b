"""Photos attached to logs: served only to those who may read the log."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("photos", __name__, url_prefix="/photos")

from fieldlog.photos import views  # noqa: E402, F401 - registers the routes
