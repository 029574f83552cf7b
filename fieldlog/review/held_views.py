"""The chair links a round to its 述职评议会 and, at mid-year, marks who reported orally."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access, labels
from fieldlog.extensions import db
from fieldlog.review import bp, held, queries
from fieldlog.review.forms import MeetingLinkForm, OralReportsForm
from fieldlog.vocab import MeetingKind
from fieldlog.webutil import attempt, chair_required


def _round(round_id: int):
    return access.guard_chaired_object(current_user, queries.round_with_entries(round_id))


def _done(form, ok: bool, message: str, round_id: int):
    if ok:
        db.session.commit()
        flash(message, "success")
    for error in [*form.form_errors, *(e for errs in form.errors.values() for e in errs)]:
        flash(str(error), "error")
    return redirect(url_for("review.show", round_id=round_id))


@bp.route("/<int:round_id>/meeting", methods=["POST"])
@chair_required
def link_meeting(round_id: int):
    round_ = _round(round_id)
    form = MeetingLinkForm()
    form.offer(held.review_meetings(round_), str(labels.MEETING_KIND[MeetingKind.REVIEW]))
    if not form.validate_on_submit():
        abort(400)
    ok, _r = attempt(form, lambda: held.link_meeting(current_user, round_, form.chosen()))
    return _done(form, ok, _("Review meeting saved."), round_id)


@bp.route("/<int:round_id>/oral-reports", methods=["POST"])
@chair_required
def oral_reports(round_id: int):
    round_ = _round(round_id)
    form = OralReportsForm()
    if not form.validate_on_submit():
        abort(400)
    call = lambda: held.mark_oral_reports(current_user, round_, form.chosen())  # noqa: E731
    ok, _r = attempt(form, call)
    return _done(form, ok, _("Oral reports marked."), round_id)
