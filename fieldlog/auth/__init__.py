"""Logging in and out, passwords and language."""

from __future__ import annotations

from flask import Blueprint

from fieldlog.extensions import login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def _load_user(session_id: str):  # noqa: ANN202 - Flask-Login's callback
    from fieldlog.auth.service import load_session_account

    return load_session_account(session_id)


from fieldlog.auth import gate, views  # noqa: E402, F401 - registers the routes and the gate
