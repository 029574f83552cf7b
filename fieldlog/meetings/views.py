"""Meeting pages: the chair's list, record and edit forms, one meeting; a member's own."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog import access, labels
from fieldlog.extensions import db
from fieldlog.meetings import bp, queries, service
from fieldlog.meetings.forms import meeting_form, posted_date
from fieldlog.models import Organisation
from fieldlog.webutil import app_today, attempt, chair_required


def _members_for(org_id: int, default_day: date) -> list:
    """Members listed on the form: those active on the posted date, else ``default_day``."""
    day = posted_date(request.form.get("held_on"), default_day)
    return queries.active_members(org_id, day)


LABELS = {"kind_labels": labels.MEETING_KIND, "attendance_labels": labels.ATTENDANCE}


@bp.route("/")
@chair_required
def index():
    org_ids = access.chaired_in_order(current_user)
    return redirect(url_for("meetings.committee", org_id=org_ids[0]))


@bp.route("/committee/<int:org_id>")
@chair_required
def committee(org_id: int):
    org = access.guard_chaired(current_user, org_id)
    rows = queries.meetings_of(org.id)
    return render_template("meetings/list.html", org=org, rows=rows, **LABELS)


@bp.route("/committee/<int:org_id>/new", methods=["GET", "POST"])
@chair_required
def new(org_id: int):
    org, today = access.guard_chaired(current_user, org_id), app_today()
    form = meeting_form(_members_for(org.id, today), held_on=today)
    if form.validate_on_submit():
        call = lambda: service.record_meeting(current_user, org, form.to_input(), today)  # noqa: E731
        ok, meeting = attempt(form, call)
        if ok:
            db.session.commit()
            flash(_("Meeting recorded."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", org=org, form=form, meeting=None, **LABELS)


@bp.route("/<int:meeting_id>")
@chair_required
def show(meeting_id: int):
    meeting = access.guard_chaired_object(current_user, queries.meeting_with_attendance(meeting_id))
    org = db.session.get(Organisation, meeting.organisation_id)
    rows = sorted(meeting.attendance, key=lambda a: (a.account.display_name, a.account_id))
    return render_template("meetings/show.html", org=org, meeting=meeting, rows=rows, **LABELS)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@chair_required
def edit(meeting_id: int):
    meeting, today = (
        access.guard_chaired_object(current_user, queries.meeting_with_attendance(meeting_id)),
        app_today(),
    )
    org = db.session.get(Organisation, meeting.organisation_id)
    form = meeting_form(_members_for(meeting.organisation_id, meeting.held_on), meeting)
    if form.validate_on_submit():
        call = lambda: service.update_meeting(current_user, meeting, form.to_input(), today)  # noqa: E731
        ok, _result = attempt(form, call)
        if ok:
            db.session.commit()
            flash(_("Meeting saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", org=org, form=form, meeting=meeting, **LABELS)


@bp.route("/mine")
@login_required
def mine():
    rows = queries.attendance_of(current_user.id)
    return render_template("meetings/mine.html", rows=rows, **LABELS)
