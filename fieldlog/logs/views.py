"""Pages of the member's flow."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from fieldlog import access, labels, textcheck
from fieldlog.database import idle
from fieldlog.extensions import db
from fieldlog.logs import bp, queries, service
from fieldlog.logs.forms import FilterForm, LogForm
from fieldlog.logs.service import LogInput
from fieldlog.models import Account
from fieldlog.periods import Cadence, parse_period, period_of, periods_of_year
from fieldlog.photos import entry, storage
from fieldlog.photos import service as photo_service
from fieldlog.review import queries as review_queries
from fieldlog.review.naming import round_label
from fieldlog.tracker import service as tracker
from fieldlog.webutil import CsrfForm, app_today, attempt, current_locale


@bp.route("")
@login_required
def home():
    if not current_user.memberships:
        if access.is_admin(current_user):
            return redirect(url_for("admin.index"))
        return render_template("logs/no_membership.html")
    today = app_today()
    rows, year = tracker.home_rows(current_user, today)
    quarter, half = period_of(today, Cadence.QUARTER), period_of(today, Cadence.HALF)
    recent = list(db.session.scalars(queries.filtered_logs(current_user, current_user.id).limit(5)))
    owed = tracker.owed_now(year, today)
    owed_keys = {(o.duty_code, o.period.code) for o in owed}
    return render_template(
        "logs/home.html",
        reports=[
            (e.round_id, round_label(e.round.half, current_locale()))
            for e in review_queries.reports_to_write(current_user.id)
        ],
        rows=rows,
        year=year,
        committees=_committees(today),
        owed=owed,
        # Each duty once on the first screen: a duty owed now is listed under 我还欠的 only,
        # with the earlier periods she missed and can no longer log on its card.
        owed_keys=owed_keys,
        missed={
            row.duty.code: [m for m in row.missed if (m.duty_code, m.period.code) not in owed_keys]
            for row in rows
        },
        quarter=quarter,
        half=half,
        recent=recent,
        photos=photo_service.photos_by_log(log.id for log in recent),
    )


def _committees(today: date) -> list[tuple[str, list[str]]]:
    """The committees she sits on today, with her roles on each (names of roles)."""
    return [
        (
            t.organisation.name,
            [str(labels.ROLE[r]) for r in sorted(access.roles_in(current_user, t.organisation_id))],
        )
        for t in current_user.memberships
        if t.active_on(today)
    ]


@bp.route("logs/new/<code>", methods=["GET", "POST"])
@login_required
def new(code: str):
    duty = service.duty_by_code(code) or abort(404)
    form = LogForm().only(duty.fields)
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.happened_on.data = _prefill_date(request.args.get("on"))
        if "method" in form:
            form.method.data = service.usual_method(current_user)
    elif form.validate_on_submit():
        data = LogInput.from_mapping(form.log_data())
        checked = _decoded(form)
        with storage.staged() as files:
            ok, result = attempt(
                form,
                lambda: entry.create_with_photos(
                    current_user, duty, data, app_today(), form.client_id.data, checked, files
                ),
            )
            if ok:
                db.session.commit()
                files.keep()
                return _saved_new(duty, created=result[1])
    return render_template("logs/form.html", form=form, duty=duty, log=None), _status(form)


def _decoded(form: LogForm) -> photo_service.Checked:
    """The form's photos, decoded with no transaction open (the request has only read so
    far): a large picture keeps nobody else waiting to save."""
    uploads = photo_service.uploads_from(form.photos.data or [])
    if not uploads:
        return photo_service.NOTHING_CHOSEN
    with idle(db.session):
        return photo_service.prepare_all(uploads)


def _saved_new(duty, created: bool):
    flash(
        _("Saved: %(duty)s.", duty=duty.name(current_locale()))
        if created
        else _("This entry was already saved."),
        "success",
    )
    return redirect(url_for("logs.home"))


def _prefill_date(raw: str | None):
    """Today, or the day asked for by ``?on=`` (to log late inside a missed period)."""
    today = app_today()
    wanted = textcheck.iso_date(raw or "") or today
    return wanted if wanted <= today else today


def _status(form: LogForm) -> int:
    return 422 if form.errors or form.form_errors else 200


@bp.route("logs/")
@login_required
def index():
    today = app_today()
    filters = FilterForm(request.args)
    duties = queries.active_duties()
    filters.duty.choices = [SelectChoice("", _("All duties"))] + [
        SelectChoice(d.code, d.name(current_locale())) for d in duties
    ]
    periods = _period_choices(today)
    filters.period.choices = [SelectChoice("", _("All periods"))] + periods
    codes = {c.value for c in periods}
    period = parse_period(filters.period.data) if filters.period.data in codes else None
    query = queries.filtered_logs(current_user, current_user.id, filters.duty.data or None, period)
    page = db.paginate(query, per_page=current_app.config["LOGS_PER_PAGE"], error_out=False)
    photos = photo_service.photos_by_log(log.id for log in page.items)
    return render_template("logs/index.html", page=page, filters=filters, photos=photos)


def _period_choices(today) -> list[SelectChoice]:
    """This year's and last year's quarters, halves and years, newest first."""
    result = []
    for year in (today.year, today.year - 1):
        for cadence in (Cadence.YEAR, Cadence.HALF, Cadence.QUARTER):
            for p in reversed(periods_of_year(year, cadence)):
                if p.start <= today:
                    result.append(SelectChoice(p.code, p.label(current_locale())))
    return result


@bp.route("logs/<int:log_id>")
@login_required
def view(log_id: int):
    log = access.guard_log(current_user, log_id)
    owner = db.session.get(Account, log.account_id)
    hidden = access.hidden_log_fields(current_user, log)
    return render_template(
        "logs/view.html",
        log=log,
        owner=owner,
        can_edit=access.can_edit_log(current_user, log),
        hidden=hidden,
        photos=[] if hidden else _photos_of(log),
    )


@bp.route("logs/<int:log_id>/edit", methods=["GET", "POST"])
@login_required
def edit(log_id: int):
    log = access.guard_own_log(current_user, log_id)
    form = LogForm(obj=log if request.method == "GET" else None).only(log.duty_type.fields)
    if request.method == "GET":
        form.version.data = str(log.version)
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        data = LogInput.from_mapping(form.log_data())
        checked = _decoded(form)
        with storage.staged() as files:
            ok, _log = attempt(
                form,
                lambda: entry.update_with_photos(
                    current_user, log, data, app_today(), version, checked, files
                ),
            )
            if ok:
                db.session.commit()
                files.keep()
                flash(_("Changes saved."), "success")
                return redirect(url_for("logs.view", log_id=log.id))
    return render_template(
        "logs/form.html", form=form, duty=log.duty_type, log=log, photos=_photos_of(log)
    ), _status(form)


def _photos_of(log) -> list:
    """Her log's live photos, for the page (one query)."""
    return photo_service.photos_by_log([log.id])[log.id]


@bp.route("logs/<int:log_id>/delete", methods=["POST"])
@login_required
def delete(log_id: int):
    log = access.guard_own_log(current_user, log_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    service.delete_log(current_user, log)
    db.session.commit()
    flash(_("Entry deleted."), "info")
    return redirect(url_for("logs.index"))
