"""The installable, offline side: the service worker at /sw.js and the offline page.

The service worker's cache is named after a version computed once at start-up from the
installed package's version and a hash of the static files (and the offline page), so a
deployment that changes any of them replaces the old cache; ``OFFLINE_CACHE_VERSION`` in the
configuration overrides it. Which pages make up the offline shell is decided here too: only
those responses carry ``X-FieldLog-Shell: 1`` and only those the service worker keeps.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, session
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import labels

bp = Blueprint("offline", __name__, url_prefix="/")

# Pages kept for use without a network: home, her recent logs, the duty forms.
SHELL_ENDPOINTS = frozenset({"logs.home", "logs.index", "logs.new"})
# Network first for those; after this long without an answer the cached copy is shown.
NAVIGATION_TIMEOUT_MS = 4000
EXTENSION = "fieldlog.offline"
# What of static/ the service worker keeps: what the pages load (styles, scripts, the icons
# and manifest the layout links), not the large install icons the browser fetches itself.
PRECACHE_DIRS = frozenset({"css", "js", "vendor"})
PRECACHE_FILES = frozenset(
    {"manifest.webmanifest", "img/icon.svg", "img/icon-192.png", "img/apple-touch-icon.png"}
)


def _hash_files(app: Flask) -> str:
    """A short hash over the static files and the offline page, names and contents."""
    digest = hashlib.sha256()
    static = Path(app.static_folder or "static")
    files = {p.relative_to(static).as_posix(): p for p in static.rglob("*") if p.is_file()}
    files["offline.html"] = Path(app.root_path, app.template_folder or "templates", "offline.html")
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def _package_version() -> str:
    try:
        return metadata.version("fieldlog")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0"


@bp.record_once
def _on_register(state: BlueprintSetupState) -> None:
    app = state.app
    app.extensions[EXTENSION] = {
        "version": f"{_package_version()}-{_hash_files(app)}",
        "static_urls": _static_urls(app),
    }


def cache_version() -> str:
    """The service worker's cache version: configured, or computed at start-up."""
    configured = current_app.config.get("OFFLINE_CACHE_VERSION")
    return str(configured or current_app.extensions[EXTENSION]["version"])


def _static_urls(app: Flask) -> list[str]:
    """The static files the pages use, by the fingerprinted URLs the pages load them by
    (``?v=<hash>``), so the service worker's precache finds them in the browser's HTTP cache
    instead of downloading them a second time; not the service worker itself. Listed once at
    start-up, like the version."""
    from fieldlog import assets

    hashes = assets.file_hashes(app)
    urls = []
    for name in sorted(hashes):
        if name != "js/sw.js" and (name.split("/")[0] in PRECACHE_DIRS or name in PRECACHE_FILES):
            urls.append(f"{app.static_url_path}/{name}?v={hashes[name]}")
    return urls


def _shell_urls() -> list[str]:
    from fieldlog.logs import queries

    return ["/", "/logs/", *(f"/logs/new/{duty.code}" for duty in queries.active_duties())]


def worker_config() -> dict[str, Any]:
    """What the service worker needs to know, put in front of static/js/sw.js."""
    return {
        "version": cache_version(),
        "precache": [*current_app.extensions[EXTENSION]["static_urls"], "/offline"],
        "offline": "/offline",
        "shell": _shell_urls(),
        "navigationTimeout": NAVIGATION_TIMEOUT_MS,
    }


@bp.get("sw.js")
def service_worker() -> Response:
    source = Path(current_app.static_folder or "static", "js", "sw.js").read_text("utf-8")
    body = f"const FIELDLOG = {json.dumps(worker_config(), ensure_ascii=False)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    # The browser asks every time, or it would not see a new deployment for a day; the ETag
    # lets it ask cheaply (304 with no body while nothing changed).
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("robots.txt")
def robots() -> Response:
    """Root-level like sw.js: crawlers may read what answers without a login (the login page);
    served rather than a 404, so a checker's fetch of it (Lighthouse's SEO audit) never fails."""
    return current_app.send_static_file("robots.txt")


