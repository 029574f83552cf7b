"""Review API: her report and result, the chair's round and ratings, and the closed lock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Account, Organisation, ReviewEntry
from fieldlog.review import service
from tests.api.conftest import BASE, assert_json_error

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def round_id(app, world):
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_ = service.open_round(chair, org, "2026H1", date(2026, 9, 20))
        db.session.commit()
        return round_.id


def _put(api, path, body):
    return api.client.put(f"{BASE}{path}", json=body, headers=api._headers(True))


def test_member_saves_and_submits_her_report(app, api_as, world, round_id):
    member = api_as("member")
    [mine] = member.get("/reviews/mine").get_json()
    assert mine["round"]["half"] == "2026H1" and mine["report"]["submitted_at"] is None
    assert "ratings" not in mine and mine["result"] is None
    saved = _put(member, f"/reviews/{round_id}/report", {"body": "走访五户", "submit": True})
    assert saved.status_code == 200 and saved.get_json()["report"]["submitted_at"]
    bad = _put(member, f"/reviews/{round_id}/report", {"body": 5})
    assert_json_error(bad, 400)
    empty = _put(member, f"/reviews/{round_id}/report", {"body": "", "submit": True})
    assert_json_error(empty, 422)


def test_chair_rates_and_closes_then_nothing_changes(app, api_as, world, round_id):
    chair, member = api_as("chair"), api_as("member")
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    rated = _put(
        chair,
        path,
        {
            "mode": "counts",
            "ratings": [
                {"group": "representative", "grade": "excellent", "votes": 3},
                {"group": "member", "grade": "qualified", "votes": 3},
            ],
        },
    )
    assert rated.status_code == 200 and rated.get_json()["computed_grade"] == "qualified"
    assert_json_error(_put(chair, path, {"ratings": [{"group": "x", "grade": "excellent"}]}), 422)
    assert_json_error(_put(chair, path, {"ratings": "three"}), 400)
    whole = chair.get(f"/reviews/{round_id}").get_json()
    assert {e["name"] for e in whole["entries"]} == {"王芳", "李娜", "张敏"}
    assert member.get("/reviews/mine").get_json()[0]["result"] is None  # not before closing
    assert chair.post(f"/reviews/{round_id}/close").status_code == 200
    assert_json_error(chair.post(f"/reviews/{round_id}/close"), 409)
    assert_json_error(_put(chair, path, {"ratings": []}), 409)
    assert_json_error(_put(member, f"/reviews/{round_id}/report", {"body": "迟了"}), 409)
    [mine] = member.get("/reviews/mine").get_json()
    assert mine["result"] == "qualified" and mine["report"]["body"] == ""
    with app.app_context():
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(account_id=world["member"].id)
        ).one()
        assert [r.votes for r in entry.ratings] == [3, 3]


def test_access(api_as, world, round_id):
    member, other_chair = api_as("member"), api_as("chair_b")
    assert_json_error(member.get(f"/reviews/{round_id}"), 403)
    assert_json_error(other_chair.get(f"/reviews/{round_id}"), 403)
    assert_json_error(other_chair.post(f"/reviews/{round_id}/close"), 403)
    assert_json_error(_put(other_chair, f"/reviews/{round_id}/report", {"body": "x"}), 404)
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    assert_json_error(_put(member, path, {"ratings": []}), 403)
