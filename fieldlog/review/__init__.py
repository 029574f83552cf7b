"""The semiannual duty-report review (述职评议): rounds, reports, ratings, and what follows."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from fieldlog.review import held_views, sheet_views, views  # noqa: E402, F401 - the routes
