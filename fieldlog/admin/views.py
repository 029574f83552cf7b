"""Admin pages (being built)."""

from __future__ import annotations

from flask import render_template

from fieldlog.admin import bp
from fieldlog.webutil import admin_required


@bp.route("/")
@admin_required
def index():
    return render_template("base.html")
