"""The OpenAPI description of a committee's life as the rules run it: review rounds held at
a 述职评议会 (oral reports at mid-year), exit flags."""

from __future__ import annotations

from typing import Any

from fieldlog.api.openapi_schemas import (
    DATE,
    ID,
    INT,
    JSON_BODY,
    SIGNED_IN,
    STR,
    Schema,
    enum_of,
    json_content,
    nullable,
    obj,
    ok,
    op,
    ref,
)
from fieldlog.vocab import MeetingKind

ENTRY = ref("ReviewEntry")
HELD_AT = obj(
    {
        "id": INT,
        "date": DATE,
        "attendance": {
            "type": "array",
            "items": obj({"account_id": INT, "status": STR, "reason": nullable(STR)}),
        },
    },
    description="The 述职评议会 the round is held at, with its attendance.",
)
ROUND_WITH = {
    "allOf": [
        ref("ReviewRound"),
        obj({"meeting": nullable(HELD_AT), "entries": {"type": "array", "items": ENTRY}}),
    ]
}
ROUND_MEETING = obj(
    {"meeting_id": nullable(ID)},
    ("meeting_id",),
    description="A duty review meeting (kind review) of the committee held after the "
    "half-year began, or null to unlink.",
)
ORAL_REPORTS = obj(
    {"account_ids": {"type": "array", "items": ID, "maxItems": 1000}},
    ("account_ids",),
    description="Mid-year rounds only: exactly the members who gave their oral report.",
)

COMMITTEE_SCHEMAS: dict[str, Schema] = {
    "ExitFlag": obj(
        {
            "account_id": INT,
            "name": STR,
            "organisation_id": INT,
            "organisation_name": STR,
            "unqualified_years": {"type": "array", "items": INT},
            "missed_meetings": {
                "type": "array",
                "items": obj(
                    {"meeting_id": INT, "date": DATE, "kind": enum_of(MeetingKind)},
                    ("meeting_id", "date", "kind"),
                ),
            },
        },
        ("account_id", "name", "organisation_id", "unqualified_years", "missed_meetings"),
        description="A current member to consider for 组织劝退, with the evidence: the years "
        "her annual result was unqualified (closed year-end rounds, EXIT_UNQUALIFIED_YEARS "
        "running), or the longest run of executive meetings (kind committee or review, "
        "never discussion) she missed without excuse in a row (at least "
        "EXIT_MISSED_MEETINGS) in her current term.",
    ),
}

COMMITTEE_PATHS: dict[str, dict[str, Any]] = {
    "/reviews/{round_id}/meeting": {
        "put": op(
            "Link the round to the 述职评议会 it is held at (chair).",
            {"200": ok("Linked.", ROUND_WITH)},
            (*JSON_BODY, "403", "404", "409"),
            json_content(ROUND_MEETING),
            ("round_id",),
        )
    },
    "/reviews/{round_id}/oral-reports": {
        "put": op(
            "Mark who gave her oral report at a mid-year round (chair); 422 at the annual one.",
            {"200": ok("Marked.", ROUND_WITH)},
            (*JSON_BODY, "403", "404", "409"),
            json_content(ORAL_REPORTS),
            ("round_id",),
        )
    },
    "/exit-flags": {
        "get": op(
            "The exit flags of a committee (its chair, or an admin above), by name.",
            {
                "200": ok(
                    "The flags.",
                    obj(
                        {
                            "organisation_id": INT,
                            "missed_needed": INT,
                            "years_needed": INT,
                            "flags": {"type": "array", "items": ref("ExitFlag")},
                        },
                        ("organisation_id", "missed_needed", "years_needed", "flags"),
                    ),
                )
            },
            (*SIGNED_IN, "403", "404", "422"),
            params=("org",),
        )
    },
}
