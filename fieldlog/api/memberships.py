"""Committee terms through the API: list a committee's terms, start one, end one, move a
member (调动).

The same services (``admin.terms``) and access rules as the pages: a committee's chair or
an admin above it adds members and reads its terms; who ends or moves a term is
``access.can_manage_term`` / ``can_move_to``. Field names follow the API (``how_joined``,
``how_left``, ``replaces_account_id``); the forms and services keep theirs.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.admin import queries, terms
from fieldlog.admin.forms import LeaveForm, MembershipFields, MoveForm
from fieldlog.api import bp, inputs
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.serialize import term_json
from fieldlog.api.views import api_login_required
from fieldlog.committee.queries import committee_terms
from fieldlog.errors import FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, Organisation
from fieldlog.webutil import app_today

JOIN_NAMES = {"how_joined": "join_kind"}
LEAVE_NAMES = {"how_left": "leave_kind"}
# The services' field names, as the API calls them.
SERVICE_NAMES = {
    "join_kind": "how_joined",
    "replaces_id": "replaces_account_id",
    "leave_kind": "how_left",
}
# No term has this id: the service refuses it as "not a member of this committee".
NO_TERM = 0
TERM = "/memberships/<int:term_id>"  # the app-wide int converter stops at the column range


def _terms_json(found: list[Membership]) -> list[dict]:
    replaced = queries.replaced_accounts(found)
    return [term_json(t, replaced.get(t.replaces_id) if t.replaces_id else None) for t in found]


@bp.get("/memberships")
@api_login_required
def list_memberships() -> Response:
    errors: inputs.Errors = {}
    org_id = inputs.org_arg(request.args.get("org"), access.chaired_org_ids(current_user), errors)
    if errors or org_id is None:
        raise InvalidRequest(errors)
    org = access.guard_overseen(current_user, org_id)
    return jsonify(_terms_json(committee_terms(org.id, app_today(), current_only=False)))


def _replaced_term(org: Organisation, account_id: int | None) -> int | None:
    """Her term on ``org``'s committee that a new member may replace (``NO_TERM`` if none)."""
    if account_id is None:
        return None
    found = queries.replaceable(current_user, org.id, app_today())
    return next((t.id for t in found if t.account_id == account_id), NO_TERM)


@bp.post("/memberships")
@api_login_required
def add_membership() -> tuple[Response, int]:
    body = inputs.JsonBody.read()
    account_id, org_id = body.id("account_id"), body.id("organisation_id")
    replaces = body.id("replaces_account_id")
    fields = ("joined_on", "how_joined")
    form = body.form(MembershipFields, fields, dates=("joined_on",), names=JOIN_NAMES)
    if account_id is None:
        raise FieldErrors({"account_id": _("Choose the member.")})
    account = db.get_or_404(Account, account_id)
    org = access.guard_overseen(current_user, org_id or account.organisation_id)
    inputs.valid(form, JOIN_NAMES)
    data = replace(form.membership_input(), replaces_id=_replaced_term(org, replaces))
    with inputs.api_names(SERVICE_NAMES):
        term = terms.add_membership(current_user, account, data, app_today(), org)
    db.session.commit()
    return jsonify(_terms_json([term])[0]), 201


@bp.post(f"{TERM}/end")
@api_login_required
def end_membership(term_id: int) -> Response:
    term = access.guard_term(current_user, term_id)
    fields = ("left_on", "how_left", "reason")
    form = inputs.JsonBody.read().form(LeaveForm, fields, dates=("left_on",), names=LEAVE_NAMES)
    inputs.valid(form, LEAVE_NAMES)
    with inputs.api_names(SERVICE_NAMES):
        terms.end_membership(current_user, term, form.to_input(), app_today())
    db.session.commit()
    return jsonify(_terms_json([term])[0])


@bp.post(f"{TERM}/move")
@api_login_required
def move_member(term_id: int) -> Response:
    term = access.guard_term(current_user, term_id)
    fields = ("organisation_id", "moved_on", "reason")
    form = inputs.JsonBody.read().form(
        MoveForm, fields, dates=("moved_on",), ids=("organisation_id",)
    )
    if form.organisation_id.data is not None:
        db.get_or_404(Organisation, form.organisation_id.data)
    inputs.valid(form)
    started = terms.move_member(current_user, term, form.to_input(), app_today())
    db.session.commit()
    ended, started = _terms_json([term, started])
    return jsonify(ended=ended, started=started)
