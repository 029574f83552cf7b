"""The app factory's helpers: extensions, blueprints, error pages, template globals, CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from fieldlog import forms, labels, textcheck
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.database import configure_sqlite
from fieldlog.errors import DomainError, NotAllowed, NotFound
from fieldlog.extensions import babel, csrf, db, login_manager, migrate
from fieldlog.timeutil import local_today, to_local

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")
TEMPLATE_CONSTANTS = {
    "status_icon": labels.STATUS_ICON,
    "status_labels": labels.STATUS,
    "field_order": LOG_FIELDS,
    "field_labels": labels.FIELD,
    "choice_labels": {
        "method": labels.METHOD,
        "proposal_status": labels.PROPOSAL_STATUS,
        "help_target": labels.HELP_TARGET,
    },
}


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this app."""
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, synchronous=app.config["SQLITE_SYNCHRONOUS"])
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: app.config["TIMEZONE"],
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    _install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in first.")
    login_manager.session_protection = "basic"
    from fieldlog.auth import throttle

    throttle.init_app(app)
    from fieldlog import assets

    assets.init_app(app)


def _translations() -> Any:
    """The request's translations, looked up once per request and locale. Flask-Babel finds
    them again for every ``_()`` in a template (about fifty a page), each time naming the
    locale (``str(Locale)``); ``force_locale`` gives a new locale object, so it is seen."""
    locale = get_locale()
    found = g.get("_fieldlog_translations")
    if found is None or found[0] is not locale:
        found = g._fieldlog_translations = (locale, get_translations())
    return found[1]


def _install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` and ``ngettext`` through ``_translations`` (same results)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def select_locale() -> str:
    """Her account's language, else the one chosen this session, else Chinese."""
    languages = _languages()
    if not has_request_context():  # CLI commands and background jobs
        return languages[0]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else languages[0]


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def register_blueprints(app: Flask) -> None:
    """Mount every feature blueprint."""
    from fieldlog import (
        admin,
        api,
        auth,
        books,
        committee,
        ledgers,
        logs,
        meetings,
        offline,
        photos,
        review,
        roster,
        tracker,
    )

    features = (auth, logs, committee, tracker, meetings, review, books, ledgers, roster)
    for module in (*features, admin, api, photos, offline):
        app.register_blueprint(module.bp)


class DatabaseId(IntegerConverter):
    """``<int:...>`` in every route: ASCII digits within the range of an ``integer`` column.

    A larger number does not match the route at all, so it is no such page (404) whatever
    the method, never an overflow in the database driver.
    """

    regex = textcheck.digits_up_to(textcheck.MAX_ID)


def register_converters(app: Flask) -> None:
    """URL converters, set before any blueprint adds its routes."""
    app.url_map.converters["int"] = DatabaseId


def register_input_guard(app: Flask) -> None:
    """The text rule on what every route reads before any form: its path and query string.
    Registered before the extensions, so that it runs before the CSRF check.

    A path with a control character is no page of ours (404); a query parameter with one is
    refused (400, naming it under /api/).
    """

    @app.before_request
    def refuse_control_characters() -> None:
        # A multipart part whose name cannot be read is filed under None, and Flask-WTF's
        # CSRF check (which runs next) fails on such a key: a malformed request, not a crash.
        if None in request.form or None in request.files:
            abort(400)
        for value in (request.view_args or {}).values():
            if isinstance(value, str) and not textcheck.is_clean(value):
                abort(404)
        bad = sorted(
            {k for k, v in request.args.items(multi=True) if not textcheck.is_clean(k + v)}
        )
        if not bad:
            return
        message = str(forms.CONTROL_CHARACTERS)
        if request.path.startswith("/api/"):
            from fieldlog.api.errors import InvalidRequest

            names = [name if textcheck.is_clean(name) else "?" for name in bad]
            raise InvalidRequest({name: [message] for name in names})
        abort(400, description=message)


def _headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers an HTTP error carries (``Allow`` on 405, ``Retry-After`` on 429), not
    its content type: the handlers write their own bodies."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def register_errors(app: Flask) -> None:
    """HTML error pages for the site. Under /api/ the API's JSON shape is used, also for
    errors raised before a blueprint is chosen (unknown URL, wrong method).

    Each handler first rolls back the session: after a failed flush the session refuses
    every query until then, and the page itself queries (her name in the header).
    """
    from fieldlog.api.errors import error_response, explicit_message, http_message

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        db.session.rollback()
        if request.path.startswith("/api/"):
            return error_response(_l("The security token is missing or wrong."), 400)
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(NotAllowed)
    @app.errorhandler(NotFound)
    def refused(error: DomainError) -> Any:
        """A guard in ``access`` refused: the API's JSON, or the site's 403/404 page."""
        db.session.rollback()
        if request.path.startswith("/api/"):
            return error_response(error.message, error.status)
        return render_template("errors/http.html", error=error, code=error.status), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        db.session.rollback()
        if request.path.startswith("/api/"):
            response = error_response(http_message(error), error.code)
        else:
            page = render_template(
                "errors/http.html", error=error, code=error.code, message=explicit_message(error)
            )
            response = app.make_response((page, error.code))
        response.headers.extend(_headers(error))
        return response


def printable(value: Any) -> Any:
    """What a template prints, without the characters HTML cannot hold (text stored before
    the text rule, or a refused form's input shown again)."""
    if isinstance(value, str) and not textcheck.is_clean(value):
        text = textcheck.clean(value)
        return Markup(text) if isinstance(value, Markup) else text  # noqa: S704 - was Markup
    return value


def register_template_helpers(app: Flask) -> None:
    """Globals every template may use, and headers every response gets."""
    app.jinja_env.finalize = printable

    @app.context_processor
    def inject() -> dict[str, Any]:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "locale": locale,
            "html_lang": "zh-CN" if locale.startswith("zh") else "en",
            "today": local_today(app.config["TIMEZONE"]),
            **TEMPLATE_CONSTANTS,
        }

    @app.template_filter("localtime")
    def localtime(instant: Any) -> str:
        if instant is None:
            return ""
        return to_local(instant, app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M")

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        if g.get("no_store"):
            response.headers["Cache-Control"] = "no-store"
        return response


def register_cli(app: Flask) -> None:
    """The ``flask --app fieldlog`` commands."""
    from fieldlog import cli

    for command in cli.COMMANDS:
        app.cli.add_command(command)
