"""A member's calendar feed: the secret token in its URL, and the deadlines it lists.

The token is the only credential of the feed URL, so it is long, random, reset on request
(the old URL stops working at once) and never written to the audit trail in clear.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from fieldlog import audit, labels
from fieldlog.errors import NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType
from fieldlog.obligations import Obligation, Status, Term, is_owed
from fieldlog.tracker import calendar, queries, service
from fieldlog.vocab import AuditAction

TOKEN_BYTES = 24  # 32 URL-safe characters, 192 random bits
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
OWED = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.OPEN})
ALARM = calendar.Alarm(days_before=3, hour=9)


def _check_member(actor: Account) -> None:
    if not actor.memberships or not actor.active:
        raise NotAllowed(_("Only committee members have a calendar of duties."))


def reset_token(actor: Account) -> str:
    """Turn her feed on, or give it a new secret URL (the old one stops working); audited."""
    _check_member(actor)
    had = actor.calendar_token is not None
    actor.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    action = AuditAction.UPDATE if had else AuditAction.CREATE
    changes = {"calendar_token": ["***" if had else None, "***"]}
    audit.record(actor, action, "calendar_feed", actor.id, changes)
    db.session.flush()
    return actor.calendar_token


def turn_off(actor: Account) -> None:
    """Turn her feed off: its URL stops working (audited). Nothing happens if already off."""
    if actor.calendar_token is None:
        return
    actor.calendar_token = None
    changes = {"calendar_token": ["***", None]}
    audit.record(actor, AuditAction.DELETE, "calendar_feed", actor.id, changes)
    db.session.flush()


def account_for_token(token: str) -> Account | None:
    """The active account whose feed token this is, or None (also for malformed tokens)."""
    if not _TOKEN_RE.match(token):
        return None
    account = db.session.scalars(select(Account).where(Account.calendar_token == token)).first()
    if account is None or not account.active or account.calendar_token is None:
        return None
    # Equality already matched in the database; compare again in constant time anyway.
    return account if secrets.compare_digest(account.calendar_token, token) else None


@dataclass(frozen=True)
class FeedItem:
    """One deadline in her feed: the duty and the obligation of one period."""

    duty: DutyType
    obligation: Obligation


def feed_items(account: Account, today: date) -> list[FeedItem]:
    """This year's deadlines she still owes (overdue, due soon, open) or will owe (upcoming).

    An upcoming period is listed only when her terms make it owed and it is not excused.
    Fixed query count: her year, and the excusals of the upcoming periods.
    """
    rows, year = service.home_rows(account, today)
    terms = [Term(t.joined_on, t.left_on) for t in account.memberships]
    rules = service.rules()
    upcoming = [
        (row.duty, o) for row in rows for o in year[row.duty.code] if o.status is Status.UPCOMING
    ]
    excused = queries.excused_keys([account.id], {o.period.code for _d, o in upcoming})
    items = [FeedItem(r.duty, o) for r in rows for o in year[r.duty.code] if o.status in OWED]
    items += [
        FeedItem(duty, o)
        for duty, o in upcoming
        if is_owed(terms, o.period, rules) and (account.id, duty.id, o.period.code) not in excused
    ]
    return sorted(items, key=lambda i: (i.obligation.period.end, i.duty.sort_order))


def _summary(item: FeedItem, locale: str) -> str:
    duty, o = item.duty.name(locale), item.obligation.period.label(locale)
    if item.obligation.status is Status.OVERDUE:
        return _("Seven ones: %(duty)s (%(period)s) missed", duty=duty, period=o)
    return _("Seven ones: %(duty)s (%(period)s) due", duty=duty, period=o)


def _description(item: FeedItem, locale: str) -> str:
    o = item.obligation
    state = str(labels.STATUS[o.status])
    if o.status is not Status.UPCOMING:
        state += " · " + _("%(n)s of %(m)s done", n=o.count, m=o.required)
    start, end = o.period.start.isoformat(), o.period.end.isoformat()
    lines = [state, _("From %(start)s to %(end)s", start=start, end=end)]
    if o.status is Status.OVERDUE:
        lines.append(_("Log it with a date in %(period)s", period=o.period.label(locale)))
    return "\n".join(lines)


def _event(
    account: Account, item: FeedItem, locale: str, link: Callable[[str], str]
) -> calendar.Event:
    o = item.obligation
    return calendar.Event(
        uid=calendar.event_uid(account.id, o.duty_code, o.period.code),
        day=o.period.end,
        summary=_summary(item, locale),
        description=_description(item, locale),
        url=link(item.duty.code),
        alarm=None if o.status is Status.OVERDUE else ALARM,
    )


def feed_text(account: Account, today: date, stamp: datetime, link: Callable[[str], str]) -> str:
    """Her feed as iCalendar text, in her language. ``link(duty_code)`` is the duty's form URL.

    Only duties, periods and counts appear: never anything she wrote in a log.
    """
    locale = account.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        events = [_event(account, item, locale, link) for item in feed_items(account, today)]
        name = _("My seven ones: deadlines")
    return calendar.build(events, name=name, stamp=stamp)
