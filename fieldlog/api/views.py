"""JSON API v1 handlers: thin wrappers over the same services and access rules as the pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from fieldlog import access
from fieldlog.api import bp, inputs
from fieldlog.api.serialize import account_json, duty_json, log_json
from fieldlog.auth import service as auth_service
from fieldlog.auth.forms import LoginForm, PasswordChangeForm
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import csrf, db
from fieldlog.logs import queries, service
from fieldlog.models import Log
from fieldlog.photos import service as photo_service
from fieldlog.webutil import app_today


def api_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 JSON for anonymous calls (the pages' ``login_required`` would redirect)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            raise DomainError(_("Please log in first."), status=401)
        return view(*args, **kwargs)

    return wrapped


PUBLIC = frozenset({"api.login", "api.openapi_json"})
csrf.exempt(bp)  # checked by _login_then_csrf, once the caller is known to be logged in


@bp.before_request
def _login_then_csrf() -> None:
    """No caching of personal data; a call that needs a login answers 401 before anything
    else (a missing CSRF token is beside the point then); a logged-in caller's writes carry
    the CSRF token."""
    g.no_store = True  # personal data: no caching by the browser or a proxy
    if request.endpoint in PUBLIC:
        return
    if not current_user.is_authenticated:
        raise DomainError(_("Please log in first."), status=401)
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def logs_json(logs: Sequence[Log]) -> list[dict[str, Any]]:
    """Logs as the current user may see them, with their photos (one query for all)."""
    photos = photo_service.photos_by_log(log.id for log in logs)
    return [log_json(current_user, log, _tz(), photos[log.id]) for log in logs]


def _me() -> dict[str, Any]:
    return {**account_json(current_user), "csrf_token": generate_csrf()}


@bp.post("/login")
@csrf.exempt  # the client has no token before logging in; JSON bodies cannot come cross-site
def login() -> Response:
    body = inputs.json_body()
    fields = {k: inputs.form_text(body.get(k)) or "" for k in ("username", "password")}
    form = LoginForm(formdata=MultiDict(fields), meta={"csrf": False})
    if not form.validate():
        raise FieldErrors({k: [str(m) for m in v] for k, v in form.errors.items() if k != "next"})
    address = request.remote_addr or "unknown"
    account = auth_service.authenticate(form.username.data, form.password.data, address)
    login_user(account)
    db.session.commit()
    return jsonify(_me())


@bp.post("/logout")
@api_login_required
def logout() -> tuple[str, int]:
    auth_service.logout(current_user)
    db.session.commit()
    logout_user()
    return "", 204


@bp.post("/password")
@api_login_required
def change_password() -> Response:
    body = inputs.json_body()
    fields = {k: inputs.form_text(body.get(k)) or "" for k in ("current_password", "new_password")}
    form = PasswordChangeForm(
        formdata=MultiDict({**fields, "confirm": fields["new_password"]}), meta={"csrf": False}
    )
    if not form.validate():
        raise FieldErrors({k: [str(m) for m in v] for k, v in form.errors.items()})
    auth_service.change_password(current_user, form.current_password.data, form.new_password.data)
    db.session.commit()
    login_user(current_user._get_current_object())  # this client keeps its session
    return jsonify(_me())


@bp.get("/me")
@api_login_required
def me() -> Response:
    return jsonify(_me())


@bp.get("/duty-types")
@api_login_required
def duty_types() -> Response:
    return jsonify([duty_json(d) for d in queries.active_duties()])


@bp.post("/logs")
@api_login_required
def create_log() -> tuple[Response, int, dict[str, str]]:
    body = inputs.json_body()
    errors: inputs.Errors = {}
    duty = inputs.duty_of(body, errors)
    client_id = inputs.client_id_of(body, errors)
    if body.get("happened_on") is None:  # required even when client_id is known already
        errors["happened_on"] = [_("Please enter the date.")]
    data = inputs.log_input(body, errors)
    if errors or duty is None or data is None:
        raise FieldErrors(errors)
    log, created = service.create_log(current_user, duty, data, app_today(), client_id)
    db.session.commit()
    headers = {"Location": url_for("api.get_log", log_id=log.id)} if created else {}
    return jsonify(logs_json([log])[0]), 201 if created else 200, headers


@bp.get("/logs")
@api_login_required
def list_logs() -> Response:
    args = inputs.list_args(request.args, current_app.config["LOGS_PER_PAGE"])
    owner_id = (
        current_user.id
        if args.member_id in (None, current_user.id)
        else access.guard_overseen_member(current_user, args.member_id).id
    )
    query = queries.filtered_logs(
        current_user, owner_id, args.duty, first=args.first, last=args.last
    )
    page = db.paginate(query, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(
        items=logs_json(page.items),
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.get("/logs/<int:log_id>")
@api_login_required
def get_log(log_id: int) -> Response:
    return jsonify(logs_json([access.guard_log(current_user, log_id)])[0])


@bp.patch("/logs/<int:log_id>")
@api_login_required
def patch_log(log_id: int) -> Response:
    log = access.guard_own_log(current_user, log_id)
    body = inputs.json_body()
    version = inputs.version_of(body)
    if body.get("duty") not in (None, log.duty_type.code):
        raise FieldErrors({"duty": _("The duty of an entry cannot be changed.")})
    errors: inputs.Errors = {}
    data = inputs.log_input({**inputs.current_values(log), **body}, errors)
    if data is None:
        raise FieldErrors(errors)
    service.update_log(current_user, log, data, app_today(), version)
    db.session.commit()
    return jsonify(logs_json([log])[0])


@bp.delete("/logs/<int:log_id>")
@api_login_required
def delete_log(log_id: int) -> tuple[str, int]:
    service.delete_log(current_user, access.guard_own_log(current_user, log_id))
    db.session.commit()
    return "", 204
