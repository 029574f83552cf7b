"""Pages are valid HTML with a language, and every visible input has a label."""

from __future__ import annotations

import html5lib
import pytest

MEMBER_PAGES = [
    "/",
    "/logs/",
    "/logs/new/contact",
    "/logs/new/talk",
    "/logs/new/survey",
    "/logs/new/proposal",
    "/logs/new/help",
    "/logs/new/volunteer",
    "/logs/new/record_book",
    "/auth/account",
    "/auth/password",
]
NS = {"h": "http://www.w3.org/1999/xhtml"}


def _check(html: str) -> None:
    assert '="None"' not in html, "an attribute rendered as the text None"
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    document = parser.parse(html)  # raises on any parse error
    root = document
    assert root.get("lang") in ("zh-CN", "en")
    labelled = {label.get("for") for label in root.iterfind(".//h:label", NS)}
    for element in root.iterfind(".//h:input", NS):
        if element.get("type") in ("hidden", "submit"):
            continue
        wrapped = element.get("id") in labelled
        assert wrapped, f"input {element.get('name')} has no label"
    for tag in ("select", "textarea"):
        for element in root.iterfind(f".//h:{tag}", NS):
            assert element.get("id") in labelled, f"{tag} {element.get('name')} has no label"


def test_login_page_is_valid(client):
    _check(client.get("/auth/login").get_data(as_text=True))


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_are_valid(client, auth, world, make_log, path, today):
    make_log(
        world["member"],
        "proposal",
        today,
        topic="t",
        proposal_text="p",
        proposal_status="submitted",
    )
    auth.login("member")
    response = client.get(path)
    assert response.status_code == 200
    _check(response.get_data(as_text=True))


def test_log_view_edit_and_committee_pages_are_valid(client, auth, world, make_log, today):
    log = make_log(world["member"], "contact", today, method="visit", women_count=3)
    auth.login("member")
    for path in (f"/logs/{log.id}", f"/logs/{log.id}/edit"):
        _check(client.get(path).get_data(as_text=True))
    auth.logout()
    auth.login("chair")
    for path in (
        f"/committee/{world['village_a'].id}",
        f"/committee/members/{world['member'].id}/logs",
    ):
        _check(client.get(path).get_data(as_text=True))


def test_error_pages_are_valid(client, auth, world):
    auth.login("member")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    _check(response.get_data(as_text=True))
