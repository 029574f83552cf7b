"""Review API: her own reviews and report; a chair's round, ratings and closing.

Also the exit flags of a committee, with their evidence, for its chair or an admin above.
The same services and access rules as the pages: a member reads her own figures, report
and (once the round is closed) her result, never anyone else's ratings; a closed round
answers 409 to every change.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.api import bp, inputs
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.views import api_login_required
from fieldlog.errors import NotFound
from fieldlog.extensions import db
from fieldlog.models import ReviewEntry, ReviewRound
from fieldlog.review import held, lists, queries, service
from fieldlog.review.naming import round_label
from fieldlog.review.service import RatingLine
from fieldlog.webutil import app_today


def _iso(instant) -> str | None:
    return instant.isoformat() if instant else None


def _round_json(round_: ReviewRound) -> dict[str, Any]:
    return {
        "id": round_.id,
        "organisation_id": round_.organisation_id,
        "half": round_.half,
        "annual": round_.is_year_end,
        "title": _("Review %(half)s", half=round_label(round_.half, str(get_locale()))),
        "status": round_.status,
        "figures_as_of": round_.figures_as_of.isoformat(),
        "closed_at": _iso(round_.closed_at),
        "meeting_id": round_.meeting_id,
    }


def _meeting_json(round_: ReviewRound) -> dict[str, Any] | None:
    """The linked 述职评议会: date and attendance (chair's view of the round)."""
    at = held.held_at(round_)
    if at is None:
        return None
    return {
        "id": at.meeting_id,
        "date": at.held_on.isoformat(),
        "attendance": [
            {"account_id": k, "status": v, "reason": at.reason_of.get(k)}
            for k, v in sorted(at.status_of.items())
        ],
    }


def _entry_json(entry: ReviewEntry, *, chair: bool) -> dict[str, Any]:
    result = entry.result.value if entry.result else None
    data: dict[str, Any] = {
        "account_id": entry.account_id,
        "name": entry.account.display_name,
        "figures": entry.figures,
        "report": {
            "body": entry.report_body,
            "saved_at": _iso(entry.report_saved_at),
            "submitted_at": _iso(entry.report_submitted_at),
        },
        # Her result shows once the round is closed; the chair sees it as it forms.
        "result": result if chair or not entry.round.is_open else None,
        "oral_reported": entry.oral_reported,
    }
    if chair:
        data |= {
            "rating_mode": entry.rating_mode,
            "ratings": [
                {"group": r.rater_group, "grade": r.grade, "votes": r.votes, "rater": r.rater}
                for r in entry.ratings
            ],
            "computed_grade": entry.computed_grade,
            "override": {"grade": entry.override_grade, "reason": entry.override_reason},
        }
    return data


def _own_entry(round_id: int) -> ReviewEntry:
    entry = queries.entry_of(round_id, current_user.id)
    if entry is None:
        raise NotFound(_("Not found."))
    return entry


@bp.get("/reviews/mine")
@api_login_required
def my_reviews() -> Response:
    return jsonify(
        [
            {"round": _round_json(e.round), **_entry_json(e, chair=False)}
            for e in queries.entries_of(current_user.id)
        ]
    )


@bp.put("/reviews/<int:round_id>/report")
@api_login_required
def put_report(round_id: int) -> Response:
    entry = _own_entry(round_id)
    body = inputs.json_body()
    text, submit = body.get("body"), body.get("submit", False)
    if not isinstance(text, str) or not isinstance(submit, bool):
        raise InvalidRequest({"body": [_("Send the report as text and submit as true or false.")]})
    service.save_report(current_user, entry, text, submit=submit)
    db.session.commit()
    return jsonify({"round": _round_json(entry.round), **_entry_json(entry, chair=False)})


@bp.get("/reviews/<int:round_id>")
@api_login_required
def get_round(round_id: int) -> Response:
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    return jsonify(_chair_round_json(round_))


def _chair_round_json(round_: ReviewRound) -> dict[str, Any]:
    return {
        **_round_json(round_),
        "meeting": _meeting_json(round_),
        "entries": [_entry_json(e, chair=True) for e in round_.entries],
    }


@bp.put("/reviews/<int:round_id>/meeting")
@api_login_required
def put_round_meeting(round_id: int) -> Response:
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    meeting_id = inputs.json_body().get("meeting_id")
    if isinstance(meeting_id, bool) or not isinstance(meeting_id, int | None):
        message = _("Send the meeting's id as a whole number or null.")
        raise InvalidRequest({"meeting_id": [message]})
    held.link_meeting(current_user, round_, meeting_id)
    db.session.commit()
    return jsonify(_chair_round_json(round_))


@bp.put("/reviews/<int:round_id>/oral-reports")
@api_login_required
def put_oral_reports(round_id: int) -> Response:
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    ids = inputs.json_body().get("account_ids")
    if not isinstance(ids, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) for x in ids
    ):
        raise InvalidRequest({"account_ids": [_("Send the members' ids as a list of numbers.")]})
    held.mark_oral_reports(current_user, round_, set(ids))
    db.session.commit()
    return jsonify(_chair_round_json(round_))


