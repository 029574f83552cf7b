"""A chair's membership changes through the real app: adding, re-adding and ending terms."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Log, Membership, Organisation
from tests.conftest import AuthActions, csrf_from
from tests.fixtures.clock import pinned_today
from tests.web.helpers import OTP_RE, english  # noqa: F401 - the fixture
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def chair(world, auth):
    auth.login("chair")
    return world["chair"]


def post(client: FlaskClient, url: str, data: dict | None = None, **kw):
    """POST with a CSRF token taken from a page of the same session."""
    token = csrf_from(client.get("/auth/account").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kw)


def fresh(app: Flask, model, ident):
    with app.app_context():
        return db.session.get(model, ident)


def rows(app: Flask, query) -> list:
    with app.app_context():
        return list(db.session.scalars(query))


def account_named(app: Flask, username: str) -> Account | None:
    found = rows(app, select(Account).where(Account.username == username))
    return found[0] if found else None


def audit_entries(app: Flask, action: str, entity: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.entity == entity)
    return rows(app, query.order_by(AuditEntry.id))


def committee_url(world, village: str = "village_a") -> str:
    return f"/committee/{world[village].id}"


def new_url(world, village: str = "village_a") -> str:
    return f"{committee_url(world, village)}/members/new"


def end_url(world, person: str, village: str = "village_a") -> str:
    term = world[person].memberships[0]
    return f"{committee_url(world, village)}/terms/{term.id}/end"


def rejoin_url(world, person: str, village: str = "village_a") -> str:
    return f"{committee_url(world, village)}/members/{world[person].id}/rejoin"


def new_member_data(**change) -> dict:
    data = {
        "display_name": "孙梅",
        "username": "sunmei",
        "phone": "",
        "joined_on": pinned_today().isoformat(),
        "join_kind": "elected",
        "replaces_id": "",
    }
    return {**data, **change}


def leave_data(**change) -> dict:
    yesterday = pinned_today() - timedelta(days=1)
    return {
        "left_on": yesterday.isoformat(),
        "leave_kind": "resigned",
        "reason": "外出务工",
        **change,
    }


# The committee page ----------------------------------------------------------------------


def test_committee_page_offers_the_changes(client, chair, world):
    html = client.get(committee_url(world)).get_data(as_text=True)
    assert f'href="{new_url(world)}"' in html and "Add a member" in html
    assert f'href="{end_url(world, "member")}"' in html
    assert f'href="{end_url(world, "other_member")}"' in html
    assert f'href="{end_url(world, "chair")}"' not in html  # not her own term
    assert "joined 2020-01-01 · Elected" in " ".join(html.split())
    _check(html)


def test_committee_page_shows_how_members_joined_and_left(
    app, client, chair, world, make_member, today
):
    left_on = today - timedelta(days=30)  # recent enough to be replaced
    left = make_member(world["village_a"], name="钱红", left_on=left_on)
    with app.app_context():
        term = db.session.get(Account, left.id).memberships[0]
        term.leave_kind, term.leave_reason = "advised_to_resign", "连续两年评议不合格"
        term_id = term.id
        db.session.commit()
    data = new_member_data(join_kind="replacing", replaces_id=term_id)
    assert post(client, new_url(world), data).status_code == 302
    html = " ".join(client.get(committee_url(world)).get_data(as_text=True).split())
    assert f"left {left_on.isoformat()} · Advised to resign: 连续两年评议不合格" in html
    assert f"joined {today.isoformat()} · replacing 钱红" in html
    assert f'href="{committee_url(world)}/members/{left.id}/rejoin"' in html
    assert f'href="{rejoin_url(world, "member")}"' not in html  # she is still a member


def test_committee_page_runs_a_fixed_number_of_queries(
    client, chair, world, make_member, count_queries
):
    url = committee_url(world)
    client.get(url)
    with count_queries() as before:
        client.get(url)
    for n in range(4):
        make_member(world["village_a"], left_on=date(2024, 1, n + 1))
        make_member(world["village_a"])
    with count_queries() as after:
        html = client.get(url).get_data(as_text=True)
    assert html.count("Re-join") == 4 and html.count("End membership") == 6
    assert after.count == before.count


# Adding a member -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["elected", "added", "replacing"])
def test_chair_adds_a_member(app, client, chair, world, kind, today):
    replaced = world["other_member"].memberships[0]
    form = client.get(new_url(world)).get_data(as_text=True)
    assert f'<option value="{replaced.id}">李娜</option>' in form
    assert f'value="{today.isoformat()}"' in form  # joined today by default
    _check(form)
    whom = replaced.id if kind == "replacing" else ""
    response = post(client, new_url(world), new_member_data(join_kind=kind, replaces_id=whom))
    assert response.status_code == 302
    account = account_named(app, "sunmei")
    assert response.headers["Location"] == f"{committee_url(world)}/members/{account.id}/password"
    assert account.organisation_id == world["village_a"].id and account.grants == []
    assert account.active and account.must_change_password
    (term,) = account.memberships
    assert term.organisation_id == world["village_a"].id and term.join_kind == kind
    assert term.joined_on == today and term.left_on is None
    assert term.replaces_id == (replaced.id if kind == "replacing" else None)
    (created,) = audit_entries(app, "create", "account")
    (joined,) = audit_entries(app, "create", "membership")
    assert (created.actor_id, created.entity_id) == (chair.id, account.id)
    assert (joined.actor_id, joined.entity_id) == (chair.id, term.id)
    assert joined.changes["join_kind"] == [None, kind]


def test_the_one_time_password_is_shown_once_and_works(app, client, chair, world):
    data = new_member_data(username="13800000001", phone="023-6543210")
    response = post(client, new_url(world), data)
    page = client.get(response.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "孙梅 is now a member of the committee." in html
    _check(html)
    password = OTP_RE.search(html).group(1)
    assert re.fullmatch(r"[a-z2-9]{3}(-[a-z2-9]{3}){3}", password)
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert password not in again and "no longer available" in again
    assert account_named(app, "13800000001").phone == "023-6543210"

    device = app.test_client()
    login = AuthActions(device).login("13800000001", password)
    assert login.status_code == 302 and login.headers["Location"] == "/auth/password"
    listing = client.get(committee_url(world)).get_data(as_text=True)
    assert "孙梅" in listing and "4 active members" in listing


def test_a_mobile_login_name_is_her_phone(app, client, chair, world):
    post(client, new_url(world), new_member_data(username="13900000002"))
    assert account_named(app, "13900000002").phone == "13900000002"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"display_name": " "}, "display_name", "Please enter her name."),
        ({"username": ""}, "username", "Please enter a login name or phone number."),
        ({"username": "sun mei"}, "username", "without spaces"),
        ({"username": "MEMBER"}, "username", "This login name is already taken."),
        ({"phone": "call me"}, "phone", "Use digits and dashes only"),
        ({"joined_on": ""}, "joined_on", "Please enter the date she joined."),
        ({"joined_on": "FUTURE"}, "joined_on", "The date cannot be in the future."),
        ({"join_kind": "appointed"}, "join_kind", "Please choose one of the options."),
        ({"join_kind": "replacing"}, "replaces_id", "Choose whom she replaces."),
        ({"join_kind": "replacing", "replaces_id": "ELSEWHERE"}, "replaces_id", "this committee"),
    ],
)
def test_bad_input_keeps_the_rest(app, client, chair, world, change, field, message, today):
    data = {**new_member_data(phone="13700000000"), **change}
    if data["joined_on"] == "FUTURE":
        data["joined_on"] = (today + timedelta(days=1)).isoformat()
    if data["replaces_id"] == "ELSEWHERE":
        data["replaces_id"] = world["member_a2"].memberships[0].id
    response = post(client, new_url(world), data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    flat = " ".join(html.split())
    assert f'<div class="field has-error"> <label for="{field}"' in flat or (
        f'choices has-error" aria-describedby="{field}-errors"' in flat
    )
    for kept in ("display_name", "username", "phone"):
        if kept != field and data[kept].strip():
            assert f'value="{data[kept]}"' in html
    assert rows(app, select(Account).where(Account.display_name == "孙梅")) == []
    assert audit_entries(app, "create", "account") == []


# Ending a membership ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("resigned", "外出务工"),
        ("advised_to_resign", "连续三次无故缺席"),
        ("terminated", "严重违纪"),
        ("term_ended", ""),
    ],
)
def test_chair_ends_a_membership(app, client, chair, world, make_log, kind, reason, today):
    member = world["member"]
    log = make_log(member, happened_on=today - timedelta(days=3))
    form = client.get(end_url(world, "member"))
    assert form.status_code == 200
    _check(form.get_data(as_text=True))
    data = leave_data(leave_kind=kind, reason=reason)
    response = post(client, end_url(world, "member"), data, follow_redirects=True)
    html = " ".join(response.get_data(as_text=True).split())
    assert "Membership ended. Her account and logs are kept." in html
    assert "2 active members" in html
    assert f"left {data['left_on']}" in html and (not reason or reason in html)
    term = fresh(app, Membership, member.memberships[0].id)
    assert (term.left_on.isoformat(), term.leave_kind) == (data["left_on"], kind)
    assert term.leave_reason == (reason or None)
    assert fresh(app, Account, member.id).active
    assert fresh(app, Log, log.id).deleted_at is None
    (entry,) = audit_entries(app, "end_membership", "membership")
    assert (entry.actor_id, entry.entity_id) == (chair.id, term.id)
    assert entry.changes["leave_kind"] == [None, kind]
    assert f'href="{end_url(world, "member")}"' not in html
    assert f'href="{rejoin_url(world, "member")}"' in html
    # She still logs in and her logs are hers; the chair still reads them.
    assert AuthActions(app.test_client()).login("member").status_code == 302
    logs_page = client.get(f"/committee/members/{member.id}/logs").get_data(as_text=True)
    assert f"/logs/{log.id}" in logs_page
    again = post(client, end_url(world, "member"), data)
    assert again.status_code == 422
    assert "This membership has already ended." in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"left_on": ""}, "Please enter the date she left."),
        ({"left_on": "2019-12-31"}, "She joined on 2020-01-01; the date cannot be earlier."),
        ({"left_on": "FUTURE"}, "The date cannot be in the future."),
        ({"leave_kind": ""}, "Please choose why she left."),
        ({"leave_kind": "resigned", "reason": " "}, "Please note the reason."),
        ({"leave_kind": "advised_to_resign", "reason": ""}, "Please note the reason."),
        ({"leave_kind": "terminated", "reason": ""}, "Please note the reason."),
        ({"reason": "x" * 201}, "Use at most 200 characters."),
    ],
)
def test_ending_errors_keep_the_input(app, client, chair, world, change, message, today):
    data = leave_data(**change)
    if data["left_on"] == "FUTURE":
        data["left_on"] = (today + timedelta(days=1)).isoformat()
    response = post(client, end_url(world, "member"), data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if data["left_on"]:
        assert f'value="{data["left_on"]}"' in html
    if data["reason"].strip() and len(data["reason"]) <= 200:
        assert f'value="{data["reason"]}"' in html
    assert fresh(app, Membership, world["member"].memberships[0].id).left_on is None
    assert audit_entries(app, "end_membership", "membership") == []


def test_chair_cannot_end_her_own_membership(app, client, chair, world):
    response = post(client, end_url(world, "chair"), leave_data())
    assert response.status_code == 422
    assert "You cannot end your own membership." in response.get_data(as_text=True)
    assert fresh(app, Membership, chair.memberships[0].id).left_on is None
    assert [g.role for g in fresh(app, Account, chair.id).grants] == ["chair"]


def test_ending_a_vice_chairs_membership_ends_her_role(app, client, chair, world, make_member):
    vice = make_member(world["village_a"], username="vice", roles=("vice_chair",))
    url = f"{committee_url(world)}/terms/{vice.memberships[0].id}/end"
    assert post(client, url, leave_data(leave_kind="term_ended", reason="")).status_code == 302
    assert fresh(app, Account, vice.id).grants == []
    (entry,) = audit_entries(app, "revoke", "role_grant")
    assert entry.actor_id == chair.id and entry.changes["role"] == ["vice_chair", None]
    assert AuthActions(app.test_client()).login("vice").status_code == 302


def test_a_vice_chair_cannot_end_the_chairs_term(app, client, auth, world, make_member):
    vice = make_member(world["village_a"], username="vice", roles=("vice_chair",))
    other_vice = make_member(world["village_a"], username="vice2", roles=("vice_chair",))
    auth.login("vice")
    for target in (world["chair"], other_vice):
        url = f"{committee_url(world)}/terms/{target.memberships[0].id}/end"
        assert client.get(url).status_code == 403
        assert post(client, url, leave_data()).status_code == 403
        assert fresh(app, Membership, target.memberships[0].id).left_on is None
    member_url = end_url(world, "member")
    assert post(client, member_url, leave_data()).status_code == 302  # an ordinary member: yes
    assert audit_entries(app, "end_membership", "membership")[0].actor_id == vice.id


def test_the_chair_ends_a_vice_chairs_term_and_an_admin_the_chairs(app, world, make_member):
    vice = make_member(world["village_a"], username="vice", roles=("vice_chair",))
    with app.app_context():
        get = lambda key: db.session.get(Account, world[key].id)  # noqa: E731
        vice = db.session.get(Account, vice.id)
        assert access.can_manage_term(get("chair"), vice.memberships[0])
        assert not access.can_manage_term(vice, get("chair").memberships[0])
        assert access.can_manage_term(get("admin"), get("chair").memberships[0])
        assert not access.can_manage_term(get("other_admin"), get("chair").memberships[0])


# Re-joining ------------------------------------------------------------------------------


def test_a_former_member_rejoins(app, client, chair, world, make_member, today):
    former = make_member(
        world["village_a"], username="former", name="钱红", left_on=date(2023, 12, 31)
    )
    url = f"{committee_url(world)}/members/{former.id}/rejoin"
    listing = client.get(committee_url(world)).get_data(as_text=True)
    assert f'href="{url}"' in listing
    form = client.get(url).get_data(as_text=True)
    assert "钱红 joins again" in form and f'value="{today.isoformat()}"' in form
    _check(form)
    overlapping = post(client, url, {"joined_on": "2023-06-01", "join_kind": "added"})
    assert overlapping.status_code == 422
    html = overlapping.get_data(as_text=True)
    assert "End that term first." in html and 'value="2023-06-01"' in html
    replacing = post(client, url, {"joined_on": "2024-03-01", "join_kind": "replacing"})
    assert "Choose whom she replaces." in replacing.get_data(as_text=True)

    response = post(client, url, {"joined_on": "2024-03-01", "join_kind": "added"})
    assert response.status_code == 302
    old, new = fresh(app, Account, former.id).memberships
    assert old.left_on == date(2023, 12, 31)
    assert (new.joined_on, new.join_kind, new.left_on) == (date(2024, 3, 1), "added", None)
    (entry,) = audit_entries(app, "create", "membership")
    assert (entry.actor_id, entry.entity_id) == (chair.id, new.id)
    listing = client.get(committee_url(world)).get_data(as_text=True)
    assert f'href="{url}"' not in listing
    assert f'href="{committee_url(world)}/terms/{new.id}/end"' in listing


def test_a_current_member_cannot_join_twice(app, client, chair, world):
    response = post(client, rejoin_url(world, "member"), {"joined_on": "2024-03-01"})
    assert response.status_code == 422
    assert "End that term first." in response.get_data(as_text=True)
    assert len(fresh(app, Account, world["member"].id).memberships) == 1


# Access ----------------------------------------------------------------------------------


def new_routes(world) -> list[str]:
    """Every new route, on village_a's committee."""
    return [
        new_url(world),
        f"{committee_url(world)}/members/{world['member'].id}/password",
        rejoin_url(world, "member"),
        end_url(world, "member"),
    ]


