"""Ledger pages: a chair's per committee, an admin's per organisation of her subtree.

Only POST starts a download (the form's CSRF token included); files are sent no-store.
"""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from fieldlog import access
from fieldlog.admin import queries as admin_queries
from fieldlog.database import reading
from fieldlog.downloads import send_download
from fieldlog.extensions import db
from fieldlog.ledgers import bp, service
from fieldlog.ledgers.forms import AreaLedgerForm, LedgerForm
from fieldlog.ledgers.service import Scope
from fieldlog.ledgers.spans import span_choices
from fieldlog.periods import Period, parse_period
from fieldlog.webutil import admin_required, app_today, chair_required, current_locale

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"  # werkzeug adds "; charset=utf-8" to text types


def _span_choices(today: date) -> list[SelectChoice]:
    locale = current_locale()
    return [SelectChoice(p.code, p.label(locale)) for p in span_choices(today)]


def _download(scope: Scope, span: Period, kind: str):
    """The ledger file: built from many queries, in a transaction that only reads (no
    write lock held on SQLite however long it takes)."""
    with reading(db.session):
        return _ledger_file(scope, span, kind)


def _ledger_file(scope: Scope, span: Period, kind: str):
    today, locale = app_today(), current_locale()
    name = _("%(org)s ledger %(span)s", org=scope.org.name, span=span.label(locale))
    ascii_name = f"ledger-{scope.org.id}-{span.code}"
    if kind == "csv":
        file = service.ledger_csv(scope, span, locale)
        return send_download(file, CSV, f"{name}.csv", f"{ascii_name}.csv")
    file = service.ledger_xlsx(scope, span, today, locale)
    return send_download(file, XLSX, f"{name}.xlsx", f"{ascii_name}.xlsx")


@bp.route("/committee/<int:org_id>", methods=["GET", "POST"])
@chair_required
def committee(org_id: int):
    org = access.guard_chaired(current_user, org_id)
    today = app_today()
    form = LedgerForm()
    form.span.choices = _span_choices(today)
    if form.validate_on_submit():
        return _download(Scope(org, area=False), parse_period(form.span.data), form.file_kind)
    if not form.is_submitted():
        form.span.data = str(today.year)
    page = render_template("ledgers/committee.html", org=org, form=form)
    return page, 422 if form.errors else 200


@bp.route("/area", methods=["GET", "POST"])
@admin_required
def area():
    today = app_today()
    rows = admin_queries.subtree(current_user)
    form = AreaLedgerForm()
    form.span.choices = _span_choices(today)
    form.org_id.choices = [SelectChoice(r.org.id, "\u3000" * r.depth + r.org.name) for r in rows]
    if form.validate_on_submit():
        org = access.guard_managed_org(current_user, form.org_id.data)
        return _download(Scope(org, area=True), parse_period(form.span.data), form.file_kind)
    if not form.is_submitted():
        form.span.data = str(today.year)
    page = render_template("ledgers/area.html", form=form)
    return page, 422 if form.errors else 200
