"""The installable offline app on a 390x844 phone (issue 6): entries logged with no network
wait on the phone, reach the server exactly once when it returns, photos included; refused
entries show why; a new deployment replaces the old cache; pages that need the network say so.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from fieldlog import create_app
from fieldlog.extensions import db
from fieldlog.models import Log, Photo
from fieldlog.seed import seed_duty_types
from tests.browser.conftest import (
    DEMO_PASSWORD,
    closing_body,
    layout_problems,
    login,
    new_phone,
)
from tests.conftest import TEST_SECRET_KEY
from tests.fixtures.databases import scratch_database

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SHELL = ["/", "/logs/", "/logs/new/contact", "/logs/new/talk"]
CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
  }
  return out;
}"""
QUEUE = "async () => (await FieldLog.store.all()).map((e) => [e.client_id, e.state])"


class LiveServer:
    """The app served on loopback; ``restart`` serves a new app instance on the same port (the
    same origin, so the phone keeps its service worker and caches), as a deployment would."""

    def __init__(self, db_url: str, instance: Path) -> None:
        self.db_url, self.instance = db_url, instance
        self.port = 0
        self.member = self.chair = ""  # demo logins, when the demo is loaded
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **config: Any) -> None:
        settings = {"SQLALCHEMY_DATABASE_URI": self.db_url, "SECRET_KEY": TEST_SECRET_KEY}
        self.app = create_app({**settings, **config}, instance_path=str(self.instance))
        self._server = make_server("127.0.0.1", self.port, closing_body(self.app), threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(timeout=5)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def restart(self, **config: Any) -> None:
        self.stop()
        self.start(**config)

    def query(self, statement: Any) -> Any:
        with self.app.app_context():
            try:
                return db.session.execute(statement).all()
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def field(tmp_path_factory, today: date) -> Iterator[LiveServer]:
    """The demo township as of the pinned day, served for the whole module."""
    from fieldlog import demo

    tmp = tmp_path_factory.mktemp("offline")
    kind = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    with scratch_database(kind, tmp) as url:
        live = LiveServer(url, tmp)
        live.start()
        with live.app.app_context():
            db.create_all()
            seed_duty_types(db.session)
            demo.load(password=DEMO_PASSWORD, today=today)
            db.session.commit()
            live.member = next(row[1] for row in demo.logins() if row[0] == "执委")
            live.chair = next(row[1] for row in demo.logins() if row[0] == "主席")
        try:
            yield live
        finally:
            live.stop()


@pytest.fixture
def context(browser):
    """A phone that allows service workers (a fresh profile: no caches, no queue)."""
    ctx = new_phone(browser, service_workers="allow")
    yield ctx
    ctx.close()


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_until(page, script: str, timeout: float = 20.0) -> Any:
    """Poll an async page function until it returns something truthy (Playwright's
    wait_for_function does not await a returned promise)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            state = page.evaluate(CACHES)
            raise AssertionError(f"timed out waiting for: {script}; caches: {state}")
        time.sleep(0.2)


def install(page, live: LiveServer, username: str) -> None:
    """Log in and wait until the service worker controls the page and keeps the shell."""
    login(page, live.url, username)
    shell = " && ".join(f"!!(await caches.match('{path}'))" for path in SHELL)
    wait_until(page, f"async () => {shell}")


def log_offline(page, live: LiveServer, code: str, fills: dict[str, str], photo=None) -> str:
    """Open a duty form with no network, fill it, save; returns the queued client_id."""
    page.goto(f"{live.url}/logs/new/{code}")
    assert page.locator("form.log-form").count() == 1, "the form must open from the cache"
    for selector, value in fills.items():
        page.fill(selector, value)
    if photo is not None:
        page.set_input_files("#photos", photo)
        page.wait_for_selector(".photo-previews img")
    client_id = page.input_value("input[name=client_id]")
    page.click("button.primary")
    page.wait_for_url(f"{live.url}/")
    page.wait_for_selector(f".queue-list li[data-client-id='{client_id}']")
    return client_id


def gps_jpeg(width: int = 2400, height: int = 1800) -> dict[str, Any]:
    """A camera-like JPEG: large, turned by its EXIF orientation, with a GPS position."""
    img = Image.new("RGB", (width, height), (40, 120, 200))
    ImageDraw.Draw(img).rectangle((100, 100, width // 2, height // 2), fill=(250, 200, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter clockwise: portrait
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (29.0, 33.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 33.0, 1.0)
    buf = BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=90)
    assert Image.open(BytesIO(buf.getvalue())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def count_logs(live: LiveServer, client_id: str) -> int:
    rows = live.query(select(func.count(Log.id)).where(Log.client_id == client_id))
    return rows[0][0]


def test_entry_logged_offline_reaches_the_server_once(context, field):
    page = context.new_page()
    install(page, field, field.member)
    context.set_offline(True)
    client_id = log_offline(
        page, field, "contact", {"#women_count": "4", "#topic": "离线登记的走访"}
    )
    assert "待发送" in page.inner_text(f"li[data-client-id='{client_id}']")
    assert page.inner_text(".queue-badge") == "1 条待发送"
    assert layout_problems(page) == []
    _shoot(page, "offline-home-queued")

    # She closes the browser and opens FieldLog again, still without a network.
    page.close()
    page = context.new_page()
    page.goto(f"{field.url}/")
    page.wait_for_selector(f".queue-list li[data-client-id='{client_id}']")
    assert page.is_visible(".queue-badge")
    assert count_logs(field, client_id) == 0

    context.set_offline(False)  # the "online" event sends the queue
    page.wait_for_selector(".flash-success:has-text('已发送 1 条记录')")
    assert page.is_hidden("#queue") and page.is_hidden(".queue-badge")
    assert "离线登记的走访" in page.inner_text("ul.log-list:not(.queue-list)")
    assert page.evaluate(QUEUE) == []
    assert count_logs(field, client_id) == 1
    assert len(field.query(select(Log.id).where(Log.topic == "离线登记的走访"))) == 1

    # Opening the app again sends nothing twice.
    page.goto(f"{field.url}/logs/")
    page.wait_for_load_state()
    assert count_logs(field, client_id) == 1


def test_photo_taken_offline_arrives_once_without_its_gps_tag(context, field):
    page = context.new_page()
    install(page, field, field.member)
    context.set_offline(True)
    page.goto(f"{field.url}/logs/new/contact")
    page.fill("#topic", "带照片的离线走访")
    page.fill("#women_count", "9")
    page.set_input_files("#photos", gps_jpeg())
    page.wait_for_selector(".photo-previews img")
    assert layout_problems(page) == []
    _shoot(page, "offline-form-photo")
    queued = page.input_value("input[name=client_id]")
    page.click("button.primary")
    page.wait_for_url(f"{field.url}/")
    row = page.locator(f".queue-list li[data-client-id='{queued}']")
    expect(row.locator("img")).to_have_count(1)  # her photo shows with the waiting entry

    context.set_offline(False)
    page.wait_for_selector(".flash-success:has-text('已发送 1 条记录')")
    assert count_logs(field, queued) == 1
    photos = photos_of(field, queued)
    assert len(photos) == 1
    photo = photos[0]
    assert (photo.width, photo.height) == (1200, 1600)  # scaled on the phone, turned upright
    with field.app.app_context():
        from fieldlog.photos import storage

        stored = storage.path_of(photo.stored_name).read_bytes()
    image = Image.open(BytesIO(stored))
    assert image.size == (1200, 1600)
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
    # The thumbnail shows in her list, served by the server now.
    page.goto(f"{field.url}/logs/")
    assert page.locator(".log-row img.log-thumb").first.get_attribute("src").startswith("/photos/")


def photos_of(live: LiveServer, client_id: str) -> list[Photo]:
    rows = live.query(
        select(Photo).join(Log, Log.id == Photo.log_id).where(Log.client_id == client_id)
    )
    return [row[0] for row in rows]


def test_photo_saved_online_goes_with_the_form_scaled(context, field):
    page = context.new_page()
    install(page, field, field.member)
    page.goto(f"{field.url}/logs/new/contact")
    page.fill("#women_count", "2")
    page.set_input_files("#photos", gps_jpeg())
    page.wait_for_selector(".photo-previews img")
    client_id = page.input_value("input[name=client_id]")
    page.click("button.primary")
    page.wait_for_selector(".flash-success:has-text('已保存')")
    assert page.url == f"{field.url}/"
    assert count_logs(field, client_id) == 1
    assert [(p.width, p.height) for p in photos_of(field, client_id)] == [(1200, 1600)]


def test_lost_answer_after_the_server_saved_makes_no_duplicate(context, field):
    """The page post reaches the server with its photo, the answer never reaches the phone:
    the entry is queued, sent again, and the server still has one log with one photo."""
    page = context.new_page()
    install(page, field, field.member)

    def lose_answer(route):
        if route.request.method == "POST":
            route.fetch()  # the server saves it ...
            route.abort("connectionreset")  # ... and the phone never hears back
        else:
            route.continue_()

    page.route("**/logs/new/talk", lose_answer)
    page.goto(f"{field.url}/logs/new/talk")
    page.fill("#topic", "回复丢失的宣讲")
    page.fill("#women_count", "7")
    page.set_input_files("#photos", gps_jpeg())
    page.wait_for_selector(".photo-previews img")
    client_id = page.input_value("input[name=client_id]")
    page.click("button.primary")
    page.wait_for_selector(".flash-success:has-text('已发送 1 条记录')")
    assert page.evaluate(QUEUE) == []
    assert count_logs(field, client_id) == 1
    assert len(photos_of(field, client_id)) == 1


def test_failed_send_waits_and_goes_out_with_send_now(context, field):
    page = context.new_page()
    install(page, field, field.member)
    context.set_offline(True)
    client_id = log_offline(page, field, "contact", {"#women_count": "1", "#topic": "重试发送"})
    page.route(
        "**/api/v1/sync",
        lambda route: route.fulfill(status=503, body="", content_type="text/plain"),
    )
    context.set_offline(False)
    page.wait_for_selector(".queue-status:has-text('稍后会自动重试')")
    attempts = wait_until(
        page, "async () => (await FieldLog.store.all()).map((e) => [e.attempts, e.next_try])[0]"
    )
    assert attempts[0] == 1 and attempts[1] > page.evaluate("() => Date.now()")
    assert count_logs(field, client_id) == 0
    page.unroute("**/api/v1/sync")
    page.click("[data-queue-send]")
    page.wait_for_selector(".flash-success:has-text('已发送 1 条记录')")
    assert count_logs(field, client_id) == 1


def test_refused_entry_shows_its_errors_and_the_rest_still_sends(context, field):
    page = context.new_page()
    install(page, field, field.member)
    context.set_offline(True)
    refused = log_offline(page, field, "contact", {"#women_count": "999999", "#place": "太多人"})
    good = log_offline(page, field, "contact", {"#women_count": "6", "#place": "后一条照常"})
    assert page.inner_text(".queue-badge") == "2 条待发送"

    context.set_offline(False)
    page.wait_for_selector(".flash-success:has-text('已发送 1 条记录')")
    assert count_logs(field, good) == 1
    assert count_logs(field, refused) == 0
    row = page.locator(f".queue-list li[data-client-id='{refused}']")
    assert "未被接受" in row.inner_text()
    assert row.locator(".queue-errors li").count() >= 1
    assert page.inner_text(".queue-badge") == "1 条待发送"
    assert layout_problems(page) == []
    _shoot(page, "offline-refused")

    # Tapping it opens the form with her values and the server's reasons; she corrects it.
    row.locator("a").click()
    page.wait_for_selector("#women_count-errors")
    assert page.input_value("#women_count") == "999999"
    assert page.input_value("#place") == "太多人"
    assert page.input_value("input[name=client_id]") == refused
    page.fill("#women_count", "12")
    page.click("button.primary")
    page.wait_for_selector(".flash-success")
    assert page.evaluate(QUEUE) == []
    assert count_logs(field, refused) == 1


def test_edit_against_a_changed_log_is_shown_not_overwritten(context, field):
    page = context.new_page()
    install(page, field, field.member)
    page.goto(f"{field.url}/logs/new/contact")
    page.fill("#women_count", "3")
    page.fill("#notes", "第一次记下")
    client_id = page.input_value("input[name=client_id]")
    page.click("button.primary")
    page.wait_for_selector(".flash-success")
    log_id = field.query(select(Log.id).where(Log.client_id == client_id))[0][0]

    page.goto(f"{field.url}/logs/{log_id}/edit")
    context.set_offline(True)
    page.fill("#notes", "手机上的修改")
    page.click("button.primary")
    page.wait_for_url(f"{field.url}/logs/")
    page.wait_for_selector(f".queue-list li[data-client-id='{client_id}']")
    with field.app.app_context():  # meanwhile, the entry is changed on another device
        log = db.session.get(Log, log_id)
        log.notes, log.version = "电脑上的修改", log.version + 1
        db.session.commit()
        db.session.remove()

    context.set_offline(False)
    row = page.locator(f".queue-list li.state-conflict[data-client-id='{client_id}']")
    row.wait_for()
    assert "已在别处修改" in row.inner_text()
    assert field.query(select(Log.notes).where(Log.id == log_id))[0][0] == "电脑上的修改"

    # She looks at it: the current entry with her change over it, and decides to save.
    row.locator("a").click()
    page.wait_for_selector(".flash-error:has-text('在别处又被改过')")
    assert page.input_value("#notes") == "手机上的修改"
    page.click("button.primary")
    page.wait_for_selector(".flash-success")
    assert field.query(select(Log.notes).where(Log.id == log_id))[0][0] == "手机上的修改"
    assert page.evaluate(QUEUE) == []


def test_pages_that_need_the_network_say_so_offline(context, field):
    page = context.new_page()
    install(page, field, field.chair)
    page.goto(f"{field.url}/committee/")
    committee = page.url
    context.set_offline(True)
    for url in (committee, f"{field.url}/review/mine", f"{field.url}/logs/999999"):
        page.goto(url)
        assert "这个页面需要网络，请连上网络后再打开" in page.inner_text("h1"), url
    assert layout_problems(page) == []
    _shoot(page, "offline-needs-network")
    # The shell still opens.
    page.goto(f"{field.url}/logs/new/survey")
    assert page.locator("form.log-form").count() == 1


def test_logout_clears_the_phone(context, field):
    page = context.new_page()
    install(page, field, field.member)
    context.set_offline(True)
    refused = log_offline(page, field, "contact", {"#women_count": "999999"})
    context.set_offline(False)
    page.wait_for_selector(f".queue-list li.state-rejected[data-client-id='{refused}']")
    page.goto(f"{field.url}/auth/account")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("form[action$='/auth/logout'] button")
    page.wait_for_url(f"{field.url}/auth/login")
    assert questions and "1 条记录没有发送" in questions[0]
    # No page of hers is left (the login page may have cached the public files again).
    left = page.evaluate(CACHES)
    for urls in left.values():
        assert all(u.startswith("/static/") or u == "/offline" for u in urls), left
    names = page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
    assert "fieldlog" not in names
    assert page.inner_text(".flash") == "您已退出登录。" or page.locator(".flash").count() >= 1


class Counter:
    """The app with every answer noted as (path, status): what reached the server."""

    def __init__(self, live: LiveServer) -> None:
        self.live, self.seen = live, []
        self.inner = live.app.wsgi_app

    def __enter__(self) -> Counter:
        def counting(environ, start_response):
            def start(status, headers, *rest):
                self.seen.append((environ["PATH_INFO"], int(status.split()[0])))
                return start_response(status, headers, *rest)

            return self.inner(environ, start)

        self.live.app.wsgi_app = counting
        return self

    def __exit__(self, *_exc: object) -> None:
        self.live.app.wsgi_app = self.inner

    def downloads(self, path: str) -> int:
        return sum(1 for p, status in self.seen if p == path and status == 200)


def test_install_downloads_each_file_once_and_pages_do_not_fetch_the_worker(context, field):
    """The precache takes the static files from the HTTP cache (fingerprinted, cached for a
    year), not a second time from the server; the install icons stay out; page views do not
    download /sw.js again (the browser may revalidate it: 304)."""
    page = context.new_page()
    with Counter(field) as counter:
        install(page, field, field.member)
        for path in ("/logs/", "/logs/new/survey", "/"):
            page.goto(f"{field.url}{path}")
            page.wait_for_load_state("networkidle")
    statics = {p for p, _status in counter.seen if p.startswith("/static/")}
    assert "/static/css/app.css" in statics and "/static/js/offline.js" in statics
    twice = {p: counter.downloads(p) for p in statics if counter.downloads(p) > 1}
    assert twice == {}, counter.seen
    # Each shell page is fetched once ahead (pages warming at the same moment share a round).
    assert all(counter.downloads(p) == 1 for p in ("/logs/new/help", "/logs/new/talk"))
    assert counter.downloads("/static/img/icon-512.png") == 0
    assert counter.downloads("/sw.js") == 1, counter.seen
    cached = page.evaluate(CACHES)
    kept = [u for name, urls in cached.items() if "-static-" in name for u in urls]
    assert len(kept) == len(set(kept)) and "/static/css/app.css" in kept


@pytest.fixture
def bare(tmp_path) -> Iterator[LiveServer]:
    """An app with no demo data, for the service worker's own life cycle."""
    with scratch_database("sqlite", tmp_path) as url:
        live = LiveServer(url, tmp_path)
        live.start(OFFLINE_CACHE_VERSION="deploy-1")
        with live.app.app_context():
            db.create_all()
            seed_duty_types(db.session)
            db.session.commit()
        try:
            yield live
        finally:
            live.stop()


def test_a_new_deployment_replaces_the_old_cache(context, bare):
    page = context.new_page()
    page.goto(f"{bare.url}/auth/login")
    wait_until(page, "async () => !!navigator.serviceWorker.controller")
    wait_until(page, "async () => (await caches.keys()).includes('fieldlog-static-deploy-1')")
    assert page.evaluate(CACHES)["fieldlog-static-deploy-1"].count("/offline") == 1

    bare.restart(OFFLINE_CACHE_VERSION="deploy-2")
    page.reload()  # the page asks the browser to look for a new service worker
    notice = page.locator("button.update-notice")
    notice.wait_for()
    assert "新版本" in notice.inner_text()
    assert layout_problems(page) == []
    _shoot(page, "offline-update-ready")
    # Until she taps, the old version keeps serving.
    assert "fieldlog-static-deploy-1" in page.evaluate("async () => caches.keys()")
    with page.expect_navigation():
        notice.click()
    wait_until(page, "async () => !(await caches.keys()).includes('fieldlog-static-deploy-1')")
    names = page.evaluate("async () => caches.keys()")
    assert "fieldlog-static-deploy-2" in names
    assert not [n for n in names if n.endswith("deploy-1")]
    version = page.evaluate(
        """async () => new Promise((resolve) => {
             const channel = new MessageChannel();
             channel.port1.onmessage = (e) => resolve(e.data.version);
             navigator.serviceWorker.controller.postMessage({type: 'version'}, [channel.port2]);
           })"""
    )
    assert version == "deploy-2"