@pytest.mark.parametrize("who", ["chair_b", "member", "admin"])
def test_others_get_403_on_every_new_route(app, client, auth, world, who):
    auth.login(who)
    for url in new_routes(world):
        assert client.get(url).status_code == 403, url
        if not url.endswith("/password"):
            data = {**new_member_data(), **leave_data()}
            assert post(client, url, data).status_code == 403, url
    assert account_named(app, "sunmei") is None
    assert fresh(app, Membership, world["member"].memberships[0].id).left_on is None
    assert len(fresh(app, Account, world["member"].id).memberships) == 1
    assert audit_entries(app, "create", "membership") == []


def test_chair_of_b_cannot_reach_a_through_her_own_committee(app, client, auth, world):
    auth.login("chair_b")
    own = committee_url(world, "village_b")
    term = world["member"].memberships[0]
    assert client.get(f"{own}/terms/{term.id}/end").status_code == 404
    assert client.get(f"{own}/members/{world['member'].id}/rejoin").status_code == 404
    assert client.get(f"{own}/members/{world['member'].id}/password").status_code == 404
    assert post(client, f"{own}/terms/{term.id}/end", leave_data()).status_code == 404
    data = new_member_data(join_kind="replacing", replaces_id=term.id)
    response = post(client, new_url(world, "village_b"), data)
    assert response.status_code == 422 and "Choose a member of this committee." in (
        response.get_data(as_text=True)
    )
    assert fresh(app, Membership, term.id).left_on is None


