"""A demo member on a 390x844 phone: what she owes, her year grid, her calendar feed page."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import layout_problems, login

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_member_home_owed_list_and_year_grid_fit_a_phone(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("执委"))
    assert phone.locator("li.owed").count() >= 1
    assert layout_problems(phone) == []
    # The bar is one row however many tabs she has, and what she owes starts on the first screen.
    bar = phone.locator("header.topbar").bounding_box()
    assert bar and bar["height"] <= 60
    first = phone.locator("li.owed").first.bounding_box()
    assert first and first["y"] + first["height"] <= 844
    # The year grid is folded under its heading; one tap opens it.
    assert not phone.locator("table.year-grid").is_visible()
    phone.click("details.year-details > summary")
    grid = phone.locator("table.year-grid")
    box = grid.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The grid fits without scrolling inside its box either.
    assert not phone.locator(".table-wrap:has(table.year-grid)").evaluate(
        "el => el.scrollWidth > el.clientWidth"
    )
    _shoot(phone, "member-home-owed")
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        grid.screenshot(path=str(SHOTS / "member-home-grid.png"))
        phone.locator("ul.owed-list").screenshot(path=str(SHOTS / "member-home-owed-list.png"))


def test_calendar_page_turn_on_and_fetch(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("执委"))
    phone.goto(f"{live_demo.url}/tracker/calendar")
    assert layout_problems(phone) == []
    _shoot(phone, "calendar-off")
    phone.click("form[action='/tracker/calendar/reset'] button")
    phone.wait_for_load_state()
    url = phone.locator("#feed-url").input_value()
    assert url.startswith(live_demo.url + "/tracker/calendar/") and url.endswith(".ics")
    assert phone.locator("#feed-webcal").get_attribute("href").startswith("webcal://")
    assert layout_problems(phone) == []
    _shoot(phone, "calendar-on")
    response = phone.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text()
