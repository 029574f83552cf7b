"""Roster import (admin): a template to fill in, a checked preview, an import in one go."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/admin/roster")

from fieldlog.roster import views  # noqa: E402, F401 - registers the routes
