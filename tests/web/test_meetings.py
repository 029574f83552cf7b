"""Committee meetings and attendance through the client: recording, every validation
error (input kept), editing, access, the audit trail, a member's own meetings, and the
list's query count."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Attendance, AuditEntry, Meeting
from tests.fixtures.clock import pinned_today
from tests.web.helpers import open_form
from tests.web.test_html import _check

pytestmark = pytest.mark.dated  # built around the pinned day
TODAY = pinned_today()
LAST_WEEK = TODAY - timedelta(days=7)


def _new_url(world) -> str:
    return f"/meetings/committee/{world['village_a'].id}/new"


def _post(client, url: str, world, **overrides):
    """Open the form at ``url`` and post a good meeting, with ``overrides`` applied
    (a value of None drops the field)."""
    _html, hidden = open_form(client, url)
    data = {
        "held_on": LAST_WEEK.isoformat(),
        "kind": "committee",
        "topics": "部署三八节活动",
        "decisions": "每人走访五户",
        f"status_{world['member'].id}": "present",
        f"status_{world['other_member'].id}": "excused",
        f"reason_{world['other_member'].id}": "外出务工",
        f"status_{world['chair'].id}": "present",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(url, data={**hidden, **data})


def _meetings(app) -> list[Meeting]:
    with app.app_context():
        return list(db.session.scalars(select(Meeting)))


def _attendance(app, meeting_id: int) -> dict[int, tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.scalars(select(Attendance).filter_by(meeting_id=meeting_id))
        return {a.account_id: (a.status, a.reason) for a in rows}


def test_chair_records_a_meeting(app, client, auth, world):
    auth.login("chair")
    html, _hidden = open_form(client, _new_url(world))
    _check(html)
    for key in ("member", "other_member", "chair"):
        radio = re.search(
            rf'<input[^>]*name="status_{world[key].id}"[^>]*value="present"[^>]*>', html
        )
        assert radio and "checked" in radio.group(0), key
    assert f"status_{world['member_a2'].id}" not in html  # another village's member
    response = _post(client, _new_url(world), world)
    assert response.status_code == 302
    (meeting,) = _meetings(app)
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert (meeting.held_on, meeting.kind, meeting.topics) == (
        LAST_WEEK,
        "committee",
        "部署三八节活动",
    )
    assert _attendance(app, meeting.id) == {
        world["member"].id: ("present", None),
        world["other_member"].id: ("excused", "外出务工"),
        world["chair"].id: ("present", None),
    }
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    _check(page)
    assert "外出务工" in page and "李娜" in page and "每人走访五户" in page
    listing = client.get(f"/meetings/committee/{world['village_a'].id}").get_data(as_text=True)
    _check(listing)
    assert f'href="/meetings/{meeting.id}"' in listing


def test_members_listed_are_those_active_on_the_meeting_day(app, client, auth, world, make_member):
    gone = make_member(
        world["village_a"],
        joined_on=date(2020, 1, 1),
        left_on=LAST_WEEK - timedelta(days=1),
        name="郑洁",
    )
    new = make_member(world["village_a"], joined_on=TODAY, name="吴敏")
    auth.login("chair")
    html, _ = open_form(client, _new_url(world))
    assert f"status_{new.id}" in html and f"status_{gone.id}" not in html
    # Posted for last week: the newcomer is not listed, so her status is not needed.
    assert _post(client, _new_url(world), world).status_code == 302
    (meeting,) = _meetings(app)
    assert set(_attendance(app, meeting.id)) == {
        world[k].id for k in ("member", "other_member", "chair")
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": (TODAY + timedelta(days=1)).isoformat()}, "held_on"),
        ({"held_on": ""}, "held_on"),
        ({"kind": "party"}, "kind"),
        ({"kind": None}, "kind"),
        ({"status_MEMBER": None}, "status_MEMBER"),
        ({"status_MEMBER": "late"}, "status_MEMBER"),
        ({"reason_OTHER": "  "}, "reason_OTHER"),
        ({"reason_OTHER": "x" * 201}, "reason_OTHER"),
    ],
)
def test_bad_input_is_refused_with_the_input_kept(app, client, auth, world, overrides, field):
    ids = {"MEMBER": str(world["member"].id), "OTHER": str(world["other_member"].id)}

    def real(name: str) -> str:
        for key, value in ids.items():
            name = name.replace(key, value)
        return name

    auth.login("chair")
    response = _post(client, _new_url(world), world, **{real(k): v for k, v in overrides.items()})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    # Only the field at fault carries an error (messages are checked on their ids: the
    # Chinese catalogue translates their text).
    assert re.findall(r'id="([\w-]+)-errors"', html) == [real(field)]
    assert "部署三八节活动" in html and "每人走访五户" in html  # the rest is kept
    if field != "reason_OTHER":
        assert 'value="外出务工"' in html
    if overrides == {"status_MEMBER": None}:  # shown unchosen, not as the default
        radios = re.findall(rf'<input[^>]*name="status_{world["member"].id}"[^>]*>', html)
        assert len(radios) == 3 and not any("checked" in r for r in radios)
    assert _meetings(app) == []


def test_chair_edits_a_meeting_and_both_changes_are_audited(app, client, auth, world):
    auth.login("chair")
    _post(client, _new_url(world), world)
    (meeting,) = _meetings(app)
    edit_url = f"/meetings/{meeting.id}/edit"
    html, _ = open_form(client, edit_url)
    _check(html)
    assert 'value="外出务工"' in html and "部署三八节活动" in html
    response = _post(
        client,
        edit_url,
        world,
        kind="review",
        **{f"status_{world['member'].id}": "absent"},
    )
    assert response.status_code == 302
    assert _attendance(app, meeting.id)[world["member"].id] == ("absent", None)
    with app.app_context():
        entries = list(
            db.session.scalars(
                select(AuditEntry).filter_by(entity="meeting").order_by(AuditEntry.id)
            )
        )
        assert [(e.action, e.actor_id, e.entity_id) for e in entries] == [
            ("create", world["chair"].id, meeting.id),
            ("update", world["chair"].id, meeting.id),
        ]
        created, updated = entries
        assert created.changes["kind"] == "committee"
        assert created.changes["attendance"][str(world["other_member"].id)] == [
            "excused",
            "外出务工",
        ]
        assert updated.changes["kind"] == ["committee", "review"]
        before, after = updated.changes["attendance"]
        assert before[str(world["member"].id)] == ["present", None]
        assert after[str(world["member"].id)] == ["absent", None]


def test_an_edit_with_bad_input_changes_nothing(app, client, auth, world):
    auth.login("chair")
    _post(client, _new_url(world), world)
    (meeting,) = _meetings(app)
    response = _post(
        client,
        f"/meetings/{meeting.id}/edit",
        world,
        held_on=(TODAY + timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 200
    assert _meetings(app)[0].held_on == LAST_WEEK
    with app.app_context():
        assert (
            db.session.scalar(
                select(db.func.count())
                .select_from(AuditEntry)
                .filter_by(action="update", entity="meeting")
            )
            == 0
        )


@pytest.fixture
def recorded(app, client, auth, world):
    """One meeting of 甲村 recorded by its chair; the client is logged out afterwards."""
    auth.login("chair")
    _post(client, _new_url(world), world)
    auth.logout()
    return _meetings(app)[0]


@pytest.mark.parametrize("who", ["member", "other_chair", "admin"])
def test_only_the_committees_chair_reaches_the_chair_pages(client, auth, world, recorded, who):
    auth.login({"member": "member", "other_chair": "chair_b", "admin": "admin"}[who])
    village = world["village_a"].id
    for url in (
        f"/meetings/committee/{village}",
        f"/meetings/committee/{village}/new",
        f"/meetings/{recorded.id}",
        f"/meetings/{recorded.id}/edit",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/meetings/committee/{village}/new", data={}).status_code in (400, 403)


def test_other_chair_cannot_post_a_meeting_for_another_village(app, client, auth, world):
    auth.login("chair_b")
    html, hidden = open_form(client, f"/meetings/committee/{world['village_b'].id}/new")
    response = client.post(
        _new_url(world),
        data={**hidden, "held_on": LAST_WEEK.isoformat(), "kind": "committee"},
    )
    assert response.status_code == 403
    assert _meetings(app) == []


def test_anonymous_is_sent_to_login(client, world, recorded):
    response = client.get("/meetings/mine")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_member_sees_only_her_own_meetings_and_attendance(
    app, client, auth, world, recorded, make_member
):
    auth.login("member")
    page = client.get("/meetings/mine").get_data(as_text=True)
    _check(page)
    assert "部署三八节活动" in page and "每人走访五户" in page
    assert "外出务工" not in page  # another member's excuse is not hers to read
    assert "李娜" not in page
    account = client.get("/auth/account").get_data(as_text=True)
    assert 'href="/meetings/mine"' in account
    auth.logout()
    auth.login("member_a2")  # another village: never at that meeting
    page = client.get("/meetings/mine").get_data(as_text=True)
    assert "部署三八节活动" not in page


def test_committee_page_links_to_the_meetings(client, auth, world):
    auth.login("chair")
    page = client.get(f"/committee/{world['village_a'].id}").get_data(as_text=True)
    assert f'href="/meetings/committee/{world["village_a"].id}"' in page


def test_meeting_list_runs_the_same_number_of_queries_for_more_meetings(
    client, auth, world, count_queries
):
    auth.login("chair")
    url = f"/meetings/committee/{world['village_a'].id}"
    _post(client, _new_url(world), world)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for days in (10, 20, 30):
        _post(client, _new_url(world), world, held_on=(TODAY - timedelta(days=days)).isoformat())
    with count_queries() as four:
        page = client.get(url)
    assert page.get_data(as_text=True).count('class="meeting-row"') == 4
    assert four.count == one.count
