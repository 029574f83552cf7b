"""The OpenAPI components of /api/v1 (schemas, security schemes, error responses) and the
helpers that describe an operation."""

from __future__ import annotations

from typing import Any

from fieldlog.periods import Cadence
from fieldlog.textcheck import MAX_ID
from fieldlog.vocab import Grade, HelpTarget, Method, ProposalStatus, RaterGroup, RatingMode

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """A reference to a schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null (OpenAPI 3.0 style; an enum must list null itself, and a
    reference takes no sibling keywords)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "object", "nullable": True, "enum": [None]}]}
    if "enum" in schema:
        return {**schema, "nullable": True, "enum": [*schema["enum"], None]}
    return {**schema, "nullable": True}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object schema."""
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


READ = [{"session": []}]
WRITE = [{"session": [], "csrf": []}]


def json_content(schema: Schema) -> dict[str, Any]:
    """A JSON request or response body of ``schema``."""
    return {"application/json": {"schema": schema}}


def ok(description: str, schema: Schema | None = None) -> dict[str, Any]:
    """A success response, with a JSON body when ``schema`` is given."""
    return {"description": description, **({"content": json_content(schema)} if schema else {})}


def _errors(codes: tuple[str, ...]) -> dict[str, Any]:
    return {c: {"$ref": f"#/components/responses/E{c}"} for c in codes}


# Every call may answer 400 (a query parameter with control characters is refused
# anywhere); every one that needs a login answers 401 without it.
SIGNED_IN = ("400", "401")
# What any JSON body may answer: not JSON (415), not one JSON object (400), text that
# breaks the text rule (422).
JSON_BODY = ("400", "401", "415", "422")


