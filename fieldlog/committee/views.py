"""Committee pages for chairs: who is on it, and each member's logs (read only)."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from fieldlog import access
from fieldlog.committee import bp, queries
from fieldlog.committee.size import size_note
from fieldlog.extensions import db
from fieldlog.logs.queries import filtered_logs
from fieldlog.models import Account, Organisation
from fieldlog.webutil import app_today, chair_required


@bp.route("/")
@chair_required
def index():
    org_ids = sorted(access.chaired_org_ids(current_user))
    return redirect(url_for("committee.members", org_id=org_ids[0]))


@bp.route("/<int:org_id>")
@chair_required
def members(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    if not access.can_read_members(current_user, org):
        abort(403)
    today = app_today()
    terms = queries.committee_terms(org.id, today, current_only=False)
    counts = queries.log_counts([t.account_id for t in terms], date(today.year, 1, 1), today)
    active = sum(1 for t in terms if t.active_on(today))
    note = size_note(org.kind, active, current_app.config["COMMITTEE_SIZE"])
    return render_template(
        "committee/members.html",
        org=org,
        terms=terms,
        counts=counts,
        today=today,
        chaired=sorted(access.chaired_org_ids(current_user)),
        active=active,
        size=note,
    )


@bp.route("/members/<int:account_id>/logs")
@chair_required
def member_logs(account_id: int):
    member = db.get_or_404(Account, account_id)
    if not access.is_chair_of(current_user, member.organisation_id):
        abort(403)
    query = filtered_logs(current_user, member.id)
    page = db.paginate(query, per_page=current_app.config["LOGS_PER_PAGE"], error_out=False)
    return render_template(
        "committee/member_logs.html", member=member, page=page, page_args=request.view_args
    )