def _line(raw: Any) -> RatingLine:
    """One rating: group and grade as text, votes a whole number, rater text or null."""
    group, grade, rater = raw.get("group"), raw.get("grade"), raw.get("rater")
    votes = raw.get("votes", 1)
    if not isinstance(group, str) or not isinstance(grade, str):
        raise ValueError("group and grade are text")
    if rater is not None and not isinstance(rater, str):
        raise ValueError("rater is text")
    if isinstance(votes, bool) or not isinstance(votes, int):
        raise ValueError("votes is a whole number")  # not 2.9, "5" or true
    return RatingLine(group, grade, votes, rater)


def _lines(body: dict[str, Any]) -> list[RatingLine]:
    raw = body.get("ratings")
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise InvalidRequest({"ratings": [_("Send the ratings as a list of objects.")]})
    try:
        return [_line(x) for x in raw]
    except ValueError as error:
        raise InvalidRequest(
            {
                "ratings": [
                    _(
                        "Each rating needs a group and a grade as text, a whole number of "
                        "votes, and the rater as text or null."
                    )
                ]
            }
        ) from error


@bp.put("/reviews/<int:round_id>/members/<int:account_id>/ratings")
@api_login_required
def put_ratings(round_id: int, account_id: int) -> Response:
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    entry = next((e for e in round_.entries if e.account_id == account_id), None)
    if entry is None:
        raise NotFound(_("Not found."))
    body = inputs.json_body()
    mode = body.get("mode", "counts")
    if not isinstance(mode, str):
        raise InvalidRequest({"mode": [_("Please choose one of the options.")]})
    service.rate(current_user, entry, mode, _lines(body))
    db.session.commit()
    return jsonify(_entry_json(entry, chair=True))


@bp.post("/reviews/<int:round_id>/close")
@api_login_required
def close_round(round_id: int) -> Response:
    round_ = access.guard_chaired_object(current_user, queries.round_with_entries(round_id))
    service.close_round(current_user, round_)
    db.session.commit()
    return jsonify(_round_json(round_))


def _flag_json(flag: lists.ExitFlag) -> dict[str, Any]:
    return {
        "account_id": flag.account_id,
        "name": flag.name,
        "organisation_id": flag.org_id,
        "organisation_name": flag.org_name,
        "unqualified_years": flag.unqualified_years,
        "missed_meetings": [
            {"meeting_id": m.meeting_id, "date": m.held_on.isoformat(), "kind": m.kind.value}
            for m in flag.missed_meetings
        ],
    }


@bp.get("/exit-flags")
@api_login_required
def exit_flags() -> Response:
    errors: dict[str, list[str]] = {}
    org_id = inputs.org_arg(request.args.get("org"), access.chaired_org_ids(current_user), errors)
    if errors or org_id is None:
        raise InvalidRequest(errors)
    org = access.guard_overseen(current_user, org_id)
    config = current_app.config
    return jsonify(
        organisation_id=org.id,
        missed_needed=config["EXIT_MISSED_MEETINGS"],
        years_needed=config["EXIT_UNQUALIFIED_YEARS"],
        flags=[_flag_json(f) for f in lists.exit_flags([org.id], app_today())],
    )
