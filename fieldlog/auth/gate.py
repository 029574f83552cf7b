"""Until she has chosen her own password, an account with a one-time password reaches only
the password change, logout and the language switch (pages and API alike)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog.auth import bp

# Endpoints an account with a one-time password may still reach.
OPEN_ENDPOINTS = frozenset(
    {
        "static",
        "auth.login",
        "auth.logout",
        "auth.password",
        "auth.locale",
        "api.login",
        "api.logout",
        "api.me",
        "api.change_password",
        "api.openapi_json",
        "offline.service_worker",
        "offline.offline_page",
    }
)


def message() -> str:
    """Why everything else is refused."""
    return _("Please choose your own password first: the one you were given works only once.")


@bp.before_app_request
def one_time_password_gate() -> Any:
    """Send an account with a one-time password to the password change."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    if request.path.startswith("/api/"):
        from fieldlog.api.errors import error_response

        return error_response(message(), 403)
    flash(message(), "info")
    return redirect(url_for("auth.password"))
