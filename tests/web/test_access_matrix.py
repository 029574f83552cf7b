"""The role x resource matrix: once against access.py, once through the pages."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.models import Account, Log, Organisation
from tests.web.helpers import open_form

pytestmark = pytest.mark.usefixtures("frozen")
DAY = date(2026, 9, 1)  # before the frozen today, 20 September 2026

ACTORS = ("member", "other_member", "chair", "other_chair", "admin", "other_admin")
# actor: (read log, edit log, delete log, read member list, manage the member's account)
MATRIX = {
    "member": (True, True, True, False, False),
    "other_member": (False, False, False, False, False),
    "chair": (True, False, False, True, False),
    "other_chair": (False, False, False, False, False),
    "admin": (True, False, False, True, True),  # reads, without names or free text
    "other_admin": (False, False, False, False, False),
}
ACTIONS = ("read", "edit", "delete", "members", "manage")
CASES = [(actor, action, MATRIX[actor][i]) for actor in ACTORS for i, action in enumerate(ACTIONS)]


@pytest.fixture
def scene(world, make_log):
    log = make_log(
        world["member"], "contact", DAY, women_names="某某", method="visit", women_count=2
    )
    return world, log


def _predicate(actor: Account, action: str, log: Log, village: Organisation, owner: Account):
    return {
        "read": lambda: access.can_read_log(actor, log),
        "edit": lambda: access.can_edit_log(actor, log),
        "delete": lambda: access.can_delete_log(actor, log),
        "members": lambda: access.can_read_members(actor, village),
        "manage": lambda: access.can_manage_account(actor, owner),
    }[action]()


@pytest.mark.parametrize(("actor", "action", "allowed"), CASES)
def test_matrix_against_access_module(app, scene, actor, action, allowed):
    world, log = scene
    with app.app_context():
        who = db.session.get(Account, world[actor].id)
        owner = db.session.get(Account, world["member"].id)
        village = db.session.get(Organisation, world["village_a"].id)
        saved = db.session.get(Log, log.id)
        assert _predicate(who, action, saved, village, owner) is allowed


def _through_pages(client, action: str, log: Log, world) -> int:
    if action == "read":
        return client.get(f"/logs/{log.id}").status_code
    if action == "edit":
        return client.get(f"/logs/{log.id}/edit").status_code
    if action == "delete":
        _html, hidden = open_form(client, "/auth/account")
        return client.post(f"/logs/{log.id}/delete", data=hidden).status_code
    if action == "members":
        return client.get(_members_url(world)).status_code
    return client.get(_manage_url(world)).status_code


def _members_url(world) -> str:
    return f"/admin/orgs/{world['village_a'].id}"


def _manage_url(world) -> str:
    return f"/admin/accounts/{world['member'].id}"


ALLOWED_STATUS = {"read": 200, "edit": 200, "delete": 302, "members": 200, "manage": 200}


@pytest.mark.parametrize(("actor", "action", "allowed"), CASES)
def test_matrix_through_pages(client, auth, scene, actor, action, allowed):
    world, log = scene
    auth.login(world[actor].username)
    if action == "members" and actor.endswith("chair"):
        status = client.get(f"/committee/{world['village_a'].id}").status_code
    else:
        status = _through_pages(client, action, log, world)
    if allowed:
        assert status == ALLOWED_STATUS[action]
    else:
        assert status in (403, 404)


@pytest.mark.parametrize(("reader", "names"), [("member", True), ("chair", True), ("admin", False)])
def test_women_names_only_for_author_and_chair(client, auth, scene, reader, names):
    world, log = scene
    auth.login(reader)
    page = client.get(f"/logs/{log.id}")
    assert page.status_code == 200
    assert ("某某" in page.get_data(as_text=True)) is names


def test_chair_sees_committee_members_and_their_logs(client, auth, scene):
    world, log = scene
    auth.login("chair")
    html = client.get(f"/committee/{world['village_a'].id}").get_data(as_text=True)
    assert "王芳" in html and "李娜" in html and "赵丽" not in html
    html = client.get(f"/committee/members/{world['member'].id}/logs").get_data(as_text=True)
    assert f"/logs/{log.id}" in html
    assert client.get(f"/committee/members/{world['other_chair'].id}/logs").status_code == 403
    assert client.get(f"/committee/{world['village_b'].id}").status_code == 403


def test_member_cannot_open_committee_pages(client, auth, scene):
    world, _log = scene
    auth.login("member")
    assert client.get("/committee/").status_code == 403
    assert client.get(f"/committee/{world['village_a'].id}").status_code == 403


def test_visible_logs_filter_matches_predicate(app, scene, make_log):
    world, log = scene
    other_village_log = make_log(world["other_chair"], "talk", DAY, topic="乙村宣讲")
    with app.app_context():
        for actor in ACTORS:
            who = db.session.get(Account, world[actor].id)
            visible = {row.id for row in db.session.scalars(access.visible_logs(who))}
            for candidate in (log, other_village_log):
                saved = db.session.get(Log, candidate.id)
                assert (candidate.id in visible) is access.can_read_log(who, saved), actor


def test_committee_page_warns_about_its_size(client, auth, scene):
    world, _log = scene
    auth.login("chair")
    html = client.get(f"/committee/{world['village_a'].id}").get_data(as_text=True)
    assert "size-too_few" in html and "至少需要 5 人" in html
