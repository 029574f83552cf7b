"""Admin forms: syntax only (types, lengths); the rules are in ``admin.service`` and ``terms``.

Choices that depend on the admin's subtree (organisations, members to replace) are set by
the views; choice checks are left to the service, which also checks access.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from fieldlog import labels
from fieldlog.admin.service import AccountInput, OrgInput
from fieldlog.admin.terms import LeaveInput, MembershipInput, MoveInput
from fieldlog.forms import Form
from fieldlog.vocab import JoinKind, LeaveKind, Role


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


NO_ROLE = ""
CHAIR_ROLES = {role: labels.ROLE[role] for role in (Role.CHAIR, Role.VICE_CHAIR)}
# A top-level organisation (district) is only created by the create-admin command.
KINDS_BELOW = {kind: label for kind, label in labels.ORG_KIND.items() if kind.level > 0}


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id; blank or junk becomes None (the service says why)."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _text(data: str | None) -> str:
    return (data or "").strip()


class OrgForm(Form):
    """A new organisation below one the admin manages."""

    parent_id = SelectField(
        _l("Belongs to"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    name = StringField(_l("Name"), validators=[_max(80)])
    kind = RadioField(
        _l("Kind"),
        choices=labels.choices(KINDS_BELOW),
        validators=[Optional()],
        validate_choice=False,
    )

    def to_input(self) -> OrgInput:
        return OrgInput(
            name=_text(self.name.data), kind=self.kind.data or "", parent_id=self.parent_id.data
        )


class MembershipFields(Form):
    """Joining a committee: which (where a page offers a choice), when, how, and whom she
    replaces."""

    organisation_id = SelectField(
        _l("Committee of"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )

    joined_on = DateField(_l("Joined the committee on"), validators=[Optional()])
    join_kind = RadioField(
        _l("How she joined"),
        # A move (调入) is made with the move form, which also ends her other term.
        choices=labels.choices(
            {k: v for k, v in labels.JOIN_KIND.items() if k != JoinKind.TRANSFERRED}
        ),
        default="elected",
        validators=[Optional()],
        validate_choice=False,
    )
    replaces_id = SelectField(
        _l("Whom she replaces"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("Only when she replaces a member."),
    )

    def membership_input(self) -> MembershipInput:
        return MembershipInput(
            joined_on=self.joined_on.data,
            join_kind=self.join_kind.data or "",
            replaces_id=self.replaces_id.data,
        )


class AccountFields(MembershipFields):
    """Who a new account is: her name and login, and her committee term's fields."""

    display_name = StringField(_l("Name"), validators=[_max(40)])
    username = StringField(
        _l("Login name or phone number"),
        validators=[_max(64)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class AccountForm(AccountFields):
    """A new account, optionally a committee member with a role."""

    organisation_id = SelectField(
        _l("Organisation"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    member = BooleanField(_l("She is a member of this organisation's committee"))
    committee_role = RadioField(
        _l("Role on the committee"),
        choices=[SelectChoice(NO_ROLE, _l("No role")), *labels.choices(CHAIR_ROLES)],
        default=NO_ROLE,
        validators=[Optional()],
        validate_choice=False,
    )
    admin = BooleanField(_l("Administrator of this organisation and those below it"))

    def to_input(self) -> AccountInput:
        return AccountInput(
            display_name=_text(self.display_name.data),
            username=_text(self.username.data),
            organisation_id=self.organisation_id.data,
            membership=self.membership_input() if self.member.data else None,
            committee_role=self.committee_role.data or None,
            admin=bool(self.admin.data),
        )


class LeaveForm(Form):
    """Ending a committee term."""

    left_on = DateField(_l("Left on"), validators=[Optional()])
    leave_kind = RadioField(
        _l("Why she left"),
        # A move (调动) is made with the move form, which also starts her new term.
        choices=labels.choices(
            {k: v for k, v in labels.LEAVE_KIND.items() if k != LeaveKind.TRANSFERRED}
        ),
        validators=[Optional()],
        validate_choice=False,
    )
    reason = StringField(
        _l("Reason"),
        validators=[_max(200)],
        description=_l("Needed unless her term simply ended."),
    )

    def to_input(self) -> LeaveInput:
        return LeaveInput(
            left_on=self.left_on.data,
            leave_kind=self.leave_kind.data,
            reason=_text(self.reason.data),
        )


class MoveForm(Form):
    """Moving a member to another committee (调动): where, from which day, and why."""

    organisation_id = SelectField(
        _l("The committee she moves to"), coerce=optional_int, validate_choice=False
    )
    moved_on = DateField(_l("Her first day there"), validators=[Optional()])
    reason = StringField(_l("Reason (optional)"), validators=[_max(200)])

    def to_input(self) -> MoveInput:
        return MoveInput(
            organisation_id=self.organisation_id.data,
            moved_on=self.moved_on.data,
            reason=_text(self.reason.data) or None,
        )


class RoleForm(Form):
    """Giving a committee member the chair or vice-chair role."""

    role = RadioField(
        _l("Role"),
        choices=labels.choices(CHAIR_ROLES),
        validators=[Optional()],
        validate_choice=False,
    )
