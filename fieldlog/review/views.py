"""Review pages: the chair runs a round on her phone; a member writes her report; the lists
of excellent-executive candidates and exit flags for chairs and admins."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog import access, labels
from fieldlog.extensions import db
from fieldlog.models import Organisation, ReviewEntry, ReviewRound
from fieldlog.review import bp, draft, held, lists, queries, service
from fieldlog.review.forms import (
    MeetingLinkForm,
    OpenRoundForm,
    OralReportsForm,
    OverrideForm,
    ReportForm,
    rating_form,
)
from fieldlog.review.naming import round_label
from fieldlog.tracker.queries import active_duties
from fieldlog.vocab import MeetingKind, RatingMode
from fieldlog.webutil import (
    CsrfForm,
    app_today,
    attempt,
    chair_or_admin_required,
    chair_required,
    current_locale,
)

MORE_ROWS = 6
LABELS = {
    "grade_labels": labels.GRADE,
    "group_labels": labels.RATER_GROUP,
    "review_status_labels": labels.REVIEW_STATUS,
}


def _page(template: str, status: int = 200, **context):
    locale = current_locale()
    duties = {d.code: d.name(locale) for d in active_duties()}
    return (
        render_template(template, duty_names=duties, locale=locale, **LABELS, **context),
        status,
    )


def _half_label(round_: ReviewRound) -> str:
    return round_label(round_.half, current_locale())


# The chair's rounds -----------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    org_ids = access.chaired_in_order(current_user)
    if not org_ids:
        return redirect(url_for("review.mine"))
    return redirect(url_for("review.committee", org_id=org_ids[0]))


def _open_form(org: Organisation, rounds: list[ReviewRound]) -> OpenRoundForm:
    form = OpenRoundForm()
    today = app_today()
    form.offer(service.half_choices(today), {r.half for r in rounds}, current_locale(), today)
    return form


@bp.route("/committee/<int:org_id>", methods=["GET", "POST"])
@chair_required
def committee(org_id: int):
    org = access.guard_chaired(current_user, org_id)
    rounds = queries.rounds_of(org.id)
    form = _open_form(org, rounds)
    if form.validate_on_submit():
        call = lambda: service.open_round(current_user, org, form.half.data, app_today())  # noqa: E731
        ok, round_ = attempt(form, call)
        if ok:
            db.session.commit()
            flash(_("Review opened with every member's figures."), "success")
            return redirect(url_for("review.show", round_id=round_.id))
    status = 422 if form.errors or form.form_errors else 200
    labels_of = {r.id: _half_label(r) for r in rounds}
    return _page(
        "review/committee.html", status, org=org, rounds=rounds, form=form, half_labels=labels_of
    )


@bp.route("/<int:round_id>")
@chair_required
def show(round_id: int):
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    held_at, link = held.held_at(round_), MeetingLinkForm(meeting_id=str(round_.meeting_id or ""))
    link.offer(held.review_meetings(round_), str(labels.MEETING_KIND[MeetingKind.REVIEW]))
    return _page(
        "review/round.html",
        round=round_,
        org=round_.organisation,
        half_label=_half_label(round_),
        button=CsrfForm(),
        missing=[e for e in round_.entries if e.result is None],
        held=held_at,
        held_names=held.names(held_at, round_.entries),
        link=link,
        oral=OralReportsForm(),
        attendance_labels=labels.ATTENDANCE,
    )


def _post_button(round_id: int, change, message: str):
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    ok, _result = attempt(form, lambda: change(round_))
    if ok:
        db.session.commit()
        flash(message, "success")
    else:
        for error in form.form_errors:
            flash(error, "error")
    return redirect(url_for("review.show", round_id=round_id))


@bp.route("/<int:round_id>/refresh", methods=["POST"])
@chair_required
def refresh(round_id: int):
    return _post_button(
        round_id,
        lambda r: service.refresh_round(current_user, r, app_today()),
        _("Figures taken from the tracker again."),
    )


@bp.route("/<int:round_id>/close", methods=["GET", "POST"])
@chair_required
def close(round_id: int):
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    form = CsrfForm()
    if form.validate_on_submit():
        ok, _result = attempt(form, lambda: service.close_round(current_user, round_))
        if ok:
            db.session.commit()
            flash(_("Review closed. Its figures, reports and results are now fixed."), "success")
            return redirect(url_for("review.show", round_id=round_.id))
    status = 409 if form.form_errors else 200
    return _page(
        "review/close.html",
        status,
        round=round_,
        org=round_.organisation,
        half_label=_half_label(round_),
        form=form,
        missing=[e for e in round_.entries if e.result is None],
        unsubmitted=[e for e in round_.entries if not e.submitted],
    )


# One member in the chair's round ----------------------------------------------------------


def _member_page(entry: ReviewEntry, status: int = 200, **forms):
    forms.setdefault("rating", rating_form(entry, request.args.get("rows", type=int)))
    override = forms.setdefault("override", OverrideForm(grade=entry.override_grade or ""))
    if not forms["override"].reason.data and entry.override_reason:
        override.reason.data = entry.override_reason
    override.offer()
    return _page(
        "review/member.html",
        status,
        entry=entry,
        round=entry.round,
        org=entry.round.organisation,
        half_label=_half_label(entry.round),
        modes=RatingMode,
        **forms,
    )


@bp.route("/<int:round_id>/members/<int:account_id>")
@chair_required
def member(round_id: int, account_id: int):
    return _member_page(
        access.guard_chaired_entry(current_user, queries.entry_of(round_id, account_id))
    )


@bp.route("/<int:round_id>/members/<int:account_id>/ratings", methods=["POST"])
@chair_required
def rate(round_id: int, account_id: int):
    entry = access.guard_chaired_entry(current_user, queries.entry_of(round_id, account_id))
    rows = request.form.get("rows", type=int)
    if request.form.get("more"):  # more rater lines: the page again, what she typed kept
        return _member_page(entry, rating=rating_form(entry, (rows or 0) + MORE_ROWS))
    form = rating_form(entry, rows)
    if form.validate_on_submit():
        call = lambda: service.rate(current_user, entry, form.mode.data, form.to_lines())  # noqa: E731
        if attempt(form, call)[0]:
            db.session.commit()
            flash(_("Ratings saved for %(name)s.", name=entry.account.display_name), "success")
            return redirect(url_for("review.member", round_id=round_id, account_id=account_id))
    status = 409 if not entry.round.is_open else 422
    return _member_page(entry, status, rating=form)


@bp.route("/<int:round_id>/members/<int:account_id>/override", methods=["POST"])
@chair_required
def override(round_id: int, account_id: int):
    entry = access.guard_chaired_entry(current_user, queries.entry_of(round_id, account_id))
    form = OverrideForm()
    form.offer()
    if form.validate_on_submit():
        grade = form.grade.data or None
        call = lambda: service.override(current_user, entry, grade, form.reason.data)  # noqa: E731
        if attempt(form, call)[0]:
            db.session.commit()
            flash(_("Result saved for %(name)s.", name=entry.account.display_name), "success")
            return redirect(url_for("review.member", round_id=round_id, account_id=account_id))
    status = 409 if not entry.round.is_open else 422
    return _member_page(entry, status, override=form)


# Her own review ---------------------------------------------------------------------------


@bp.route("/mine")
@login_required
def mine():
    entries = queries.entries_of(current_user.id)
    halves = {e.id: _half_label(e.round) for e in entries}
    return _page("review/mine.html", entries=entries, half_labels=halves)


@bp.route("/<int:round_id>/report", methods=["GET", "POST"])
@login_required
def report(round_id: int):
    entry = queries.entry_of(round_id, current_user.id)
    if entry is None:
        abort(404)
    form = ReportForm()
    if request.method == "GET" and entry.report_saved_at is None:
        form.body.data = draft.build_draft(entry, current_locale())
    elif request.method == "GET":
        form.body.data = entry.report_body
    status = 200
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        call = lambda: service.save_report(current_user, entry, form.body.data, submit=submit)  # noqa: E731
        if attempt(form, call)[0]:
            db.session.commit()
            flash(_("Report submitted.") if submit else _("Draft saved."), "success")
            return redirect(url_for("review.report", round_id=round_id))
        status = 409 if not entry.round.is_open else 422
    elif form.errors:
        status = 422
    return _page(
        "review/report.html",
        status,
        entry=entry,
        round=entry.round,
        half_label=_half_label(entry.round),
        form=form,
    )


# Lists for chairs and admins --------------------------------------------------------------


@bp.route("/excellent")
@chair_or_admin_required
def excellent():
    today = app_today()
    years = list(range(today.year, today.year - 5, -1))
    org_ids = lists.overseen_org_ids(current_user)
    year = request.args.get("year", type=int)
    if year not in years:
        year = lists.latest_closed_year(org_ids) or today.year - 1
        years = sorted({*years, year}, reverse=True)
    rows = lists.excellent_candidates(org_ids, year)
    return _page("review/excellent.html", rows=rows, year=year, years=years)


@bp.route("/exit-flags")
@chair_or_admin_required
def exit_flags():
    today = app_today()
    rows = lists.exit_flags(lists.overseen_org_ids(current_user), today)
    return _page(
        "review/exit_flags.html",
        rows=rows,
        missed_needed=current_app.config["EXIT_MISSED_MEETINGS"],
        kind_labels=labels.MEETING_KIND,
        years_needed=current_app.config["EXIT_UNQUALIFIED_YEARS"],
    )
