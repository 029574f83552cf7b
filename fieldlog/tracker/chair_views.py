"""The chair's tracker pages: her committee's grid, a member's year, the year's overdue
list, and excusing an obligation (or taking the excusal back).

The committee's chair reads and excuses; an admin above the committee reads only (the
roll-up drills down here).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from fieldlog import access
from fieldlog.errors import DomainError, NotAllowed, NotFound
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal
from fieldlog.obligations import Obligation, Status
from fieldlog.periods import Period, parse_period
from fieldlog.tracker import bp, chair_data, excusals, queries, service
from fieldlog.tracker.forms import ExcuseForm, GridFilters
from fieldlog.webutil import CsrfForm, app_today, attempt, current_locale, safe_next


def _year(today: date) -> int:
    """The ``year`` argument, or this year when absent, bad or in the future."""
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= today.year else today.year


@bp.route("/committee/<int:org_id>")
@login_required
def committee_grid(org_id: int):
    org, today = access.guard_overseen(current_user, org_id), app_today()
    filters = GridFilters(request.args)
    quarter = queries.parse_quarter(filters.quarter.data, today)
    grid = service.grid([org.id], quarter, today)
    _filter_choices(filters, grid.duties, quarter, today)
    duty = filters.duty.data if filters.duty.data in {d.code for d in grid.duties} else None
    status = filters.status.data if filters.status.data in chair_data.FILTER_STATUSES else None
    is_chair = access.is_chair_of(current_user, org.id)
    return render_template(
        "tracker/chair_grid.html",
        org=org,
        grid=grid,
        view=chair_data.filter_grid(grid, duty, status),
        filters=filters,
        filtered=bool(duty or status),
        periods=chair_data.period_ends(
            list(service.duty_windows(grid.duties, quarter).values()), current_locale()
        ),
        is_chair=is_chair,
        reminder=chair_data.reminder_text(org.name, grid, today) if is_chair else None,
        text_rows=chair_data.text_rows,
        **_grid_helpers(),
    )


def _filter_choices(filters: GridFilters, duties, quarter: Period, today: date) -> None:
    quarters = queries.quarter_choices(today, quarter)  # may add an older one from the roll-up
    filters.quarter.choices = [SelectChoice(p.code, p.label(current_locale())) for p in quarters]
    filters.quarter.data = quarter.code
    filters.duty.choices = [SelectChoice("", _("All duties"))] + [
        SelectChoice(d.code, d.name(current_locale())) for d in duties
    ]
    filters.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(s.value, str(chair_data.CELL_LABEL[s])) for s in chair_data.FILTER_STATUSES
    ]


def _grid_helpers() -> dict:
    return {
        "cell_labels": chair_data.CELL_LABEL,
        "short_name": lambda duty: chair_data.short_name(duty, current_locale()),
        "is_current": chair_data.is_current,
    }


@bp.route("/committee/<int:org_id>/members/<int:account_id>")
@login_required
def member_year(org_id: int, account_id: int):
    org, today = access.guard_overseen(current_user, org_id), app_today()
    member = access.guard_member(org, account_id)
    year = _year(today)
    rows = service.member_year(member, year, today, [org.id])
    duties = queries.active_duties()
    return render_template(
        "tracker/chair_member_year.html",
        org=org,
        member=member,
        year=year,
        years=_years(member, today),
        table=chair_data.year_table(rows, duties, year),
        owed=chair_data.owed_in_order(rows, today),
        excused=[o for row in rows.values() for o in row if o.status is Status.EXCUSED],
        excusals=chair_data.excusals_of(member.id, year),
        duty_names={d.code: d.name(current_locale()) for d in duties},
        can_excuse=access.is_chair_of(current_user, org.id) and member.id != current_user.id,
        revoke_form=CsrfForm(),
        **_grid_helpers(),
    )


def _years(member: Account, today: date) -> list[int]:
    first = min((t.joined_on.year for t in member.memberships), default=today.year)
    return list(range(today.year, max(first, today.year - 5) - 1, -1))


@bp.route("/committee/<int:org_id>/overdue")
@login_required
def overdue(org_id: int):
    org, today = access.guard_overseen(current_user, org_id), app_today()
    year = _year(today)
    duties = queries.active_duties()
    members = chair_data.overdue_of_year(org.id, year, today)
    return render_template(
        "tracker/chair_overdue.html",
        org=org,
        year=year,
        years=[today.year, today.year - 1],
        members=members,
        total=sum(len(m.items) for m in members),
        duty_names={d.code: d.name(current_locale()) for d in duties},
        can_excuse=access.is_chair_of(current_user, org.id),
    )


def _obligation() -> tuple[Account, DutyType, Period]:
    """The obligation named by the query string: 404 if unknown, 400 if malformed, 403
    unless the reader chairs a committee the member sat on in that period."""
    code = request.args.get("duty", "")
    duty = db.session.scalars(db.select(DutyType).where(DutyType.code == code)).first()
    if duty is None:
        abort(404)
    try:
        period = parse_period(request.args.get("period", ""))
    except ValueError:
        abort(400)
    if period.cadence is not duty.cadence_enum:  # e.g. a quarter for a half-yearly duty
        abort(400)
    member_id = request.args.get("member", type=int) or 0
    member = access.excusable_member(current_user, member_id, period.start, period.end)
    return member, duty, period


def _chaired_org_ids(member: Account) -> list[int]:
    return sorted({t.organisation_id for t in access.chaired_terms(current_user, member)})


def _current(member: Account, duty: DutyType, period: Period) -> Obligation:
    """The obligation's status today, as her committees that the chair runs see it."""
    year = service.member_year(member, period.year, app_today(), _chaired_org_ids(member))
    return next(o for o in year[duty.code] if o.period == period)


@bp.route("/excuse", methods=["GET", "POST"])
@login_required
def excuse():
    member, duty, period = _obligation()
    back = safe_next(request.args.get("next")) or _her_year(member, period.year)
    cell, form = _current(member, duty, period), ExcuseForm()
    excusable = cell.status in chair_data.EXCUSABLE
    if excusable and form.validate_on_submit():
        reason = form.reason_text()
        ok, _excusal = attempt(
            form, lambda: excusals.excuse(current_user, member, duty, period, reason)
        )
        if ok:
            db.session.commit()
            names = {"duty": duty.name(current_locale()), "period": period.label(current_locale())}
            flash(_("Excused: %(duty)s, %(period)s.", **names), "success")
            return redirect(back)
    page = render_template(
        "tracker/chair_excuse.html",
        form=form,
        member=member,
        duty=duty,
        cell=cell,
        back=back,
        excusable=excusable,
        cell_labels=chair_data.CELL_LABEL,
    )
    return page, _excuse_status(form, excusable)


def _excuse_status(form: ExcuseForm, excusable: bool) -> int:
    if request.method == "POST" and not excusable:
        return 409
    return 422 if form.errors or form.form_errors else 200


@bp.route("/excusals/<int:excusal_id>/revoke", methods=["POST"])
@login_required
def revoke(excusal_id: int):
    excusal = db.get_or_404(Excusal, excusal_id)
    member = db.get_or_404(Account, excusal.account_id)
    try:
        excusals.revoke_excusal(current_user, excusal)
    except (NotAllowed, NotFound):
        raise
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The excusal was taken back: the duty counts again."), "success")
    back = _her_year(member, parse_period(excusal.period_code).year)
    return redirect(safe_next(request.form.get("next")) or back)


def _her_year(member: Account, year: int) -> str:
    org_id = next(iter(_chaired_org_ids(member)), member.organisation_id)
    return url_for(".member_year", org_id=org_id, account_id=member.id, year=year)
