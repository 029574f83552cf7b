"""The member's tracker through the real app: what she owes, her year grid, her calendar feed.

The clock is frozen at 20 September 2026 (Shanghai): Q1, Q2 and H1 have ended, Q3 ends in
11 days (due soon), H2 and the year are open, Q4 is upcoming.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import html5lib
import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, DutyType
from fieldlog.tracker.calendar import CRLF, unfold
from tests.conftest import csrf_from
from tests.fixtures.clock import at_noonish
from tests.ical import vevents

_at = at_noonish


@pytest.fixture
def year_data(app, frozen, world, make_log, make_excusal):
    """Her 2026: done, recorded late, missed, excused and pending obligations."""
    member = world["member"]
    for duty, day, entered in [
        ("contact", date(2026, 2, 3), date(2026, 2, 3)),  # Q1 done
        ("talk", date(2026, 6, 10), date(2026, 7, 5)),  # Q2 done, recorded late
        ("proposal", date(2026, 5, 5), date(2026, 5, 5)),  # H1 done
    ]:
        make_log(member, duty, day, created_at=_at(entered), women_names="李大姐", notes="私事")
    make_excusal(member, "talk", "2026Q1", by=world["chair"])
    return world


@pytest.fixture
def member(auth, year_data):
    auth.login("member")
    return year_data["member"]


def _valid(html: str) -> None:
    html5lib.HTMLParser(strict=True).parse(html)
    assert '="None"' not in html


# --- home: what she owes, her year --------------------------------------------------------

OWED_RE = re.compile(r'<li class="duty owed status-(\w+)" data-duty="(\w+)" data-period="(\w+)">')
CELL_RE = re.compile(
    r'<td colspan="(\d)" class="yr yr-(\w+)[^"]*" data-duty="(\w+)" data-period="(\w+)">'
)


def test_owed_list_overdue_first_then_by_deadline(client, member):
    html = client.get("/").get_data(as_text=True)
    owed = OWED_RE.findall(html)
    assert owed == [
        ("overdue", "contact", "2026Q2"),
        ("overdue", "survey", "2026H1"),
        ("due_soon", "contact", "2026Q3"),
        ("due_soon", "talk", "2026Q3"),
        ("open", "help", "2026"),
        ("open", "proposal", "2026H2"),
        ("open", "record_book", "2026"),
        ("open", "survey", "2026H2"),
        ("open", "volunteer", "2026"),
    ]
    first = html[html.index('data-period="2026Q2"') :]
    # one tap to the form, dated inside the missed period
    assert 'href="/logs/new/contact?on=2026-06-30"' in first[:300]
    assert "2026-06-30" in first[:900]  # its deadline
    due_soon = html[html.index('data-duty="talk" data-period="2026Q3"') :]
    assert "2026-09-30" in due_soon[:900] and "11" in due_soon[:900]  # deadline, days left
    _valid(html)


def test_year_grid_shows_each_period_by_icon_and_text(client, member):
    html = client.get("/").get_data(as_text=True)
    cells = {(duty, period): (span, status) for span, status, duty, period in CELL_RE.findall(html)}
    assert cells[("contact", "2026Q1")] == ("1", "done")
    assert cells[("contact", "2026Q2")] == ("1", "overdue")
    assert cells[("contact", "2026Q3")] == ("1", "due_soon")
    assert cells[("contact", "2026Q4")] == ("1", "upcoming")
    assert cells[("talk", "2026Q1")] == ("1", "excused")
    assert cells[("talk", "2026Q2")] == ("1", "done")
    assert cells[("survey", "2026H1")] == ("2", "overdue")  # a half spans two quarters
    assert cells[("proposal", "2026H1")] == ("2", "done")
    assert cells[("help", "2026")] == ("4", "open")  # the year spans all four
    assert len(cells) == 2 * 4 + 2 * 2 + 3
    # Icon and words, not colour alone: the status labels that already exist in Chinese.
    grid = html[html.index('class="year-grid"') :]
    for word in ("已完成", "未完成", "已免除", "即将到期", "尚未完成", "未开始"):
        assert word in grid
    for icon in ("✓", "✗", "–", "!", "○"):
        assert icon in grid
    late = grid[grid.index('data-duty="talk" data-period="2026Q2"') :][:400]
    assert "yr-late" in late  # recorded after the quarter ended
    assert "yr-now" in grid[grid.index('data-duty="contact" data-period="2026Q3"') - 150 :][:200]


def test_home_query_count_is_constant(client, member, make_log, count_queries):
    with count_queries() as few:
        client.get("/")
    for i in range(30):
        day = date(2026, 1, 5) + timedelta(days=8 * i)
        make_log(member, ("contact", "talk", "survey", "help")[i % 4], day, created_at=_at(day))
    with count_queries() as many:
        html = client.get("/").get_data(as_text=True)
    assert many.count == few.count
    assert "yr-done" in html


def test_home_links_to_the_calendar_page(client, member):
    assert 'href="/tracker/calendar"' in client.get("/").get_data(as_text=True)
    assert 'href="/tracker/calendar"' in client.get("/auth/account").get_data(as_text=True)


# --- calendar page ----------------------------------------------------------------------

URL_RE = re.compile(r'id="feed-url" class="credential" readonly value="([^"]+)"')
WEBCAL_RE = re.compile(r'id="feed-webcal" href="([^"]+)"')


def _turn_on(client) -> str:
    """Press the button on the calendar page; returns the https/http feed URL shown."""
    page = client.get("/tracker/calendar").get_data(as_text=True)
    response = client.post("/tracker/calendar/reset", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tracker/calendar"
    html = client.get("/tracker/calendar").get_data(as_text=True)
    return URL_RE.search(html).group(1)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_calendar_page_when_off_offers_to_turn_on(client, member):
    response = client.get("/tracker/calendar")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'action="/tracker/calendar/reset"' in html
    assert "feed-url" not in html and "webcal://" not in html
    _valid(html)


def test_turning_on_shows_both_urls(app, client, member):
    url = _turn_on(client)
    html = client.get("/tracker/calendar").get_data(as_text=True)
    assert re.fullmatch(r"https?://localhost/tracker/calendar/[A-Za-z0-9_-]{32}\.ics", url)
    webcal = WEBCAL_RE.search(html).group(1)
    assert webcal == "webcal://" + url.split("://", 1)[1]
    assert 'action="/tracker/calendar/off"' in html
    _valid(html)
    with app.app_context():
        token = db.session.get(Account, member.id).calendar_token
    assert url.endswith(f"/{token}.ics")


def test_reset_makes_a_new_url_and_the_old_one_stops_working(app, client, member):
    old = _turn_on(client)
    first = client.get(_path(old))
    assert first.status_code == 200
    new = _turn_on(client)
    assert new != old
    assert client.get(_path(old)).status_code == 404
    second = client.get(_path(new))
    assert second.status_code == 200
    # Event UIDs stay the same across resets: calendars update events, not duplicate them.
    assert _uids(first.data) == _uids(second.data)
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "calendar_feed").order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert all(e.actor_id == member.id and e.entity_id == member.id for e in entries)
        token = db.session.get(Account, member.id).calendar_token
        assert all(token not in str(e.changes) for e in entries)  # never in clear


def test_turning_off_stops_the_url(app, client, member):
    url = _turn_on(client)
    page = client.get("/tracker/calendar").get_data(as_text=True)
    response = client.post("/tracker/calendar/off", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert client.get(_path(url)).status_code == 404
    assert "feed-url" not in client.get("/tracker/calendar").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Account, member.id).calendar_token is None
        actions = db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "calendar_feed")
            .order_by(AuditEntry.id)
        ).all()
        assert actions == ["create", "delete"]


def test_posts_need_the_csrf_token(app, client, member):
    assert client.post("/tracker/calendar/reset").status_code == 400
    with app.app_context():
        assert db.session.get(Account, member.id).calendar_token is None


def test_calendar_page_needs_a_login_and_a_membership(client, auth, world):
    response = client.get("/tracker/calendar")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("admin")  # staff, not on any committee
    assert client.get("/tracker/calendar").status_code == 403
    assert 'href="/tracker/calendar"' not in client.get("/auth/account").get_data(as_text=True)


# --- the feed -----------------------------------------------------------------------------


def _parse(raw: bytes) -> list[dict[str, str]]:
    """Check the framing (CRLF, 75 octets, UTF-8) and return each VEVENT's properties."""
    text = raw.decode("utf-8")
    assert text.endswith(CRLF)
    assert "\n" not in text.replace(CRLF, "") and "\r" not in text.replace(CRLF, "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split(CRLF))
    return vevents(text)


def _uids(raw: bytes) -> list[str]:
    return sorted(e["UID"] for e in _parse(raw))


def test_feed_lists_what_she_owes_and_will_owe_this_year(client, member):
    response = client.get(_path(_turn_on(client)))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.mimetype_params["charset"] == "utf-8"
    assert "private" in response.headers["Cache-Control"]
    events = _parse(response.data)
    days = {e["UID"].split("@")[0].rsplit("-", 1)[0]: e["DTSTART;VALUE=DATE"] for e in events}
    assert days == {
        "2026Q2-contact": "20260630",  # overdue
        "2026H1-survey": "20260630",  # overdue
        "2026Q3-contact": "20260930",  # due soon
        "2026Q3-talk": "20260930",
        "2026H2-survey": "20261231",  # open
        "2026H2-proposal": "20261231",
        "2026-help": "20261231",
        "2026-volunteer": "20261231",
        "2026-record_book": "20261231",
        "2026Q4-contact": "20261231",  # upcoming
        "2026Q4-talk": "20261231",
    }
    assert all(e["UID"].endswith(f"-{member.id}@fieldlog") for e in events)
    by_uid = {e["UID"]: e for e in events}
    talk = by_uid[f"2026Q3-talk-{member.id}@fieldlog"]
    assert "一次宣讲" in talk["SUMMARY"] and "2026年第3季度" in talk["SUMMARY"]
    assert talk["DTEND;VALUE=DATE"] == "20261001"
    assert talk["URL"].endswith("/logs/new/talk")
    assert talk["ALARM:ACTION"] == "DISPLAY"
    overdue = by_uid[f"2026Q2-contact-{member.id}@fieldlog"]
    assert not any(key.startswith("ALARM:") for key in overdue)  # no alarm in the past


def test_feed_never_shows_names_or_log_text(client, member):
    raw = client.get(_path(_turn_on(client))).get_data(as_text=True)
    for private in ("李大姐", "私事", "王芳", "生病住院"):
        assert private not in raw


def test_feed_skips_upcoming_periods_she_will_not_owe(app, client, member):
    with app.app_context():  # she leaves the committee at the end of September
        account = db.session.get(Account, member.id)
        account.memberships[0].left_on = date(2026, 9, 30)
        db.session.commit()
    events = _parse(client.get(_path(_turn_on(client))).data)
    assert not [e for e in events if e["UID"].startswith("2026Q4-")]


def test_feed_escapes_text_values(app, client, member):
    with app.app_context():
        talk = db.session.scalars(select(DutyType).where(DutyType.code == "talk")).one()
        talk.name_zh = "宣讲,政策;法律\\课"
        db.session.commit()
    raw = client.get(_path(_turn_on(client))).get_data(as_text=True)
    assert "宣讲\\,政策\\;法律\\\\课" in unfold(raw)
    events = {e["UID"]: e for e in _parse(raw.encode())}
    assert "\\n" in events[f"2026Q3-talk-{member.id}@fieldlog"]["DESCRIPTION"]


def test_feed_speaks_her_language(app, client, member):
    with app.app_context():
        db.session.get(Account, member.id).locale = "en"
        db.session.commit()
    events = _parse(client.get(_path(_turn_on(client))).data)
    summaries = " ".join(e["SUMMARY"] for e in events)
    assert "Talk" in summaries and "2026 Q3" in summaries
    assert "一次宣讲" not in summaries


@pytest.mark.parametrize(
    "token", ["x" * 32, "short", "not a token", "A" * 65, "%00" * 12, "../../etc/passwd"]
)
def test_unknown_or_malformed_token_is_404(client, member, token):
    _turn_on(client)
    assert client.get(f"/tracker/calendar/{token}.ics").status_code == 404


def test_feed_needs_no_login_and_stops_for_a_deactivated_account(app, client, member, auth):
    url = _turn_on(client)
    auth.logout()
    anonymous = app.test_client()
    assert anonymous.get(_path(url)).status_code == 200
    with app.app_context():
        db.session.get(Account, member.id).active = False
        db.session.commit()
    assert anonymous.get(_path(url)).status_code == 404
