"""GET /api/v1/exit-flags?org=<id>: a committee's flags with their evidence, for its chair
or an admin above; the same rule as the page (only executive meetings count)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import assert_json_error
from tests.web.test_exit_flags import _held

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def flagged(app, world):
    rows = [("committee", "absent"), ("discussion", "absent"), ("review", "absent")]
    _held(app, world["village_a"], world["chair"], world["member"], rows)
    _held(app, world["village_a"], world["chair"], world["member"], rows[:1], date(2026, 5, 2))
    # Three 议事 absences of another member: no flag.
    other = [("discussion", "absent")] * 3
    _held(app, world["village_a"], world["chair"], world["other_member"], other)
    return world


@pytest.mark.parametrize("who", ["chair", "admin"])
def test_chair_and_admin_above_read_the_flags_with_evidence(api, flagged, who):
    api.login(who)
    response = api.get("/exit-flags", org=flagged["village_a"].id)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["organisation_id"] == flagged["village_a"].id
    assert (body["missed_needed"], body["years_needed"]) == (3, 2)
    [flag] = body["flags"]
    assert flag["account_id"] == flagged["member"].id and flag["name"] == "王芳"
    assert flag["unqualified_years"] == []
    assert [(m["date"], m["kind"]) for m in flag["missed_meetings"]] == [
        ("2026-01-10", "committee"),
        ("2026-03-10", "review"),
        ("2026-05-02", "committee"),
    ]
    assert all(isinstance(m["meeting_id"], int) for m in flag["missed_meetings"])


def test_org_defaults_to_the_committee_she_chairs(api, flagged):
    api.login("chair")
    assert len(api.get("/exit-flags").get_json()["flags"]) == 1


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("member", "village_a", 403),
        ("chair_b", "village_a", 403),
        ("admin_b", "village_a", 403),
        ("chair", "village_b", 403),
    ],
)
def test_others_are_refused(api, flagged, who, org, status):
    api.login(who)
    assert_json_error(api.get("/exit-flags", org=flagged[org].id), status)


def test_bad_or_missing_org(api, flagged):
    api.login("admin")
    assert_json_error(api.get("/exit-flags"), 422)  # an admin must say which
    assert_json_error(api.get("/exit-flags", org="abc"), 400)
    assert_json_error(api.get("/exit-flags", org=999999), 404)
    api.client.post("/api/v1/logout", headers={"X-CSRFToken": api.token})
    assert_json_error(api.get("/exit-flags", org=flagged["village_a"].id), 401)
