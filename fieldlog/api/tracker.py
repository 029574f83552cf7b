"""Tracker API: her own obligations, and a committee's statuses for a chair or an admin above.

Same services and access rules as the pages; a fixed number of queries per call.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.api import bp, inputs
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.views import api_login_required
from fieldlog.errors import FieldErrors, NotAllowed
from fieldlog.models import Organisation
from fieldlog.obligations import Obligation, Status
from fieldlog.periods import Cadence, Period, parse_period, period_of
from fieldlog.tracker import service
from fieldlog.tracker.service import Grid
from fieldlog.webutil import app_today


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def obligation_json(o: Obligation) -> dict[str, Any]:
    """One obligation. ``late`` counts entries made after the period ended."""
    return {
        "duty": o.duty_code,
        "period": o.period.code,
        "start": o.period.start.isoformat(),
        "end": o.period.end.isoformat(),
        "status": o.status.value,
        "count": o.count,
        "required": o.required,
        "last_on": _iso(o.last_on),
        "days_left": o.days_left,
        "late": o.late,
        "excused": o.status is Status.EXCUSED,
    }


@bp.get("/tracker/me")
@api_login_required
def tracker_me() -> Response:
    if not current_user.memberships:
        raise NotAllowed(_("Only committee members have duties to track."))
    today = app_today()
    rows, year = service.home_rows(current_user, today)
    return jsonify(
        today=today.isoformat(),
        year=today.year,
        current=[obligation_json(r.now) for r in rows],
        owed=[obligation_json(o) for o in service.owed_now(year, today)],
        grid=[
            {
                "duty": r.duty.code,
                "cadence": r.duty.cadence,
                "periods": [obligation_json(o) for o in year[r.duty.code]],
            }
            for r in rows
        ],
    )


def _quarter(raw: str | None, current: Period, errors: dict[str, list[str]]) -> Period:
    """``period`` from the query (a quarter such as 2026Q3), the current one when absent."""
    if raw is None:
        return current
    try:
        period = parse_period(raw)
    except ValueError:
        period = None
    if period is None or period.cadence is not Cadence.QUARTER:
        errors["period"] = [_("Send a quarter such as %(code)s.", code=current.code)]
        return current
    return period


def _readable_org(args: Mapping[str, str], today: date) -> tuple[Organisation, Period]:
    """The committee and quarter asked for: 400 when a parameter is malformed, 422 when it
    is left out and cannot be guessed or names a quarter still to come."""
    errors: dict[str, list[str]] = {}
    org_id = inputs.org_arg(args.get("org"), access.chaired_org_ids(current_user), errors)
    quarter = _quarter(args.get("period"), period_of(today, Cadence.QUARTER), errors)
    if errors or org_id is None:
        raise InvalidRequest(errors)
    if quarter.start > today:
        raise FieldErrors({"period": _("This quarter has not started yet.")})
    return access.guard_overseen(current_user, org_id), quarter


def grid_json(org: Organisation, table: Grid, today: date) -> dict[str, Any]:
    """A committee's grid: per duty its period in this quarter view, per member her cells."""
    locale = str(get_locale())
    return {
        "org": {"id": org.id, "name": org.name, "kind": org.kind},
        "period": table.quarter.code,
        "period_label": table.quarter.label(locale),
        "today": today.isoformat(),
        "duties": [
            {
                "code": d.code,
                "name": d.name(locale),
                "cadence": d.cadence,
                "period": period_of(table.quarter.start, d.cadence).code,
            }
            for d in table.duties
        ],
        "members": [
            {
                "id": r.member.account_id,
                "account_id": r.member.account_id,
                "name": r.member.name,
                "overdue": r.overdue,
                "pending": r.pending,
                "cells": [obligation_json(c) for c in r.cells],
            }
            for r in table.rows
        ],
    }


@bp.get("/tracker")
@api_login_required
def tracker_grid() -> Response:
    today = app_today()
    org, quarter = _readable_org(request.args, today)
    return jsonify(grid_json(org, service.grid([org.id], quarter, today), today))
