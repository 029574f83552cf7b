"""Compression and caching (issue 12, item 2): compressed answers, fingerprinted static files
cached for a year without ``Vary: Cookie``, a cheap revalidation of /sw.js, and a service
worker precache that fetches nothing twice and stays small."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from fieldlog import assets

STATIC_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture
def member(world, auth):
    auth.login("member")
    return world["member"]


def fetch(client, url: str, encoding: str = "", **headers: str) -> tuple[int, dict, bytes]:
    """Status, headers and body as sent over the wire."""
    with client.get(url, headers={"Accept-Encoding": encoding, **headers}) as response:
        response.direct_passthrough = False
        return response.status_code, response.headers, response.get_data()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_pages_and_json_are_compressed_when_the_client_accepts(client, member, encoding):
    for url in ("/", "/logs/new/contact", "/api/v1/openapi.json"):
        status, headers, body = fetch(client, url, encoding)
        assert status == 200, url
        assert headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in headers["Vary"]
        plain = DECODE[encoding](body)
        assert len(body) < len(plain) / 2, url
        assert int(headers["Content-Length"]) == len(body)
    _status, _headers, body = fetch(client, "/api/v1/openapi.json", encoding)
    assert json.loads(DECODE[encoding](body))["openapi"].startswith("3.")


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, member):
    for url in ("/", "/logs/new/contact"):
        _status, headers, body = fetch(client, url)
        assert "Content-Encoding" not in headers
        assert b"<!doctype html>" in body


def static_urls(html: str) -> list[str]:
    return STATIC_RE.findall(html)


def test_static_files_are_fingerprinted_and_cached_for_a_year(app, client, member):
    _status, _headers, body = fetch(client, "/logs/new/contact")
    urls = static_urls(body.decode())
    assert {u.partition("?")[0] for u in urls} >= {
        "/static/css/app.css",
        "/static/js/offline.js",
        "/static/img/icon.svg",
        "/static/manifest.webmanifest",
    }
    hashes = assets.file_hashes(app)
    for url in urls:
        path, _, query = url.partition("?")
        assert query == f"v={hashes[path.removeprefix('/static/')]}", url
        for encoding in ("", "gzip", "br"):
            status, headers, data = fetch(client, url, encoding)
            assert status == 200, url
            assert headers["Cache-Control"] == "public, max-age=31536000, immutable", url
            # Logged in, the session cookie was sent; the answer is the same for everyone.
            assert "Cookie" not in headers.get("Vary", ""), url
            assert "Set-Cookie" not in headers, url
            original = (Path(app.static_folder) / path.removeprefix("/static/")).read_bytes()
            text = headers["Content-Type"].split(";")[0] in assets.TEXT_TYPES
            if encoding and text and len(original) >= assets.MIN_COMPRESS_BYTES:
                assert headers["Content-Encoding"] == encoding, url
                assert DECODE[encoding](data) == original, url
            else:
                assert "Content-Encoding" not in headers and data == original, url


def test_an_unversioned_or_old_static_url_is_revalidated(client, world):
    for url in ("/static/img/icon-512.png", "/static/css/app.css?v=000000000000"):
        status, headers, _data = fetch(client, url)
        assert status == 200
        assert headers["Cache-Control"] == "no-cache"
        assert "Cookie" not in headers.get("Vary", "")
        etag = headers["ETag"]
        assert fetch(client, url, **{"If-None-Match": etag})[0] == 304


def test_a_compressed_static_file_revalidates_with_its_own_etag(client, world):
    url = "/static/css/app.css"
    _status, headers, _data = fetch(client, url, "br")
    assert headers["Content-Encoding"] == "br" and headers["ETag"].endswith(':br"')
    assert fetch(client, url, "br", **{"If-None-Match": headers["ETag"]})[0] == 304


@pytest.mark.parametrize("encoding", ["", "gzip", "br"])
def test_service_worker_revalidates_with_a_304(client, member, encoding):
    status, headers, body = fetch(client, "/sw.js", encoding)
    assert status == 200 and body
    assert headers["Cache-Control"] == "no-cache, max-age=0"
    assert "Cookie" not in headers.get("Vary", "") and "Set-Cookie" not in headers
    etag = headers["ETag"]
    status, headers, body = fetch(client, "/sw.js", encoding, **{"If-None-Match": etag})
    assert status == 304 and body == b""
    # A changed worker (a new deployment) is downloaded again.
    client.application.config["OFFLINE_CACHE_VERSION"] = "next"
    assert fetch(client, "/sw.js", encoding, **{"If-None-Match": etag})[0] == 200


def worker_config(client) -> dict:
    _status, _headers, body = fetch(client, "/sw.js")
    first = body.decode().partition("\n")[0]
    return json.loads(first.removeprefix("const FIELDLOG = ").removesuffix(";"))


def test_precache_fetches_each_file_once_and_stays_small(client, member):
    config = worker_config(client)
    precache, warm = config["precache"], config["shell"]
    paths = [url.partition("?")[0] for url in precache]
    assert len(paths) == len(set(paths)), "a file precached twice"
    assert not set(precache) & set(warm)
    assert not [p for p in paths if "512" in p], "the install icons are the browser's"
    # The pages load the static files by the very URLs the precache asks for, so the
    # service worker finds them in the HTTP cache instead of downloading them again.
    _status, _headers, body = fetch(client, "/logs/new/contact")
    assert set(static_urls(body.decode())) <= set(precache)

    total = 0
    for url in [*precache, *warm]:
        status, headers, data = fetch(client, url, "gzip")
        assert status == 200, url
        total += len(data)
    assert total <= 100_000, f"precache and shell: {total} bytes gzipped"


def test_first_visit_to_the_log_form_is_light(client, member):
    _status, headers, body = fetch(client, "/logs/new/contact", "gzip")
    total = len(body)
    for url in static_urls(gzip.decompress(body).decode()):
        total += len(fetch(client, url, "gzip")[2])
    assert total <= 30_000, f"log form and its files: {total} bytes gzipped"


def test_offline_page_carries_no_cookie(client, member):
    _status, headers, _body = fetch(client, "/offline", "gzip")
    assert "Cookie" not in headers.get("Vary", "") and "Set-Cookie" not in headers
