"""The installable app's server side of the client (issue 6): the service worker at /sw.js,
the manifest and icons, the offline page, which pages become the offline shell, and the
log form and lists with photos."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from fieldlog import offline
from fieldlog.catalogue import SEVEN_ONES
from tests.fixtures.images import picture
from tests.web.helpers import open_form, submit
from tests.web.test_html import _check

ROOT = Path(__file__).resolve().parents[2]
CONFIG_RE = re.compile(r'<script type="application/json" id="fieldlog-config">(.*?)</script>', re.S)


@pytest.fixture
def member(world, auth):
    auth.login("member")
    return world["member"]


def worker_config(body: str) -> dict:
    first, _, rest = body.partition("\n")
    assert first.startswith("const FIELDLOG = ") and first.endswith(";")
    assert "addEventListener('fetch'" in rest  # static/js/sw.js follows
    return json.loads(first[len("const FIELDLOG = ") : -1])


def test_service_worker_is_served_from_the_root(app, client, world):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    config = worker_config(response.get_data(as_text=True))
    with app.app_context():
        assert config["version"] == offline.cache_version()
    paths = {url.partition("?")[0] for url in config["precache"]}
    assert {"/static/css/app.css", "/static/js/offline.js", "/static/manifest.webmanifest"} <= paths
    assert "/static/img/icon-192.png" in paths
    assert "/offline" in config["precache"] and config["offline"] == "/offline"
    assert "/static/js/sw.js" not in paths
    assert config["shell"] == ["/", "/logs/", *(f"/logs/new/{d['code']}" for d in SEVEN_ONES)]
    assert 0 < config["navigationTimeout"] <= 10000


def test_cache_version_changes_with_a_deployment(app, client, tmp_path):
    with app.app_context():
        computed = offline.cache_version()
    assert re.fullmatch(r"[\w.+-]+-[0-9a-f]{12}", computed)
    app.config["OFFLINE_CACHE_VERSION"] = "2026-11-27a"
    assert worker_config(client.get("/sw.js").get_data(as_text=True))["version"] == "2026-11-27a"

    # The computed part follows the static files' contents.
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    css = tmp_path / "static" / "css" / "app.css"
    css.write_text("body { color: red; }")
    site = SimpleNamespace(
        static_folder=str(tmp_path / "static"), root_path=str(tmp_path), template_folder="templates"
    )
    before = offline._hash_files(site)
    assert offline._hash_files(site) == before
    css.write_text("body { color: blue; }")
    assert offline._hash_files(site) != before


def test_manifest_makes_the_app_installable(client):
    with client.get("/static/manifest.webmanifest") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/manifest+json"
        manifest = json.loads(response.get_data(as_text=True))
    assert (manifest["name"], manifest["short_name"]) == ("执委履职记", "履职记")
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    red = re.search(r"--red:\s*(#[0-9a-f]{6})", (ROOT / "static/css/app.css").read_text())
    assert red and manifest["theme_color"] == red.group(1)
    kinds = {(i["sizes"], i["type"], i["purpose"]) for i in manifest["icons"]}
    for size in ("192x192", "512x512"):
        assert (size, "image/png", "any") in kinds
        assert (size, "image/png", "maskable") in kinds
    assert ("any", "image/svg+xml", "any") in kinds
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            with Image.open(ROOT / icon["src"].lstrip("/")) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]


def test_pages_link_the_manifest_and_the_scripts(client, member):
    html = client.get("/").get_data(as_text=True)
    v = r"\?v=[0-9a-f]{12}"
    assert re.search(rf'<link rel="manifest" href="/static/manifest.webmanifest{v}">', html)
    assert re.search(rf'rel="apple-touch-icon" href="/static/img/apple-touch-icon.png{v}"', html)
    assert '<meta name="theme-color" content="#b4233c">' in html
    for name in ("store", "photos", "offline", "logform"):
        assert re.search(rf'src="/static/js/{name}.js{v}" defer', html), name
    config = json.loads(CONFIG_RE.search(html).group(1))
    assert config["account"] == member.id and config["member"] is True
    assert config["text"]["waiting"] == "待发送"
    assert config["fields"]["women_count"] == "联系妇女人数"
    assert "data-queue-list hidden" in html
    assert "data-queue-list hidden" in client.get("/logs/").get_data(as_text=True)


def test_offline_page_is_plain_and_impersonal(client, member):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert "这个页面需要网络，请连上网络后再打开" in html
    assert member.display_name not in html and "fieldlog-config" not in html
    _check(html)


def test_only_the_shell_is_marked_for_the_offline_copy(client, member, make_log, today):
    log = make_log(member, "contact", today, method="visit", women_count=3)
    for path in ("/", "/logs/", "/logs/new/contact", "/logs/new/record_book"):
        assert client.get(path).headers.get("X-FieldLog-Shell") == "1", path
    for path in (
        "/logs/new/contact?on=2026-01-15",
        "/logs/?duty=contact",
        f"/logs/{log.id}",
        f"/logs/{log.id}/edit",
        "/auth/account",
        "/offline",
        "/api/v1/me",
    ):
        assert "X-FieldLog-Shell" not in client.get(path).headers, path
    # The page that shows "Saved" once is not kept; the next one is.
    submit(
        client,
        "/logs/new/contact",
        {"happened_on": today.isoformat(), "method": "visit", "women_count": "2"},
    )
    saved = client.get("/")
    assert "flash-success" in saved.get_data(as_text=True)
    assert "X-FieldLog-Shell" not in saved.headers
    assert client.get("/").headers.get("X-FieldLog-Shell") == "1"


def test_shell_is_not_marked_for_a_visitor(client, world):
    assert "X-FieldLog-Shell" not in client.get("/").headers
    assert "X-FieldLog-Shell" not in client.get("/logs/new/contact").headers


def _attr(html: str, name: str) -> str | None:
    match = re.search(rf'{name}="([^"]*)"', html)
    return match.group(1) if match else None


def test_log_form_takes_photos_without_javascript(app, client, member, today):
    html, _hidden = open_form(client, "/logs/new/contact")
    form = html[html.index('<form method="post"') : html.index("</form>")]
    assert 'enctype="multipart/form-data"' in form
    assert "data-fresh" in form and 'data-duty="contact"' in form
    assert _attr(form, "data-rendered-on") == today.isoformat()
    photo_input = re.search(r"<input[^>]*name=\"photos\"[^>]*>", form).group(0)
    for part in ('type="file"', 'accept="image/*"', 'capture="environment"', "multiple"):
        assert part in photo_input
    assert _attr(form, "data-photos-max") == "6"
    assert '<label for="photos">照片</label>' in form
    app.config["PHOTOS_PER_LOG"] = 3
    html, _hidden = open_form(client, "/logs/new/contact")
    assert _attr(html, "data-photos-max") == "3"


def test_photos_show_in_lists_on_the_log_and_count_on_its_edit_form(app, client, member, today):
    html, hidden = open_form(client, "/logs/new/contact")
    fields = {
        "happened_on": today.isoformat(),
        "method": "visit",
        "women_count": "3",
        "topic": "带照片的走访",
    }
    photos = [(BytesIO(picture()), "a.jpg"), (BytesIO(picture()), "b.jpg")]
    response = client.post(
        "/logs/new/contact",
        data={**hidden, **fields, "photos": photos},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    thumbs = re.findall(r'src="(/photos/(\d+)/thumb)"', home)
    assert len(thumbs) == 2
    assert thumbs[0][0] in client.get("/logs/").get_data(as_text=True)
    log_id = re.search(r'href="/logs/(\d+)"', home[home.index(thumbs[0][0]) - 600 :]).group(1)
    view = client.get(f"/logs/{log_id}").get_data(as_text=True)
    assert f'href="/photos/{thumbs[0][1]}"' in view and "照片 2" in view
    _check(view)
    edit = client.get(f"/logs/{log_id}/edit").get_data(as_text=True)
    _check(edit)
    assert _attr(edit, "data-photos-max") == "4"  # six per log, two taken
    assert f'data-log-id="{log_id}"' in edit and "data-fresh" not in edit
    assert edit.count('class="photo-remove"') == 2
    app.config["PHOTOS_PER_LOG"] = 2
    full = client.get(f"/logs/{log_id}/edit").get_data(as_text=True)
    assert _attr(full, "data-photos-max") == "0" and 'name="photos"' not in full


def test_staff_only_pages_carry_no_offline_scripts(client, auth, world):
    assert "fieldlog-config" in client.get("/auth/login").get_data(as_text=True)
    auth.login("admin")  # staff, on no committee: logs no duties, keeps nothing offline
    assert "fieldlog-config" not in client.get("/admin/").get_data(as_text=True)


def test_robots_txt_is_served(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).splitlines() == ["User-agent: *", "Allow: /"]
    response.close()
