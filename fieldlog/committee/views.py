"""Committee pages for chairs: who is on it, each member's logs (read only), and the
membership changes a chair makes herself: adding a member, re-adding a former one and
ending a term. The rules are those of the admin pages (``admin.service``, ``admin.terms``).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from fieldlog import access, labels
from fieldlog.admin import queries as admin_queries
from fieldlog.admin import service, terms
from fieldlog.committee import bp, queries
from fieldlog.committee.forms import LeaveForm, MembershipFields, MoveForm, NewMemberForm
from fieldlog.committee.size import size_note
from fieldlog.extensions import db
from fieldlog.logs.queries import filtered_logs
from fieldlog.logs.service import duty_by_code
from fieldlog.models import Account, Membership, Organisation
from fieldlog.periods import Period, parse_period
from fieldlog.webutil import app_today, attempt, chair_required

ONE_TIME_KEY = "committee_one_time_password"
LABELS = {"join_labels": labels.JOIN_KIND, "leave_labels": labels.LEAVE_KIND}


def _render(template: str, form: FlaskForm | None = None, **context: Any):
    """A page, answered 422 when ``form`` carries errors."""
    status = 422 if form is not None and form.errors else 200
    return render_template(template, form=form, **LABELS, **context), status


@bp.route("/")
@chair_required
def index():
    org_ids = access.chaired_in_order(current_user)
    return redirect(url_for("committee.members", org_id=org_ids[0]))


@bp.route("/<int:org_id>")
@chair_required
def members(org_id: int):
    org = access.guard_overseen(current_user, org_id)
    today = app_today()
    all_terms = queries.committee_terms(org.id, today, current_only=False)
    counts = queries.log_counts(org.id, date(today.year, 1, 1), today)
    active = sum(1 for t in all_terms if t.active_on(today))
    note = size_note(org.kind, active, current_app.config["COMMITTEE_SIZE"])
    return _render(
        "committee/members.html",
        org=org,
        terms=all_terms,
        counts=counts,
        today=today,
        chaired=access.chaired_in_order(current_user),
        active=active,
        size=note,
        can_manage=access.can_manage_committee(current_user, org),
        manageable_ids={t.id for t in all_terms if access.can_manage_term(current_user, t)},
        rejoin_ids=queries.rejoinable_term_ids(all_terms, today),
        names={t.id: t.account.display_name for t in all_terms},
    )


@bp.route("/members/<int:account_id>/logs")
@login_required  # a chair of a committee she sat on, or an admin above one
def member_logs(account_id: int):
    member = access.guard_overseen_member(current_user, account_id)
    duty, period = _log_filters()
    query = filtered_logs(current_user, member.id, duty, period)
    page = db.paginate(query, per_page=current_app.config["LOGS_PER_PAGE"], error_out=False)
    seen = access.terms_seen_by(current_user, member)
    chaired = [
        t.organisation_id for t in seen if access.is_chair_of(current_user, t.organisation_id)
    ]
    return render_template(
        "committee/member_logs.html",
        back=(
            url_for("committee.members", org_id=chaired[-1])
            if chaired
            else url_for("admin.account", account_id=member.id)
        ),
        member=member,
        page=page,
        # an admin's list: no free text about the women in the summaries
        summary_only={log.id for log in page.items if access.hidden_log_fields(current_user, log)},
        page_args=request.view_args,
        duty=duty_by_code(duty) if duty else None,
        period=period,
    )


def _log_filters() -> tuple[str | None, Period | None]:
    """``?duty=contact&period=2026H1`` from a review's or the grid's links; bad values ignored."""
    duty = request.args.get("duty") or None
    if duty is not None and duty_by_code(duty) is None:
        duty = None
    try:
        period = parse_period(request.args.get("period") or "")
    except ValueError:
        period = None
    return duty, period


# Membership changes ----------------------------------------------------------------------


def _with_replace_choices(form: MembershipFields, org_id: int, skip: int | None = None):
    """Whom she may replace: this committee's current or recently ended terms."""
    found = admin_queries.replaceable(current_user, org_id, app_today())
    form.replaces_id.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(t.id), _term_label(t)) for t in found if t.account_id != skip
    ]
    if request.method == "GET":
        form.joined_on.data = app_today()
    return form


def _term_label(term: Membership) -> str:
    name = term.account.display_name
    if term.left_on is None:
        return name
    return _("%(name)s (left %(d)s)", name=name, d=term.left_on.isoformat())


