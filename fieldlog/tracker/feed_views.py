"""The member's calendar feed: the page that turns it on or resets it, and the feed itself."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog.errors import NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account
from fieldlog.timeutil import now_utc
from fieldlog.tracker import bp, feed_service
from fieldlog.webutil import CsrfForm, app_today

# Calendar apps poll the feed; the answer holds her deadlines, so no shared cache keeps it.
FEED_CACHE = "private, max-age=3600"


def _member() -> Account:
    """The logged-in member (committee members, past or present: the feed lists duties she
    owes, none once she has left)."""
    if not current_user.memberships:
        raise NotAllowed(_("Only committee members have a calendar of duties."))
    return current_user._get_current_object()


def _feed_urls(token: str) -> dict[str, str]:
    web = url_for("tracker.calendar_feed", token=token, _external=True)
    return {"web": web, "webcal": "webcal://" + web.split("://", 1)[1]}


@bp.get("/calendar")
@login_required
def calendar():
    member = _member()
    urls = _feed_urls(member.calendar_token) if member.calendar_token else None
    return render_template("tracker/calendar.html", urls=urls)


@bp.post("/calendar/reset")
@login_required
def calendar_reset():
    member = _member()
    if not CsrfForm().validate_on_submit():
        abort(400)
    was_on = member.calendar_token is not None
    feed_service.reset_token(member)
    db.session.commit()
    if was_on:
        flash(_("New address made. The old address no longer works."), "success")
    else:
        flash(_("Calendar reminders are on."), "success")
    return redirect(url_for("tracker.calendar"))


@bp.post("/calendar/off")
@login_required
def calendar_off():
    member = _member()
    if not CsrfForm().validate_on_submit():
        abort(400)
    feed_service.turn_off(member)
    db.session.commit()
    flash(_("Calendar reminders are off. The address no longer works."), "info")
    return redirect(url_for("tracker.calendar"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """No login: the secret token in the URL is the credential."""
    account = feed_service.account_for_token(token) or abort(404)
    today = app_today()
    body = feed_service.feed_text(
        account, today, now_utc(), lambda code: url_for("logs.new", code=code, _external=True)
    )
    response = Response(body.encode("utf-8"), mimetype="text/calendar")
    response.headers["Cache-Control"] = FEED_CACHE
    response.headers["Content-Disposition"] = 'inline; filename="fieldlog.ics"'
    response.headers["X-Robots-Tag"] = "noindex"
    return response
