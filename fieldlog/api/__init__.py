"""JSON API v1, on the same services as the pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from fieldlog.api import errors, views  # noqa: E402, F401 - registers handlers and routes

errors.register(bp)
from fieldlog.api import review, tracker  # noqa: E402, F401, I001 - review and tracker routes
from fieldlog.api import openapi, photos, sync  # noqa: E402, F401, I001 - issue 6 routes
from fieldlog.api import admin, memberships  # noqa: E402, F401, I001 - issue 10 routes
