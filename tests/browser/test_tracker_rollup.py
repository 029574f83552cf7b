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
    assert phone.locator("tr.rollup-row").count() >= 3
    assert phone.locator("svg.chart-svg g.bar-slot").count() == 8
    svg_box = phone.locator("svg.chart-svg").bounding_box()
    assert svg_box and 300 <= svg_box["width"] <= 390 and svg_box["height"] > 120
    assert layout_problems(phone) == []
    _shoot(phone, "rollup")
    # The wide table scrolls inside its own box, its first column stays in view.
    wrap = phone.locator(".rollup-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    first = phone.locator("tr.rollup-row th.rollup-org").first.bounding_box()
    assert first and first["x"] >= 0
    _shoot(phone, "rollup-scrolled")


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
    link = phone.locator("tr.rollup-row th a").first.get_attribute("href")
    assert link.startswith("/tracker/committee/") and link.endswith(f"?quarter={last}")
