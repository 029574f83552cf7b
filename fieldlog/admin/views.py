"""Admin pages: the subtree, organisations, accounts, committee terms and roles.

Every view is for admins only (``admin_required``); objects outside her subtree answer 403
and missing ones 404. Changes are POST only, go through ``admin.service`` or
``admin.terms`` and commit once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from fieldlog import access, labels
from fieldlog.admin import bp, queries, service, terms
from fieldlog.admin.forms import AccountForm, LeaveForm, MembershipFields, OrgForm, RoleForm
from fieldlog.committee.queries import committee_terms
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, RoleGrant
from fieldlog.webutil import CsrfForm, admin_required, app_today, attempt

ONE_TIME_KEY = "admin_one_time_password"
LABELS = {
    "org_kind": labels.ORG_KIND,
    "role": labels.ROLE,
    "join_kind": labels.JOIN_KIND,
    "leave_kind": labels.LEAVE_KIND,
}


def _render(template: str, status: int = 200, **context: Any):
    return render_template(template, labels=LABELS, **context), status


def _org_choices(rows: list[queries.TreeRow], parents_only: bool = False) -> list[SelectChoice]:
    """Her subtree as indented options (U+3000 survives option whitespace collapsing)."""
    pick = [r for r in rows if not (parents_only and r.org.is_grassroots)]
    return [SelectChoice(str(r.org.id), "\u3000" * r.depth + r.org.name) for r in pick]


# Pages -----------------------------------------------------------------------------------


@bp.route("/")
@admin_required
def index():
    text = request.args.get("q", "").strip()[:40]
    found = queries.search_accounts(current_user, text) if text else None
    rows = queries.subtree(current_user)
    counts = queries.member_counts(current_user, app_today())
    return _render("admin/index.html", rows=rows, counts=counts, q=text, found=found)


@bp.route("/orgs/<int:org_id>")
@admin_required
def org(org_id: int):
    org, today = access.guard_managed_org(current_user, org_id), app_today()
    all_terms = committee_terms(org.id, today, current_only=False)
    return _render(
        "admin/org.html",
        org=org,
        current=[t for t in all_terms if t.left_on is None or t.left_on >= today],
        past=[t for t in all_terms if t.left_on is not None and t.left_on < today],
        staff=queries.staff(org),
        crumbs=[(o, access.can_manage_org(current_user, o)) for o in queries.ancestors(org)],
        children=queries.children(org),
    )


@bp.route("/orgs/new", methods=["GET", "POST"])
@admin_required
def new_org():
    form = OrgForm()
    form.parent_id.choices = _org_choices(queries.subtree(current_user), parents_only=True)
    if request.method == "GET":
        parent_id = request.args.get("parent", type=int)
        form.parent_id.data = (
            access.guard_managed_org(current_user, parent_id).id if parent_id else None
        )
    elif form.validate_on_submit():
        change = partial(service.create_organisation, current_user, form.to_input())
        ok, org = attempt(form, change)
        if ok:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=org.name), "success")
            return redirect(url_for("admin.org", org_id=org.id))
    return _render("admin/org_form.html", 422 if form.errors else 200, form=form)


def _account_form() -> AccountForm:
    form = AccountForm()
    rows = queries.subtree(current_user)
    form.organisation_id.choices = _org_choices(rows)
    org_id = form.organisation_id.data if request.method == "POST" else None
    org_id = org_id or request.args.get("org", type=int)
    replaceable = queries.replaceable(current_user, org_id, app_today())
    form.replaces_id.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(t.id), _term_label(t, org_id is None)) for t in replaceable
    ]
    return form


def _term_label(term: Membership, with_org: bool) -> str:
    label = term.account.display_name
    if term.left_on is not None:
        label = _("%(name)s (left %(d)s)", name=label, d=term.left_on.isoformat())
    return f"{term.organisation.name} · {label}" if with_org else label


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def new_account():
    form = _account_form()
    if request.method == "GET":
        org_id = request.args.get("org", type=int)
        form.organisation_id.data = (
            access.guard_managed_org(current_user, org_id).id if org_id else None
        )
        form.member.data = request.args.get("member") == "1"
        form.joined_on.data = app_today()
    elif form.validate_on_submit():
        change = partial(service.create_account, current_user, form.to_input(), app_today())
        ok, result = attempt(form, change)
        if ok:
            db.session.commit()
            return _show_once(result[0], result[1], _("Account created."))
    return _render("admin/account_form.html", 422 if form.errors else 200, form=form)


def _show_once(account: Account, password: str, message: str):
    """Keep the one-time password for exactly one showing on the next page."""
    session[ONE_TIME_KEY] = {"account_id": account.id, "password": password}
    flash(message, "success")
    return redirect(url_for("admin.one_time_password", account_id=account.id))


@bp.route("/accounts/<int:account_id>/password")
@admin_required
def one_time_password(account_id: int):
    account = access.guard_managed_account(current_user, account_id)
    kept = session.get(ONE_TIME_KEY) or {}
    password = None
    if kept.get("account_id") == account.id:
        password = session.pop(ONE_TIME_KEY)["password"]
    g.no_store = True
    return _render("admin/password.html", account=account, password=password)


@bp.route("/accounts/<int:account_id>")
@admin_required
def account(account_id: int):
    return _account_page(access.guard_managed_account(current_user, account_id))


def _account_page(account: Account, status: int = 200, **forms: FlaskForm):
    """Her account: terms on every committee, the changes the admin may make to each (end,
    move, roles), joining another committee, password and access. ``forms`` are posted
    ones to show again with their errors: ``join_form``, ``leave_<term id>``,
    ``role_<term id>``."""
    today = app_today()
    open_terms = [
        t
        for t in account.memberships
        if (t.left_on is None or t.left_on >= today) and access.can_manage_term(current_user, t)
    ]
    join_form = forms.get("join_form") or MembershipFields(
        formdata=None, joined_on=today, organisation_id=account.organisation_id
    )
    join_form.organisation_id.choices = _org_choices(queries.subtree(current_user))
    join_form.replaces_id.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(t.id), _term_label(t, True))
        for t in queries.replaceable(current_user, None, today)
        if t.account_id != account.id
    ]
    problems = [m for form in forms.values() for msgs in form.errors.values() for m in msgs]
    return _render(
        "admin/account.html",
        status,
        problems=problems,
        account=account,
        open_terms=open_terms,
        leave_forms={
            t.id: forms.get(f"leave_{t.id}") or _leave_form(t.id, today) for t in open_terms
        },
        join_form=join_form,
        role_forms={t.id: forms.get(f"role_{t.id}") or _role_form(t.id) for t in open_terms},
        can_revoke={grant.id: _may_revoke(account, grant) for grant in account.grants},
    )


def _leave_form(term_id: int, today=None) -> LeaveForm:
    """The form ending one term; its fields are prefixed so several can share a page."""
    if today is None:
        return LeaveForm(prefix=f"t{term_id}")
    return LeaveForm(formdata=None, prefix=f"t{term_id}", left_on=today)


def _role_form(term_id: int, posted: bool = False) -> RoleForm:
    return (
        RoleForm(prefix=f"r{term_id}") if posted else RoleForm(formdata=None, prefix=f"r{term_id}")
    )


def _may_revoke(account: Account, grant: RoleGrant) -> bool:
    own_admin = account.id == current_user.id and grant.role == "admin"
    return access.can_manage_org(current_user, grant.organisation) and not own_admin


# Changes from the account page -----------------------------------------------------------


def _button(account: Account, change: Callable[[], Any], message: str):
    """A one-button change: CSRF checked, errors flashed, back to the account page."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    ok, _result = attempt(form, change)
    if ok:
        db.session.commit()
        flash(message, "success")
    for error in form.form_errors:
        flash(error, "error")
    return redirect(url_for("admin.account", account_id=account.id))