def _back(org: Organisation, message: str):
    flash(message, "success")
    return redirect(url_for("committee.members", org_id=org.id))


@bp.route("/<int:org_id>/members/new", methods=["GET", "POST"])
@chair_required
def new_member(org_id: int):
    org = access.guard_overseen(current_user, org_id)
    form = _with_replace_choices(NewMemberForm(), org.id)
    if form.validate_on_submit():
        data = form.to_input(org.id)
        change = partial(service.create_member_account, current_user, org, data, app_today())
        ok, result = attempt(form, change)
        if ok:
            db.session.commit()
            return _show_once(org, *result)
    return _render("committee/member_form.html", form, org=org)


def _show_once(org: Organisation, account: Account, password: str):
    """Keep the one-time password for exactly one showing on the next page."""
    session[ONE_TIME_KEY] = {"account_id": account.id, "password": password}
    flash(_("%(name)s is now a member of the committee.", name=account.display_name), "success")
    return redirect(url_for("committee.one_time_password", org_id=org.id, account_id=account.id))


@bp.route("/<int:org_id>/members/<int:account_id>/password")
@chair_required
def one_time_password(org_id: int, account_id: int):
    org = access.guard_overseen(current_user, org_id)
    account = access.guard_member(org, account_id)
    kept = session.get(ONE_TIME_KEY) or {}
    password = None
    if kept.get("account_id") == account.id:
        password = session.pop(ONE_TIME_KEY)["password"]
    g.no_store = True
    return _render("committee/password.html", org=org, account=account, password=password)


@bp.route("/<int:org_id>/members/<int:account_id>/rejoin", methods=["GET", "POST"])
@chair_required
def rejoin(org_id: int, account_id: int):
    org = access.guard_overseen(current_user, org_id)
    account = access.guard_member(org, account_id)
    form = _with_replace_choices(MembershipFields(), org.id, skip=account.id)
    if form.validate_on_submit():
        data = form.membership_input()
        change = partial(terms.add_membership, current_user, account, data, app_today(), org)
        if attempt(form, change)[0]:
            db.session.commit()
            return _back(org, _("%(name)s is again a member.", name=account.display_name))
    return _render("committee/rejoin.html", form, org=org, account=account)


@bp.route("/<int:org_id>/terms/<int:term_id>/end", methods=["GET", "POST"])
@chair_required
def end_term(org_id: int, term_id: int):
    org = access.guard_overseen(current_user, org_id)
    term = access.guard_term(current_user, term_id, org)
    form = LeaveForm(left_on=app_today()) if request.method == "GET" else LeaveForm()
    if form.validate_on_submit():
        change = partial(terms.end_membership, current_user, term, form.to_input(), app_today())
        if attempt(form, change)[0]:
            db.session.commit()
            return _back(org, _("Membership ended. Her account and logs are kept."))
    return _render("committee/end_term.html", form, org=org, term=term)


@bp.route("/<int:org_id>/terms/<int:term_id>/move", methods=["GET", "POST"])
@login_required  # the committee's chair, or an admin above it (the guards tell)
def move(org_id: int, term_id: int):
    org = access.guard_overseen(current_user, org_id)
    term = access.guard_term(current_user, term_id, org)
    targets = admin_queries.move_targets(current_user, term)
    form = MoveForm(moved_on=app_today()) if request.method == "GET" else MoveForm()
    form.organisation_id.choices = [SelectChoice("", _("Choose a committee"))] + [
        SelectChoice(str(t.id), t.name) for t in targets
    ]
    if form.validate_on_submit():
        change = partial(terms.move_member, current_user, term, form.to_input(), app_today())
        ok, new_term = attempt(form, change)
        if ok:
            db.session.commit()
            name, there = term.account.display_name, new_term.organisation.name
            message = _("%(name)s moved to %(org)s. Her logs here stay here.", name=name, org=there)
            flash(message, "success")
            return redirect(_back_from_move(org, term))
    back = _back_from_move(org, term)
    return _render("committee/move.html", form, org=org, term=term, targets=targets, back=back)


def _back_from_move(org: Organisation, term: Membership) -> str:
    """Her committee's page for its chair; her account page for an admin."""
    if access.is_chair_of(current_user, org.id):
        return url_for("committee.members", org_id=org.id)
    return url_for("admin.account", account_id=term.account_id)
