"""Her record book page (我的工作记录册) and the book's files, for everyone who may read it."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog import access
from fieldlog.books import bp, content, render, service
from fieldlog.books.forms import BookForm
from fieldlog.books.service import WindowState
from fieldlog.database import idle
from fieldlog.downloads import content_disposition
from fieldlog.extensions import db
from fieldlog.models import Account
from fieldlog.pdf import PdfUnavailable, day_label
from fieldlog.webutil import app_today, attempt, current_locale

# How many years back her page offers.
YEARS_SHOWN = 5


def her_years(member: Account, today: date) -> list[int]:
    """Years she was on a committee, newest first, at most ``YEARS_SHOWN``."""
    span = range(today.year, today.year - YEARS_SHOWN, -1)
    return [y for y in span if service.served_in(member, y)]


def default_year(member: Account, years: list[int], today: date) -> int:
    """Last year's book while it is still to hand in and this year's is not open yet."""
    last = today.year - 1
    if last in years and service.window(today.year).state(today) is WindowState.EARLY:
        book = service.book_of(member.id, last)
        if book is None or not book.is_submitted:
            return last
    return years[0]


def _chosen_year(years: list[int], default: int) -> int:
    """``?year=``, one of hers (404 otherwise: a form must never act on another year)."""
    chosen = request.args.get("year", type=int)
    if chosen is None:
        return default
    if chosen not in years:
        abort(404)
    return chosen


@bp.route("/")
@login_required
def index():
    if current_user.memberships:
        return redirect(url_for("books.mine"))
    chaired = access.chaired_in_order(current_user)
    if chaired:
        return redirect(url_for("books.committee", org_id=chaired[0]))
    abort(404)


@bp.route("/mine", methods=["GET", "POST"])
@login_required
def mine():
    today = app_today()
    years = her_years(current_user, today)
    if not years:
        abort(404)
    year = _chosen_year(years, default_year(current_user, years, today))
    record = service.book_of(current_user.id, year)
    form = BookForm(include_names=record.include_names if record else False)
    if form.validate_on_submit():
        ok, message = attempt(form, lambda: _change(form, year, today))
        if ok:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("books.mine", year=year))
    return _her_page(form, year, years, today), 422 if form.errors or form.form_errors else 200


def _her_page(form: BookForm, year: int, years: list[int], today: date) -> str:
    book = content.load_books([current_user], year, today, current_user)[0]
    win, locale = service.window(year), current_locale()
    return render_template(
        "books/mine.html",
        form=form,
        book=book,
        year=year,
        years=years,
        state=win.state(today),
        opens_on=day_label(win.opens, locale),
        closes_on=day_label(win.closes, locale),
        duty_names={d.code: d.name(locale) for d in book.duties},
    )


def _change(form: BookForm, year: int, today: date) -> str:
    """Submit her book or save her choice; the message to flash."""
    names = bool(form.include_names.data)
    if form.submit.data:
        service.submit(current_user, current_user, year, names, today, current_locale())
        return _("Your record book for %(year)s is submitted. Thank you!", year=year)
    service.set_names_choice(current_user, current_user, year, names)
    return _("Your choice is saved.")


# The files ---------------------------------------------------------------------------------


def readable_book(account_id: int, year: int) -> content.Book:
    """Her book of ``year`` as the reader may see it; 404 for no such book, 403 if not hers
    to read."""
    member = access.guard_book_member(current_user, account_id)
    today = app_today()
    if year > today.year or not service.served_in(member, year):
        abort(404)
    scope = access.book_org_ids(current_user, member)
    return content.load_books([member], year, today, current_user, scope)[0]


def unavailable(error: PdfUnavailable, back: str):
    """The page shown instead of a PDF the server cannot draw."""
    current_app.logger.error("record book PDF not drawn: %s", error.__cause__ or error)
    return render_template("books/pdf_unavailable.html", message=error.message, back=back), 503


def send(data: bytes, mimetype: str, names: tuple[str, str]) -> Response:
    """A file download; private data, so never kept by shared caches."""
    g.no_store = True
    ascii_name, name = names
    headers = {"Content-Disposition": content_disposition(name, ascii_name)}
    return Response(data, mimetype=mimetype, headers=headers)


def _back(book: content.Book) -> str:
    if book.member.id == current_user.id:
        return url_for("books.mine", year=book.year)
    org_id = book.terms[-1].organisation_id if book.terms else book.member.organisation_id
    return url_for("books.committee", org_id=org_id, year=book.year)


@bp.route("/<int:account_id>/<int:year>.pdf")
@login_required
def book_pdf(account_id: int, year: int):
    book = readable_book(account_id, year)
    names, back = render.file_names(book, "pdf"), _back(book)
    try:
        jobs = render.pdf_jobs([book], current_locale(), app_today())
        with idle(db.session):  # drawing takes a while: no transaction held meanwhile
            data = render.draw_pdfs(jobs, current_locale())[0]
    except PdfUnavailable as error:
        return unavailable(error, back)
    return send(data, "application/pdf", names)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:account_id>/<int:year>.xlsx")
@login_required
def book_xlsx(account_id: int, year: int):
    book = readable_book(account_id, year)
    return send(render.book_xlsx(book, current_locale()), XLSX, render.file_names(book, "xlsx"))
