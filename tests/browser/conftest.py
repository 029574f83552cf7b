"""Browser tests: Playwright driving Debian's chromium against a live server on loopback.

Skipped (with the reason) where chromium or Playwright is missing; under CI they are required.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from fieldlog import create_app
from fieldlog.extensions import db
from fieldlog.seed import seed_duty_types
from tests.conftest import TEST_SECRET_KEY
from tests.fixtures.clock import pinned_instant
from tests.fixtures.databases import scratch_database

CHROMIUM = "/usr/bin/chromium"


def closing_body(app):
    """The app with each response body read and closed before it is sent.

    Werkzeug's development server closes a response only after draining the request socket;
    when chromium drops a connection (a navigation aborts an icon download) that drain raises
    and an open static file is left to the garbage collector, whose ResourceWarning the suite
    turns into an error in some unrelated test. Browser tests need no streaming."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


LAYOUT_CHECK = Path(__file__).with_name("layout_check.js")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
DEMO_PASSWORD = "demo1234"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        _require(f"chromium not found at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("playwright is not installed: make test-deps")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def new_phone(browser, **options):
    """A fresh phone-sized browser context (390x844, touch) whose JavaScript clock (``Date``,
    timers) runs from the server's pinned now: the form's date is the server's today."""
    context = browser.new_context(**PHONE, **options)
    context.clock.install(time=pinned_instant())
    return context


@pytest.fixture
def phone(browser):
    """A page in a fresh phone context (see ``new_phone``)."""
    context = new_phone(browser)
    page = context.new_page()
    yield page
    context.close()


@dataclass(frozen=True)
class LiveDemo:
    url: str
    logins: list[tuple[str, str, str, str]]  # (role, username, name, organisation)

    def username(self, role: str) -> str:
        """The first demo login with this role label (管理员, 主席, 执委 ...)."""
        return next(row[1] for row in self.logins if row[0] == role)


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory, today: date) -> Iterator[LiveDemo]:
    """The demo township as of the pinned day, served on a random loopback port from a thread
    of this process: the server reads the same pinned clock as the tests."""
    from fieldlog import demo

    tmp = tmp_path_factory.mktemp("live")
    kind = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    with scratch_database(kind, tmp) as url:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY}, instance_path=str(tmp)
        )
        with app.app_context():
            db.create_all()
            seed_duty_types(db.session)
            demo.load(password=DEMO_PASSWORD, today=today)
            db.session.commit()
            logins = demo.logins()
        server = make_server("127.0.0.1", 0, closing_body(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveDemo(f"http://127.0.0.1:{server.server_port}", logins)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def login(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def layout_problems(page) -> list[str]:
    """Horizontal scrolling, and visible tap targets smaller than 44 px high."""
    return page.evaluate(LAYOUT_CHECK.read_text())
