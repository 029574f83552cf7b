"""JSON errors for the API: every refusal is ``{"error": str, "fields": {name: [str]}}``.

The handlers are registered on the API blueprint only, so the site keeps its HTML pages.
Routing errors (an unknown ``/api/...`` URL, a wrong method) happen before any blueprint
is chosen; ``fieldlog.web.register_errors`` answers those in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db

# Short messages instead of werkzeug's long English descriptions.
HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in first."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This entry was changed elsewhere. Reload it and try again."),
    413: _l("The request is too large."),
    415: _l("Send the request body as JSON."),
    429: _l("Too many requests. Please wait and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


class InvalidRequest(FieldErrors):
    """Malformed query parameters or body (400), with the offending fields."""

    status = 400


def error_response(
    message: object, status: int, fields: Mapping[str, list[object]] | None = None
) -> Response:
    """The one JSON shape of every API error."""
    plain = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
    response = jsonify(error=str(message), fields=plain)
    response.status_code = status
    return response


def explicit_message(error: HTTPException) -> str | None:
    """The description given to ``abort`` explicitly (not werkzeug's default), if any."""
    if "description" in vars(error) and error.description:
        return str(error.description)
    return None


def http_message(error: HTTPException) -> str:
    """A description given to ``abort`` explicitly, else our short message for the code."""
    return explicit_message(error) or str(HTTP_MESSAGES.get(error.code or 500, error.name))


def register(bp: Blueprint) -> None:
    """Attach the JSON error handlers to the API blueprint (not to the whole site)."""

    @bp.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        db.session.rollback()  # nothing of a refused request is kept; the session works again
        if isinstance(error, FieldErrors):
            return error_response(_("Please check the marked fields."), error.status, error.fields)
        return error_response(error.message, error.status)

    @bp.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        db.session.rollback()
        return error_response(_("The security token is missing or wrong."), 400)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        if error.code is None or error.code < 400:
            return error
        db.session.rollback()
        response = error_response(http_message(error), error.code)
        response.headers.extend(
            (k, v) for k, v in error.get_headers() if k.lower() != "content-type"
        )  # Allow on 405, Retry-After on 429
        return response
