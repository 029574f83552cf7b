"""The demo admin's roll-up on a 390x844 phone: no sideways page scroll, chart drawn."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import layout_problems, login

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_rollup_fits_a_phone(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("管理员"))
    phone.goto(f"{live_demo.url}/admin/")
    phone.click("a[href='/tracker/rollup']")
    phone.wait_for_load_state()
    assert "/tracker/rollup/" in phone.url
    # On a phone each committee is a card showing all seven duties: nothing is scrolled away.
    cards = phone.locator("li.rollup-card-row")
    assert cards.count() >= 3
    assert not phone.locator(".rollup-table-wrap").is_visible()
    for i in range(cards.count()):
        duties = cards.nth(i).locator(".rc-duties li")
        assert duties.count() == 7
        for j in range(7):
            box = duties.nth(j).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.locator("svg.chart-svg g.bar-slot").count() == 8
    svg_box = phone.locator("svg.chart-svg").bounding_box()
    assert svg_box and 300 <= svg_box["width"] <= 390 and svg_box["height"] > 120
    # The chart's axis is in Chinese: quarters over their years.
    axis = phone.locator("svg.chart-svg g.bar-slot text").all_text_contents()
    assert "一季" in axis and not any("Q" in text for text in axis)
    assert layout_problems(phone) == []
    _shoot(phone, "rollup")
    # On a wide screen the same figures are one table.
    phone.set_viewport_size({"width": 1024, "height": 800})
    assert phone.locator("tr.rollup-row").count() == cards.count()
    assert not phone.locator(".rollup-cards").is_visible()
    wrap = phone.locator(".rollup-table-wrap")
    assert not wrap.evaluate("el => el.scrollWidth > el.clientWidth")


def test_quarter_choice_and_drill_down(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("管理员"))
    phone.goto(f"{live_demo.url}/tracker/rollup")
    options = phone.locator("#quarter option")
    last = options.nth(1).get_attribute("value")  # last quarter: it has ended
    phone.select_option("#quarter", last)
    phone.click(".rollup-pick button")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"?quarter={last}")
    assert phone.input_value("#quarter") == last
    assert layout_problems(phone) == []
    _shoot(phone, "rollup-last-quarter")
    link = phone.locator("li.rollup-card-row a.rc-name").first.get_attribute("href")
    assert link.startswith("/tracker/committee/") and link.endswith(f"?quarter={last}")
