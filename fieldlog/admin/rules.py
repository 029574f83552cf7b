"""Checks shared by the admin services (``service`` and ``terms``), kept apart to avoid a cycle."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from fieldlog.errors import NotAllowed

EARLIEST_DATE = date(1990, 1, 1)  # catches typed years such as 0224


def require(allowed: bool) -> None:
    """Refuse a change outside the organisations the actor manages."""
    if not allowed:
        raise NotAllowed(_("This is outside the organisations you manage."))


def date_errors(field: str, day: date | None, today: date, missing: str) -> dict[str, str]:
    """A date on a form: given, not in the future and not before ``EARLIEST_DATE``."""
    if day is None:
        return {field: missing}
    if day > today:
        return {field: _("The date cannot be in the future.")}
    if day < EARLIEST_DATE:
        return {field: _("Please check the year.")}
    return {}
