"""The chair's tracker pages on a 390x844 phone, with the demo village 桃源村."""

from __future__ import annotations

import os
from pathlib import Path

from fieldlog.periods import Cadence, period_of
from tests.browser.conftest import layout_problems, login
from tests.fixtures.clock import pinned_today

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
VILLAGE = "桃源村"


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _chair(live_demo) -> str:
    return next(r[1] for r in live_demo.logins if r[0] == "主席" and r[3] == VILLAGE)


def _last_quarter() -> str:
    return period_of(pinned_today(), Cadence.QUARTER).previous().code


def _follow(page, selector: str) -> None:
    """Tap the first match and wait for the page it leads to (stylesheet included)."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def _fits(page, name: str) -> None:
    assert layout_problems(page) == [], name
    _shoot(page, name)


def test_chair_grid_reads_well_on_a_phone(phone, live_demo):
    login(phone, live_demo.url, _chair(live_demo))
    phone.goto(f"{live_demo.url}/committee/")
    _follow(phone, "a[href^='/tracker/committee/']")
    rows = phone.locator("table.cgrid tbody tr")
    assert rows.count() >= 10
    assert phone.locator("#wechat-text").input_value().startswith(f"【{VILLAGE}妇联】")
    _fits(phone, "chair-grid")
    # The name column stays put while the duties scroll inside the table's own box.
    wrap = phone.locator(".cgrid-wrap")
    assert wrap.evaluate("el => el.getBoundingClientRect().right") <= 390
    phone.select_option("#quarter", _last_quarter())
    _follow(phone, ".cgrid-filters button")
    assert phone.locator("td.status-overdue").count() >= 1
    _fits(phone, "chair-grid-last-quarter")
    phone.select_option("#status", "overdue")
    _follow(phone, ".cgrid-filters button")
    _fits(phone, "chair-grid-filtered")


def test_chair_year_overdue_and_excuse_pages_fit_a_phone(phone, live_demo):
    login(phone, live_demo.url, _chair(live_demo))
    phone.goto(f"{live_demo.url}/committee/")
    _follow(phone, "a[href^='/tracker/committee/']")
    # From last quarter's grid: the overdue list of its year (in the first quarter of a year,
    # nothing of the new year has ended yet).
    phone.select_option("#quarter", _last_quarter())
    _follow(phone, ".cgrid-filters button")
    _follow(phone, "a[href*='/overdue']")
    _fits(phone, "chair-overdue")
    _follow(phone, ".overdue-member h2 a")
    _fits(phone, "chair-member-year")
    _follow(phone, "a[href^='/tracker/excuse']")
    _fits(phone, "chair-excuse-form")
    _follow(phone, "button.primary")  # no reason chosen: the form says so
    assert phone.locator(".field-errors").count() == 1
    _fits(phone, "chair-excuse-errors")
    phone.click("label.choice >> nth=0")
    _follow(phone, "button.primary")
    assert phone.locator(".flash-success").count() == 1
    _fits(phone, "chair-member-year-after-excuse")


def test_excused_duties_show_their_reason(phone, live_demo):
    """The demo chair excused a member's missed duties: 生病住院 is readable on her year."""
    login(phone, live_demo.url, _chair(live_demo))
    phone.goto(f"{live_demo.url}/committee/")
    _follow(phone, "a[href^='/tracker/committee/']")
    phone.select_option("#quarter", _last_quarter())
    phone.select_option("#status", "excused")
    _follow(phone, ".cgrid-filters button")
    _follow(phone, "table.cgrid tbody th a")
    assert "生病住院" in phone.locator(".excuse-reason").first.inner_text()
    _fits(phone, "chair-member-year-excused")


def test_admin_drills_down_to_the_grid(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("管理员"))
    phone.goto(f"{live_demo.url}/tracker/rollup")
    _follow(phone, "a[href^='/tracker/committee/']")
    assert phone.locator("table.cgrid").count() == 1
    assert phone.locator("#wechat-text").count() == 0
    _fits(phone, "admin-village-grid")
