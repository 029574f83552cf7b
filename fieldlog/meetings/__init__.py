"""Committee meetings: the chair records them with attendance; members see their own."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from fieldlog.meetings import views  # noqa: E402, F401 - registers the routes
