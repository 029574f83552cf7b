"""Reading API input: the JSON body, log fields through ``LogForm``, list parameters, and
other bodies through the pages' forms (``JsonBody``).

Only syntax is checked here (types, lengths, ISO dates, ids in range); the rules stay in
the services (``logs.service``, ``admin.service``, ``admin.terms``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from fieldlog.api.errors import InvalidRequest
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.logs import service
from fieldlog.logs.forms import LogForm
from fieldlog.logs.service import LogInput
from fieldlog.models import DutyType, Log

EDITABLE = ("happened_on", *LOG_FIELDS)
MAX_PER_PAGE = 100
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers: a larger one would fail in the database
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Errors = dict[str, list[str]]
F = TypeVar("F", bound=FlaskForm)


def json_body() -> dict[str, Any]:
    """The request's JSON object; 400 when the body is not one."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError(_("Send the request body as a JSON object."), status=400)
    return body


def form_text(value: Any) -> str | None:
    """A JSON value as the text a form field parses; None for values no field accepts."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return None


def _formdata(values: Mapping[str, Any], errors: Errors) -> MultiDict[str, str]:
    """Form data from JSON values: null means empty; objects, lists and booleans are refused."""
    data: MultiDict[str, str] = MultiDict()
    for name in EDITABLE:
        value = values.get(name)
        if value is None:
            continue
        text = form_text(value)
        if text is None:
            errors.setdefault(name, []).append(_("Send text or a number."))
        else:
            data[name] = text
    return data


def log_input(values: Mapping[str, Any], errors: Errors) -> LogInput | None:
    """Check the log fields' syntax with ``LogForm``; adds problems to ``errors``."""
    form = LogForm(formdata=_formdata(values, errors))
    form.validate()
    for name in EDITABLE:
        field = form[name]
        # A value that did not parse says so once, without the range checks that follow it.
        messages = field.process_errors or field.errors
        if messages and name not in errors:
            errors[name] = [str(m) for m in messages]
    return None if errors else LogInput.from_mapping(form.log_data())


def current_values(log: Log) -> dict[str, Any]:
    """A log's stored values in JSON form, the base a PATCH is merged over."""
    values: dict[str, Any] = {"happened_on": log.happened_on.isoformat()}
    values.update({name: getattr(log, name) for name in LOG_FIELDS})
    return values


def duty_of(body: Mapping[str, Any], errors: Errors) -> DutyType | None:
    """The active duty named by ``body["duty"]``; adds an error when unknown."""
    code = body.get("duty")
    duty = service.duty_by_code(code) if isinstance(code, str) and code else None
    if duty is None:
        errors["duty"] = [_("Unknown duty.")]
    return duty


def client_id_of(body: Mapping[str, Any], errors: Errors) -> str | None:
    """The canonical client UUID; the API requires one so that retries are safe."""
    raw = body.get("client_id")
    if not raw:
        errors["client_id"] = [_("Send a client_id (a UUID made on the device).")]
        return None
    try:
        return service.normalise_client_id(raw)
    except FieldErrors as error:
        errors.update(error.fields)
        return None


def version_of(body: Mapping[str, Any]) -> int | None:
    """The optional ``version`` a PATCH was based on."""
    version = body.get("version")
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        raise FieldErrors({"version": _("Send the version as a whole number.")})
    return version


@dataclass(frozen=True)
class ListArgs:
    """Query parameters of ``GET /api/v1/logs``."""

    page: int = 1
    per_page: int = 30
    duty: str | None = None
    first: date | None = None
    last: date | None = None
    member_id: int | None = None


