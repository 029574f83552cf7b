"""Ledgers (台账): a committee's or an area's logs, duty grid and roll-up as XLSX or CSV."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledgers", __name__, url_prefix="/ledgers")

from fieldlog.ledgers import views  # noqa: E402, F401 - registers the routes
