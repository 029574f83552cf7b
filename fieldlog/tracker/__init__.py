"""The tracker: statuses per member, duty and period; committee grids and roll-ups."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tracker", __name__, url_prefix="/tracker")

from fieldlog.tracker import admin_views, chair_views, feed_views  # noqa: E402, F401
