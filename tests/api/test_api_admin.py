"""Admin API: GET/POST /organisations, POST /accounts and the one-time password it gives.

The clock is frozen at 20 September 2026 (Shanghai). Committee terms are in
``test_api_memberships.py``, moves and their effect on the tracker in ``test_api_moves.py``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from fieldlog import timeutil
from fieldlog.extensions import db
from fieldlog.models import AuditEntry, Organisation, RoleGrant
from tests.api.conftest import assert_json_error

pytestmark = pytest.mark.usefixtures("frozen")
ORG_KEYS = {"id", "name", "kind", "parent_id"}
OTP_RE = re.compile(r"^[2-9a-hjkmnp-z]{3}(-[2-9a-hjkmnp-z]{3}){3}$")


def _org(world, name: str = "丙村", kind: str = "village", parent: str = "township_a") -> dict:
    return {"name": name, "kind": kind, "parent_id": world[parent].id}


# --- GET /organisations ------------------------------------------------------------------


def test_an_admin_lists_her_subtree(api_as, world):
    body = api_as("admin").get("/organisations").get_json()
    assert [o["id"] for o in body] == [
        world["township_a"].id,
        world["village_a2"].id,  # 甲二村 sorts before 甲村
        world["village_a"].id,
    ]
    assert all(set(o) == ORG_KEYS for o in body)
    assert body[0] == {
        "id": world["township_a"].id,
        "name": "甲镇",
        "kind": "township",
        "parent_id": world["district"].id,
    }


def test_a_chair_sees_her_own_committee_and_a_member_nothing(api_as, world):
    chair = api_as("chair").get("/organisations").get_json()
    assert [o["id"] for o in chair] == [world["village_a"].id]
    assert api_as("member").get("/organisations").get_json() == []


def test_a_chair_who_is_also_an_admin_sees_both(app, api_as, world, make_member):
    both = make_member(world["village_b"], username="both", roles=("chair",))
    with app.app_context():
        grant = RoleGrant(account_id=both.id, role="admin", organisation_id=world["village_a"].id)
        db.session.add(grant)
        db.session.commit()
    ids = [o["id"] for o in api_as("both").get("/organisations").get_json()]
    assert ids == [world["village_a"].id, world["village_b"].id]


def test_listing_runs_a_fixed_number_of_queries(api_as, world, make_org, count_queries):
    admin = api_as("admin")
    with count_queries() as few:
        assert len(admin.get("/organisations").get_json()) == 3
    for i in range(6):
        make_org(f"新村{i}", "village", world["township_a"])
    with count_queries() as many:
        assert len(admin.get("/organisations").get_json()) == 9
    assert many.count == few.count


def test_listing_needs_a_login(api, world):
    assert_json_error(api.get("/organisations"), 401)


# --- POST /organisations -----------------------------------------------------------------


def test_an_admin_creates_a_village_below_her_township(app, api_as, world):
    admin = api_as("admin")
    response = admin.post("/organisations", _org(world))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert set(created) == ORG_KEYS
    assert created["name"] == "丙村" and created["kind"] == "village"
    assert created["parent_id"] == world["township_a"].id
    assert created["id"] in [o["id"] for o in admin.get("/organisations").get_json()]
    with app.app_context():
        org = db.session.get(Organisation, created["id"])
        assert org.path == f"{world['township_a'].path}{org.id}/"
        audit = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.entity == "organisation")
        ).all()
        assert [(a.action, a.entity_id) for a in audit] == [("create", org.id)]


@pytest.mark.parametrize("who", ["chair", "member", "chair_b"])
def test_only_admins_create_organisations(api_as, world, who):
    assert_json_error(api_as(who).post("/organisations", _org(world)), 403)


def test_an_admin_cannot_create_below_another_subtree(api_as, world):
    admin = api_as("admin")
    assert_json_error(admin.post("/organisations", _org(world, parent="township_b")), 403)
    assert_json_error(admin.post("/organisations", _org(world, parent="district")), 403)


def test_an_unknown_parent_is_404(api_as, world):
    body = {**_org(world), "parent_id": 999999}
    assert_json_error(api_as("admin").post("/organisations", body), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "township"}, "kind"),  # a township's children are villages
        ({"kind": "district"}, "kind"),
        ({"kind": "hamlet"}, "kind"),
        ({"kind": None}, "kind"),
        ({"name": "甲村"}, "name"),  # taken below 甲镇
        ({"name": "  "}, "name"),
        ({"name": "村" * 81}, "name"),
        ({"parent_id": None}, "parent_id"),
    ],
)
def test_rule_failures_are_422_with_the_field(api_as, world, change, field):
    body = assert_json_error(api_as("admin").post("/organisations", {**_org(world), **change}), 422)
    assert set(body["fields"]) == {field}


def test_nothing_can_be_added_below_a_village(api_as, world):
    response = api_as("admin").post("/organisations", _org(world, parent="village_a"))
    body = assert_json_error(response, 422)
    assert body["fields"] == {"parent_id": ["村、社区下面不能再设组织。"]}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "丙村", "kind": "village", "parent_id": "2"}, {"parent_id"}),
        ({"name": "丙村", "kind": "village", "parent_id": 2.0}, {"parent_id"}),
        ({"name": "丙村", "kind": "village", "parent_id": True}, {"parent_id"}),
        ({"name": "丙村", "kind": "village", "parent_id": 2**31}, {"parent_id"}),
        ({"name": "丙村", "kind": "village", "parent_id": 0}, {"parent_id"}),
        ({"name": {"zh": "丙村"}, "kind": ["village"], "parent_id": 2}, {"name", "kind"}),
    ],
)
def test_malformed_bodies_are_400_with_the_fields(api_as, world, body, fields):
    answer = assert_json_error(api_as("admin").post("/organisations", body), 400)
    assert set(answer["fields"]) == fields


@pytest.mark.parametrize(("body", "status"), [(["丙村"], 400), ("丙村", 400), (None, 415)])
def test_a_body_that_is_not_a_json_object_is_refused(api_as, world, body, status):
    assert_json_error(api_as("admin").post("/organisations", body), status)


# --- POST /accounts ----------------------------------------------------------------------


def test_an_admin_creates_an_account_at_home_in_her_organisation(app, api_as, world):
    response = api_as("admin").post(
        "/accounts", {"username": "13812345678", "display_name": "孙梅"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["organisation_id"] == world["township_a"].id  # the one she administers
    assert body["username"] == "13812345678" and body["display_name"] == "孙梅"
    assert body["phone"] == "13812345678"  # a mobile login name is her phone
    assert body["must_change_password"] is True and body["active"] is True
    assert OTP_RE.match(body["one_time_password"])
    assert body["one_time_password_expires_at"] == "2026-09-27T10:00:00+08:00"


def test_an_admin_chooses_an_organisation_of_her_subtree_and_a_phone(api_as, world):
    body = {
        "username": "sunmei",
        "display_name": "孙梅",
        "organisation_id": world["village_a"].id,
        "phone": "023-6543210",
    }
    created = api_as("admin").post("/accounts", body).get_json()
    assert created["organisation_id"] == world["village_a"].id
    assert created["phone"] == "023-6543210"


def test_an_admin_of_two_organisations_must_choose(app, api_as, world):
    with app.app_context():
        grant = RoleGrant(
            account_id=world["admin"].id, role="admin", organisation_id=world["township_b"].id
        )
        db.session.add(grant)
        db.session.commit()
    response = api_as("admin").post("/accounts", {"username": "sunmei", "display_name": "孙梅"})
    assert set(assert_json_error(response, 422)["fields"]) == {"organisation_id"}


@pytest.mark.parametrize("who", ["chair", "member"])
def test_only_admins_create_accounts(api_as, world, who):
    response = api_as(who).post("/accounts", {"username": "sunmei", "display_name": "孙梅"})
    assert_json_error(response, 403)


def test_an_account_outside_her_subtree_is_refused(api_as, world):
    body = {"username": "sunmei", "display_name": "孙梅", "organisation_id": world["village_b"].id}
    assert_json_error(api_as("admin").post("/accounts", body), 403)
    assert_json_error(api_as("admin").post("/accounts", {**body, "organisation_id": 999999}), 404)


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"username": "member"}, 422, {"username"}),  # taken
        ({"username": "MEMBER"}, 422, {"username"}),  # the same login
        ({"username": "sun mei"}, 422, {"username"}),
        ({"username": ""}, 422, {"username"}),
        ({"display_name": None}, 422, {"display_name"}),
        ({"display_name": "孙" * 41}, 422, {"display_name"}),
        ({"phone": "call me"}, 422, {"phone"}),
        ({"phone": "1" * 21}, 422, {"phone"}),
        ({"organisation_id": "3"}, 400, {"organisation_id"}),
        ({"username": ["sunmei"]}, 400, {"username"}),
    ],
)
def test_account_errors(api_as, world, change, status, fields):
    body = {"username": "sunmei", "display_name": "孙梅", **change}
    answer = assert_json_error(api_as("admin").post("/accounts", body), status)
    assert set(answer["fields"]) == fields


def test_numbers_are_taken_as_text(api_as, world):
    body = {"username": 13812345678, "display_name": "孙梅"}
    assert api_as("admin").post("/accounts", body).get_json()["username"] == "13812345678"


# --- the one-time password ---------------------------------------------------------------


def _clock_at(instant: datetime) -> type[datetime]:
    """The app's clock showing ``instant`` (``timeutil`` is its only reader)."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)

    return Clock


