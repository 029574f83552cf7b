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


# Ratings bounded by the raters there can be ------------------------------------------------


def _raters(group: str, n: int, start: int = 0) -> list[dict]:
    return [{"group": group, "grade": "qualified", "rater": f"{group}{i}"} for i in range(start, n)]


def _stored_ratings(app, account_id: int) -> int:
    with app.app_context():
        entry = db.session.scalars(select(ReviewEntry).filter_by(account_id=account_id)).one()
        return len(entry.ratings)


def test_per_rater_lines_are_capped_at_the_possible_raters(app, api_as, world, round_id):
    app.config["REVIEW_MAX_REPRESENTATIVES"] = 5
    chair = api_as("chair")
    member_id = world["member"].id
    path = f"/reviews/{round_id}/members/{member_id}/ratings"
    # The round has three members: two others can rate her.
    body = {"mode": "per_rater", "ratings": _raters("member", 3)}
    error = assert_json_error(_put(chair, path, body), 422)
    assert error["error"] == "最多只能有 2 名执委为她评议（本次评议中的其他执委）。"
    body = {"mode": "per_rater", "ratings": _raters("representative", 6)}
    error = assert_json_error(_put(chair, path, body), 422)
    assert error["error"] == "最多只能有 5 名妇女代表为她评议。"
    assert _stored_ratings(app, member_id) == 0
    lines = _raters("member", 2) + _raters("representative", 5)
    rated = _put(chair, path, {"mode": "per_rater", "ratings": lines})
    assert rated.status_code == 200 and len(rated.get_json()["ratings"]) == 7


def test_a_huge_rating_body_is_refused_before_any_line_is_looked_at(app, api_as, world, round_id):
    chair = api_as("chair")
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    # Every line names an unknown grade: had any line been checked before their number, that
    # would be the answer.
    lines = [{**line, "grade": "nonsense"} for line in _raters("representative", 100_000)]
    body = {"mode": "per_rater", "ratings": lines}
    error = assert_json_error(_put(chair, path, body), 422)
    assert error["error"] == "最多只能有 202 人为她评议。"
    counts = [{"group": "member", "grade": "qualified", "votes": 1}] * 9
    error = assert_json_error(_put(chair, path, {"mode": "counts", "ratings": counts}), 422)
    assert error["error"] == "按票数录入时最多 8 行：每个类别、每个等次各一行。"
    assert _stored_ratings(app, world["member"].id) == 0


def test_a_save_after_many_stored_ratings_stays_fast(app, api_as, world, round_id, count_queries):
    """Lines stored before the caps (100,000 once): replacing them must not load them one by
    one (clearing the collection did, each removal searching the list: quadratic in their
    number, over 20 s for 30,000): one DELETE by entry."""
    from sqlalchemy import insert

    from fieldlog.models import ReviewRating

    with app.app_context():
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(account_id=world["member"].id)
        ).one()
        rows = [
            {
                "entry_id": entry.id,
                "rater_group": "representative",
                "grade": "qualified",
                "votes": 1,
                "rater": f"r{i}",
            }
            for i in range(30_000)
        ]
        db.session.execute(insert(ReviewRating), rows)
        db.session.commit()
    chair = api_as("chair")
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    with count_queries() as queries:
        rated = _put(chair, path, {"mode": "per_rater", "ratings": _raters("representative", 50)})
    assert rated.status_code == 200 and len(rated.get_json()["ratings"]) == 50
    deletes = [q for q in queries.statements if q.lstrip().upper().startswith("DELETE")]
    assert len(deletes) == 1 and "review_ratings.entry_id" in deletes[0], deletes
    assert _stored_ratings(app, world["member"].id) == 50