def op(
    summary: str,
    responses: dict[str, Any],
    errors: tuple[str, ...] = SIGNED_IN,
    body: dict[str, Any] | None = None,
    params: tuple[str, ...] = (),
    security: list[dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    """One operation: summary, responses, the shared errors, request body and parameters."""
    write = body is not None or security is WRITE
    operation: dict[str, Any] = {
        "summary": summary,
        "security": security if security is not None else (WRITE if write else READ),
        "responses": {**responses, **_errors(errors)},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    return operation


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
INSTANT: Schema = {"type": "string", "format": "date-time"}
UUID: Schema = {"type": "string", "format": "uuid"}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
VERSION: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
TEXT_RULE = (
    "Text anywhere in a body may not hold control characters other than tab and line feed "
    "(a carriage return only before a line feed) nor lone surrogates: 422 naming the field."
)
# fieldlog.textcheck's rule as a pattern (ECMA, Rust and Python read it alike), but for
# lone surrogates, which a regular expression of the pattern dialects cannot name.
TEXT_PATTERN = r"^(?:[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\r\n)*$"


def text(max_length: int | None = None) -> Schema:
    """Text a request may send: the text rule, and at most ``max_length`` characters."""
    schema: Schema = {"type": "string", "pattern": TEXT_PATTERN}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def enum_of(values: type) -> Schema:
    """A string schema holding the values of an enumeration."""
    return {"type": "string", "enum": [v.value for v in values]}


LOG_FIELDS: dict[str, Schema] = {
    "method": nullable(enum_of(Method)),
    "place": nullable({"type": "string", "maxLength": 100}),
    "women_count": nullable({"type": "integer", "minimum": 0}),
    "topic": nullable({"type": "string", "maxLength": 120}),
    "needs": nullable({"type": "string", "maxLength": 4000}),
    "proposal_text": nullable({"type": "string", "maxLength": 4000}),
    "proposal_status": nullable(enum_of(ProposalStatus)),
    "proposal_answer": nullable({"type": "string", "maxLength": 4000}),
    "help_target": nullable(enum_of(HelpTarget)),
    "help_kind": nullable({"type": "string", "maxLength": 200}),
    "volunteer_activity": nullable({"type": "string", "maxLength": 120}),
    "volunteer_hours": nullable({"type": "number"}),
    "women_names": nullable(
        {
            "type": "string",
            "maxLength": 300,
            "description": "Sensitive: only in answers to the author and her chair.",
        }
    ),
    "notes": nullable({"type": "string", "maxLength": 4000}),
}


def _number_or_text(number: Schema, pattern: str, description: str) -> Schema:
    """A JSON number, or the same written as a form field's text (a phone's queue sends
    its form's values), or null."""
    text = {"type": "string", "pattern": pattern}
    return {"oneOf": [{**number, "nullable": True}, text], "description": description}


# What a request may send: as LOG_FIELDS, free text under the text rule, numbers also as
# digits in text.
LOG_INPUT_FIELDS: dict[str, Schema] = {
    **LOG_FIELDS,
    **{
        name: nullable(text(LOG_FIELDS[name]["maxLength"]))
        for name in ("place", "topic", "needs", "proposal_text", "proposal_answer")
        + ("help_kind", "volunteer_activity", "women_names", "notes")
    },
    "women_count": _number_or_text(
        {"type": "integer", "minimum": 0},
        "^[0-9]{1,9}$",
        "A whole number (at most MAX_WOMEN_PER_LOG, default 5000).",
    ),
    "volunteer_hours": _number_or_text(
        {"type": "number"},
        "^[0-9]{1,9}([.][0-9]{1,9})?$",
        "Hours from 0.5 to 100 in steps of 0.5 (else 422, when the duty asks for hours); "
        "NaN and Infinity are not numbers (400, or 422 as text).",
    ),
}
DUTY_CODE = {**text(32), "description": "A code from /duty-types."}

_PHOTO = obj(
    {
        "id": INT,
        "log_id": INT,
        "client_id": nullable(UUID),
        "url": {"type": "string", "example": "/photos/12"},
        "thumb_url": {"type": "string", "example": "/photos/12/thumb"},
        "width": INT,
        "height": INT,
    },
    ("id", "log_id", "client_id", "url", "thumb_url", "width", "height"),
    description="A photo: a JPEG (longest side 1600 px, no metadata) and a 320 px thumbnail, "
    "served outside /api to those who may read the log.",
)

_LOG = obj(
    {
        "id": INT,
        "client_id": UUID,
        "duty": STR,
        "member_id": INT,
        "happened_on": DATE,
        "version": {"type": "integer", "description": "Grows with every change."},
        "created_at": INSTANT,
        "updated_at": INSTANT,
        **LOG_FIELDS,
        "photos": {"type": "array", "items": ref("Photo")},
    },
    ("id", "client_id", "duty", "member_id", "happened_on", "version", "photos"),
)

_NEW_LOG = obj(
    {"duty": DUTY_CODE, "client_id": UUID, "happened_on": DATE, **LOG_INPUT_FIELDS},
    ("duty", "client_id", "happened_on"),
    description="Fields the duty does not ask for are ignored (not even read); which are "
    "required depends on the duty (see /duty-types). Dates are written YYYY-MM-DD. " + TEXT_RULE,
)

_SYNC_ENTRY = obj(
    {
        "client_id": UUID,
        "duty": DUTY_CODE,
        "happened_on": DATE,
        **LOG_INPUT_FIELDS,
        "log_id": {**ID, "description": "Set for an edit of an existing log."},
        "version": {**VERSION, "description": "Edits: the version the phone saw."},
    },
    ("client_id",),
    description="A new log (client_id, duty, happened_on and the duty's fields) or an edit "
    "(log_id and version plus the fields that change).",
)

_SYNC_RESULT = obj(
    {
        "client_id": nullable(STR),
        "status": {
            "type": "string",
            "enum": ["created", "exists", "updated", "rejected", "conflict"],
            "description": "created: stored now; exists: stored before under this client_id "
            "(never twice; log is null if she deleted it since); updated: the edit is applied "
            "(or was already); rejected: see error and fields; conflict: the log changed "
            "since the phone's version, log holds the current one.",
        },
        "log": nullable(ref("Log")),
        "error": nullable(STR),
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
    },
    ("client_id", "status", "log", "error", "fields"),
)

_ACCOUNT = obj(
    {
        "id": INT,
        "username": STR,
        "display_name": STR,
        "locale": nullable(STR),
        "must_change_password": BOOL,
        "organisation": obj({"id": INT, "name": STR, "kind": STR}),
        "roles": {
            "type": "array",
            "items": obj({"role": STR, "organisation_id": INT}),
        },
        "memberships": {
            "type": "array",
            "items": obj({"organisation_id": INT, "joined_on": DATE, "left_on": nullable(DATE)}),
        },
        "csrf_token": {"type": "string", "description": "Send it as X-CSRFToken on writes."},
    },
    ("id", "username", "display_name", "csrf_token"),
)

_DUTY = obj(
    {
        "code": STR,
        "name_zh": STR,
        "name_en": STR,
        "hint_zh": STR,
        "hint_en": STR,
        "cadence": enum_of(Cadence),
        "min_count": INT,
        "fields": {"type": "array", "items": STR},
        "required": {"type": "array", "items": STR},
    },
    ("code", "cadence", "fields", "required"),
)

_OBLIGATION = obj(
    {
        "duty": STR,
        "period": {"type": "string", "example": "2026Q3"},
        "start": DATE,
        "end": DATE,
        "status": STR,
        "count": INT,
        "required": INT,
        "last_on": nullable(DATE),
        "days_left": nullable(INT),
        "late": INT,
        "excused": BOOL,
    }
)

_ROUND = obj(
    {
        "id": INT,
        "organisation_id": INT,
        "half": {"type": "string", "example": "2026H1"},
        "annual": BOOL,
        "title": {"type": "string", "example": "2025年度述职评议"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "figures_as_of": DATE,
        "closed_at": nullable(INSTANT),
        "meeting_id": nullable(INT),
    },
    description="annual: the year-end round (年度述职评议), which asks each member for a "
    "written report before she is rated; otherwise the mid-year round, with oral reports "
    "the chair marks. meeting_id: the 述职评议会 it is held at.",
)

_REVIEW_ENTRY = obj(
    {
        "account_id": INT,
        "name": STR,
        "figures": {"type": "object"},
        "report": obj(
            {
                "body": nullable(STR),
                "saved_at": nullable(INSTANT),
                "submitted_at": nullable(INSTANT),
            }
        ),
        "result": nullable(enum_of(Grade)),
        "rating_mode": nullable(enum_of(RatingMode)),
        "ratings": {
            "type": "array",
            "items": obj(
                {
                    "group": enum_of(RaterGroup),
                    "grade": enum_of(Grade),
                    "votes": INT,
                    "rater": nullable(STR),
                }
            ),
        },
        "computed_grade": nullable(STR),
        "override": obj({"grade": nullable(STR), "reason": nullable(STR)}),
        "oral_reported": BOOL,
    },
    description="rating_mode, ratings, computed_grade and override only for the chair; "
    "a member sees her result once the round is closed.",
)

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": STR,
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
        },
        ("error", "fields"),
    ),
    "Account": _ACCOUNT,
    "Duty": _DUTY,
    "NewLog": _NEW_LOG,
    "LogChange": obj(
        {"duty": DUTY_CODE, "happened_on": DATE, "version": VERSION, **LOG_INPUT_FIELDS},
        description="Only the fields sent change; version makes a change against a log "
        "changed since answer 409. Fields the log's duty does not ask for are ignored. "
        + TEXT_RULE,
    ),
    "Log": _LOG,
    "LogPage": obj(
        {
            "items": {"type": "array", "items": ref("Log")},
            "page": INT,
            "per_page": INT,
            "total": INT,
            "pages": INT,
        },
        ("items", "page", "per_page", "total", "pages"),
    ),
    "Photo": _PHOTO,
    "SyncEntry": _SYNC_ENTRY,
    "SyncResult": _SYNC_RESULT,
    "Obligation": _OBLIGATION,
    "ReviewRound": _ROUND,
    "ReviewEntry": _REVIEW_ENTRY,
}

SECURITY_SCHEMES: dict[str, Schema] = {
    "session": {"type": "apiKey", "in": "cookie", "name": "fieldlog_session"},
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "The csrf_token of /login or /me; required on POST, PUT, PATCH, DELETE.",
    },
}

ERROR_TEXT = {
    "400": "Malformed request: a body that is not one JSON object (NaN, Infinity and nesting "
    "deeper than 16 levels included), a bad query parameter (one with control characters "
    "anywhere), a missing or wrong CSRF token.",
    "401": "Not logged in (or, for /login, a wrong login name or password).",
    "403": "Not allowed.",
    "404": "No such resource, or not one she may see (also ids beyond 2147483647).",
    "409": "Changed elsewhere, or closed.",
    "413": "Too large.",
    "415": "The body is not sent as JSON.",
    "422": "Refused: see the fields.",
    "429": "Too many attempts.",
    "503": "Busy: send it again later.",
}


def error_responses() -> dict[str, Schema]:
    """The shared error responses, all with the ``Error`` body."""
    return {
        code: {
            "description": text,
            "content": {"application/json": {"schema": ref("Error")}},
        }
        for code, text in ERROR_TEXT.items()
    }
