"""The draft of a member's report, built from her figures and her logs of the round.

Mid-year it is the outline of her oral report; at year end the start of her written annual
report. She edits it freely: it is text, saved only when she saves it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from fieldlog import labels
from fieldlog.extensions import db
from fieldlog.models import DutyType, Log, ReviewEntry
from fieldlog.periods import parse_period
from fieldlog.review.figures import scope
from fieldlog.tracker.queries import active_duties


def _notable_logs(entry: ReviewEntry) -> list[Log]:
    """Her logs in the round with a proposal, help or volunteer service, oldest first."""
    first, last = scope(parse_period(entry.round.half))
    return list(
        db.session.scalars(
            select(Log)
            .where(
                Log.account_id == entry.account_id,
                Log.deleted_at.is_(None),
                Log.happened_on.between(first, last),
                or_(
                    Log.proposal_text.is_not(None),
                    Log.help_kind.is_not(None),
                    Log.volunteer_activity.is_not(None),
                ),
            )
            .order_by(Log.happened_on, Log.id)
        )
    )


def _duty_lines(figures: Mapping[str, Any], duties: Sequence[DutyType], locale: str) -> list[str]:
    names = {d.code: d.name(locale) for d in duties}
    lines = []
    for duty in figures.get("duties", []):
        if not duty["owed"] and not duty["logs"]:
            continue
        line = _(
            "%(duty)s: done %(done)d of %(owed)d, %(logs)d entries",
            duty=names.get(duty["code"], duty["code"]),
            done=duty["done"],
            owed=duty["owed"],
            logs=duty["logs"],
        )
        if duty["overdue"]:
            line += _("; %(n)d overdue", n=duty["overdue"])
        if duty["excused"]:
            line += _("; %(n)d excused", n=duty["excused"])
        lines.append("- " + line)
    return lines


def _proposal_line(log: Log) -> str:
    status = labels.PROPOSAL_STATUS.get(log.proposal_status) if log.proposal_status else None
    line = f"- {log.happened_on.isoformat()} {log.proposal_text}"
    if status:
        line += _(" (status: %(status)s)", status=status)
    if log.proposal_answer:
        line += _(" Answer: %(answer)s", answer=log.proposal_answer)
    return line


def _help_line(log: Log) -> str:
    target = labels.HELP_TARGET.get(log.help_target) if log.help_target else None
    who = f"{target}: " if target else ""
    return f"- {log.happened_on.isoformat()} {who}{log.help_kind}"


def _volunteer_line(log: Log) -> str:
    hours = _(" (%(h)s hours)", h=log.volunteer_hours) if log.volunteer_hours else ""
    return f"- {log.happened_on.isoformat()} {log.volunteer_activity}{hours}"


def build_draft(entry: ReviewEntry, locale: str) -> str:
    """The draft text in the reader's language (four queries at most)."""
    half = parse_period(entry.round.half)
    logs = _notable_logs(entry)
    title = _("Annual duty report, %(period)s") if half.index == 2 else _("Duty report, %(period)s")
    period = str(half.year) if half.index == 2 else half.label(locale)
    parts = [title % {"period": period}, "", _("1. My duties")]
    parts += _duty_lines(entry.figures, active_duties(), locale) or ["- " + _("(none)")]
    sections = (
        (_("2. Proposals I made and their outcome"), _proposal_line, "proposal_text"),
        (_("3. Help I gave"), _help_line, "help_kind"),
        (_("4. Volunteer service"), _volunteer_line, "volunteer_activity"),
    )
    for heading, line, field in sections:
        rows = [line(log) for log in logs if getattr(log, field)]
        parts += ["", heading, *(rows or ["- " + _("(none)")])]
    parts += ["", _("5. What I did well, what fell short, and my plans"), ""]
    return "\n".join(parts)
