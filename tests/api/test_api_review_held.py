"""The review API as the rules run it: the round's 述职评议会 and attendance, oral reports
at mid-year, the written annual report before rating, and one rating per rater."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Account, Organisation, ReviewEntry
from fieldlog.review import service
from tests.api.conftest import BASE, assert_json_error
from tests.web.test_review_held import _meeting, _submit_report

pytestmark = pytest.mark.usefixtures("frozen")


def _open(app, world, half):
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_ = service.open_round(chair, org, half, date(2026, 9, 20))
        db.session.commit()
        return round_.id


def _put(api, path, body):
    return api.client.put(f"{BASE}{path}", json=body, headers=api._headers(True))


def test_link_the_review_meeting_and_read_its_attendance(app, api_as, world):
    round_id = _open(app, world, "2026H1")
    meeting_id = _meeting(app, world, date(2026, 7, 8))
    chair = api_as("chair")
    before = chair.get(f"/reviews/{round_id}").get_json()
    assert before["meeting"] is None and before["annual"] is False
    assert before["title"] == "2026年上半年述职评议"
    linked = _put(chair, f"/reviews/{round_id}/meeting", {"meeting_id": meeting_id})
    assert linked.status_code == 200, linked.get_json()
    body = linked.get_json()
    assert body["meeting_id"] == meeting_id and body["meeting"]["date"] == "2026-07-08"
    statuses = {a["account_id"]: a["status"] for a in body["meeting"]["attendance"]}
    assert statuses == {
        world["member"].id: "present",
        world["other_member"].id: "excused",
        world["chair"].id: "absent",
    }
    unlinked = _put(chair, f"/reviews/{round_id}/meeting", {"meeting_id": None})
    assert unlinked.get_json()["meeting"] is None


def test_a_committee_meeting_cannot_be_linked(app, api_as, world):
    round_id = _open(app, world, "2026H1")
    meeting_id = _meeting(app, world, date(2026, 7, 8), kind="committee")
    chair = api_as("chair")
    error = assert_json_error(
        _put(chair, f"/reviews/{round_id}/meeting", {"meeting_id": meeting_id}), 422
    )
    assert "述职评议会" in error["fields"]["meeting_id"][0]
    assert_json_error(_put(chair, f"/reviews/{round_id}/meeting", {"meeting_id": "7"}), 400)


def test_oral_reports_at_mid_year_only(app, api_as, world):
    mid, annual = _open(app, world, "2026H1"), _open(app, world, "2025H2")
    chair = api_as("chair")
    marked = _put(chair, f"/reviews/{mid}/oral-reports", {"account_ids": [world["member"].id]})
    assert marked.status_code == 200
    oral = {e["account_id"]: e["oral_reported"] for e in marked.get_json()["entries"]}
    assert oral[world["member"].id] is True and oral[world["chair"].id] is False
    error = assert_json_error(
        _put(chair, f"/reviews/{annual}/oral-reports", {"account_ids": []}), 422
    )
    assert "书面述职报告" in error["error"]
    assert_json_error(_put(chair, f"/reviews/{mid}/oral-reports", {"account_ids": [True]}), 400)
    stranger = world["other_chair"].id
    assert_json_error(_put(chair, f"/reviews/{mid}/oral-reports", {"account_ids": [stranger]}), 422)


def test_members_cannot_link_or_mark(app, api_as, world):
    round_id = _open(app, world, "2026H1")
    member = api_as("member")
    assert_json_error(_put(member, f"/reviews/{round_id}/oral-reports", {"account_ids": []}), 403)
    assert_json_error(_put(member, f"/reviews/{round_id}/meeting", {"meeting_id": None}), 403)


def test_annual_rating_needs_the_written_report(app, api_as, world):
    round_id = _open(app, world, "2025H2")
    chair = api_as("chair")
    assert chair.get(f"/reviews/{round_id}").get_json()["title"] == "2025年度述职评议"
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    body = {"ratings": [{"group": "representative", "grade": "qualified", "votes": 5}]}
    error = assert_json_error(_put(chair, path, body), 422)
    assert error["error"] == "王芳还没有提交年度书面述职报告：提交后才能评议。"
    _submit_report(app, world["member"].id)
    assert _put(chair, path, body).status_code == 200


def test_per_rater_refuses_a_rater_twice(app, api_as, world):
    round_id = _open(app, world, "2026H1")
    chair = api_as("chair")
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    lines = [
        {"group": "representative", "grade": "excellent", "rater": "代表甲"},
        {"group": "member", "grade": "qualified", "rater": "代表甲 "},
    ]
    error = assert_json_error(_put(chair, path, {"mode": "per_rater", "ratings": lines}), 422)
    assert error["error"] == "“代表甲”列了两次：每位评议人只评一次。"
    with app.app_context():
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(account_id=world["member"].id)
        ).one()
        assert entry.ratings == []
