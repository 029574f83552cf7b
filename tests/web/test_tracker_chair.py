"""The chair's tracker pages through the client: grid, a member's year, overdue list,
excusing and taking back, the WeChat reminder, access and query counts.

Statuses depend on today's date, so the committee is built around the quarter before
today's (always ended: its quarterly duties are done or overdue) and today's quarter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from fieldlog.catalogue import SEVEN_ONES
from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, DutyType, Excusal
from fieldlog.periods import Cadence, period_of
from fieldlog.timeutil import now_utc
from fieldlog.tracker import excusals
from tests.conftest import csrf_from
from tests.fixtures.clock import pinned_today
from tests.web.test_html import _check

pytestmark = pytest.mark.dated  # built around the pinned day
TODAY = pinned_today()
NOW_Q = period_of(TODAY, Cadence.QUARTER)
PAST_Q = NOW_Q.previous()
# 郑洁's last day: early this quarter, but before today (on a quarter's first day, the last
# quarter's end: her term is inclusive of it, so leaving "today" would keep her a member).
GONE_ON = NOW_Q.start if TODAY > NOW_Q.start else PAST_Q.end
NOW_Q_ROWS = 5 if GONE_ON >= NOW_Q.start else 4  # the grid of this quarter: 郑洁 while she served
DUTIES = ["contact", "talk", "survey", "proposal", "help", "volunteer", "record_book"]
# What a member who did nothing owes at the end of last quarter: its quarterly duties, and
# the half-year's and the year's too when that quarter ended them.
OVERDUE_AFTER_PAST_Q = [
    row["name_zh"]
    for row in SEVEN_ONES
    if period_of(PAST_Q.end, Cadence(row["cadence"])).end == PAST_Q.end
]
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL_RE = re.compile(r'class="cg-cell status-(\w+)"')


def _grid_url(world, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/tracker/committee/{world['village_a'].id}" + (f"?{query}" if query else "")


def _rows(html: str) -> dict[str, str]:
    """Table rows of the page by the member name they start with."""
    rows = {}
    for body in ROW_RE.findall(html):
        name = re.search(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', body)
        if name:
            rows[name.group(1)] = body
    return rows


def _statuses(html: str, name: str) -> dict[str, str]:
    return dict(zip(DUTIES, CELL_RE.findall(_rows(html)[name]), strict=True))


def _order(html: str) -> list[str]:
    return list(_rows(html))


def _excuse(app, chair, member, code, period, reason="住院治疗"):
    with app.test_request_context():
        actor = db.session.get(Account, chair.id)
        duty = db.session.scalars(select(DutyType).filter_by(code=code)).one()
        excusal = excusals.excuse(actor, db.session.get(Account, member.id), duty, period, reason)
        db.session.commit()
        return excusal.id


@pytest.fixture
def committee(app, world, make_member, make_account, make_log):
    """甲村: 王芳 did contact and (late) talk last quarter, 李娜 nothing, 张敏's talk is
    excused (by the vice chair: nobody excuses herself), 吴敏 joined ten days before last
    quarter ended, 郑洁 left early this quarter (GONE_ON)."""
    day = PAST_Q.start + timedelta(days=5)
    make_log(world["member"], "contact", day, created_at=datetime.combine(day, time(12), UTC))
    make_log(world["member"], "talk", PAST_Q.end, created_at=now_utc())  # entered later: late
    joiner = make_member(
        world["village_a"], joined_on=PAST_Q.end - timedelta(days=10), username="j", name="吴敏"
    )
    gone = make_member(
        world["village_a"],
        joined_on=PAST_Q.start - timedelta(days=400),
        left_on=GONE_ON,
        username="gone",
        name="郑洁",
    )
    vice = make_account(world["village_a"], username="vice", name="孙悦", roles=("vice_chair",))
    excusal_id = _excuse(app, vice, world["chair"], "talk", PAST_Q)
    return {**world, "joiner": joiner, "gone": gone, "excusal_id": excusal_id}


# --- the grid --------------------------------------------------------------------------


def test_grid_shows_each_status_by_icon_and_text(client, auth, committee):
    auth.login("chair")
    response = client.get(_grid_url(committee, quarter=PAST_Q.code))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    assert _statuses(html, "王芳")["contact"] == "done"
    assert _statuses(html, "王芳")["talk"] == "done"
    assert _statuses(html, "李娜")["contact"] == "overdue"
    assert _statuses(html, "李娜")["talk"] == "overdue"
    assert _statuses(html, "张敏")["talk"] == "excused"
    assert _statuses(html, "张敏")["contact"] == "overdue"
    assert _statuses(html, "吴敏")["contact"] == "not_owed"
    # The late talk carries the late mark; the contact entered on time does not.
    cells = re.findall(r'<td class="cg-cell[^>]*>(.*?)</td>', _rows(html)["王芳"], re.S)
    assert "cg-late" in cells[1] and "cg-late" not in cells[0]
    # Every cell has an icon and a text, not colour alone.
    for body in _rows(html).values():
        assert body.count('class="cg-icon"') == body.count('class="cg-text"') == len(DUTIES)
    assert "已完成" in html and "已免除" in html  # existing labels, already in Chinese
    assert f'<option selected value="{PAST_Q.code}">' in html


def test_grid_sorts_most_overdue_first_and_links_each_member(client, auth, committee):
    auth.login("chair")
    html = client.get(_grid_url(committee, quarter=PAST_Q.code)).get_data(as_text=True)
    order = _order(html)
    assert order.index("李娜") < order.index("张敏") < order.index("王芳")
    link = f"/tracker/committee/{committee['village_a'].id}/members/{committee['member'].id}"
    assert f'href="{link}?year={PAST_Q.year}"' in html


def test_current_quarter_is_the_default(client, auth, committee):
    auth.login("chair")
    html = client.get(_grid_url(committee)).get_data(as_text=True)
    assert f'<option selected value="{NOW_Q.code}">' in html
    assert _statuses(html, "李娜")["contact"] in ("open", "due_soon")
    if GONE_ON >= NOW_Q.start:
        assert 'class="cgrid-left"' in _rows(html)["郑洁"]  # marked as no longer a member
    else:
        assert "郑洁" not in _rows(html)  # she left with the last quarter
    assert 'class="cgrid-left"' not in _rows(html)["李娜"]


@pytest.mark.parametrize("bad", ["2031Q1", "nonsense", "2026H1", ""])
def test_a_bad_or_future_quarter_falls_back_to_the_current_one(client, auth, committee, bad):
    auth.login("chair")
    response = client.get(_grid_url(committee, quarter=bad))
    assert response.status_code == 200
    assert f'<option selected value="{NOW_Q.code}">' in response.get_data(as_text=True)


def test_duty_filter_narrows_columns_and_status_filter_narrows_members(client, auth, committee):
    auth.login("chair")
    url = _grid_url(committee, quarter=PAST_Q.code, duty="contact", status="overdue")
    html = client.get(url).get_data(as_text=True)
    assert html.count('<th scope="col"') == 2  # the member column and 联系
    assert set(_rows(html)) == {"李娜", "张敏", "郑洁"}  # 郑洁 left after that quarter
    html = client.get(_grid_url(committee, quarter=PAST_Q.code, duty="talk", status="done"))
    assert set(_rows(html.get_data(as_text=True))) == {"王芳"}
    html = client.get(_grid_url(committee, quarter=PAST_Q.code, status="excused"))
    assert set(_rows(html.get_data(as_text=True))) == {"张敏"}
    html = client.get(_grid_url(committee, quarter=PAST_Q.code, status="not_owed", duty="contact"))
    assert "吴敏" in _rows(html.get_data(as_text=True))


def test_unknown_filter_values_are_ignored(client, auth, committee):
    auth.login("chair")
    html = client.get(_grid_url(committee, duty="nope", status="bad")).get_data(as_text=True)
    assert html.count('<th scope="col"') == 1 + len(DUTIES)
    assert len(_rows(html)) == NOW_Q_ROWS


def test_no_match_says_so(client, auth, committee):
    auth.login("chair")
    url = _grid_url(committee, quarter=PAST_Q.code, duty="contact", status="excused")
    html = client.get(url).get_data(as_text=True)
    assert _rows(html) == {} and 'class="notice"' in html


# --- WeChat reminder ------------------------------------------------------------------


def _reminder(html: str) -> str:
    match = re.search(r'<textarea id="wechat-text"[^>]*readonly[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no reminder on the page"
    return match.group(1).strip()


def test_reminder_lists_current_members_and_what_they_owe(client, auth, committee):
    auth.login("chair")
    text = _reminder(client.get(_grid_url(committee, quarter=PAST_Q.code)).get_data(as_text=True))
    assert text.startswith(f"【甲村妇联】温馨提醒：{PAST_Q.label('zh')}已于")
    lines = dict(line.split("：", 1) for line in text.splitlines()[1:-1])
    assert lines["李娜"].startswith("、".join(OVERDUE_AFTER_PAST_Q) + "（已逾期）")
    assert "一次宣讲" not in lines["张敏"]  # excused
    assert "一次联系" not in lines["王芳"] and "一次宣讲" not in lines["王芳"]  # done
    assert "郑洁" not in text  # no longer on the committee
    assert text.endswith("请抓紧完成并在执委履职记中登记。谢谢！")


def test_reminder_for_the_current_quarter_names_its_end(client, auth, committee):
    auth.login("chair")
    text = _reminder(client.get(_grid_url(committee)).get_data(as_text=True))
    end = f"{NOW_Q.end.month}月{NOW_Q.end.day}日"
    assert f"{NOW_Q.label('zh')}将于{end}结束" in text
    assert "吴敏" in text and "一次联系" in text


def test_admin_reads_the_grid_without_reminder_or_excuse_links(client, auth, committee):
    auth.login("admin")
    response = client.get(_grid_url(committee, quarter=PAST_Q.code))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "wechat-text" not in html and "/tracker/excuse" not in html
    assert _statuses(html, "李娜")["contact"] == "overdue"


# --- access ---------------------------------------------------------------------------


def _pages(world) -> list[str]:
    org, member = world["village_a"].id, world["member"].id
    return [
        f"/tracker/committee/{org}",
        f"/tracker/committee/{org}/members/{member}",
        f"/tracker/committee/{org}/overdue",
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("other_chair", 403), ("other_admin", 403), ("chair", 200), ("admin", 200)],
)
def test_access_to_the_chair_pages(client, auth, world, who, status):
    auth.login(world[who].username)
    for page in _pages(world):
        assert client.get(page).status_code == status, page


def test_pages_need_a_login(client, world):
    for page in _pages(world):
        response = client.get(page)
        assert response.status_code == 302 and "/auth/login" in response.location


def test_unknown_committee_or_a_member_of_another_one(client, auth, world):
    auth.login("chair")
    assert client.get("/tracker/committee/99999").status_code == 404
    other = f"/tracker/committee/{world['village_a'].id}/members/{world['member_a2'].id}"
    assert client.get(other).status_code == 404
    assert (
        client.get(f"/tracker/committee/{world['village_a'].id}/members/99999").status_code == 404
    )


# --- a member's year --------------------------------------------------------------------


def _year_url(world, member="other_member", year=PAST_Q.year) -> str:
    return f"/tracker/committee/{world['village_a'].id}/members/{world[member].id}?year={year}"


def test_member_year_grid_with_excuse_links_for_the_chair(client, auth, committee):
    auth.login("chair")
    response = client.get(_year_url(committee))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    assert html.count('class="cg-cell') >= 4 + 4 + 2 + 2 + 1 + 1 + 1
    excuse = f"/tracker/excuse?member={committee['other_member'].id}&amp;duty=contact"
    assert f"{excuse}&amp;period={PAST_Q.code}" in html


def test_member_year_shows_the_reason_of_an_excusal(client, auth, committee):
    auth.login("chair")  # her own excusal: she reads why, but cannot take it back herself
    html = client.get(_year_url(committee, "chair")).get_data(as_text=True)
    assert "住院治疗" in html
    assert f"/tracker/excusals/{committee['excusal_id']}/revoke" not in html
    auth.logout()
    auth.login("vice")
    html = client.get(_year_url(committee, "chair")).get_data(as_text=True)
    assert "住院治疗" in html
    assert f"/tracker/excusals/{committee['excusal_id']}/revoke" in html
    auth.logout()
    auth.login("admin")
    html = client.get(_year_url(committee, "chair")).get_data(as_text=True)
    assert "住院治疗" in html
    assert "/revoke" not in html and "/tracker/excuse" not in html


@pytest.mark.parametrize("year", ["1999", "3000", "x"])
def test_member_year_falls_back_to_this_year(client, auth, committee, year):
    auth.login("chair")
    url = f"/tracker/committee/{committee['village_a'].id}/members/{committee['member'].id}"
    response = client.get(f"{url}?year={year}")
    assert response.status_code == 200
    assert f"{TODAY.year}" in response.get_data(as_text=True)


# --- overdue list -----------------------------------------------------------------------


def _overdue_url(world, year=PAST_Q.year) -> str:
    return f"/tracker/committee/{world['village_a'].id}/overdue?year={year}"


def _overdue_items(html: str) -> dict[str, list[tuple[str, str, str]]]:
    """``{member: [(duty, period label, deadline), ...]}`` from the overdue page."""
    items = {}
    for section in re.findall(r'<section class="card overdue-member">(.*?)</section>', html, re.S):
        name = re.search(r"<a [^>]*>([^<]+)</a>", section).group(1)
        rows = re.findall(r'<li class="due-row[^"]*">(.*?)</li>', section, re.S)
        items[name] = [
            (
                re.search(r"<strong>([^<]+)</strong>", r).group(1),
                re.search(r"class=\"due-period\">([^<]+)</span>", r).group(1).strip(),
                re.search(r"\d{4}-\d{2}-\d{2}", r).group(0),
            )
            for r in rows
        ]
    return items


def test_overdue_list_names_member_duty_period_and_deadline(client, auth, committee):
    auth.login("chair")
    response = client.get(_overdue_url(committee))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    items = _overdue_items(html)
    past = (PAST_Q.label("zh"), PAST_Q.end.isoformat())
    assert ("一次联系", *past) in items["李娜"] and ("一次宣讲", *past) in items["李娜"]
    assert ("一次联系", *past) in items["张敏"]
    assert ("一次宣讲", *past) not in items["张敏"]  # excused
    assert ("一次联系", *past) not in items.get("王芳", [])  # done
    assert ("一次联系", *past) not in items.get("吴敏", [])  # not owed
    assert len(items["李娜"]) >= len(items["张敏"])  # most overdue first
    assert list(items).index("李娜") < list(items).index("张敏")
    assert html.count("/tracker/excuse?") == sum(len(v) for v in items.values())


def test_overdue_list_for_admin_has_no_excuse_buttons(client, auth, committee):
    auth.login("admin")
    html = client.get(_overdue_url(committee)).get_data(as_text=True)
    assert "李娜" in html and "/tracker/excuse" not in html


# --- excusing ---------------------------------------------------------------------------


def _excuse_url(world, member="other_member", duty="contact", period=PAST_Q.code, nxt=None):
    url = f"/tracker/excuse?member={world[member].id}&duty={duty}&period={period}"
    return url + (f"&next={quote(nxt, safe='')}" if nxt else "")


def _post_excuse(client, url, **data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _excusals(app, member_id):
    with app.app_context():
        return list(db.session.scalars(select(Excusal).where(Excusal.account_id == member_id)))


def _audit(app, action):
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.entity == "excusal")
        return [e for e in db.session.scalars(query) if e.action == action]


def test_excuse_with_a_suggested_reason_then_take_it_back(app, client, auth, committee):
    auth.login("chair")
    back = _grid_url(committee, quarter=PAST_Q.code)
    url = _excuse_url(committee, nxt=back)
    html = client.get(url).get_data(as_text=True)
    _check(html)
    preset = re.findall(r'name="preset" type="radio" value="([^"]+)"', html)[0]
    response = _post_excuse(client, url, preset=preset)
    assert response.status_code == 302 and response.location == back
    page = client.get(back).get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    assert _statuses(page, "李娜")["contact"] == "excused"
    (excusal,) = _excusals(app, committee["other_member"].id)
    assert excusal.reason == preset and excusal.period_code == PAST_Q.code
    assert len(_audit(app, "create")) == 2  # the fixture's and this one

    year_page = client.get(_year_url(committee)).get_data(as_text=True)
    assert preset in year_page
    token = csrf_from(year_page)
    revoke = f"/tracker/excusals/{excusal.id}/revoke"
    response = client.post(revoke, data={"csrf_token": token, "next": back})
    assert response.status_code == 302 and response.location == back
    assert _statuses(client.get(back).get_data(as_text=True), "李娜")["contact"] == "overdue"
    assert _excusals(app, committee["other_member"].id)[0].revoked_at is not None
    assert len(_audit(app, "delete")) == 1
    response = client.post(revoke, data={"csrf_token": token})  # twice: refused, said so
    assert response.status_code == 302
    assert "flash-error" in client.get(response.location).get_data(as_text=True)
    assert len(_audit(app, "delete")) == 1


def test_her_own_words_win_and_the_default_return_is_her_year(app, client, auth, committee):
    auth.login("chair")
    response = _post_excuse(client, _excuse_url(committee), reason="  在外地照顾孙子  ")
    assert response.status_code == 302
    assert response.location == _year_url(committee)
    assert _excusals(app, committee["other_member"].id)[0].reason == "在外地照顾孙子"


@pytest.mark.parametrize("nxt", ["//evil.example/x", "https://evil.example/"])
def test_an_unsafe_next_is_ignored(client, auth, committee, nxt):
    auth.login("chair")
    response = _post_excuse(client, _excuse_url(committee, nxt=nxt), reason="病假")
    assert response.status_code == 302 and response.location == _year_url(committee)


def test_a_missing_reason_is_refused_on_the_form(app, client, auth, committee):
    auth.login("chair")
    response = _post_excuse(client, _excuse_url(committee), reason="   ")
    assert response.status_code == 422
    assert 'class="field-errors"' in response.get_data(as_text=True)
    assert _excusals(app, committee["other_member"].id) == []


def test_a_too_long_reason_is_refused_and_kept(app, client, auth, committee):
    auth.login("chair")
    long = "住" * 201
    response = _post_excuse(client, _excuse_url(committee), reason=long)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-errors"' in html and f'value="{long}"' in html
    assert _excusals(app, committee["other_member"].id) == []


@pytest.mark.parametrize(
    ("duty", "period", "status"),
    [("survey", PAST_Q.code, 400), ("contact", "2026X9", 400), ("nope", PAST_Q.code, 404)],
)
def test_a_wrong_obligation_is_refused(app, client, auth, committee, duty, period, status):
    auth.login("chair")
    url = _excuse_url(committee, duty=duty, period=period)
    assert client.get(url).status_code == status
    token = csrf_from(client.get(_year_url(committee)).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "reason": "病假"}).status_code == status
    assert _excusals(app, committee["other_member"].id) == []


@pytest.mark.parametrize("who", ["admin", "other_chair", "member"])
def test_only_her_chair_excuses(app, client, auth, committee, who):
    auth.login(committee[who].username)
    url = _excuse_url(committee)
    assert client.get(url).status_code == 403
    page = "/auth/account"
    token = csrf_from(client.get(page).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "reason": "病假"}).status_code == 403
    revoke = f"/tracker/excusals/{committee['excusal_id']}/revoke"
    assert client.post(revoke, data={"csrf_token": token}).status_code == 403
    assert _excusals(app, committee["other_member"].id) == []
    assert _audit(app, "delete") == []


def test_revoke_needs_the_csrf_token(app, client, auth, committee):
    auth.login("chair")
    revoke = f"/tracker/excusals/{committee['excusal_id']}/revoke"
    assert client.post(revoke).status_code == 400
    assert _audit(app, "delete") == []
    assert client.post("/tracker/excusals/99999/revoke").status_code in (400, 404)


@pytest.mark.parametrize(
    ("reader", "member", "duty", "notice"),
    [
        ("vice", "chair", "talk", "excused"),
        ("chair", "member", "contact", "done"),
        ("chair", "joiner", "contact", "owed"),
    ],
)
def test_nothing_to_excuse_shows_why_and_refuses(
    app, client, auth, committee, reader, member, duty, notice
):
    auth.login(reader)
    url = _excuse_url(committee, member=member, duty=duty)
    html = client.get(url).get_data(as_text=True)
    assert 'name="reason"' not in html and 'class="notice"' in html
    token = csrf_from(client.get(_year_url(committee)).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "reason": "病假"}).status_code == 409
    assert len(_audit(app, "create")) == 1  # only the fixture's


def test_a_chair_cannot_open_the_excuse_page_for_herself(client, auth, committee):
    auth.login("chair")
    assert client.get(_excuse_url(committee, member="chair", duty="talk")).status_code == 403


# --- queries --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["grid", "overdue"])
def test_query_count_does_not_grow_with_members(
    client, auth, world, make_member, make_log, count_queries, page
):
    auth.login("chair")
    url = _grid_url(world) if page == "grid" else _overdue_url(world, TODAY.year)
    client.get(url)  # warm up: first-request work is not the page's
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        extra = make_member(world["village_a"], username=f"extra{i}")
        make_log(extra, "contact", PAST_Q.start + timedelta(days=i))
        make_log(extra, "talk", TODAY)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert 0 < many.count == few.count, many.statements
    if page == "grid":
        assert len(_rows(html)) == 11


def test_period_ends_group_the_quarter_view_by_deadline():
    from fieldlog.periods import parse_period
    from fieldlog.tracker.chair_data import period_ends

    q3 = [parse_period(c) for c in ("2026Q3", "2026H2", "2026")]
    assert period_ends(q3, "zh") == [
        ("2026年第3季度", q3[0].end),
        ("2026年下半年、2026年度", q3[2].end),
    ]
    q4 = [parse_period(c) for c in ("2026Q4", "2026H2", "2026")]
    assert period_ends(q4, "en") == [("2026 Q4, 2026 H2, 2026", q4[0].end)]
