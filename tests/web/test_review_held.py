"""Reviews as the rules run them (第八条): a round held at a 述职评议会 (its date and
attendance on the round page and the printed sheet), oral reports marked at mid-year, the
written annual report required before rating at the year-end round (年度述职评议, never
"下半年"), and per rater nobody rates a member twice. Clock frozen at 20 Sept 2026."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Attendance, AuditEntry, Meeting, ReviewEntry
from fieldlog.review import queries
from fieldlog.review.sheet import sheet_html
from tests.web.helpers import open_form
from tests.web.test_html import _check
from tests.web.test_review import _entry, _open, _rate, _round

pytestmark = pytest.mark.usefixtures("frozen")


def _meeting(app, world, day, kind="review", org="village_a", statuses=None):
    """A meeting of ``org`` on ``day``: 王芳 present, 李娜 excused, 张敏 absent by default."""
    statuses = statuses or {"member": "present", "other_member": "excused", "chair": "absent"}
    with app.app_context():
        meeting = Meeting(
            organisation_id=world[org].id,
            held_on=day,
            kind=kind,
            created_by_id=world["chair"].id,
            attendance=[
                Attendance(
                    account_id=world[who].id,
                    status=status,
                    reason="外出务工" if status == "excused" else None,
                )
                for who, status in statuses.items()
            ],
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def _post(client, round_id, path, **data):
    _html, hidden = open_form(client, f"/review/{round_id}")
    return client.post(f"/review/{round_id}/{path}", data={**hidden, **data})


def _submit_report(app, account_id, text="本年度联系妇女二十余次。"):
    with app.app_context():
        entry = db.session.scalars(select(ReviewEntry).filter_by(account_id=account_id)).one()
        entry.report_body = text
        entry.report_saved_at = entry.report_submitted_at = db.func.now()
        db.session.commit()


# The year-end round is the annual review --------------------------------------------------


def test_year_end_round_is_called_the_annual_review_everywhere(app, client, auth, world):
    auth.login("chair")
    committee = client.get(f"/review/committee/{world['village_a'].id}").get_data(as_text=True)
    assert '<option value="2025H2">2025年度</option>' in committee
    _open(client, world, "2025H2")
    round_id = _round(app).id
    pages = [
        client.get(f"/review/committee/{world['village_a'].id}"),
        client.get(f"/review/{round_id}"),
        client.get(f"/review/{round_id}/members/{world['member'].id}"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        _check(html)
        assert "2025年度" in html and "2025年下半年" not in html
    assert "2025年度述职评议" in pages[1].get_data(as_text=True)
    with app.test_request_context():
        sheet = sheet_html(queries.round_with_entries(round_id), "zh_Hans_CN")
    assert "2025年度执委述职评议表" in sheet and "下半年" not in sheet
    auth.logout()
    auth.login("member")
    for url in ("/", "/review/mine", f"/review/{round_id}/report"):
        html = client.get(url).get_data(as_text=True)
        assert "2025年度" in html and "2025年下半年" not in html, url
    assert "年度书面述职报告" in client.get(f"/review/{round_id}/report").get_data(as_text=True)


def test_mid_year_round_keeps_its_half_and_asks_for_an_outline(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id = _round(app).id
    assert "2026年上半年述职评议" in client.get(f"/review/{round_id}").get_data(as_text=True)
    auth.logout()
    auth.login("member")
    html = client.get(f"/review/{round_id}/report").get_data(as_text=True)
    assert "口头述职" in html and "提纲" in html


# Written report before rating at year end -------------------------------------------------

COUNTS = {"representative_qualified": "5", "member_qualified": "2"}


def test_year_end_rating_waits_for_her_written_report(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2025H2")
    round_id, member_id = _round(app).id, world["member"].id
    refused = _rate(client, round_id, member_id, **COUNTS)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "王芳还没有提交年度书面述职报告" in html and 'value="5"' in html  # input kept
    assert _entry(app, member_id).ratings == []
    _submit_report(app, member_id)
    assert _rate(client, round_id, member_id, **COUNTS).status_code == 302
    assert _entry(app, member_id).computed_grade == "qualified"


def test_mid_year_rating_needs_no_written_report(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id, member_id = _round(app).id, world["member"].id
    assert _rate(client, round_id, member_id, **COUNTS).status_code == 302


# Per rater: once each -----------------------------------------------------------------------


@pytest.mark.parametrize("second", ["代表甲", " 代表甲 ", "代表甲"])
@pytest.mark.parametrize("group", ["representative", "member"])
def test_a_rater_rates_her_once(app, client, auth, world, second, group):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    lines = {
        "mode": "per_rater",
        "r0_rater": "代表甲",
        "r0_group": "representative",
        "r0_grade": "excellent",
        "r1_rater": "代表乙",
        "r1_group": "representative",
        "r1_grade": "qualified",
        "r2_rater": second,
        "r2_group": group,
        "r2_grade": "qualified",
    }
    refused = _rate(client, round_id, member_id, **lines)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "这位评议人已在上面列出" in html
    assert 'value="代表乙"' in html  # the rest of her input is kept
    assert _entry(app, member_id).ratings == []


# The round is held at a 述职评议会 ----------------------------------------------------------


def test_chair_links_the_review_meeting_and_its_attendance_shows(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id = _round(app).id
    meeting_id = _meeting(app, world, date(2026, 7, 8))
    _meeting(app, world, date(2026, 7, 9), kind="committee")  # not offered
    page = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert "2026-07-08 述职评议会" in page and "2026-07-09" not in page
    assert _post(client, round_id, "meeting", meeting_id=str(meeting_id)).status_code == 302
    html = client.get(f"/review/{round_id}").get_data(as_text=True)
    _check(html)
    assert "评议会：2026-07-08" in html
    assert "出席 1 人 · 请假 1 人 · 缺席 1 人" in html
    assert "请假：李娜（外出务工）" in html and "缺席：张敏" in html
    with app.test_request_context():
        sheet = sheet_html(queries.round_with_entries(round_id), "zh_Hans_CN")
    assert "评议会日期：2026年7月8日" in sheet
    assert sheet.count('<td class="status attendance">') == 3
    assert "出席" in sheet and "请假" in sheet and "缺席" in sheet
    with app.app_context():
        audit = db.session.scalars(
            select(AuditEntry).filter_by(entity="review_round", action="update")
        ).one()
        assert audit.changes == {"meeting_id": [None, meeting_id]}


def test_the_sheet_leaves_the_date_blank_until_a_meeting_is_linked(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    with app.test_request_context():
        sheet = sheet_html(queries.round_with_entries(_round(app).id), "zh_Hans_CN")
    assert "评议会日期：" in sheet and "评议会日期：2026" not in sheet


@pytest.mark.parametrize(
    ("day", "kind", "org"),
    [
        (date(2026, 7, 9), "committee", "village_a"),  # not a review meeting
        (date(2025, 12, 20), "review", "village_a"),  # before the half-year began
        (date(2026, 7, 9), "review", "village_b"),  # another committee's
    ],
)
def test_only_a_review_meeting_of_the_committee_can_be_linked(
    app, client, auth, world, day, kind, org
):
    statuses = {"other_chair": "present"} if org == "village_b" else None
    meeting_id = _meeting(app, world, day, kind=kind, org=org, statuses=statuses)
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id = _round(app).id
    refused = _post(client, round_id, "meeting", meeting_id=str(meeting_id))
    assert refused.status_code == 302
    html = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert "请选择本执委会在这半年开始后召开的述职评议会" in html
    assert _round(app).meeting_id is None


# Oral reports at mid-year ---------------------------------------------------------------------


def test_chair_marks_who_reported_orally_at_mid_year(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id = _round(app).id
    reported = [str(world["member"].id), str(world["chair"].id)]
    assert _post(client, round_id, "oral-reports", reported=reported).status_code == 302
    marked = {e.account_id for e in _round_entries(app) if e.oral_reported}
    assert marked == {world["member"].id, world["chair"].id}
    html = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert "口头述职：2 / 3" in html and html.count("已口头述职") == 2
    with app.test_request_context():
        sheet = sheet_html(queries.round_with_entries(round_id), "zh_Hans_CN")
    assert sheet.count("已口头述职") == 2 and sheet.count("未述职") == 1
    _post(client, round_id, "oral-reports", reported=[str(world["member"].id)])
    assert {e.account_id for e in _round_entries(app) if e.oral_reported} == {world["member"].id}


def test_the_annual_review_takes_written_reports_not_oral_marks(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2025H2")
    round_id = _round(app).id
    page = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert 'name="reported"' not in page
    _post(client, round_id, "oral-reports", reported=[str(world["member"].id)])
    assert "年度述职评议要书面述职报告" in client.get(f"/review/{round_id}").get_data(as_text=True)
    assert not any(e.oral_reported for e in _round_entries(app))


def test_members_cannot_link_or_mark(app, client, auth, world):
    auth.login("chair")
    _open(client, world, "2026H1")
    round_id = _round(app).id
    auth.logout()
    auth.login("member")
    for path in ("meeting", "oral-reports"):
        html, hidden = open_form(client, "/review/mine")
        response = client.post(f"/review/{round_id}/{path}", data=hidden)
        assert response.status_code == 403


def _round_entries(app) -> list[ReviewEntry]:
    with app.app_context():
        return list(db.session.scalars(select(ReviewEntry)))