@bp.route("/accounts/<int:account_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(account_id: int):
    account = access.guard_managed_account(current_user, account_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    ok, password = attempt(form, partial(service.reset_password, current_user, account))
    if not ok:
        flash(" ".join(form.form_errors), "error")
        return redirect(url_for("admin.account", account_id=account.id))
    db.session.commit()
    return _show_once(account, password, _("Password reset. She has been logged out everywhere."))


@bp.route("/accounts/<int:account_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(account_id: int):
    account = access.guard_managed_account(current_user, account_id)
    change = partial(service.set_active, current_user, account, False)
    return _button(account, change, _("Account deactivated. She can no longer log in."))


@bp.route("/accounts/<int:account_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(account_id: int):
    account = access.guard_managed_account(current_user, account_id)
    change = partial(service.set_active, current_user, account, True)
    return _button(account, change, _("Account reactivated."))


@bp.route("/roles/<int:grant_id>/revoke", methods=["POST"])
@admin_required
def revoke_role(grant_id: int):
    grant = db.get_or_404(RoleGrant, grant_id)
    account = access.guard_managed_account(current_user, grant.account_id)
    change = partial(terms.revoke_role, current_user, grant)
    return _button(account, change, _("Role removed."))


@bp.route("/accounts/<int:account_id>/roles/<int:term_id>", methods=["POST"])
@admin_required
def grant_role(account_id: int, term_id: int):
    account = access.guard_managed_account(current_user, account_id)
    term = access.guard_term(current_user, term_id)
    if term.account_id != account.id:
        abort(404)
    form = _role_form(term.id, posted=True)
    if form.validate_on_submit():
        role = form.role.data or ""
        org = term.organisation
        change = partial(terms.grant_committee_role, current_user, account, role, app_today(), org)
        if attempt(form, change)[0]:
            db.session.commit()
            flash(_("Role given."), "success")
            return redirect(url_for("admin.account", account_id=account.id))
    return _account_page(account, 422, **{f"role_{term.id}": form})


@bp.route("/accounts/<int:account_id>/memberships", methods=["POST"])
@admin_required
def add_membership(account_id: int):
    account = access.guard_managed_account(current_user, account_id)
    form = MembershipFields()
    if form.validate_on_submit():
        org = access.guard_managed_org(current_user, form.organisation_id.data or 0)
        data = form.membership_input()
        change = partial(terms.add_membership, current_user, account, data, app_today(), org)
        if attempt(form, change)[0]:
            db.session.commit()
            flash(_("She is now a member of the committee."), "success")
            return redirect(url_for("admin.account", account_id=account.id))
    return _account_page(account, 422, join_form=form)


@bp.route("/memberships/<int:term_id>/end", methods=["POST"])
@admin_required
def end_membership(term_id: int):
    term = access.guard_term(current_user, term_id)
    account = access.guard_managed_account(current_user, term.account_id)
    form = _leave_form(term.id)
    if form.validate_on_submit():
        change = partial(terms.end_membership, current_user, term, form.to_input(), app_today())
        if attempt(form, change)[0]:
            db.session.commit()
            flash(_("Membership ended. Her account and logs are kept."), "success")
            return redirect(url_for("admin.account", account_id=account.id))
    return _account_page(account, 422, **{f"leave_{term.id}": form})
