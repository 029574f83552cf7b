"""Reading API input: the JSON body, log fields through ``LogForm``, list parameters, and
other bodies through the pages' forms (``JsonBody``).

Only syntax is checked here (types, lengths, ISO dates, whole numbers, ids in range, the
text rule of ``textcheck``); the rules stay in the services (``logs.service``,
``admin.service``, ``admin.terms``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
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

from fieldlog import forms, textcheck
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
MAX_ID = textcheck.MAX_ID  # ids are PostgreSQL integers: a larger one would fail there
MAX_DEPTH = 16
# Numbers a phone's queue sends as the text of its form fields ("3", "2.5"): only digits.
NUMBER_TEXT = {
    "women_count": re.compile(r"[0-9]{1,9}"),
    "volunteer_hours": re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?"),
}

Errors = dict[str, list[str]]
F = TypeVar("F", bound=FlaskForm)


class _NotFinite(ValueError):
    """NaN, Infinity or a number too large for a float in the body."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def _constant(name: str) -> Any:
    raise _NotFinite(name)


def _bad_request(message: str) -> DomainError:
    return DomainError(message, status=400)


def json_body(itemised: Iterable[str] = ()) -> dict[str, Any]:
    """The request's JSON object.

    415 when it is not sent as JSON; 400 when it is not one JSON object, holds NaN or
    Infinity, or nests deeper than ``MAX_DEPTH``; 422 naming each member whose text breaks
    the text rule, except the lists named in ``itemised`` (sync entries), whose items the
    caller answers one by one with ``text_errors``.
    """
    if not request.is_json:
        raise DomainError(_("Send the request body as JSON."), status=415)
    try:
        body = json.loads(request.get_data(), parse_float=_finite, parse_constant=_constant)
    except _NotFinite:
        raise _bad_request(_("Numbers must be finite: NaN and Infinity are not numbers.")) from None
    except (ValueError, RecursionError):  # also bad UTF-8, and nesting deeper than Python's stack
        raise _bad_request(_("The request body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise _bad_request(_("Send the request body as a JSON object."))
    if _too_deep(body):
        raise _bad_request(_("The request body is nested too deeply."))
    errors = text_errors({k: v for k, v in body.items() if k not in set(itemised)})
    if errors:
        raise FieldErrors(errors)
    return body


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def text_errors(values: Mapping[str, Any]) -> Errors:
    """An error for each member of a JSON object holding text that breaks the text rule
    (anywhere inside it); members whose name itself breaks it are unknown and ignored."""
    return {
        name: [str(forms.CONTROL_CHARACTERS)]
        for name, value in values.items()
        if textcheck.is_clean(name) and any(forms.text_problem(s) for s in _strings(value))
    }


def whole_number(value: Any, name: str, low: int = 0, high: int = textcheck.MAX_ID) -> int:
    """A JSON integer from ``low`` to ``high``; ``FieldErrors`` naming ``name`` otherwise
    (``2.9``, ``"5"`` and ``true`` are not whole numbers)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldErrors(
            {name: _("Send a whole number from %(low)s to %(high)s.", low=low, high=high)}
        )
    return value


def form_text(value: Any) -> str | None:
    """A JSON value as the text a form field parses; None for values no field accepts."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return None


def _form_value(name: str, value: Any) -> str | None:
    """A JSON value as the text its form field parses, None when it has the wrong type:
    text fields take text; number fields a number, or its digits as text (a phone's queue
    sends its form's values)."""
    pattern = NUMBER_TEXT.get(name)
    if pattern is None:
        return value if isinstance(value, str) else None
    if isinstance(value, str):
        return value if pattern.fullmatch(value) else None
    return form_text(value)


def _formdata(values: Mapping[str, Any], names: Iterable[str], errors: Errors) -> MultiDict:
    """Form data from JSON values (null means empty); a value of the wrong type is an error."""
    data: MultiDict[str, str] = MultiDict()
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        text = _form_value(name, value)
        if text is not None:
            data[name] = text
        elif name in NUMBER_TEXT:
            errors.setdefault(name, []).append(str(forms.NOT_A_NUMBER))
        else:
            errors.setdefault(name, []).append(_("Send this as text."))
    return data


def log_input(values: Mapping[str, Any], errors: Errors) -> LogInput | None:
    """Check the syntax of every log field sent with ``LogForm`` (types, lengths, numbers
    that are numbers); adds problems to ``errors``. Fields the duty does not ask for are
    checked so, then ignored: ``logs.service`` neither applies its rules to them nor stores
    them."""
    form = LogForm(formdata=_formdata(values, EDITABLE, errors))
    form.validate()
    for name in EDITABLE:
        field = form[name]
        # A value that did not parse says so once, without the range checks that follow it.
        messages = field.process_errors or field.errors
        if messages and name not in errors:
            errors[name] = [str(m) for m in messages]
    for name, allowed in service.CHOICES.items():  # the description's enums, for any duty
        if form[name].data and form[name].data not in allowed and name not in errors:
            errors[name] = [_("Please choose one of the options.")]
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
    return None if version is None else whole_number(version, "version")


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
    if raw is None:
        return None
    day = textcheck.iso_date(raw)
    if day is None:
        errors[name] = [str(forms.DATE_FORMAT)]
    return day


def _known_duty(code: str | None) -> bool:
    return db.session.scalar(select(DutyType.id).where(DutyType.code == code)) is not None


def list_args(args: Mapping[str, str], default_per_page: int) -> ListArgs:
    """Parse the list's parameters: ``InvalidRequest`` (400) names every malformed one,
    ``FieldErrors`` (422) an unknown duty or an end before the start."""
    errors: Errors = {}
    first, last = _iso_date(args, "from", errors), _iso_date(args, "to", errors)
    result = ListArgs(
        page=_whole(args, "page", 1, 10**6, errors) or 1,
        per_page=_whole(args, "per_page", 1, MAX_PER_PAGE, errors) or default_per_page,
        duty=args.get("duty") or None,
        first=first,
        last=last,
        member_id=_whole(args, "member", 1, MAX_ID, errors),
    )
    if errors:
        raise InvalidRequest(errors)
    if result.duty and not _known_duty(result.duty):
        errors["duty"] = [_("Unknown duty.")]
    if first and last and first > last:
        errors["to"] = [_("The end date is before the start date.")]
    if errors:
        raise FieldErrors(errors)
    return result


def org_arg(raw: str | None, chaired: Collection[int], errors: Errors) -> int | None:
    """``org`` from the query, or the one committee she chairs (``chaired``) when left out:
    malformed is a 400 (in ``errors``), left out and not to be guessed a 422."""
    if raw is None or raw == "":
        if len(chaired) == 1:
            return next(iter(chaired))
        raise FieldErrors({"org": _("Choose an organisation (org=<id>).")})
    org_id = textcheck.database_id(raw)
    if org_id is None or org_id < 1:
        errors["org"] = [_("Send the organisation's id as a whole number.")]
        return None
    return org_id


def is_iso_day(text: str) -> bool:
    """Exactly ``YYYY-MM-DD``, a real day (the text rule's ``iso_date``)."""
    return textcheck.iso_date(text) is not None


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