def test_the_one_time_password_opens_only_the_password_change(app, api, api_as, world):
    admin = api_as("admin")
    body = {"username": "sunmei", "display_name": "孙梅", "organisation_id": world["village_a"].id}
    one_time = admin.post("/accounts", body).get_json()["one_time_password"]
    assert api.login("sunmei", one_time).status_code == 200
    me = api.get("/me").get_json()
    assert me["must_change_password"] is True
    refused = assert_json_error(api.get("/organisations"), 403)
    assert "请先设置您自己的密码" in refused["error"]
    assert_json_error(api.get("/tracker/me"), 403)
    changed = api.post(
        "/password", {"current_password": one_time, "new_password": "my-own-secret-9"}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["must_change_password"] is False
    assert api.get("/organisations").get_json() == []
    again = app.test_client().post(
        "/api/v1/login", json={"username": "sunmei", "password": one_time}
    )
    assert_json_error(again, 401)  # it worked once


@pytest.mark.parametrize(
    ("later", "status"), [(timedelta(days=6, hours=23), 200), (timedelta(days=7, seconds=1), 401)]
)
def test_the_one_time_password_expires_after_seven_days(
    api, api_as, world, frozen, monkeypatch, later, status
):
    body = {"username": "sunmei", "display_name": "孙梅"}
    one_time = api_as("admin").post("/accounts", body).get_json()["one_time_password"]
    monkeypatch.setattr(timeutil, "datetime", _clock_at(frozen + later))
    assert api.login("sunmei", one_time).status_code == status


# --- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/organisations", "/accounts"])
def test_writes_need_the_csrf_header(app, api_as, world, path):
    admin = api_as("admin")
    body = {**_org(world), "username": "sunmei", "display_name": "孙梅"}
    answer = assert_json_error(admin.post(path, body, csrf=False), 400)
    assert answer["error"] == "安全令牌缺失或不正确。"
    assert admin.post(path, body).status_code == 201  # the same with the header
