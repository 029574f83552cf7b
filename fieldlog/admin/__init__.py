"""Federation staff: organisations, accounts, memberships in their subtree."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from fieldlog.admin import views  # noqa: E402, F401 - registers the routes
