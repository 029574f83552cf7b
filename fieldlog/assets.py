"""Static files and compression: fingerprinted URLs cached for a year, compressed answers.

- Every ``url_for('static', filename=...)`` carries ``?v=<hash of the file>``, hashed once at
  start-up. A request with the current hash is answered ``Cache-Control: public,
  max-age=31536000, immutable``: the browser never asks again, and a deployment that changes
  the file changes its URL. Without it (the manifest's icons, an old page) ``no-cache``: the
  browser revalidates with the ETag.
- Static answers never touch the session, so they carry no ``Vary: Cookie`` and no cookie
  (:class:`SessionInterface`); likewise the service worker and the offline page.
- Pages, JSON and the service worker are compressed by Flask-Compress (brotli or gzip, as the
  client accepts). Static text files are compressed once per file and encoding and kept.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress

EXTENSION = "fieldlog.assets"
YEAR = 31_536_000
IMMUTABLE = f"public, max-age={YEAR}, immutable"
# Answers that are the same for everyone: no session is read or written for them.
STATELESS_ENDPOINTS = frozenset({"static", "offline.service_worker", "offline.offline_page"})
TEXT_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
MIN_COMPRESS_BYTES = 500


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, left alone on the answers that are the same for
    everyone: Flask-Login reads the session after every request, which would otherwise add
    ``Vary: Cookie`` to static files and keep shared caches from holding them."""

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if request.endpoint in STATELESS_ENDPOINTS and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Hash the static files, fingerprint their URLs, set the caching and compression."""
    app.session_interface = SessionInterface()
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", sorted(TEXT_TYPES))
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_COMPRESS_BYTES)
    # Downloads (CSV, XLSX, PDF, ZIP) stream; they are not compressed on the fly.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    app.extensions[EXTENSION] = {"hashes": file_hashes(app), "compressed": {}}
    app.url_defaults(_fingerprint)
    # Registered after Flask-Compress: after-request functions run last-registered first,
    # so this one sets Content-Encoding before Flask-Compress looks at the answer.
    app.after_request(_static_answer)


def file_hashes(app: Flask) -> dict[str, str]:
    """A short content hash of every static file, by its name under static/."""
    static = Path(app.static_folder or "static")
    return {
        path.relative_to(static).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in static.rglob("*")
        if path.is_file()
    }


def fingerprint(filename: str) -> str | None:
    """The current hash of a static file (None for a file that was not there at start-up)."""
    return current_app.extensions[EXTENSION]["hashes"].get(filename)


def static_url(filename: str) -> str:
    """The fingerprinted URL of a static file, as ``url_for`` builds it."""
    version = fingerprint(filename)
    base = f"{current_app.static_url_path}/{filename}"
    return f"{base}?v={version}" if version else base


def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "v" not in values:
        version = fingerprint(values.get("filename", ""))
        if version:
            values["v"] = version


def _static_answer(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = fingerprint(filename)
    if version and request.args.get("v") == version:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    if response.mimetype in TEXT_TYPES and version:
        _compress_static(response, filename, version)
    return response


def _compress_static(response: Response, filename: str, version: str) -> None:
    """Brotli or gzip as the client accepts, compressed once per file version."""
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    encoding = _accepted(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return
    cache = current_app.extensions[EXTENSION]["compressed"]
    key = (filename, version, encoding)
    body = cache.get(key)
    if body is None:
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_COMPRESS_BYTES:
            return
        body = brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, 9)
        cache[key] = body
    else:
        close = getattr(response.response, "close", None)
        if close is not None:  # the file Flask opened, unread
            response.call_on_close(close)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)
        response.make_conditional(request)


def _accepted(header: str) -> str | None:
    """``br`` or ``gzip``, whichever the client accepts (brotli first), else None."""
    accepted = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            if params and float(quality) <= 0:
                continue
        except ValueError:
            continue
        accepted.add(name.strip())
    for encoding in ("br", "gzip"):
        if encoding in accepted or "*" in accepted:
            return encoding
    return None
