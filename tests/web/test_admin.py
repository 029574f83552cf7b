"""Admin pages through the real app: subtree, organisations, accounts, terms, roles, audit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fieldlog.admin.service import READABLE_ALPHABET, generate_password
from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Log, Membership, Organisation, RoleGrant
from tests.conftest import PASSWORD, AuthActions, csrf_from
from tests.fixtures.clock import pinned_today
from tests.web.helpers import OTP_RE, english  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def admin(world, auth):
    auth.login("admin")
    return world["admin"]


def token(client: FlaskClient, url: str = "/admin/") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def post(client: FlaskClient, url: str, data: dict | None = None, **kw):
    """POST with a CSRF token taken from a page of the same session."""
    page = "/admin/" if url.startswith("/admin/") else "/auth/account"
    return client.post(url, data={"csrf_token": token(client, page), **(data or {})}, **kw)


def fresh(app: Flask, model, ident):
    """The row as the database has it now (its eager relationships loaded)."""
    with app.app_context():
        return db.session.get(model, ident)


def rows(app: Flask, query) -> list:
    with app.app_context():
        return list(db.session.scalars(query))


def by_name(app: Flask, model, **where):
    """The one row with these column values, or None."""
    query = select(model).filter_by(**where)
    found = rows(app, query)
    assert len(found) <= 1
    return found[0] if found else None


def audit_entries(app: Flask, action: str, entity: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.entity == entity)
    return rows(app, query.order_by(AuditEntry.id))


def other_client(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """A second device, logged in as ``username``."""
    device = app.test_client()
    response = AuthActions(device).login(username, password)
    assert response.status_code == 302
    return device


def one_time_password(response) -> str:
    match = OTP_RE.search(response.get_data(as_text=True))
    assert match, "no one-time password on the page"
    return match.group(1)


# Pages and gates -------------------------------------------------------------------------


def admin_urls(world) -> list[str]:
    return [
        "/admin/",
        "/admin/?q=王",
        f"/admin/orgs/{world['township_a'].id}",
        f"/admin/orgs/{world['village_a'].id}",
        "/admin/orgs/new",
        f"/admin/orgs/new?parent={world['township_a'].id}",
        "/admin/accounts/new",
        f"/admin/accounts/new?org={world['village_a'].id}&member=1",
        f"/admin/accounts/{world['member'].id}",
        f"/admin/accounts/{world['chair'].id}",
        f"/admin/accounts/{world['admin'].id}",
    ]


def test_every_page_renders_for_the_admin(client, admin, world):
    for url in admin_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html


def test_index_shows_her_subtree_as_a_tree_with_member_counts(client, admin, world):
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(rf'depth-0">\s*<a href="/admin/orgs/{world["township_a"].id}"', html)
    assert re.search(rf'depth-1">\s*<a href="/admin/orgs/{world["village_a"].id}"', html)
    assert "3 members" in html  # member, other_member, chair of village_a
    assert "甲二村" in html
    assert "乙村" not in html and "乙镇" not in html and "示例区" not in html


def test_index_runs_a_fixed_number_of_queries(
    client, admin, world, make_org, make_member, count_queries
):
    client.get("/admin/")
    with count_queries() as before:
        client.get("/admin/")
    for n in range(4):
        village = make_org(f"新村{n}", "village", world["township_a"])
        make_member(village)
        make_member(village)
    with count_queries() as after:
        html = client.get("/admin/").get_data(as_text=True)
    assert "新村3" in html
    assert after.count == before.count


def test_organisation_page_runs_a_fixed_number_of_queries(
    client, admin, world, make_member, count_queries
):
    url = f"/admin/orgs/{world['village_a'].id}"
    client.get(url)
    with count_queries() as before:
        client.get(url)
    for _ in range(5):
        make_member(world["village_a"], roles=("vice_chair",))
    with count_queries() as after:
        html = client.get(url).get_data(as_text=True)
    assert html.count("Vice chair") == 5
    assert after.count == before.count


@pytest.mark.parametrize("who", ["member", "chair"])
def test_non_admins_get_403(client, auth, world, who):
    auth.login(who)
    for url in admin_urls(world):
        assert client.get(url).status_code == 403, url
    target = world["other_member"].id
    assert post(client, f"/admin/accounts/{target}/reset-password").status_code == 403
    assert post(client, f"/admin/accounts/{target}/deactivate").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_missing_objects_are_404(client, admin):
    for url in ("/admin/orgs/999", "/admin/accounts/999", "/admin/orgs/new?parent=999"):
        assert client.get(url).status_code == 404, url
    assert post(client, "/admin/accounts/999/reset-password").status_code == 404
    assert post(client, "/admin/memberships/999/end").status_code == 404
    assert post(client, "/admin/roles/999/revoke").status_code == 404


def test_admin_of_township_a_cannot_touch_township_b(app, client, admin, world):
    b_org, b_member = world["village_b"], world["other_chair"]
    for url in (
        f"/admin/orgs/{b_org.id}",
        f"/admin/orgs/{world['township_b'].id}",
        f"/admin/orgs/{world['district'].id}",
        f"/admin/accounts/{b_member.id}",
        f"/admin/accounts/{world['other_admin'].id}",
        f"/admin/orgs/new?parent={world['township_b'].id}",
        f"/admin/accounts/new?org={b_org.id}",
    ):
        assert client.get(url).status_code == 403, url
    term = b_member.memberships[0]
    grant = b_member.grants[0]
    for url in (
        f"/admin/accounts/{b_member.id}/reset-password",
        f"/admin/accounts/{b_member.id}/deactivate",
        f"/admin/accounts/{b_member.id}/roles/{term.id}",
        f"/admin/accounts/{b_member.id}/memberships",
        f"/admin/memberships/{term.id}/end",
        f"/admin/roles/{grant.id}/revoke",
    ):
        assert post(client, url).status_code == 403, url
    new_org = {"parent_id": world["township_b"].id, "name": "丙村", "kind": "village"}
    assert post(client, "/admin/orgs/new", new_org).status_code == 403
    new_account = {"display_name": "孙梅", "username": "sun", "organisation_id": b_org.id}
    assert post(client, "/admin/accounts/new", new_account).status_code == 403
    assert fresh(app, Account, b_member.id).active
    assert by_name(app, Organisation, name="丙村") is None
    assert by_name(app, Account, username="sun") is None


def test_search_finds_only_her_accounts(client, admin):
    html = client.get("/admin/?q=chair").get_data(as_text=True)
    assert "张敏" in html  # chair of village_a
    assert "赵丽" not in html  # chair of village_b, another township
    assert "No account found." in client.get("/admin/?q=nobody").get_data(as_text=True)


# Organisations ---------------------------------------------------------------------------


def test_create_an_organisation(app, client, admin, world):
    parent = world["township_a"]
    data = {"parent_id": parent.id, "name": " 丙村 ", "kind": "village"}
    response = post(client, "/admin/orgs/new", data)
    assert response.status_code == 302
    org = by_name(app, Organisation, name="丙村")
    assert response.headers["Location"] == f"/admin/orgs/{org.id}"
    assert org.parent_id == parent.id
    assert org.path == f"{parent.path}{org.id}/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Organisation 丙村 created." in page
    (entry,) = audit_entries(app, "create", "organisation")
    assert entry.entity_id == org.id and entry.actor_id == admin.id
    assert entry.changes["name"] == [None, "丙村"]


def test_create_an_organisation_below_a_district(client, auth, world, make_account):
    make_account(world["district"], username="boss", roles=("admin",))
    auth.login("boss")
    data = {"parent_id": world["district"].id, "name": "丙街道", "kind": "street"}
    assert post(client, "/admin/orgs/new", data).status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    assert "丙街道" in html and "乙村" in html and "甲村" in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Please enter the name."),
        ({"name": "村" * 81}, "name", "at most 80 characters"),
        ({"name": "甲二村"}, "name", "甲镇 already has an organisation called 甲二村."),
        ({"kind": ""}, "kind", "Below 甲镇 you can add: Village / Community."),
        ({"kind": "township"}, "kind", "Below 甲镇 you can add: Village / Community."),
        ({"kind": "district"}, "kind", "Below 甲镇 you can add: Village / Community."),
        ({"parent_id": ""}, "parent_id", "Choose the organisation it belongs to."),
        ({"parent_id": "abc"}, "parent_id", "Choose the organisation it belongs to."),
        ({"parent_id": "VILLAGE"}, "parent_id", "has no organisations below it."),
    ],
)
def test_organisation_errors_keep_the_input(app, client, admin, world, change, field, message):
    data = {"parent_id": world["township_a"].id, "name": "丙村", "kind": "village", **change}
    if data["parent_id"] == "VILLAGE":
        data["parent_id"] = world["village_a"].id
    response = post(client, "/admin/orgs/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert re.search(rf'<div class="field has-error">\s*<label for="{field}"', html) or (
        f'choices has-error" aria-describedby="{field}-errors"' in " ".join(html.split())
    )
    if data["name"] and len(data["name"]) <= 80:
        assert f'value="{data["name"]}"' in html
    assert by_name(app, Organisation, name="丙村") is None


def test_organisation_names_are_unique_per_parent_only(client, admin, world):
    data = {"parent_id": world["village_a"].id, "name": "甲村", "kind": "village"}
    data["parent_id"] = world["township_a"].id
    data["name"] = "乙村"  # exists, but below 乙镇
    assert post(client, "/admin/orgs/new", data).status_code == 302


# Accounts --------------------------------------------------------------------------------


def new_member_data(world, **change) -> dict:
    data = {
        "display_name": "孙梅",
        "username": "13800000001",
        "organisation_id": world["village_a"].id,
        "member": "y",
        "joined_on": pinned_today().isoformat(),
        "join_kind": "elected",
        "replaces_id": "",
        "committee_role": "chair",
    }
    return {**data, **change}


def test_create_a_member_who_chairs_then_she_logs_in(app, client, admin, world, today):
    response = post(client, "/admin/accounts/new", new_member_data(world))
    assert response.status_code == 302
    account = by_name(app, Account, username="13800000001")
    assert response.headers["Location"] == f"/admin/accounts/{account.id}/password"
    page = client.get(response.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    password = one_time_password(page)
    assert re.fullmatch(r"[a-z2-9]{3}(-[a-z2-9]{3}){3}", password)
    assert "Account created." in page.get_data(as_text=True)
    # Shown once only.
    again = client.get(f"/admin/accounts/{account.id}/password").get_data(as_text=True)
    assert password not in again and "no longer available" in again

    assert account.must_change_password and account.phone == "13800000001"
    assert account.organisation_id == world["village_a"].id
    (term,) = account.memberships
    assert term.joined_on == today and term.join_kind == "elected"
    assert [(g.role, g.organisation_id) for g in account.grants] == [
        ("chair", world["village_a"].id)
    ]
    assert [e.entity_id for e in audit_entries(app, "create", "account")] == [account.id]
    assert [e.entity_id for e in audit_entries(app, "create", "membership")] == [term.id]
    assert [e.actor_id for e in audit_entries(app, "grant", "role_grant")] == [admin.id]

    device = app.test_client()
    login = AuthActions(device).login("13800000001", password)
    assert login.status_code == 302 and login.headers["Location"] == "/auth/password"
    assert 'name="new_password"' in device.get("/auth/password").get_data(as_text=True)
    org_page = client.get(f"/admin/orgs/{world['village_a'].id}").get_data(as_text=True)
    assert "孙梅" in org_page and "Chair" in org_page


def test_create_a_staff_account_with_admin_role(app, client, admin, world):
    data = {
        "display_name": "吴霞",
        "username": "wuxia",
        "organisation_id": world["township_a"].id,
        "join_kind": "elected",
        "committee_role": "",
        "admin": "y",
    }
    assert post(client, "/admin/accounts/new", data).status_code == 302
    account = by_name(app, Account, username="wuxia")
    assert account.memberships == []
    assert [(g.role, g.organisation_id) for g in account.grants] == [
        ("admin", world["township_a"].id)
    ]
    org_page = client.get(f"/admin/orgs/{world['township_a'].id}").get_data(as_text=True)
    assert "吴霞" in org_page  # listed among the other accounts


def test_create_a_member_who_replaces_another(app, client, admin, world):
    replaced = world["other_member"].memberships[0]
    html = client.get(f"/admin/accounts/new?org={world['village_a'].id}").get_data(as_text=True)
    assert f'<option value="{replaced.id}">李娜</option>' in html
    data = new_member_data(world, join_kind="replacing", replaces_id=replaced.id, committee_role="")
    assert post(client, "/admin/accounts/new", data).status_code == 302
    term = by_name(app, Membership, replaces_id=replaced.id)
    assert term.join_kind == "replacing"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"display_name": " "}, "Please enter her name."),
        ({"username": ""}, "Please enter a login name or phone number."),
        ({"username": "sun mei"}, "without spaces"),
        ({"username": "MEMBER"}, "This login name is already taken."),
        ({"organisation_id": ""}, "Choose her organisation."),
        ({"joined_on": ""}, "Please enter the date she joined."),
        ({"joined_on": "2099-01-01"}, "The date cannot be in the future."),
        ({"joined_on": "0224-01-01"}, "Please check the year."),
        ({"join_kind": "appointed"}, "Please choose one of the options."),
        ({"join_kind": "replacing"}, "Choose whom she replaces."),
        ({"join_kind": "replacing", "replaces_id": "OTHER_VILLAGE"}, "Choose a member of this"),
        ({"member": "", "committee_role": "chair"}, "A chair must be a member of the committee."),
        ({"committee_role": "queen"}, "Please choose one of the options."),
    ],
)
def test_account_errors_keep_the_input(app, client, admin, world, change, message):
    data = new_member_data(world, **change)
    if data.get("replaces_id") == "OTHER_VILLAGE":
        data["replaces_id"] = world["member_a2"].memberships[0].id
    if not data["member"]:
        del data["member"]
    response = post(client, "/admin/accounts/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if data["display_name"].strip():
        assert 'value="孙梅"' in html
    assert by_name(app, Account, display_name="孙梅") is None


def test_duplicate_login_name_is_rejected(client, admin, world):
    data = new_member_data(world, username="Chair", committee_role="")
    response = post(client, "/admin/accounts/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This login name is already taken." in html
    assert 'value="Chair"' in html and 'value="孙梅"' in html


def test_one_time_passwords_are_readable_and_random():
    passwords = {generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [3, 3, 3, 3]
        assert set("".join(groups)) <= set(READABLE_ALPHABET)
    assert not set("01ilo") & set(READABLE_ALPHABET)


# Password reset, deactivation ------------------------------------------------------------


def test_reset_password_ends_her_sessions_and_the_new_one_works(app, client, admin, world):
    member = world["member"]
    phone = other_client(app, "member")
    assert phone.get("/").status_code == 200
    response = post(client, f"/admin/accounts/{member.id}/reset-password")
    assert response.headers["Location"] == f"/admin/accounts/{member.id}/password"
    password = one_time_password(client.get(response.headers["Location"]))

    stale = phone.get("/")
    assert stale.status_code == 302 and "/auth/login" in stale.headers["Location"]
    assert AuthActions(app.test_client()).login("member", PASSWORD).status_code == 200  # refused
    login = AuthActions(app.test_client()).login("member", password)
    assert login.headers["Location"] == "/auth/password"
    assert fresh(app, Account, member.id).must_change_password
    (entry,) = audit_entries(app, "password", "account")
    assert entry.actor_id == admin.id and entry.entity_id == member.id
    assert entry.changes["password_hash"] == ["***", "***"]


def test_admin_cannot_reset_or_deactivate_herself(app, client, admin):
    response = post(client, f"/admin/accounts/{admin.id}/reset-password", follow_redirects=True)
    assert "use Change password" in response.get_data(as_text=True)
    response = post(client, f"/admin/accounts/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert fresh(app, Account, admin.id).active
    assert client.get("/admin/").status_code == 200  # still logged in


def test_deactivate_blocks_login_and_ends_sessions(app, client, admin, world):
    member = world["member"]
    phone = other_client(app, "member")
    response = post(client, f"/admin/accounts/{member.id}/deactivate", follow_redirects=True)
    assert "Account deactivated." in response.get_data(as_text=True)
    assert "Reactivate account" in response.get_data(as_text=True)
    assert phone.get("/").status_code == 302
    assert AuthActions(app.test_client()).login("member").status_code == 200  # refused
    assert not fresh(app, Account, member.id).active
    assert [e.entity_id for e in audit_entries(app, "deactivate", "account")] == [member.id]

    post(client, f"/admin/accounts/{member.id}/reactivate")
    assert fresh(app, Account, member.id).active
    assert AuthActions(app.test_client()).login("member").status_code == 302
    assert [e.entity_id for e in audit_entries(app, "activate", "account")] == [member.id]


# Committee terms and roles ---------------------------------------------------------------


def _leave(term, **values) -> dict:
    """The end-of-term form of one term (its fields are prefixed by the term)."""
    return {f"t{term.id}-{name}": value for name, value in values.items()}


def test_end_membership_keeps_her_account_and_logs(app, client, admin, world, make_log, today):
    member = world["member"]
    log = make_log(member, happened_on=today - timedelta(days=3))
    term = member.memberships[0]
    data = _leave(term, left_on=today.isoformat(), leave_kind="resigned", reason="外出务工")
    response = post(client, f"/admin/memberships/{term.id}/end", data, follow_redirects=True)
    assert "Membership ended." in response.get_data(as_text=True)
    ended = fresh(app, Membership, term.id)
    assert ended.left_on == today and ended.leave_kind == "resigned"
    assert ended.leave_reason == "外出务工"
    assert fresh(app, Account, member.id).active
    assert fresh(app, Log, log.id).deleted_at is None
    (entry,) = audit_entries(app, "end_membership", "membership")
    assert entry.entity_id == term.id and entry.changes["leave_kind"] == [None, "resigned"]
    again = post(client, f"/admin/memberships/{term.id}/end", data)
    assert "This membership has already ended." in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"left_on": ""}, "Please enter the date she left."),
        ({"left_on": "2019-12-31"}, "She joined on 2020-01-01; the date cannot be earlier."),
        ({"left_on": "TOMORROW"}, "The date cannot be in the future."),
        ({"leave_kind": ""}, "Please choose why she left."),
        ({"leave_kind": "advised_to_resign", "reason": ""}, "Please note the reason."),
        ({"leave_kind": "resigned", "reason": ""}, "Please note the reason."),
        ({"reason": "x" * 201}, "Use at most 200 characters."),
    ],
)
def test_end_membership_errors_keep_the_input(app, client, admin, world, change, message, today):
    term = world["member"].memberships[0]
    values = {"left_on": "2024-06-30", "leave_kind": "terminated", "reason": "严重违纪", **change}
    if values["left_on"] == "TOMORROW":
        values["left_on"] = (today + timedelta(days=1)).isoformat()
    response = post(client, f"/admin/memberships/{term.id}/end", _leave(term, **values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert '<details class="action" open>' in html
    if values["left_on"]:
        assert f'value="{values["left_on"]}"' in html
    assert fresh(app, Membership, term.id).left_on is None


def test_ending_a_chairs_membership_ends_her_chair_role(app, client, admin, world, today):
    chair = world["chair"]
    term = chair.memberships[0]
    data = _leave(term, left_on=today.isoformat(), leave_kind="term_ended")
    post(client, f"/admin/memberships/{term.id}/end", data)
    assert fresh(app, Account, chair.id).grants == []
    assert len(audit_entries(app, "revoke", "role_grant")) == 1


def _role(term, role: str) -> dict:
    return {f"r{term.id}-role": role}


def test_grant_and_revoke_committee_roles(app, client, admin, world):
    member = world["member"]
    term = member.memberships[0]
    url = f"/admin/accounts/{member.id}/roles/{term.id}"
    response = post(client, url, _role(term, "vice_chair"), follow_redirects=True)
    assert "Role given." in response.get_data(as_text=True)
    assert [g.role for g in fresh(app, Account, member.id).grants] == ["vice_chair"]
    post(client, url, _role(term, "chair"))  # promoted: the vice-chair role goes
    grants = fresh(app, Account, member.id).grants
    assert [(g.role, g.organisation_id) for g in grants] == [("chair", world["village_a"].id)]
    response = post(client, url, _role(term, "chair"))
    assert response.status_code == 422
    assert "She already has this role." in response.get_data(as_text=True)
    assert post(client, url, _role(term, "admin")).status_code == 422
    other_term = world["other_member"].memberships[0]
    assert post(client, f"/admin/accounts/{member.id}/roles/{other_term.id}").status_code == 404

    post(client, f"/admin/roles/{grants[0].id}/revoke")
    assert fresh(app, Account, member.id).grants == []
    assert len(audit_entries(app, "grant", "role_grant")) == 2
    assert len(audit_entries(app, "revoke", "role_grant")) == 2


def test_only_current_members_get_a_committee_role(app, client, admin, world):
    member = world["member"]
    term = member.memberships[0]
    with app.app_context():
        ended = db.session.get(Membership, term.id)
        ended.left_on, ended.leave_kind = date(2024, 6, 30), "term_ended"
        db.session.commit()
    response = post(client, f"/admin/accounts/{member.id}/roles/{term.id}", _role(term, "chair"))
    assert response.status_code == 422
    assert "Only a current committee member" in response.get_data(as_text=True)


def test_admin_cannot_remove_her_own_admin_role(app, client, admin):
    grant = admin.grants[0]
    html = client.get(f"/admin/accounts/{admin.id}").get_data(as_text=True)
    assert f"/admin/roles/{grant.id}/revoke" not in html
    response = post(client, f"/admin/roles/{grant.id}/revoke", follow_redirects=True)
    assert "You cannot remove your own admin role." in response.get_data(as_text=True)
    assert fresh(app, RoleGrant, grant.id) is not None


def test_add_a_membership_to_an_existing_account(app, client, admin, world, make_account, today):
    person = make_account(world["village_a2"], username="newcomer")
    url = f"/admin/accounts/{person.id}/memberships"
    a2 = world["village_a2"].id
    response = post(
        client, url, {"organisation_id": a2, "joined_on": "2099-01-01", "join_kind": "added"}
    )
    assert response.status_code == 422
    assert "The date cannot be in the future." in response.get_data(as_text=True)
    day = today.isoformat()
    join = {"organisation_id": a2, "joined_on": day, "join_kind": "added"}
    response = post(client, url, join, follow_redirects=True)
    assert "She is now a member of the committee." in response.get_data(as_text=True)
    (term,) = fresh(app, Account, person.id).memberships
    assert term.organisation_id == a2 and term.join_kind == "added"
    again = post(client, url, join)
    assert "End that term first." in again.get_data(as_text=True)
    # a seat on a second committee at the same time is fine
    township = {**join, "organisation_id": world["township_a"].id}
    assert post(client, url, township).status_code == 302
    assert {t.organisation_id for t in fresh(app, Account, person.id).memberships} == {
        a2,
        world["township_a"].id,
    }
    b = {**join, "organisation_id": world["village_b"].id}  # not in her subtree
    assert post(client, url, b).status_code == 403


def test_changes_need_a_csrf_token(app, client, admin, world):
    member = world["member"]
    response = client.post(f"/admin/accounts/{member.id}/deactivate")
    assert response.status_code == 400
    assert fresh(app, Account, member.id).active


def test_changes_are_post_only(client, admin, world):
    member = world["member"]
    assert client.get(f"/admin/accounts/{member.id}/deactivate").status_code == 405
    assert client.get(f"/admin/accounts/{member.id}/reset-password").status_code == 405
