"""The member's phone flow through the real app: home, log forms, list, edit, delete."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import AuditEntry, Log
from tests.fixtures.clock import pinned_today
from tests.web.helpers import open_form, submit

# Forms default to today and refuse dates after it: every test here depends on the day.
pytestmark = pytest.mark.dated

VALID = {
    "contact": {"method": "visit", "women_count": "3", "place": "三组", "topic": "走访留守妇女"},
    "talk": {"method": "meeting", "women_count": "25", "topic": "宣讲《反家庭暴力法》"},
    "survey": {"method": "phone", "needs": "希望开办育儿讲座", "women_count": "8"},
    "proposal": {"topic": "增设儿童之家", "proposal_text": "建议在村委会设立儿童之家"},
    "help": {"help_target": "left_behind", "help_kind": "辅导作业、送学习用品"},
    "volunteer": {"volunteer_activity": "敬老院义务理发", "volunteer_hours": "2.5"},
    "record_book": {"notes": "整理本季度联系妇女情况"},
}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Log))


@pytest.fixture
def member(world, auth):
    auth.login("member")
    return world["member"]


@pytest.mark.parametrize("code", list(VALID))
def test_each_duty_logged_through_its_form(app, client, member, code, today):
    response = submit(
        client, f"/logs/new/{code}", {"happened_on": today.isoformat(), **VALID[code]}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    if code != "record_book":  # that one is done by submitting the year's book
        assert "已完成" in home
    with app.app_context():
        log = db.session.scalars(select(Log)).one()
        assert log.duty_type.code == code
        assert log.happened_on == today
        assert log.account_id == member.id


def test_form_shows_only_the_duty_fields_with_defaults(client, member, today):
    html, _ = open_form(client, "/logs/new/volunteer")
    assert 'name="volunteer_activity"' in html
    assert 'name="volunteer_hours"' in html
    assert 'name="needs"' not in html
    assert 'name="proposal_text"' not in html
    assert f'value="{today.isoformat()}"' in html
    html, _ = open_form(client, "/logs/new/contact")
    assert re.search(r'<input checked[^>]*value="visit"', html)  # usual method: visit at first


def test_usual_method_comes_from_her_last_log(client, member, today):
    submit(
        client,
        "/logs/new/contact",
        {"happened_on": today.isoformat(), "method": "phone", "women_count": "1"},
    )
    html, _ = open_form(client, "/logs/new/talk")
    assert re.search(r'<input checked[^>]*value="phone"', html)


def test_home_shows_status_and_days_left(client, member, make_log, today):
    make_log(member, "talk", today)
    html = client.get("/").get_data(as_text=True)
    assert "一次宣讲" in html and "一次联系" in html and "一本记录" in html
    assert "天" in html  # days left in the quarter / half-year
    assert "status-done" in html


def test_home_shows_earlier_missed_periods(client, member, today):
    if today.month <= 3:
        pytest.skip("no earlier quarter in the year on this date")
    html = client.get("/").get_data(as_text=True)
    # Listed once, under 我还欠的 with a link to log it late; not again as a chip further down.
    q1 = f'class="duty owed status-overdue" data-duty="contact" data-period="{today.year}Q1"'
    assert html.count(q1) == 1 and "chip-overdue" not in html


def test_unknown_duty_is_404(client, member):
    assert client.get("/logs/new/nonsense").status_code == 404


# --- validation: the form comes back with everything she typed ------------------------


def _post_contact(client, **changes):
    data = {
        "happened_on": pinned_today().isoformat(),
        "method": "visit",
        "women_count": "3",
        "place": "村口大槐树",
        "topic": "谈心",
        "notes": "一直保留的备注",
    }
    data.update(changes)
    return submit(client, "/logs/new/contact", data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"happened_on": (pinned_today() + timedelta(days=3)).isoformat()}, "happened_on", "未来"),
        ({"happened_on": "2019-12-31"}, "happened_on", "加入"),
        ({"happened_on": ""}, "happened_on", "日期"),
        ({"happened_on": "2026-02-30"}, "happened_on", "日期"),
        ({"women_count": ""}, "women_count", "必填"),
        ({"women_count": "-1"}, "women_count", "负"),
        ({"women_count": "2.5"}, "women_count", "整数"),
        ({"women_count": "abc"}, "women_count", "整数"),
        ({"women_count": "99999"}, "women_count", "5000"),
        ({"method": "telepathy"}, "method", "选项"),
        ({"method": ""}, "method", "必填"),
        ({"place": "长" * 101}, "place", "100"),
    ],
)
def test_validation_keeps_input(app, client, member, changes, field, message):
    response = _post_contact(client, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        f'id="{field}-errors"' in html
        or f'id="{field}-0-errors"' in html
        or (field == "method" and "field-errors" in html)
    )
    assert message in html
    assert "一直保留的备注" in html  # the rest of her input is kept
    assert _count(app) == 0


@pytest.mark.parametrize(
    ("code", "missing"),
    [
        ("talk", "topic"),
        ("survey", "needs"),
        ("proposal", "proposal_text"),
        ("help", "help_target"),
        ("help", "help_kind"),
        ("volunteer", "volunteer_activity"),
        ("record_book", "notes"),
    ],
)
def test_required_fields_by_duty_type(app, client, member, code, missing, today):
    data = {"happened_on": today.isoformat(), **VALID[code]}
    data.pop(missing)
    response = submit(client, f"/logs/new/{code}", data)
    assert response.status_code == 422
    assert f'id="{missing}-errors"' in response.get_data(as_text=True)
    assert _count(app) == 0


def test_volunteer_hours_range(app, client, member, today):
    response = submit(
        client,
        "/logs/new/volunteer",
        {
            "happened_on": today.isoformat(),
            "volunteer_activity": "义诊",
            "volunteer_hours": "500",
        },
    )
    assert response.status_code == 422
    assert _count(app) == 0


# --- double submission -------------------------------------------------------------------


def test_double_submission_creates_one_log(app, client, member, today):
    _html, hidden = open_form(client, "/logs/new/contact")
    data = {
        **hidden,
        "happened_on": today.isoformat(),
        "method": "visit",
        "women_count": "2",
    }
    first = client.post("/logs/new/contact", data=data)
    second = client.post("/logs/new/contact", data=data)  # a second tap / resend
    assert first.status_code == second.status_code == 302
    assert _count(app) == 1
    assert "已经保存" in client.get("/").get_data(as_text=True)


def test_resend_after_a_validation_error_still_one_log(app, client, member, today):
    _html, hidden = open_form(client, "/logs/new/contact")
    bad = {**hidden, "happened_on": "", "method": "visit", "women_count": "2"}
    assert client.post("/logs/new/contact", data=bad).status_code == 422
    good = {**bad, "happened_on": today.isoformat()}
    client.post("/logs/new/contact", data=good)
    client.post("/logs/new/contact", data=good)
    assert _count(app) == 1


# --- list, view, edit, delete ------------------------------------------------------------


def test_list_filters_by_duty_and_period(client, member, make_log, today):
    make_log(member, "contact", today, topic="本期联系")
    make_log(member, "talk", today, topic="本期宣讲")
    make_log(member, "contact", date(today.year - 1, 5, 5), topic="去年联系")
    html = client.get("/logs/").get_data(as_text=True)
    assert "本期联系" in html and "本期宣讲" in html and "去年联系" in html
    html = client.get("/logs/?duty=contact").get_data(as_text=True)
    assert "本期联系" in html and "本期宣讲" not in html and "去年联系" in html
    html = client.get(f"/logs/?period={today.year}").get_data(as_text=True)
    assert "去年联系" not in html and "本期联系" in html
    assert client.get("/logs/?period=garbage&duty=nope").status_code == 200


def test_view_and_edit_proposal_status_later(app, client, member, make_log, today):
    log = make_log(
        member,
        "proposal",
        today,
        topic="建议",
        proposal_text="建一个活动室",
        proposal_status="submitted",
    )
    assert "建一个活动室" in client.get(f"/logs/{log.id}").get_data(as_text=True)
    html, hidden = open_form(client, f"/logs/{log.id}/edit")
    assert "建一个活动室" in html
    response = client.post(
        f"/logs/{log.id}/edit",
        data={
            **hidden,
            "version": "1",
            "happened_on": today.isoformat(),
            "topic": "建议",
            "proposal_text": "建一个活动室",
            "proposal_status": "answered",
            "proposal_answer": "镇妇联已协调场地",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Log, log.id)
        assert saved.proposal_status == "answered"
        assert saved.proposal_answer == "镇妇联已协调场地"
        assert saved.version == 2
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert entry.changes["proposal_status"] == ["submitted", "answered"]


def test_edit_with_stale_version_is_refused(app, client, member, make_log, today):
    log = make_log(member, "contact", today, method="visit", women_count=1)
    _html, hidden = open_form(client, f"/logs/{log.id}/edit")
    response = client.post(
        f"/logs/{log.id}/edit",
        data={
            **hidden,
            "version": "7",
            "happened_on": today.isoformat(),
            "method": "visit",
            "women_count": "9",
        },
    )
    assert response.status_code == 422
    assert "已在别处修改" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Log, log.id).women_count == 1


def test_delete_is_soft_and_audited(app, client, member, make_log, today):
    log = make_log(member, "contact", today, topic="要删除的")
    html, hidden = open_form(client, f"/logs/{log.id}")
    assert client.post(f"/logs/{log.id}/delete", data=hidden).status_code == 302
    assert "要删除的" not in client.get("/logs/").get_data(as_text=True)
    assert client.get(f"/logs/{log.id}").status_code == 404
    with app.app_context():
        saved = db.session.get(Log, log.id)
        assert saved.deleted_at is not None and saved.deleted_by_id == member.id
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()


def test_delete_without_csrf_is_refused(app, client, member, make_log, today):
    log = make_log(member, "contact", today)
    assert client.post(f"/logs/{log.id}/delete").status_code == 400
    with app.app_context():
        assert db.session.get(Log, log.id).deleted_at is None


def test_log_list_query_count_does_not_grow(client, member, make_log, count_queries, today):
    for i in range(3):
        make_log(member, "contact", today - timedelta(days=i))
    with count_queries() as few:
        client.get("/logs/")
    for i in range(20):
        make_log(member, "talk", today - timedelta(days=i), topic=f"t{i}")
    with count_queries() as many:
        client.get("/logs/")
    assert many.count == few.count


def test_home_query_count_does_not_grow(client, member, make_log, count_queries, today):
    make_log(member, "contact", today)
    with count_queries() as few:
        client.get("/")
    for i in range(25):
        make_log(member, "talk", today - timedelta(days=i))
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_record_book_entries_do_not_complete_the_book_duty(client, member, make_log, today):
    make_log(member, "record_book", today, notes="整理记录")
    html = client.get("/").get_data(as_text=True)
    book = html[html.index("一本记录") :]
    assert "status-done" not in html[html.rindex("<li", 0, html.index("一本记录")) :][:400]
    assert "尚未完成" in book[:300] or "即将到期" in book[:300]


def test_form_date_can_be_prefilled_for_a_late_entry(client, member, today):
    earlier = (today - timedelta(days=60)).isoformat()  # in an earlier quarter
    html, _ = open_form(client, f"/logs/new/contact?on={earlier}")
    assert f'value="{earlier}"' in html
    for bad in ("2999-01-01", "garbage"):
        html, _ = open_form(client, f"/logs/new/contact?on={bad}")
        assert f'value="{today.isoformat()}"' in html


def test_home_lists_each_duty_once_and_the_book_card_says_where_it_goes(client, member, today):
    html = client.get("/").get_data(as_text=True)
    # This period's form of each duty is linked once: under 我还欠的 or in the rest, not both.
    for code in ("contact", "talk", "survey", "proposal", "help", "volunteer"):
        assert html.count(f'href="/logs/new/{code}"') == 1, code
    # The year grid is folded under its heading, not a third list on the first screen.
    assert '<details class="year-details">' in html
    # The record-book card opens the record book, and says so.
    book = html[html.index(f'href="/books/mine?year={today.year}"') :]
    assert book.index("去记录册") < book.index("</a>")
    assert "记一笔" not in book[: book.index("</a>")]


def test_log_form_query_count_does_not_grow(client, member, make_log, count_queries, today):
    """The log form reads her account, the duty and her usual method: a few queries, however
    many logs she has."""
    make_log(member, "contact", today)
    with count_queries() as few:
        assert client.get("/logs/new/contact").status_code == 200
    for i in range(25):
        make_log(member, "contact", today - timedelta(days=i), method="phone")
    with count_queries() as many:
        assert client.get("/logs/new/contact").status_code == 200
    assert many.count == few.count
    assert few.count <= FORM_QUERIES, few.statements


FORM_QUERIES = 5  # account (with its memberships and grants), the duty, her usual method
