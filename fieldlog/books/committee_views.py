"""The committee's record books: who has submitted, logs added since, reopening (the chair),
and every book of the year as one ZIP (the chair, or an admin above the committee)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog import access
from fieldlog.books import bp, content, queries, render, service
from fieldlog.books.forms import ReopenForm
from fieldlog.books.service import WindowState
from fieldlog.books.views import send, unavailable
from fieldlog.database import idle
from fieldlog.downloads import clean_filename
from fieldlog.errors import NotAllowed
from fieldlog.extensions import db
from fieldlog.pdf import PdfUnavailable
from fieldlog.tracker import queries as tracker_queries
from fieldlog.webutil import app_today, attempt, current_locale

YEARS_SHOWN = 5


def _year(today) -> int:
    """``?year=`` when within the last years; else last year until this year's book opens."""
    years = range(today.year, today.year - YEARS_SHOWN, -1)
    chosen = request.args.get("year", type=int)
    if chosen in years:
        return chosen
    early = service.window(today.year).state(today) is WindowState.EARLY
    return today.year - 1 if early else today.year


@bp.route("/committee/<int:org_id>")
@login_required
def committee(org_id: int):
    org, today = access.guard_overseen(current_user, org_id), app_today()
    year = _year(today)
    rows = queries.committee_books(org.id, year)
    return render_template(
        "books/committee.html",
        org=org,
        year=year,
        years=list(range(today.year, today.year - YEARS_SHOWN, -1)),
        rows=rows,
        submitted=sum(r.submitted for r in rows),
        can_reopen=access.is_chair_of(current_user, org.id),
        state=service.window(year).state(today),
    )


@bp.route("/committee/<int:org_id>/<int:year>.zip")
@login_required
def committee_zip(org_id: int, year: int):
    org, today = access.guard_overseen(current_user, org_id), app_today()
    if year > today.year:
        abort(404)
    first, last = queries.year_span(year)
    ids = [m.account_id for m in tracker_queries.members_of([org.id], first, last)]
    members = [m for m in queries.accounts(ids) if access.can_read_book(current_user, m)]
    if not members:
        abort(404)
    books = content.load_books(members, year, today, current_user, [org.id])
    names = [render.file_names(book, "pdf")[1] for book in books]
    ascii_name = f"record-books-{org.id}-{year}.zip"
    name = f"{_('Work record books')}-{clean_filename(org.name)}-{year}.zip"
    back = url_for("books.committee", org_id=org.id, year=year)
    try:
        jobs = render.pdf_jobs(books, current_locale(), today)
        with idle(db.session):  # seconds of drawing: no transaction held meanwhile
            pdfs = render.draw_pdfs(jobs, current_locale())
    except PdfUnavailable as error:
        return unavailable(error, back)
    return send(render.zip_pdfs(names, pdfs), "application/zip", (ascii_name, name))


@bp.route("/<int:account_id>/<int:year>/reopen", methods=["GET", "POST"])
@login_required
def reopen(account_id: int, year: int):
    member = access.guard_book_member(current_user, account_id)
    if not access.can_reopen_book(current_user, member):
        raise NotAllowed(_("Only the chair of her committee can reopen her record book."))
    record = service.book_of(member.id, year)
    org_id = next(iter(t.organisation_id for t in access.chaired_terms(current_user, member)))
    back = url_for("books.committee", org_id=org_id, year=year)
    form = ReopenForm()
    if record is not None and record.is_submitted and form.validate_on_submit():
        reason = form.reason.data
        ok, _book = attempt(form, lambda: service.reopen(current_user, member, year, reason))
        if ok:
            db.session.commit()
            flash(_("The book of %(name)s is reopened.", name=member.display_name), "success")
            return redirect(back)
    submitted = record is not None and record.is_submitted
    page = render_template(
        "books/reopen.html", form=form, member=member, year=year, back=back, submitted=submitted
    )
    if request.method == "POST" and not submitted:
        return page, 409
    return page, 422 if form.errors or form.form_errors else 200