def test_missing_objects_are_404(client, chair, world):
    base = committee_url(world)
    for url in (
        "/committee/99999/members/new",
        f"{base}/terms/99999/end",
        f"{base}/members/99999/rejoin",
        f"{base}/members/99999/password",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_login(client, world):
    for url in new_routes(world):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_changes_need_a_csrf_token(app, client, chair, world):
    response = client.post(end_url(world, "member"), data=leave_data())
    assert response.status_code in (400, 422)
    response = client.post(new_url(world), data=new_member_data())
    assert response.status_code in (400, 422)
    assert fresh(app, Membership, world["member"].memberships[0].id).left_on is None
    assert account_named(app, "sunmei") is None


def test_access_rules_for_committee_changes(app, world):
    with app.app_context():
        village_a = db.session.get(Organisation, world["village_a"].id)
        people = {"chair_b": "other_chair", "admin_b": "other_admin"}
        get = lambda name: db.session.get(Account, world[people.get(name, name)].id)  # noqa: E731
        member_term = get("member").memberships[0]
        chair_term = get("chair").memberships[0]
        assert access.can_manage_committee(get("chair"), village_a)
        assert access.can_manage_committee(get("admin"), village_a)
        for other in ("member", "chair_b", "admin_b"):
            assert not access.can_manage_committee(get(other), village_a)
        assert access.can_manage_term(get("chair"), member_term)
        assert not access.can_manage_term(get("chair"), chair_term)  # her own
        assert access.can_manage_term(get("admin"), chair_term)
        for other in ("member", "chair_b", "admin_b"):
            assert not access.can_manage_term(get(other), member_term)
        assert not access.can_manage_term(get("member"), member_term)
