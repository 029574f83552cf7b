"""Year-end work record books (工作记录册): her year as a printable PDF and a spreadsheet,
submitted by the member (completing her 一本记录), reopened by her chair with a reason."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("books", __name__, url_prefix="/books")

from fieldlog.books import committee_views, views  # noqa: E402, F401 - registers the routes
