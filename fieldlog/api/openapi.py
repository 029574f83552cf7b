"""``GET /api/v1/openapi.json``: the OpenAPI 3 description of this API, built here.

``tests/api/test_openapi.py`` checks that it validates and that its paths and methods are
exactly the API blueprint's routes, so a route cannot be added without documenting it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from fieldlog.api import bp
from fieldlog.api.openapi_admin import ADMIN_PATHS, ADMIN_SCHEMAS
from fieldlog.api.openapi_committee import COMMITTEE_PATHS, COMMITTEE_SCHEMAS, ROUND_WITH
from fieldlog.api.openapi_schemas import (
    BOOL,
    DATE,
    ID,
    INT,
    JSON_BODY,
    SCHEMAS,
    SECURITY_SCHEMES,
    SIGNED_IN,
    STR,
    TEXT_RULE,
    UUID,
    WRITE,
    Schema,
    error_responses,
    json_content,
    nullable,
    obj,
    ok,
    op,
    ref,
    text,
)
from fieldlog.review.service import MAX_RATER, MAX_REPORT, MAX_VOTES
from fieldlog.vocab import Grade, RaterGroup, RatingMode


def _path_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": ID,
        "description": "An id; one beyond 2147483647 answers 404.",
    }


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PARAMETERS = {
    **{n: _path_param(n) for n in ("log_id", "photo_id", "round_id", "account_id", "term_id")},
    "page": _query(
        "page", {"type": "integer", "minimum": 1, "maximum": 10**6}, "Page number, from 1."
    ),
    "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Items."),
    "duty": _query("duty", text(32), "Only this duty (a code from /duty-types)."),
    "from": _query("from", DATE, "Only logs on or after this day (YYYY-MM-DD)."),
    "to": _query("to", DATE, "Only logs on or before this day (YYYY-MM-DD)."),
    "member": _query("member", ID, "A chair: the logs of this member of her committee."),
    "org": _query("org", ID, "The committee's organisation (default: the one she chairs)."),
    "period": _query(
        "period",
        {"type": "string", "pattern": "^(19|2[0-9])[0-9]{2}Q[1-4]$", "example": "2026Q3"},
        "A quarter that has begun (default: this one).",
    ),
}

LOGIN = obj(
    {
        "username": {"type": "string", "maxLength": 64},
        "password": {"type": "string", "maxLength": 128},
    },
    ("username", "password"),
)
PASSWORD = obj(
    {"current_password": STR, "new_password": STR},
    ("current_password", "new_password"),
    description="Her current password (the one-time password right after a reset) and a new "
    "one of at least 8 characters. Other sessions of the account end.",
)
SYNC_BODY = obj(
    {"entries": {"type": "array", "items": ref("SyncEntry"), "maxItems": 100}},
    ("entries",),
    description="At most SYNC_MAX_ENTRIES (default 100) entries; each is its own "
    "transaction and gets its own result, in the same order.",
)
SYNC_ANSWER = obj({"results": {"type": "array", "items": ref("SyncResult")}}, ("results",))
UPLOAD = {
    "multipart/form-data": {
        "schema": obj(
            {"file": {"type": "string", "format": "binary"}, "client_id": UUID},
            ("file", "client_id"),
            additionalProperties=False,  # any other part is refused (400)
            description="JPEG, PNG or WebP, at most PHOTO_MAX_BYTES (default 8 MiB) and "
            "PHOTO_MAX_PIXELS decoded (default 24 million; a JPEG counts at the reduced "
            "scale it is decoded at); at most PHOTOS_PER_LOG (default 6) photos per log. "
            "503 when the server is decoding too many photos at once: send it again later.",
        )
    }
}
REPORT = obj(
    {"body": text(MAX_REPORT), "submit": BOOL},
    ("body",),
    description=TEXT_RULE,
)
RATINGS = obj(
    {
        "mode": {"type": "string", "enum": [m.value for m in RatingMode], "default": "counts"},
        "ratings": {
            "type": "array",
            "description": "counts: at most one line per group and grade (8). per_rater: at "
            "most one line per possible rater, the other members of the round in group member "
            "and REVIEW_MAX_REPRESENTATIVES (default 200) in group representative; more is "
            "refused with 422.",
            "items": obj(
                {
                    "group": {"type": "string", "enum": [g.value for g in RaterGroup]},
                    "grade": {"type": "string", "enum": [g.value for g in Grade]},
                    "votes": {"type": "integer", "minimum": 0, "maximum": MAX_VOTES, "default": 1},
                    "rater": nullable(text(MAX_RATER)),
                },
                ("group", "grade"),
            ),
        },
    },
    ("ratings",),
    description='votes is a JSON integer (not 2.9, "5" or true). ' + TEXT_RULE,
)
ENTRY = ref("ReviewEntry")
MY_REVIEW = {"allOf": [ENTRY, obj({"round": ref("ReviewRound")})]}
TRACKER_ME = obj(
    {
        "today": DATE,
        "year": INT,
        "current": {"type": "array", "items": ref("Obligation")},
        "owed": {"type": "array", "items": ref("Obligation")},
        "grid": {
            "type": "array",
            "items": obj(
                {
                    "duty": STR,
                    "cadence": STR,
                    "periods": {"type": "array", "items": ref("Obligation")},
                }
            ),
        },
    }
)
TRACKER_GRID = obj(
    {
        "org": obj({"id": INT, "name": STR, "kind": STR}),
        "period": STR,
        "period_label": STR,
        "today": DATE,
        "duties": {
            "type": "array",
            "items": obj({"code": STR, "name": STR, "cadence": STR, "period": STR}),
        },
        "members": {
            "type": "array",
            "items": obj(
                {
                    "id": INT,
                    "account_id": INT,
                    "name": STR,
                    "overdue": INT,
                    "pending": INT,
                    "cells": {"type": "array", "items": ref("Obligation")},
                }
            ),
        },
    }
)

PATHS: dict[str, dict[str, Any]] = {
    "/openapi.json": {
        "get": op(
            "This description.",
            {"200": ok("OpenAPI 3 document.", {"type": "object"})},
            ("400",),
            security=[],
        )
    },
    "/login": {
        "post": op(
            "Log in; answers who she is with the CSRF token for later writes.",
            {"200": ok("Logged in.", ref("Account"))},
            ("400", "401", "415", "422", "429"),
            json_content(LOGIN),
            security=[],
        )
    },
    "/logout": {
        "post": op(
            "Log out (ends the session on the server).",
            {"204": ok("Logged out.")},
            ("400", "401"),
            security=WRITE,
        )
    },
    "/password": {
        "post": op(
            "Change her own password. An account with a one-time password must do this "
            "first: every other route answers 403 until then.",
            {"200": ok("Changed; this session stays logged in.", ref("Account"))},
            JSON_BODY,
            json_content(PASSWORD),
        )
    },
    "/me": {
        "get": op(
            "Who she is, with a fresh CSRF token.", {"200": ok("Her account.", ref("Account"))}
        )
    },
    "/duty-types": {
        "get": op(
            "The active duties and the fields each asks for.",
            {"200": ok("Duties.", {"type": "array", "items": ref("Duty")})},
        )
    },
    "/logs": {
        "get": op(
            "Her logs (or, for a chair or an admin above, those a member made while on a "
            "committee she oversees; an admin's copy without the women's details), newest first.",
            {"200": ok("A page of logs.", ref("LogPage"))},
            (*SIGNED_IN, "403", "404", "422"),
            params=("page", "per_page", "duty", "from", "to", "member"),
        ),
        "post": op(
            "Create a log; the same client_id again answers 200 with the stored log.",
            {"201": ok("Created.", ref("Log")), "200": ok("Already stored.", ref("Log"))},
            (*JSON_BODY, "403", "409"),
            json_content(ref("NewLog")),
        ),
    },
    "/logs/{log_id}": {
        "get": op(
            "One log she may read.",
            {"200": ok("The log.", ref("Log"))},
            (*SIGNED_IN, "404"),
            params=("log_id",),
        ),
        "patch": op(
            "Change her log; a stale version answers 409.",
            {"200": ok("Changed.", ref("Log"))},
            (*JSON_BODY, "403", "404", "409"),
            json_content(ref("LogChange")),
            ("log_id",),
        ),
        "delete": op(
            "Delete her log (soft).",
            {"204": ok("Deleted.")},
            ("400", "401", "403", "404"),
            params=("log_id",),
            security=WRITE,
        ),
    },
    "/logs/{log_id}/photos": {
        "post": op(
            "Add a photo to her log; the same client_id again answers 200 with it.",
            {"201": ok("Stored.", ref("Photo")), "200": ok("Already stored.", ref("Photo"))},
            ("400", "401", "403", "404", "409", "413", "422", "503"),
            UPLOAD,
            ("log_id",),
        )
    },
    "/photos/{photo_id}": {
        "delete": op(
            "Remove a photo of her log (soft).",
            {"204": ok("Removed.")},
            ("400", "401", "403", "404"),
            params=("photo_id",),
            security=WRITE,
        ),
    },
    "/sync": {
        "post": op(
            "Send queued entries: each is created, known already, updated, rejected or in "
            "conflict, exactly once whatever is replayed.",
            {"200": ok("One result per entry, in order.", SYNC_ANSWER)},
            (*JSON_BODY, "413"),
            json_content(SYNC_BODY),
        )
    },
    "/tracker/me": {
        "get": op(
            "Her duties: this period, what she owes, the year.",
            {"200": ok("Her tracker.", TRACKER_ME)},
            (*SIGNED_IN, "403"),
        )
    },
    "/tracker": {
        "get": op(
            "A committee's statuses for a quarter (chair, or admin above).",
            {"200": ok("The grid.", TRACKER_GRID)},
            (*SIGNED_IN, "403", "404", "422"),
            params=("org", "period"),
        )
    },
    "/reviews/mine": {
        "get": op(
            "Her review rounds, figures and reports.",
            {"200": ok("Rounds.", {"type": "array", "items": MY_REVIEW})},
        )
    },
    "/reviews/{round_id}": {
        "get": op(
            "A round of her committee (chair).",
            {"200": ok("The round.", ROUND_WITH)},
            (*SIGNED_IN, "403", "404"),
            params=("round_id",),
        )
    },
    "/reviews/{round_id}/report": {
        "put": op(
            "Save (or submit) her report.",
            {"200": ok("Saved.", MY_REVIEW)},
            (*JSON_BODY, "404", "409"),
            json_content(REPORT),
            ("round_id",),
        )
    },
    "/reviews/{round_id}/members/{account_id}/ratings": {
        "put": op(
            "Replace a member's ratings (chair); the result follows the round's rule.",
            {"200": ok("Rated.", ENTRY)},
            (*JSON_BODY, "403", "404", "409"),
            json_content(RATINGS),
            ("round_id", "account_id"),
        )
    },
    "/reviews/{round_id}/close": {
        "post": op(
            "Close the round (chair): everything is frozen.",
            {"200": ok("Closed.", ref("ReviewRound"))},
            ("400", "401", "403", "404", "409", "422"),
            params=("round_id",),
            security=WRITE,
        ),
    },
}


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.0 document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "FieldLog API",
            "version": "1",
            "description": "JSON API of FieldLog. Log in with POST /login (a session cookie), "
            "then send the csrf_token as X-CSRFToken on every write. Every error answers "
            '{"error": message, "fields": {field: [messages]}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {**PATHS, **ADMIN_PATHS, **COMMITTEE_PATHS},
        "components": {
            "schemas": {**SCHEMAS, **ADMIN_SCHEMAS, **COMMITTEE_SCHEMAS},
            "securitySchemes": SECURITY_SCHEMES,
            "parameters": PARAMETERS,
            "responses": {f"E{code}": r for code, r in error_responses().items()},
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(document())
