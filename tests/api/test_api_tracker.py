"""GET /api/v1/tracker/me and GET /api/v1/tracker?org=&period=: statuses as JSON.

The clock is frozen at 20 September 2026 (Shanghai): Q1, Q2 and H1 have ended, Q3 ends in
11 days (due soon), Q4 is upcoming.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.api.conftest import assert_json_error
from tests.fixtures.clock import at_noonish

_at = at_noonish


@pytest.fixture
def data(app, frozen, world, make_log, make_excusal):
    member = world["member"]
    make_log(member, "contact", date(2026, 2, 3), created_at=_at(date(2026, 2, 3)))
    make_log(member, "talk", date(2026, 6, 10), created_at=_at(date(2026, 7, 5)))  # late
    make_log(member, "contact", date(2026, 8, 1), created_at=_at(date(2026, 8, 1)))
    make_log(member, "contact", date(2026, 8, 9), created_at=_at(date(2026, 8, 9)))
    make_log(world["other_member"], "contact", date(2026, 7, 7), created_at=_at(date(2026, 7, 7)))
    make_excusal(member, "talk", "2026Q1", by=world["chair"])
    return world


def _by_period(rows):
    return {(o["duty"], o["period"]): o for o in rows}


# --- /tracker/me --------------------------------------------------------------------------


def test_me_current_owed_and_year_grid(api, data):
    api.login("member")
    response = api.get("/tracker/me")
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["today"] == "2026-09-20" and body["year"] == 2026
    current = {o["duty"]: o for o in body["current"]}
    assert list(current) == [
        "contact",
        "talk",
        "survey",
        "proposal",
        "help",
        "volunteer",
        "record_book",
    ]
    contact = current["contact"]
    assert contact == {
        "duty": "contact",
        "period": "2026Q3",
        "start": "2026-07-01",
        "end": "2026-09-30",
        "status": "done",
        "count": 2,
        "required": 1,
        "last_on": "2026-08-09",
        "days_left": 11,
        "late": 0,
        "excused": False,
    }
    assert current["talk"]["status"] == "due_soon"
    assert current["survey"]["period"] == "2026H2" and current["survey"]["status"] == "open"
    owed = [(o["status"], o["duty"], o["period"]) for o in body["owed"]]
    assert owed[:4] == [
        ("overdue", "contact", "2026Q2"),
        ("overdue", "proposal", "2026H1"),
        ("overdue", "survey", "2026H1"),
        ("due_soon", "talk", "2026Q3"),
    ]
    assert {s for s, _d, _p in owed[4:]} == {"open"}
    grid = {row["duty"]: row for row in body["grid"]}
    assert [len(grid[c]["periods"]) for c in ("contact", "survey", "help")] == [4, 2, 1]
    assert grid["survey"]["cadence"] == "half"
    cells = _by_period(p for row in body["grid"] for p in row["periods"])
    assert cells[("talk", "2026Q1")]["status"] == "excused"
    assert cells[("talk", "2026Q1")]["excused"] is True
    assert cells[("talk", "2026Q2")]["status"] == "done" and cells[("talk", "2026Q2")]["late"] == 1
    assert cells[("contact", "2026Q4")]["status"] == "upcoming"


def test_me_needs_a_login(api, data):
    assert_json_error(api.get("/tracker/me"), 401)


def test_me_for_staff_without_a_committee_is_403(api, data):
    api.login("admin")
    assert_json_error(api.get("/tracker/me"), 403)


def test_me_query_count_does_not_grow(api, data, make_log, count_queries):
    api.login("member")
    with count_queries() as few:
        api.get("/tracker/me")
    for i in range(30):
        day = date(2026, 1, 3) + timedelta(days=8 * i)
        make_log(data["member"], ("talk", "survey", "help")[i % 3], day, created_at=_at(day))
    with count_queries() as many:
        assert api.get("/tracker/me").status_code == 200
    assert many.count == few.count


# --- /tracker?org=&period= ----------------------------------------------------------------


def _members(body):
    return {m["id"]: m for m in body["members"]}


def test_chair_sees_her_committee_for_a_past_quarter(api, data):
    api.login("chair")
    response = api.get("/tracker", org=data["village_a"].id, period="2026Q1")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["org"] == {"id": data["village_a"].id, "name": "甲村", "kind": "village"}
    assert body["period"] == "2026Q1" and body["period_label"] == "2026年第1季度"
    periods = {d["code"]: d["period"] for d in body["duties"]}
    assert periods == {
        "contact": "2026Q1",
        "talk": "2026Q1",
        "survey": "2026H1",
        "proposal": "2026H1",
        "help": "2026",
        "volunteer": "2026",
        "record_book": "2026",
    }
    members = _members(body)
    assert set(members) == {data["member"].id, data["other_member"].id, data["chair"].id}
    mine = {c["duty"]: c for c in members[data["member"].id]["cells"]}
    assert mine["contact"]["status"] == "done"
    assert mine["talk"]["status"] == "excused" and mine["talk"]["excused"] is True
    assert mine["survey"]["status"] == "overdue" and mine["survey"]["period"] == "2026H1"
    other = {c["duty"]: c for c in members[data["other_member"].id]["cells"]}
    assert other["contact"]["status"] == "overdue"
    overdue = [m["overdue"] for m in body["members"]]
    assert overdue == sorted(overdue, reverse=True)  # most overdue first
    assert "women_names" not in response.get_data(as_text=True)


def test_current_quarter_when_period_is_left_out(api, data):
    api.login("chair")
    body = api.get("/tracker", org=data["village_a"].id).get_json()
    assert body["period"] == "2026Q3"
    cells = {c["duty"]: c for c in _members(body)[data["other_member"].id]["cells"]}
    assert cells["contact"]["status"] == "done"
    assert cells["talk"]["status"] == "due_soon" and cells["talk"]["days_left"] == 11


def test_chair_may_leave_out_org(api, data):
    api.login("chair")
    body = api.get("/tracker").get_json()
    assert body["org"]["id"] == data["village_a"].id


def test_admin_above_the_village_may_read(api, data):
    api.login("admin")
    response = api.get("/tracker", org=data["village_a"].id, period="2026Q2")
    assert response.status_code == 200
    assert len(response.get_json()["members"]) == 3


@pytest.mark.parametrize("who", ["other_chair", "other_admin", "member"])
def test_others_are_refused(api, data, who):
    api.login(data[who].username)
    assert_json_error(api.get("/tracker", org=data["village_a"].id), 403)


def test_chair_of_one_village_cannot_read_a_sibling(api, data):
    api.login("chair")
    assert_json_error(api.get("/tracker", org=data["village_a2"].id), 403)


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"period": "2026Q5"}, {"period"}),
        ({"period": "2026H1"}, {"period"}),  # a quarter view takes a quarter
        ({"period": "2026"}, {"period"}),
        ({"period": "nonsense"}, {"period"}),
        ({"period": ""}, {"period"}),
        ({"org": "abc"}, {"org"}),
        ({"org": "-1"}, {"org"}),
        ({"org": "0"}, {"org"}),
        ({"org": "2147483648"}, {"org"}),  # beyond a database integer
        ({"org": "9999999999"}, {"org"}),
        ({"org": "abc", "period": "x"}, {"org", "period"}),
    ],
)
def test_bad_parameters_are_400_with_fields(api, data, params, fields):
    api.login("chair")
    query = {"org": data["village_a"].id, **params}
    body = assert_json_error(api.get("/tracker", **query), 400)
    assert set(body["fields"]) == fields


def test_a_quarter_still_to_come_is_422(api, data):
    api.login("chair")
    query = {"org": data["village_a"].id, "period": "2026Q4"}
    body = assert_json_error(api.get("/tracker", **query), 422)
    assert set(body["fields"]) == {"period"}


def test_org_is_needed_when_she_chairs_no_single_committee(api, data):
    api.login("admin")
    body = assert_json_error(api.get("/tracker"), 422)
    assert set(body["fields"]) == {"org"}


def test_unknown_org_is_404(api, data):
    api.login("admin")
    assert_json_error(api.get("/tracker", org=999999), 404)


def test_grid_needs_a_login(api, data):
    assert_json_error(api.get("/tracker", org=data["village_a"].id), 401)


def test_grid_query_count_does_not_grow_with_members(
    api, data, make_member, make_log, count_queries
):
    api.login("chair")
    village = data["village_a"]
    with count_queries() as few:
        assert api.get("/tracker", org=village.id).status_code == 200
    for i in range(12):
        extra = make_member(village, username=f"extra{i}")
        make_log(extra, "contact", date(2026, 7, 2 + i), created_at=_at(date(2026, 7, 2 + i)))
    with count_queries() as many:
        response = api.get("/tracker", org=village.id)
    assert len(response.get_json()["members"]) == 15
    assert many.count == few.count
