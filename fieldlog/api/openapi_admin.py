"""The OpenAPI description of the admin API: organisations, accounts, committee terms."""

from __future__ import annotations

from typing import Any

from fieldlog.api.openapi_schemas import (
    BOOL,
    DATE,
    ID,
    INSTANT,
    INT,
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
from fieldlog.vocab import JoinKind, LeaveKind, OrgKind

DAY: Schema = {**DATE, "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
WRITE_ERRORS = ("400", "401", "403", "404", "415", "422")


def _text(most: int, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": most, **extra}


_TERM = obj(
    {
        "id": INT,
        "account_id": INT,
        "display_name": STR,
        "organisation_id": INT,
        "joined_on": DATE,
        "how_joined": enum_of(JoinKind),
        "replaces_account_id": nullable(INT),
        "left_on": nullable(DATE),
        "how_left": nullable(enum_of(LeaveKind)),
        "reason": nullable(STR),
    },
    ("id", "account_id", "organisation_id", "joined_on", "how_joined", "left_on", "how_left"),
    description="One term of a member on one committee. Terms on one committee never "
    "overlap; she may hold terms on several committees at once.",
)

ADMIN_SCHEMAS: dict[str, Schema] = {
    "Organisation": obj(
        {"id": INT, "name": STR, "kind": enum_of(OrgKind), "parent_id": nullable(INT)},
        ("id", "name", "kind", "parent_id"),
    ),
    "NewOrganisation": obj(
        {
            "name": _text(80, description="Unique among the organisations below the parent."),
            "kind": enum_of(k for k in OrgKind if k.level > 0),
            "parent_id": ID,
        },
        ("name", "kind", "parent_id"),
        description="Below an organisation of her admin subtree, one level down: a township "
        "or street below a district, a village or community below a township or street.",
    ),
    "NewAccount": obj(
        {
            "username": _text(64, description="Login name or mobile number."),
            "display_name": _text(40),
            "organisation_id": {
                **ID,
                "description": "Her home organisation, in the admin's subtree; by default "
                "the organisation the admin administers (when she administers only one).",
            },
            "phone": nullable(_text(20)),
        },
        ("username", "display_name"),
    ),
    "NewAccountAnswer": obj(
        {
            "id": INT,
            "username": STR,
            "display_name": STR,
            "organisation_id": INT,
            "phone": nullable(STR),
            "active": BOOL,
            "must_change_password": BOOL,
            "one_time_password": {
                "type": "string",
                "description": "Shown in this answer only. It logs in once, within 7 days; "
                "then only POST /password and POST /logout answer until she chooses her own.",
            },
            "one_time_password_expires_at": INSTANT,
        },
        ("id", "username", "display_name", "organisation_id", "one_time_password"),
    ),
    "Membership": _TERM,
    "NewMembership": obj(
        {
            "account_id": ID,
            "organisation_id": {**ID, "description": "The committee; default: her home one."},
            "joined_on": DAY,
            "how_joined": {**enum_of(JoinKind), "default": JoinKind.ELECTED.value},
            "replaces_account_id": {
                **ID,
                "description": "With how_joined replacing: the member of that committee "
                "she replaces (current, or left within the last year, not yet replaced).",
            },
        },
        ("account_id", "joined_on"),
    ),
    "EndMembership": obj(
        {
            "left_on": DAY,
            "how_left": enum_of(LeaveKind),
            "reason": _text(
                200,
                description="Required when she resigned, was advised to resign or lost "
                "her mandate.",
            ),
        },
        ("left_on", "how_left"),
    ),
    "Move": obj(
        {
            "organisation_id": {**ID, "description": "The committee she moves to."},
            "moved_on": {
                **DAY,
                "description": "Her first day there; the term ends the day before.",
            },
            "reason": _text(200),
        },
        ("organisation_id", "moved_on"),
    ),
    "MoveAnswer": obj(
        {"ended": ref("Membership"), "started": ref("Membership")}, ("ended", "started")
    ),
}


def _list(name: str) -> Schema:
    return {"type": "array", "items": ref(name)}


ADMIN_PATHS: dict[str, dict[str, Any]] = {
    "/organisations": {
        "get": op(
            "The organisations she oversees: her admin subtree (depth first), then the "
            "other committees she chairs; an empty list for a member who is neither.",
            {"200": ok("Organisations.", _list("Organisation"))},
        ),
        "post": op(
            "Create an organisation below one of her admin subtree (admins).",
            {"201": ok("Created.", ref("Organisation"))},
            WRITE_ERRORS,
            json_content(ref("NewOrganisation")),
        ),
    },
    "/accounts": {
        "post": op(
            "Create an account at home in her admin subtree, with a one-time password "
            "(admins). Add her to a committee with POST /memberships.",
            {"201": ok("Created.", ref("NewAccountAnswer"))},
            WRITE_ERRORS,
            json_content(ref("NewAccount")),
        )
    },
    "/memberships": {
        "get": op(
            "A committee's terms, current and past (its chair, or an admin above it).",
            {"200": ok("Terms, current ones first, by name.", _list("Membership"))},
            ("400", "401", "403", "404", "422"),
            params=("org",),
        ),
        "post": op(
            "Start a term on a committee (its chair, or an admin above it). A term "
            "overlapping another of hers on the same committee is refused.",
            {"201": ok("Started.", ref("Membership"))},
            WRITE_ERRORS,
            json_content(ref("NewMembership")),
        ),
    },
    "/memberships/{term_id}/end": {
        "post": op(
            "End a term; her account and logs stay. An admin of the committee and of her "
            "account, or the committee's chair or vice chair (never her own term; the term "
            "of a chair or vice chair only the chair).",
            {"200": ok("Ended.", ref("Membership"))},
            WRITE_ERRORS,
            json_content(ref("EndMembership")),
            ("term_id",),
        )
    },
    "/memberships/{term_id}/move": {
        "post": op(
            "Move a member (调动): the term ends the day before moved_on (how_left "
            "transferred) and one on the other committee starts that day. For whoever may "
            "end the term and manages the other committee, or the chair when both are "
            "villages/communities of the same township or street.",
            {"200": ok("Moved.", ref("MoveAnswer"))},
            WRITE_ERRORS,
            json_content(ref("Move")),
            ("term_id",),
        )
    },
}