def _whole(args: Mapping[str, str], name: str, low: int, high: int, errors: Errors) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not low <= int(raw) <= high:
        errors[name] = [_("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)]
        return None
    return int(raw)


def _iso_date(args: Mapping[str, str], name: str, errors: Errors) -> date | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _known_duty(code: str | None, errors: Errors) -> str | None:
    if code and db.session.scalar(select(DutyType.id).where(DutyType.code == code)) is None:
        errors["duty"] = [_("Unknown duty.")]
    return code or None


def list_args(args: Mapping[str, str], default_per_page: int) -> ListArgs:
    """Parse the list's parameters; ``InvalidRequest`` (400) names every bad one."""
    errors: Errors = {}
    first, last = _iso_date(args, "from", errors), _iso_date(args, "to", errors)
    if first and last and first > last:
        errors["to"] = [_("The end date is before the start date.")]
    result = ListArgs(
        page=_whole(args, "page", 1, 10**6, errors) or 1,
        per_page=_whole(args, "per_page", 1, MAX_PER_PAGE, errors) or default_per_page,
        duty=_known_duty(args.get("duty"), errors),
        first=first,
        last=last,
        member_id=_whole(args, "member", 1, MAX_ID, errors),
    )
    if errors:
        raise InvalidRequest(errors)
    return result


def org_arg(raw: str | None, chaired: Collection[int], errors: Errors) -> int | None:
    """``org`` from the query, or the one committee she chairs (``chaired``) when left out."""
    if raw is None or raw == "":
        if len(chaired) == 1:
            return next(iter(chaired))
        errors["org"] = [_("Choose an organisation (org=<id>).")]
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not 1 <= int(raw) <= MAX_ID:
        errors["org"] = [_("Send the organisation's id as a whole number.")]
        return None
    return int(raw)


def is_iso_day(text: str) -> bool:
    """Exactly ``YYYY-MM-DD``, a real day (``date.fromisoformat`` alone also takes
    ``20260901`` and week dates)."""
    if not ISO_DAY.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class JsonBody:
    """A JSON object body read into the pages' forms, so the API checks what they check.

    Malformed values (an object where text is due, a date not as ``YYYY-MM-DD``, an id that
    is not a whole number in range) collect in ``errors`` and answer 400 together; what the
    form then refuses (lengths ...) answers 422 (``valid``), under the API's field names.
    """

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.errors: Errors = {}

    @classmethod
    def read(cls) -> JsonBody:
        """The request's body; 400 when it is not a JSON object."""
        return cls(json_body())

    def id(self, name: str) -> int | None:
        """An id: a JSON integer from 1 to ``MAX_ID``; None when absent or null."""
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            self.errors[name] = [_("Send the id as a whole number.")]
            return None
        return value

    def _text(self, name: str, dates: Collection[str]) -> str | None:
        value = self.body.get(name)
        if value is None:
            return None
        text = form_text(value)
        if text is None:
            self.errors[name] = [_("Send text or a number.")]
        elif name in dates and not is_iso_day(text):
            self.errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            text = None
        return text

    def form(
        self,
        form_class: type[F],
        fields: Collection[str],
        *,
        dates: Collection[str] = (),
        ids: Collection[str] = (),
        names: Mapping[str, str] | None = None,
    ) -> F:
        """``form_class`` filled with ``fields`` of the body (``names`` maps an API name to
        the form's where they differ); 400 if anything read so far is malformed. Not yet
        validated: check access first, then call ``valid``."""
        data: MultiDict[str, str] = MultiDict()
        for name in fields:
            value = self.id(name) if name in ids else self._text(name, dates)
            if value is not None:
                data[(names or {}).get(name, name)] = str(value)
        if self.errors:
            raise InvalidRequest(self.errors)
        return form_class(formdata=data, meta={"csrf": False})  # the header was checked


def valid(form: FlaskForm, names: Mapping[str, str] | None = None) -> None:
    """Validate a form filled by ``JsonBody.form``: 422 with its errors under the API's names."""
    if not form.validate():
        back = {f: a for a, f in (names or {}).items()}
        raise FieldErrors({back.get(k, k): [str(m) for m in v] for k, v in form.errors.items()})


@contextmanager
def api_names(names: Mapping[str, str]) -> Iterator[None]:
    """A service's field errors under the API's names (``join_kind`` → ``how_joined``)."""
    try:
        yield
    except FieldErrors as error:
        renamed = FieldErrors({names.get(k, k): v for k, v in error.fields.items()})
        renamed.status = error.status
        raise renamed from None
