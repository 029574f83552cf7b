"""Moves (调动) through POST /memberships/<id>/move, and how terms show in GET /tracker.

The clock is frozen at 20 September 2026 (Shanghai): Q3 ends in 11 days (due soon). The
world's members joined 村 committees on 1 January 2020; 甲村 and 甲二村 are villages of
甲镇, 乙村 one of 乙镇.
"""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.extensions import db
from fieldlog.models import Account
from tests.api.conftest import assert_json_error
from tests.fixtures.clock import at_noonish

pytestmark = pytest.mark.usefixtures("frozen")


def term_of(world, person: str) -> int:
    return world[person].memberships[0].id


def _move(world, village: str = "village_a2", moved_on: str = "2026-08-15", **change) -> dict:
    return {
        "organisation_id": world[village].id,
        "moved_on": moved_on,
        "reason": "嫁到邻村",
        **change,
    }


def _move_member(api, world, **change):
    return api.post(f"/memberships/{term_of(world, 'member')}/move", _move(world, **change))


# --- POST /memberships/<id>/move ---------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "chair"])  # the chair: villages of one township
def test_a_move_ends_one_term_and_starts_another(app, api_as, world, who):
    response = _move_member(api_as(who), world)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    ended, started = body["ended"], body["started"]
    assert ended["id"] == term_of(world, "member")
    assert (ended["left_on"], ended["how_left"], ended["reason"]) == (
        "2026-08-14",
        "transferred",
        "嫁到邻村",
    )
    assert started["account_id"] == world["member"].id
    assert started["organisation_id"] == world["village_a2"].id
    assert (started["joined_on"], started["how_joined"]) == ("2026-08-15", "transferred")
    assert started["left_on"] is None
    with app.app_context():  # her home organisation follows her
        assert db.session.get(Account, world["member"].id).organisation_id == (
            world["village_a2"].id
        )


def test_both_committees_list_the_terms(api_as, world):
    admin = api_as("admin")
    started = _move_member(admin, world).get_json()["started"]
    old = admin.get("/memberships", org=world["village_a"].id).get_json()
    new = admin.get("/memberships", org=world["village_a2"].id).get_json()
    assert next(t for t in old if t["account_id"] == world["member"].id)["left_on"] == "2026-08-14"
    assert started in new


@pytest.mark.parametrize(
    ("who", "village"),
    [
        ("chair", "village_b"),  # a village of another township
        ("chair", "township_a"),  # not a village: only an admin moves her there
        ("chair_b", "village_a2"),
        ("admin_b", "village_b"),
        ("admin", "village_b"),  # she does not manage 乙村
        ("other", "village_a2"),
        ("admin", "village_a"),  # the committee she is on
    ],
)
def test_moves_others_may_not_make(api_as, world, who, village):
    assert_json_error(_move_member(api_as(who), world, village=village), 403)


def test_an_admin_moves_her_to_the_township_committee(api_as, world):
    response = _move_member(api_as("admin"), world, village="township_a")
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"moved_on": "2020-01-01"}, 422, {"moved_on"}),  # not after she joined
        ({"moved_on": "2026-09-21"}, 422, {"moved_on"}),
        ({"moved_on": None}, 422, {"moved_on"}),
        ({"moved_on": "2026-8-15"}, 400, {"moved_on"}),
        ({"organisation_id": None}, 422, {"organisation_id"}),
        ({"organisation_id": "5"}, 400, {"organisation_id"}),
        ({"reason": "因" * 201}, 422, {"reason"}),
    ],
)
def test_move_input_errors(api_as, world, change, status, fields):
    body = {**_move(world), **change}
    response = api_as("admin").post(f"/memberships/{term_of(world, 'member')}/move", body)
    assert set(assert_json_error(response, status)["fields"]) == fields


def test_a_move_into_a_committee_she_is_already_on_is_refused(api_as, world):
    admin = api_as("admin")
    join = {"account_id": world["member"].id, "organisation_id": world["village_a2"].id}
    assert admin.post("/memberships", {**join, "joined_on": "2026-07-01"}).status_code == 201
    body = assert_json_error(_move_member(admin, world), 422)
    assert set(body["fields"]) == {"organisation_id"}


