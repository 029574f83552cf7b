"""``POST /api/v1/sync``: a phone's queue of entries, each answered on its own, exactly once.

Each entry runs in its own savepoint, so one refused entry never holds back the others.
A new entry is known by its ``client_id``: once stored for her, sending it again answers
``exists`` (whatever it holds now), never a second row. An edit (``log_id`` + ``version``)
applies only to the version the phone saw; see ``logs.service.replay_edit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.api import bp, inputs
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.views import api_login_required, logs_json
from fieldlog.errors import Conflict, DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.logs import service
from fieldlog.models import Log
from fieldlog.webutil import app_today

CREATED, EXISTS, UPDATED, REJECTED, CONFLICT = (
    "created",
    "exists",
    "updated",
    "rejected",
    "conflict",
)


@dataclass
class Outcome:
    """The answer for one entry."""

    client_id: str | None
    status: str
    log: Log | None = None
    error: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)


def _entries(body: dict[str, Any]) -> list[Any]:
    entries = body.get("entries")
    if not isinstance(entries, list):
        raise InvalidRequest({"entries": [_("Send the entries as a list.")]})
    limit = current_app.config["SYNC_MAX_ENTRIES"]
    if len(entries) > limit:
        error = InvalidRequest({"entries": [_("Send at most %(n)s entries at a time.", n=limit)]})
        error.status = 413
        raise error
    return entries


def _create(cid: str, raw: dict[str, Any]) -> Outcome:
    existing = service.find_by_client_id(cid)
    if existing is not None and existing.account_id != current_user.id:
        message = _("This entry id is already in use.")
        return Outcome(cid, REJECTED, error=message, fields={"client_id": [message]})
    if existing is not None:  # acknowledged before: never a second row
        deleted = existing.is_deleted
        return Outcome(cid, EXISTS, None if deleted else existing,
                       _("This entry was deleted.") if deleted else None)  # fmt: skip
    errors: inputs.Errors = {}
    duty = inputs.duty_of(raw, errors)
    data = inputs.log_input(raw, errors)
    if errors or duty is None or data is None:
        raise FieldErrors(errors)
    log, created = service.create_log(current_user, duty, data, app_today(), cid)
    return Outcome(cid, CREATED if created else EXISTS, log)


def _edit(cid: str, raw: dict[str, Any]) -> Outcome:
    log_id = inputs.whole_number(raw.get("log_id"), "log_id", low=1)
    version = inputs.whole_number(raw.get("version"), "version")
    log = db.session.get(Log, log_id)
    if log is None or not access.can_read_log(current_user, log):
        return Outcome(cid, REJECTED, error=_("No such entry."))
    if not access.can_edit_log(current_user, log):
        return Outcome(cid, REJECTED, error=_("You can only change your own entries."))
    if raw.get("duty") not in (None, log.duty_type.code):
        raise FieldErrors({"duty": _("The duty of an entry cannot be changed.")})
    errors: inputs.Errors = {}
    data = inputs.log_input({**inputs.current_values(log), **raw}, errors)
    if data is None:
        raise FieldErrors(errors)
    try:
        service.replay_edit(current_user, log, data, app_today(), version)
    except Conflict as error:
        return Outcome(cid, CONFLICT, log, error.message)
    return Outcome(cid, UPDATED, log)


def _one(raw: Any) -> Outcome:
    """One entry in its own savepoint: a refusal undoes only what this entry wrote."""
    if not isinstance(raw, dict):
        return Outcome(None, REJECTED, error=_("Each entry must be a JSON object."))
    errors: inputs.Errors = {}
    cid = inputs.client_id_of(raw, errors)
    if cid is None:
        sent = raw.get("client_id")
        return Outcome(sent if isinstance(sent, str) else None, REJECTED,
                       error=_("Please check the marked fields."), fields=errors)  # fmt: skip
    errors = inputs.text_errors(raw)
    if errors:
        return Outcome(cid, REJECTED, error=_("Please check the marked fields."), fields=errors)
    try:
        with db.session.begin_nested():
            return _edit(cid, raw) if raw.get("log_id") is not None else _create(cid, raw)
    except FieldErrors as error:
        return Outcome(cid, REJECTED, error=_("Please check the marked fields."),
                       fields=error.fields)  # fmt: skip
    except DomainError as error:
        return Outcome(cid, REJECTED, error=error.message)


@bp.post("/sync")
@api_login_required
def sync() -> Response:
    outcomes = [_one(raw) for raw in _entries(inputs.json_body(itemised=("entries",)))]
    logs = [o.log for o in outcomes if o.log is not None]
    by_id = {log.id: data for log, data in zip(logs, logs_json(logs), strict=True)}
    results = [
        {
            "client_id": o.client_id,
            "status": o.status,
            "log": by_id[o.log.id] if o.log is not None else None,
            "error": o.error,
            "fields": o.fields,
        }
        for o in outcomes
    ]
    db.session.commit()
    return jsonify(results=results)
