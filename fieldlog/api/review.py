"""Review API: her own reviews and report; a chair's round, ratings and closing.

The same services and access rules as the pages: a member reads her own figures, report
and (once the round is closed) her result, never anyone else's ratings; a closed round
answers 409 to every change.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.api import bp, inputs
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.views import api_login_required
from fieldlog.errors import NotFound
from fieldlog.extensions import db
from fieldlog.models import ReviewEntry, ReviewRound
from fieldlog.review import queries, service
from fieldlog.review.service import RatingLine


def _iso(instant) -> str | None:
    return instant.isoformat() if instant else None


def _round_json(round_: ReviewRound) -> dict[str, Any]:
    return {
        "id": round_.id,
        "organisation_id": round_.organisation_id,
        "half": round_.half,
        "status": round_.status,
        "figures_as_of": round_.figures_as_of.isoformat(),
        "closed_at": _iso(round_.closed_at),
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
    return jsonify(
        {**_round_json(round_), "entries": [_entry_json(e, chair=True) for e in round_.entries]}
    )


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
