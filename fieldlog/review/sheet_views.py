"""The printable review sheet (PDF) of a round, for the chair to take to the meeting."""

from __future__ import annotations

from flask import Response, current_app, g, render_template
from flask_login import current_user

from fieldlog import access
from fieldlog.database import idle
from fieldlog.extensions import db
from fieldlog.pdf import PdfUnavailable, render_pdf
from fieldlog.review import bp, queries
from fieldlog.review.sheet import sheet_disposition, sheet_html
from fieldlog.webutil import chair_required, current_locale


@bp.route("/<int:round_id>/sheet.pdf")
@chair_required
def sheet(round_id: int):
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    disposition = sheet_disposition(round_)
    try:
        html = sheet_html(round_, current_locale())
        with idle(db.session):  # drawing takes a while: no transaction held meanwhile
            data = render_pdf(html)
    except PdfUnavailable as error:
        current_app.logger.error(
            "review sheet %s not drawn: %s", round_id, error.__cause__ or error
        )
        page = render_template("review/sheet_unavailable.html", round=round_, message=error.message)
        return page, error.status
    g.no_store = True  # members' figures and results: not for shared caches
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": disposition})
