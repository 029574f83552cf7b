"""Admin API: the organisations she oversees, new organisations and new accounts.

The same services (``admin.service``) and access rules as the admin pages: organisations
and accounts are created by admins, inside their subtree. Committee terms are in
``api.memberships``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from flask import Response, current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.admin import queries, service
from fieldlog.admin.forms import OrgForm
from fieldlog.api import bp, inputs
from fieldlog.api.forms import AccountBody
from fieldlog.api.serialize import new_account_json, organisation_json
from fieldlog.api.views import api_login_required
from fieldlog.errors import NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account
from fieldlog.vocab import Role
from fieldlog.webutil import app_today

ACCOUNT_FIELDS = ("username", "display_name", "organisation_id", "phone")


def api_admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 for anonymous calls, 403 for accounts that administer no organisation."""

    @wraps(view)
    @api_login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not access.is_admin(current_user):
            raise NotAllowed(_("You are not allowed to do this."))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/organisations")
@api_login_required
def list_organisations() -> Response:
    return jsonify([organisation_json(org) for org in queries.overseen(current_user)])


@bp.post("/organisations")
@api_admin_required
def create_organisation() -> tuple[Response, int]:
    form = inputs.JsonBody.read().form(OrgForm, ("name", "kind", "parent_id"), ids=("parent_id",))
    if form.parent_id.data is not None:
        access.guard_managed_org(current_user, form.parent_id.data)
    inputs.valid(form)
    org = service.create_organisation(current_user, form.to_input())
    db.session.commit()
    return jsonify(organisation_json(org)), 201


def _administered(actor: Account) -> int | None:
    """The organisation she administers, when there is exactly one."""
    org_ids = {g.organisation_id for g in actor.grants if g.role == Role.ADMIN.value}
    return next(iter(org_ids)) if len(org_ids) == 1 else None


@bp.post("/accounts")
@api_admin_required
def create_account() -> tuple[Response, int]:
    body = inputs.JsonBody.read()
    form = body.form(AccountBody, ACCOUNT_FIELDS, ids=("organisation_id",))
    org_id = form.organisation_id.data or _administered(current_user)
    if org_id is not None:
        org_id = access.guard_managed_org(current_user, org_id).id
    inputs.valid(form)
    data = replace(form.to_input(), organisation_id=org_id)
    account, password = service.create_account(current_user, data, app_today())
    db.session.commit()
    return jsonify(new_account_json(account, password, current_app.config["TIMEZONE"])), 201
