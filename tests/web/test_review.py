"""The duty-report review through the client: opening a round from the tracker, refreshing,
her report from the draft, ratings and the rule, the chair's override, closing and the lock,
access, and the audit trail. The clock is frozen at 20 Sept 2026 (second half)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import AuditEntry, ReviewEntry, ReviewRound
from tests.fixtures.clock import at_noonish
from tests.web.helpers import open_form
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")


def _open(client, world, half="2026H1"):
    url = f"/review/committee/{world['village_a'].id}"
    _html, hidden = open_form(client, url)
    return client.post(url, data={**hidden, "half": half})


def _round(app) -> ReviewRound:
    with app.app_context():
        return db.session.scalars(select(ReviewRound)).one()


def _entry(app, account_id: int) -> ReviewEntry:
    with app.app_context():
        entry = db.session.scalars(select(ReviewEntry).filter_by(account_id=account_id)).one()
        entry.ratings  # noqa: B018 - load before the session ends
        return entry


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).filter_by(action=action)))


def _duty(figures: dict, code: str) -> dict:
    return next(d for d in figures["duties"] if d["code"] == code)


@pytest.fixture
def logs(world, make_log):
    """王芳 (member): contacts in Q1 (entered on time) and Q2, a talk in Q1 only, a
    proposal in H1 and help in the second half."""
    m = world["member"]
    make_log(m, "contact", date(2026, 2, 10), created_at=at_noonish(date(2026, 2, 10)))
    make_log(m, "contact", date(2026, 5, 6), method="visit", women_count=3)
    make_log(m, "talk", date(2026, 3, 3), topic="反家暴法", women_count=12)
    make_log(
        m,
        "proposal",
        date(2026, 4, 1),
        proposal_text="村口加装路灯",
        proposal_status="answered",
        proposal_answer="已列入计划",
    )
    make_log(m, "help", date(2026, 8, 1), help_target="left_behind", help_kind="辅导功课")
    return m


def test_chair_opens_a_round_with_the_tracker_figures(app, client, auth, world, logs):
    auth.login("chair")
    page = _open(client, world)
    assert page.status_code == 302
    round_ = _round(app)
    assert (round_.half, round_.status, round_.figures_as_of) == (
        "2026H1",
        "open",
        date(2026, 9, 20),
    )
    figures = _entry(app, world["member"].id).figures
    contact, talk = _duty(figures, "contact"), _duty(figures, "talk")
    assert (contact["owed"], contact["done"], contact["overdue"], contact["late"]) == (2, 2, 0, 1)
    assert (talk["owed"], talk["done"], talk["overdue"]) == (2, 1, 1)
    assert _duty(figures, "proposal")["done"] == 1
    # Yearly duties are not part of the mid-year review.
    assert all(c["period"] != "2026" for d in figures["duties"] for c in d["cells"])
    assert figures["totals"]["overdue"] == 2  # talk Q2, survey H1
    members = {e.account_id for e in round_entries(app)}
    assert members == {world["member"].id, world["other_member"].id, world["chair"].id}
    html = client.get(f"/review/{round_.id}").get_data(as_text=True)
    _check(html)
    assert "王芳" in html and "李娜" in html
    [audit] = _audit(app, "open")
    assert audit.actor_id == world["chair"].id and audit.changes["half"] == [None, "2026H1"]


def round_entries(app) -> list[ReviewEntry]:
    with app.app_context():
        return list(db.session.scalars(select(ReviewEntry)))


def test_year_end_round_covers_the_whole_year(app, client, auth, world, logs):
    auth.login("chair")
    assert _open(client, world, "2026H2").status_code == 302
    figures = _entry(app, world["member"].id).figures
    help_ = _duty(figures, "help")
    assert (help_["owed"], help_["done"]) == (1, 1)
    contact = _duty(figures, "contact")
    assert contact["owed"] == 3 and contact["open"] == 1  # Q1-Q3; Q4 has not begun
    assert figures["as_of"] == "2026-09-20"


@pytest.mark.parametrize(
    ("half", "message"),
    [
        ("2027H1", "请从列出的半年中选择"),
        ("", "请从列出的半年中选择"),
        ("2024H2", "请从列出的半年中选择"),
    ],
)
def test_a_half_that_cannot_be_reviewed_is_refused(app, client, auth, world, half, message):
    auth.login("chair")
    page = _open(client, world, half)
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert round_entries(app) == []


def test_a_half_is_reviewed_once(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    page = client.post(
        f"/review/committee/{world['village_a'].id}",
        data={
            "csrf_token": open_form(client, f"/review/{_round(app).id}")[1]["csrf_token"],
            "half": "2026H1",
        },
    )
    assert page.status_code == 422
    assert "这个半年的述职评议已经存在" in page.get_data(as_text=True)


def test_refresh_takes_new_logs_until_closed(app, client, auth, world, make_log):
    auth.login("chair")
    _open(client, world)
    round_id = _round(app).id
    assert _duty(_entry(app, world["other_member"].id).figures, "contact")["done"] == 0
    make_log(world["other_member"], "contact", date(2026, 3, 1))
    assert _duty(_entry(app, world["other_member"].id).figures, "contact")["done"] == 0
    _html, hidden = open_form(client, f"/review/{round_id}")
    assert client.post(f"/review/{round_id}/refresh", data=hidden).status_code == 302
    assert _duty(_entry(app, world["other_member"].id).figures, "contact")["done"] == 1
    assert len(_audit(app, "refresh")) == 1


def test_member_writes_her_report_from_the_draft(app, client, auth, world, logs):
    auth.login("chair")
    _open(client, world)
    round_id = _round(app).id
    auth.logout()
    auth.login("member")
    listing = client.get("/review/mine").get_data(as_text=True)
    assert "2026年上半年" in listing and "待写述职报告" in listing
    html, hidden = open_form(client, f"/review/{round_id}/report")
    _check(html)
    assert "一次联系：应完成 2 次，已完成 2 次" in html
    assert "村口加装路灯" in html and "已列入计划" in html
    assert "辅导功课" not in html  # help in the second half is not in the mid-year report
    saved = client.post(
        f"/review/{round_id}/report", data={**hidden, "body": "上半年走访五户。", "action": "save"}
    )
    assert saved.status_code == 302
    entry = _entry(app, world["member"].id)
    assert entry.report_body == "上半年走访五户。" and not entry.submitted
    html, hidden = open_form(client, f"/review/{round_id}/report")
    assert "上半年走访五户。" in html  # her saved text, not the draft again
    empty = client.post(
        f"/review/{round_id}/report", data={**hidden, "body": " ", "action": "submit"}
    )
    assert empty.status_code == 422 and "请先写好述职报告再提交" in empty.get_data(as_text=True)
    done = client.post(
        f"/review/{round_id}/report",
        data={**hidden, "body": "上半年走访五户，宣讲一次。", "action": "submit"},
    )
    assert done.status_code == 302
    assert _entry(app, world["member"].id).submitted
    assert len(_audit(app, "submit")) == 1
    auth.logout()
    auth.login("chair")
    html = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert "已提交述职报告" in html and "提交述职报告：1 / 3" in html
    member_page = client.get(f"/review/{round_id}/members/{world['member'].id}").get_data(
        as_text=True
    )
    _check(member_page)
    assert "上半年走访五户，宣讲一次。" in member_page


def test_a_member_cannot_reach_another_members_report_or_the_chair_pages(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id = _round(app).id
    auth.logout()
    auth.login("member_a2")  # not on this committee
    assert client.get(f"/review/{round_id}/report").status_code == 404
    auth.logout()
    auth.login("member")
    assert client.get(f"/review/{round_id}").status_code == 403
    assert client.get(f"/review/{round_id}/members/{world['other_member'].id}").status_code == 403
    assert client.get(f"/review/committee/{world['village_a'].id}").status_code == 403
    auth.logout()
    auth.login("chair_b")
    for url in (
        f"/review/{round_id}",
        f"/review/{round_id}/members/{world['member'].id}",
        f"/review/{round_id}/close",
        f"/review/committee/{world['village_a'].id}",
    ):
        assert client.get(url).status_code == 403, url


def _rate(client, round_id, account_id, **fields):
    url = f"/review/{round_id}/members/{account_id}"
    _html, hidden = open_form(client, url)
    data = {"mode": "counts", "rows": "4", **fields}
    return client.post(url + "/ratings", data={**hidden, **data})


def test_counts_give_the_result_by_the_rule(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    page = _rate(
        client,
        round_id,
        member_id,
        representative_excellent="6",
        representative_qualified="2",
        member_qualified="1",
    )
    assert page.status_code == 302
    entry = _entry(app, member_id)
    assert entry.computed_grade == "excellent" and entry.result.value == "excellent"
    # A tie goes to the lower grade.
    _rate(client, round_id, member_id, representative_excellent="4", member_basic="4")
    assert _entry(app, member_id).computed_grade == "basic"
    rated = _audit(app, "rate")
    assert len(rated) == 2 and rated[-1].changes["computed_grade"] == ["excellent", "basic"]


def test_bad_counts_are_refused_and_kept(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    page = _rate(client, round_id, member_id, representative_excellent="-1", member_qualified="7")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'value="7"' in html and "0" in html
    assert _entry(app, member_id).ratings == []


def test_one_line_per_rater(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    lines = {
        "mode": "per_rater",
        "r0_rater": "代表甲",
        "r0_group": "representative",
        "r0_grade": "qualified",
        "r1_rater": "代表乙",
        "r1_group": "representative",
        "r1_grade": "qualified",
        "r2_rater": "李娜",
        "r2_group": "member",
        "r2_grade": "excellent",
    }
    assert _rate(client, round_id, member_id, **lines).status_code == 302
    entry = _entry(app, member_id)
    assert entry.rating_mode == "per_rater" and entry.computed_grade == "qualified"
    assert sorted(r.rater for r in entry.ratings) == ["代表乙", "代表甲", "李娜"]
    html = client.get(f"/review/{round_id}/members/{member_id}").get_data(as_text=True)
    assert 'value="代表甲"' in html
    incomplete = _rate(
        client,
        round_id,
        member_id,
        mode="per_rater",
        r0_rater="代表丙",
        r0_group="representative",
        r0_grade="",
    )
    assert incomplete.status_code == 422
    assert "请选择这位评议人给的等次" in incomplete.get_data(as_text=True)
    assert len(_entry(app, member_id).ratings) == 3


def test_the_form_refuses_more_member_raters_than_other_members(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    raters = {}
    for i, name in enumerate(["李娜", "张敏", "王芳"]):
        raters |= {f"r{i}_rater": name, f"r{i}_group": "member", f"r{i}_grade": "qualified"}
    refused = _rate(client, round_id, member_id, mode="per_rater", **raters)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "最多只能有 2 名执委为她评议（本次评议中的其他执委）。" in html
    assert 'value="王芳"' in html  # what she typed is kept
    assert _entry(app, member_id).ratings == []


def test_chair_overrides_with_a_reason(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    _rate(client, round_id, member_id, representative_qualified="5")
    url = f"/review/{round_id}/members/{member_id}"
    _html, hidden = open_form(client, url)
    no_reason = client.post(url + "/override", data={**hidden, "grade": "excellent", "reason": ""})
    assert no_reason.status_code == 422 and "请说明修改结果的理由" in no_reason.get_data(
        as_text=True
    )
    ok = client.post(url + "/override", data={**hidden, "grade": "excellent", "reason": "会议复议"})
    assert ok.status_code == 302
    entry = _entry(app, member_id)
    assert (entry.computed_grade, entry.result.value, entry.override_reason) == (
        "qualified",
        "excellent",
        "会议复议",
    )
    [audit] = _audit(app, "override")
    assert audit.changes["override_reason"] == [None, "会议复议"]
    back = client.post(url + "/override", data={**hidden, "grade": "", "reason": ""})
    assert back.status_code == 302 and _entry(app, member_id).result.value == "qualified"


def test_closing_locks_the_round(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    _rate(client, round_id, member_id, representative_qualified="5")
    html, hidden = open_form(client, f"/review/{round_id}/close")
    _check(html)
    assert "尚无结果" in html and "李娜" in html
    assert client.post(f"/review/{round_id}/close", data=hidden).status_code == 302
    assert _round(app).status == "closed"
    before = _entry(app, member_id)
    # Nothing changes any more, whatever is posted.
    assert _rate(client, round_id, member_id, representative_excellent="9").status_code == 409
    url = f"/review/{round_id}/members/{member_id}"
    assert (
        client.post(
            url + "/override", data={**hidden, "grade": "excellent", "reason": "x"}
        ).status_code
        == 409
    )
    page = client.post(f"/review/{round_id}/refresh", data=hidden, follow_redirects=True)
    assert "述职评议已结束，不能再修改" in page.get_data(as_text=True)
    assert client.post(f"/review/{round_id}/close", data=hidden).status_code == 409
    after = _entry(app, member_id)
    assert (after.computed_grade, after.override_grade, after.figures) == (
        before.computed_grade,
        None,
        before.figures,
    )
    assert len(_audit(app, "close")) == 1 and not _audit(app, "refresh")
    auth.logout()
    auth.login("member")
    _html, hidden = open_form(client, f"/review/{round_id}/report")
    page = client.post(
        f"/review/{round_id}/report", data={**hidden, "body": "迟到的报告", "action": "submit"}
    )
    assert page.status_code in (409, 422)
    assert _entry(app, member_id).report_body == ""
    mine = client.get(f"/review/{round_id}/report").get_data(as_text=True)
    assert "合格" in mine and "迟到的报告" not in mine


def test_member_sees_her_result_only_after_closing(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id = _round(app).id
    _rate(client, round_id, world["member"].id, representative_unqualified="5")
    _rate(client, round_id, world["other_member"].id, representative_excellent="5")
    auth.logout()
    auth.login("member")
    assert "不合格" not in client.get("/review/mine").get_data(as_text=True)
    auth.logout()
    auth.login("chair")
    _html, hidden = open_form(client, f"/review/{round_id}/close")
    client.post(f"/review/{round_id}/close", data=hidden)
    auth.logout()
    auth.login("member")
    listing = client.get("/review/mine").get_data(as_text=True)
    assert "不合格" in listing
    report = client.get(f"/review/{round_id}/report").get_data(as_text=True)
    assert "不合格" in report and "优秀" not in report  # her colleague's rating stays hidden


def test_round_page_queries_do_not_grow_with_members(
    app, client, auth, world, make_member, count_queries
):
    auth.login("chair")
    _open(client, world, "2026H2")
    round_id = _round(app).id
    url = f"/review/{round_id}"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        make_member(world["village_a"])
    _html, hidden = open_form(client, url)
    client.post(f"/review/{round_id}/refresh", data=hidden)
    with count_queries() as many:
        page = client.get(url)
    assert page.get_data(as_text=True).count('class="review-row"') == 8
    assert many.count == few.count


def test_figures_link_to_the_logs_behind_them(app, client, auth, world, logs, make_log):
    make_log(world["member"], "talk", date(2026, 8, 2), topic="家庭教育", women_count=4)
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    html = client.get(f"/review/{round_id}/members/{member_id}").get_data(as_text=True)
    link = f"/committee/members/{member_id}/logs?duty=talk&amp;period=2026H1"
    assert link in html
    logs_page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "反家暴法" in logs_page and "家庭教育" not in logs_page  # only H1's talks
    assert "一次宣讲" in logs_page and "2026年上半年" in logs_page


def test_home_asks_for_her_report_until_she_submits(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id = _round(app).id
    auth.logout()
    auth.login("member")
    home = client.get("/").get_data(as_text=True)
    assert f'href="/review/{round_id}/report"' in home and "请填写并提交您的述职报告" in home
    _html, hidden = open_form(client, f"/review/{round_id}/report")
    client.post(f"/review/{round_id}/report", data={**hidden, "body": "好", "action": "submit"})
    assert "请填写并提交您的述职报告" not in client.get("/").get_data(as_text=True)
    assert len(_audit(app, "submit")) == 1


def test_review_pages_in_english(app, client, auth, world, logs):
    auth.login("chair")
    client.post(
        "/auth/locale", data={"csrf_token": open_form(client, "/")[1]["csrf_token"], "locale": "en"}
    )
    page = _open(client, world)
    round_id = _round(app).id
    html = client.get(f"/review/{round_id}").get_data(as_text=True)
    assert "Review 2026 H1" in html and "Not rated" in html
    member = client.get(f"/review/{round_id}/members/{world['member'].id}").get_data(as_text=True)
    assert "Votes per grade" in member and "Excellent" in member
    assert page.status_code == 302


def test_the_latest_ended_half_comes_preselected(app, client, auth, world):
    auth.login("chair")
    html = client.get(f"/review/committee/{world['village_a'].id}").get_data(as_text=True)
    assert '<option selected value="2026H1">' in html
    _open(client, world)
    html = client.get(f"/review/committee/{world['village_a'].id}").get_data(as_text=True)
    assert 'value="2026H1"' not in html and '<option selected value="2025H2">' in html


def test_more_rater_lines_keep_what_she_typed(app, client, auth, world):
    auth.login("chair")
    _open(client, world)
    round_id, member_id = _round(app).id, world["member"].id
    url = f"/review/{round_id}/members/{member_id}"
    _html, hidden = open_form(client, url)
    data = {**hidden, "mode": "per_rater", "rows": "4", "r0_rater": "代表甲"}
    page = client.post(url + "/ratings", data={**data, "r0_group": "representative", "more": "1"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="代表甲"' in html and 'name="r9_rater"' in html and 'name="r10_rater"' not in html
    assert _entry(app, member_id).ratings == []  # nothing saved
