"""Excellent-executive candidates and exit flags: built from closed rounds and meetings,
shown to chairs (their committee) and admins (their subtree), with the evidence."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.extensions import db
from fieldlog.models import Attendance, Meeting, ReviewEntry, ReviewRound
from tests.conftest import AuthActions
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")


def _round(app, org, half, results, status="closed", completion=None):
    """A round of ``half`` with ``results`` {account: grade}; completion {account: %}."""
    completion = completion or {}
    with app.app_context():
        round_ = ReviewRound(
            organisation_id=org.id,
            half=half,
            status=status,
            rule={},
            figures_as_of=date(2026, 1, 5),
            opened_by_id=next(iter(results)).id,
        )
        for account, grade in results.items():
            totals = {
                "owed": 10,
                "done": 9,
                "overdue": 1,
                "open": 0,
                "excused": 0,
                "late": 0,
                "logs": 9,
            }
            round_.entries.append(
                ReviewEntry(
                    account_id=account.id,
                    computed_grade=grade,
                    figures={
                        "totals": totals,
                        "completion": completion.get(account, 90),
                        "duties": [],
                    },
                )
            )
        db.session.add(round_)
        db.session.commit()


def _meetings(app, org, chair, rows):
    """Meetings of ``org``: each row is (day, {account: status})."""
    with app.app_context():
        for day, statuses in rows:
            db.session.add(
                Meeting(
                    organisation_id=org.id,
                    held_on=day,
                    kind="committee",
                    created_by_id=chair.id,
                    attendance=[Attendance(account_id=a.id, status=s) for a, s in statuses.items()],
                )
            )
        db.session.commit()


def test_candidates_ranked_by_result_then_completion(app, client, auth, world):
    m, o, c = world["member"], world["other_member"], world["chair"]
    _round(
        app,
        world["village_a"],
        "2025H2",
        {m: "qualified", o: "excellent", c: "excellent"},
        completion={m: 100, o: 80, c: 95},
    )
    _round(app, world["village_b"], "2025H2", {world["other_chair"]: "excellent"})
    auth.login("chair")
    html = client.get("/review/excellent?year=2025").get_data(as_text=True)
    _check(html)
    names = [n for n in ("张敏", "李娜", "王芳") if n in html]
    assert names == ["张敏", "李娜", "王芳"]
    assert html.index("张敏") < html.index("李娜") < html.index("王芳")
    assert "赵丽" not in html  # another village
    auth.logout()
    auth.login("admin")
    assert "张敏" in client.get("/review/excellent?year=2025").get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("admin_b")
    page = other.get("/review/excellent?year=2025").get_data(as_text=True)
    assert "赵丽" in page and "张敏" not in page


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        ({"2024H2": "closed", "2025H2": "closed"}, "2025"),
        ({"2024H2": "closed", "2025H2": "open"}, "2024"),  # this year's is still running
        ({"2025H1": "closed"}, "2025"),  # no year-end review yet: last year
        ({}, "2025"),
    ],
)
def test_the_list_opens_on_the_last_closed_year_end_review(
    app, client, auth, world, closed, expected
):
    for half, status in closed.items():
        _round(app, world["village_a"], half, {world["member"]: "excellent"}, status=status)
    _round(app, world["village_b"], "2026H2", {world["other_chair"]: "excellent"})  # not hers
    auth.login("chair")
    html = client.get("/review/excellent").get_data(as_text=True)
    assert f'aria-current="page">{expected}</a>' in html.replace("\n", "")


def test_unqualified_or_basic_are_not_candidates(app, client, auth, world):
    _round(
        app,
        world["village_a"],
        "2025H2",
        {world["member"]: "basic", world["other_member"]: "unqualified"},
    )
    auth.login("chair")
    html = client.get("/review/excellent?year=2025").get_data(as_text=True)
    assert "王芳" not in html and "李娜" not in html and "2025年还没有年终评议结果" in html


def test_exit_flags_two_unqualified_years(app, client, auth, world):
    m, o = world["member"], world["other_member"]
    _round(app, world["village_a"], "2024H2", {m: "unqualified", o: "unqualified"})
    _round(app, world["village_a"], "2025H2", {m: "unqualified", o: "qualified"})
    _round(app, world["village_a"], "2025H1", {o: "unqualified"})  # mid-year does not count
    auth.login("chair")
    html = client.get("/review/exit-flags").get_data(as_text=True)
    _check(html)
    assert "王芳" in html and "2024、2025" in html
    assert "李娜" not in html


def test_open_rounds_do_not_flag(app, client, auth, world):
    m = world["member"]
    _round(app, world["village_a"], "2024H2", {m: "unqualified"})
    _round(app, world["village_a"], "2025H2", {m: "unqualified"}, status="open")
    auth.login("chair")
    assert "王芳" not in client.get("/review/exit-flags").get_data(as_text=True)


def test_exit_flags_three_meetings_missed_in_a_row(app, client, auth, world):
    m, o, c = world["member"], world["other_member"], world["chair"]
    days = [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    _meetings(
        app,
        world["village_a"],
        c,
        [
            (days[0], {m: "absent", o: "absent"}),
            (days[1], {m: "absent", o: "excused"}),
            (days[2], {m: "absent", o: "absent"}),
            (days[3], {m: "present", o: "absent"}),
        ],
    )
    auth.login("chair")
    html = client.get("/review/exit-flags").get_data(as_text=True)
    assert "王芳" in html and "连续无故缺席 3 次会议" in html and "2026-03-01" in html
    assert "李娜" not in html  # an excused absence breaks the run


def test_former_members_are_not_flagged(app, client, auth, world, make_member):
    gone = make_member(
        world["village_a"], joined_on=date(2020, 1, 1), left_on=date(2026, 1, 31), name="孙霞"
    )
    _round(app, world["village_a"], "2024H2", {gone: "unqualified"})
    _round(app, world["village_a"], "2025H2", {gone: "unqualified"})
    auth.login("chair")
    assert "孙霞" not in client.get("/review/exit-flags").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/review/excellent", "/review/exit-flags"])
def test_members_cannot_read_the_lists(client, auth, world, url):
    auth.login("member")
    assert client.get(url).status_code == 403
    auth.logout()
    assert client.get(url).status_code == 302
