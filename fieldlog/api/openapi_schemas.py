"""The OpenAPI components of /api/v1 (schemas, security schemes, error responses) and the
helpers that describe an operation."""

from __future__ import annotations

from typing import Any

from fieldlog.periods import Cadence
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


def op(
    summary: str,
    responses: dict[str, Any],
    errors: tuple[str, ...] = ("401",),
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


def _enum(values: type) -> Schema:
    return {"type": "string", "enum": [v.value for v in values]}


LOG_FIELDS: dict[str, Schema] = {
    "method": nullable(_enum(Method)),
    "place": nullable({"type": "string", "maxLength": 100}),
    "women_count": nullable({"type": "integer", "minimum": 0}),
    "topic": nullable({"type": "string", "maxLength": 120}),
    "needs": nullable({"type": "string", "maxLength": 4000}),
    "proposal_text": nullable({"type": "string", "maxLength": 4000}),
    "proposal_status": nullable(_enum(ProposalStatus)),
    "proposal_answer": nullable({"type": "string", "maxLength": 4000}),
    "help_target": nullable(_enum(HelpTarget)),
    "help_kind": nullable({"type": "string", "maxLength": 200}),
    "volunteer_activity": nullable({"type": "string", "maxLength": 120}),
    "volunteer_hours": nullable({"type": "number", "exclusiveMinimum": True, "minimum": 0}),
    "women_names": nullable(
        {
            "type": "string",
            "maxLength": 300,
            "description": "Sensitive: only in answers to the author and her chair.",
        }
    ),
    "notes": nullable({"type": "string", "maxLength": 4000}),
}

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
    {"duty": STR, "client_id": UUID, "happened_on": DATE, **LOG_FIELDS},
    ("duty", "client_id", "happened_on"),
    description="Fields the duty does not ask for are ignored; which are required depends "
    "on the duty (see /duty-types).",
)

_SYNC_ENTRY = obj(
    {
        "client_id": UUID,
        "duty": STR,
        "happened_on": DATE,
        **LOG_FIELDS,
        "log_id": {"type": "integer", "description": "Set for an edit of an existing log."},
        "version": {"type": "integer", "description": "Edits: the version the phone saw."},
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
        "cadence": _enum(Cadence),
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
        "status": {"type": "string", "enum": ["open", "closed"]},
        "figures_as_of": DATE,
        "closed_at": nullable(INSTANT),
    }
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
        "result": nullable(_enum(Grade)),
        "rating_mode": nullable(_enum(RatingMode)),
        "ratings": {
            "type": "array",
            "items": obj(
                {"group": _enum(RaterGroup), "grade": _enum(Grade), "votes": INT, "rater": STR}
            ),
        },
        "computed_grade": nullable(STR),
        "override": obj({"grade": nullable(STR), "reason": nullable(STR)}),
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
        {"duty": STR, "happened_on": DATE, "version": INT, **LOG_FIELDS},
        description="Only the fields sent change; version makes a change against a log "
        "changed since answer 409.",
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
    "400": "Malformed request, missing or wrong CSRF token.",
    "401": "Not logged in.",
    "403": "Not allowed.",
    "404": "No such resource, or not one she may see.",
    "409": "Changed elsewhere, or closed.",
    "413": "Too large.",
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