@bp.get("offline")
def offline_page() -> Response:
    response = Response(render_template("offline.html"))
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    return response


@bp.before_app_request
def _note_pending_flashes() -> None:
    # A page that shows a one-time message ("Saved") must not become the offline copy.
    if request.endpoint in SHELL_ENDPOINTS:
        g.offline_flashes_pending = bool(session.get("_flashes"))


@bp.after_app_request
def _mark_shell(response: Response) -> Response:
    if (
        request.method == "GET"
        and request.endpoint in SHELL_ENDPOINTS
        and not request.args
        and response.status_code == 200
        and not g.get("offline_flashes_pending")
        and current_user.is_authenticated
    ):
        response.headers["X-FieldLog-Shell"] = "1"
    return response


@bp.app_context_processor
def _client_config() -> dict[str, Any]:
    return {"offline_client": client_config}


def client_config() -> dict[str, Any]:
    """Settings and texts for the page scripts (static/js/*.js), rendered as JSON by base.html.
    The texts are the same for every page in a language: translated once per language and
    process (the catalogues do not change while the app runs)."""
    account = current_user.id if current_user.is_authenticated else None
    locale = str(get_locale())
    shared = _SHARED.get(locale)
    if shared is None:
        shared = _SHARED[locale] = _shared_config()
    return {
        "account": account,
        "member": bool(account and current_user.memberships),
        **shared,
    }


_SHARED: dict[str, dict[str, Any]] = {}


def _shared_config() -> dict[str, Any]:
    return {
        "urls": {
            "sw": "/sw.js",
            "me": "/api/v1/me",
            "sync": "/api/v1/sync",
            "photos": "/api/v1/logs/{id}/photos",
            "logs": "/logs/",
            "home": "/",
            "login": "/auth/login",
        },
        "text": _texts(),
        "fields": {**{k: str(v) for k, v in labels.FIELD.items()}, "photos": _("Photos")},
    }


def _texts() -> dict[str, str]:
    return {
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "rejected": _("Not accepted: tap to correct"),
        "conflict": _("Changed elsewhere: tap to check"),
        "photo_failed": _("A photo could not be sent: %(error)s"),
        "photos_n": _("%(n)s photos"),
        "queued_badge": _("%(n)s waiting to send"),
        "queued_saved": _("Saved on this phone. It will be sent when there is a connection."),
        "sent": _("Sent: %(n)s entries."),
        "retry_later": _("Could not send now. FieldLog will try again."),
        "offline_now": _("No connection. Entries wait on this phone and go out when it returns."),
        "send_now": _("Send now"),
        "login_to_send": _("Log in again to send the entries waiting on this phone."),
        "update_ready": _("A new version of FieldLog is ready. Tap here to reload."),
        "saving": _("Saving…"),
        "take_photo": _("Take a photo"),
        "choose_photo": _("Choose from phone"),
        "remove_photo": _("Remove photo %(n)s"),
        "photo_limit": _("At most %(n)s photos per entry."),
        "photo_unreadable": _("This file is not a photo FieldLog can read."),
        "photo_alt": _("Photo %(n)s"),
        "fix_rejected": _(
            "This entry was not accepted. Correct the marked fields and save it again."
        ),
        "fix_conflict": _(
            "This entry was changed elsewhere after your phone saved your changes. The form "
            "now shows your changes over the current version: check them, then save."
        ),
        "check_fields": _("Please correct the marked fields."),
        "field_error": _("%(field)s: %(message)s"),
        "discard": _("Discard this entry"),
        "discard_confirm": _("Discard this entry? It has not been sent and will be lost."),
        "logout_unsent": _(
            "%(n)s entries on this phone are not sent yet. Logging out deletes them. "
            "Log out anyway?"
        ),
        "logout_offline": _("Logging out needs a connection. Please try again with a signal."),
    }
