"""Small helpers shared by the page views: safe redirects, form errors, route gates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from fieldlog import access
from fieldlog.errors import DomainError, FieldErrors, NotAllowed, NotFound
from fieldlog.extensions import db
from fieldlog.forms import Form
from fieldlog.timeutil import local_today


def app_today() -> date:
    """Today in the federation's timezone (config ``TIMEZONE``)."""
    return local_today(current_app.config["TIMEZONE"])


def current_locale() -> str:
    """The reader's locale code (``zh_Hans_CN`` or ``en``)."""
    from flask_babel import get_locale

    return str(get_locale())


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no ``//host`` or ``http:``)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def apply_field_errors(form: FlaskForm, error: FieldErrors) -> None:
    """Show a service's field errors on the form's fields (or above the form)."""
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def attempt(form: FlaskForm, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service call for a submitted form: ``(True, result)``, or ``(False, None)``
    with its field errors shown on the fields and other refusals above the form.

    A refusal for lack of rights is a 403 page and a vanished record a 404; whatever the
    call wrote before it refused is rolled back.
    """
    try:
        return True, call()
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)
    except FieldErrors as error:
        apply_field_errors(form, error)
    except DomainError as error:
        form.form_errors.append(error.message)
    db.session.rollback()
    return False, None


def _gate(allowed: Callable[[Any], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


chair_required = _gate(access.is_chair)
"""Only for accounts that chair a committee."""

admin_required = _gate(access.is_admin)
"""Only for accounts that administer an organisation subtree."""

chair_or_admin_required = _gate(lambda actor: access.is_chair(actor) or access.is_admin(actor))
"""For chairs and admins (lists across committees)."""


class CsrfForm(Form):
    """A form with no fields: a button that changes state (delete, logout) still needs CSRF."""