def test_unknown_terms_and_committees_are_404(api_as, world):
    admin = api_as("admin")
    assert_json_error(admin.post("/memberships/999999/move", _move(world)), 404)
    body = {**_move(world), "organisation_id": 999999}
    assert_json_error(admin.post(f"/memberships/{term_of(world, 'member')}/move", body), 404)


def test_an_ended_term_cannot_move(api_as, world):
    admin = api_as("admin")
    assert _move_member(admin, world).status_code == 200
    body = assert_json_error(_move_member(admin, world, village="township_a"), 422)
    assert body["error"] == "这段任职已经结束。"


def test_a_move_needs_the_csrf_header(api_as, world):
    admin = api_as("admin")
    path = f"/memberships/{term_of(world, 'member')}/move"
    assert_json_error(admin.post(path, _move(world), csrf=False), 400)
    assert admin.post(path, _move(world)).status_code == 200


# --- the tracker follows the terms -------------------------------------------------------


def _log(make_log, member, duty: str, day: date) -> None:
    make_log(member, duty, day, created_at=at_noonish(day))


def _cells(api, world, village: str, period: str) -> dict[int, dict[str, dict]]:
    """Per member of that committee in that quarter: her cells by duty."""
    response = api.get("/tracker", org=world[village].id, period=period)
    assert response.status_code == 200, response.get_json()
    return {
        m["account_id"]: {c["duty"]: c for c in m["cells"]} for m in response.get_json()["members"]
    }


@pytest.fixture
def logs(world, make_log):
    member = world["member"]
    _log(make_log, member, "talk", date(2026, 7, 10))  # on 甲村
    _log(make_log, member, "contact", date(2026, 8, 1))  # on 甲村
    _log(make_log, member, "contact", date(2026, 8, 20))  # on 甲二村, after the move
    return world


def test_a_move_through_the_api_shows_in_both_committees_trackers(api_as, logs):
    world, admin, member = logs, api_as("admin"), logs["member"].id
    assert member not in _cells(admin, world, "village_a2", "2026Q3")
    assert _move_member(admin, world).status_code == 200
    old = _cells(admin, world, "village_a", "2026Q3")[member]
    assert (old["contact"]["status"], old["contact"]["count"]) == ("done", 1)  # 1 August
    assert old["contact"]["last_on"] == "2026-08-01"
    assert old["talk"]["status"] == "done"
    assert old["survey"]["status"] == "left" and old["help"]["status"] == "left"
    new = _cells(admin, world, "village_a2", "2026Q3")[member]
    assert (new["contact"]["status"], new["contact"]["count"]) == ("done", 1)  # 20 August
    assert new["contact"]["last_on"] == "2026-08-20"
    assert new["talk"]["status"] == "due_soon"  # 47 days there: owed, none there yet
    assert new["survey"]["status"] == "open"
    assert member in _cells(admin, world, "village_a", "2026Q2")
    assert member not in _cells(admin, world, "village_a2", "2026Q2")


def test_the_chair_sees_the_same_after_her_own_move(api_as, logs):
    world, chair = logs, api_as("chair")
    assert _move_member(chair, world).status_code == 200
    old = _cells(chair, world, "village_a", "2026Q3")[world["member"].id]
    assert old["talk"]["status"] == "done" and old["survey"]["status"] == "left"
    assert_json_error(chair.get("/tracker", org=world["village_a2"].id), 403)


def test_a_member_who_left_shows_left_and_one_gone_before_the_quarter_not_at_all(api_as, world):
    chair = api_as("chair")
    ended = {"how_left": "term_ended"}
    for person, left_on in (("other_member", "2026-07-10"), ("member", "2026-03-01")):
        path = f"/memberships/{term_of(world, person)}/end"
        assert chair.post(path, {**ended, "left_on": left_on}).status_code == 200
    q3 = _cells(chair, world, "village_a", "2026Q3")
    assert set(q3) == {world["other_member"].id, world["chair"].id}
    other = q3[world["other_member"].id]
    assert {c["status"] for c in other.values()} == {"left"}
    assert q3[world["chair"].id]["contact"]["status"] == "due_soon"
    q2 = _cells(chair, world, "village_a", "2026Q2")
    assert q2[world["other_member"].id]["contact"]["status"] == "overdue"
    assert world["member"].id not in q2
    q1 = _cells(chair, world, "village_a", "2026Q1")
    assert q1[world["member"].id]["contact"]["status"] == "left"
