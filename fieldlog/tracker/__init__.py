"""The tracker: statuses per member, duty and period; committee grids and roll-ups."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tracker", __name__, url_prefix="/tracker")
