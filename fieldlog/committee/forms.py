"""Forms for a chair's membership changes: syntax only; the rules are in ``admin.service``
and ``admin.terms``, shared with the admin pages (joining and leaving reuse their forms).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TelField
from wtforms.validators import Length

from fieldlog.admin.forms import AccountFields, LeaveForm, MembershipFields, MoveForm
from fieldlog.admin.service import AccountInput

__all__ = ["LeaveForm", "MembershipFields", "MoveForm", "NewMemberForm"]


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def _text(data: str | None) -> str:
    return (data or "").strip()


class NewMemberForm(AccountFields):
    """A new member of the chair's committee: her account and how she joined."""

    phone = TelField(
        _l("Phone (optional)"),
        validators=[_max(20)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )

    def to_input(self, org_id: int) -> AccountInput:
        return AccountInput(
            display_name=_text(self.display_name.data),
            username=_text(self.username.data),
            organisation_id=org_id,
            membership=self.membership_input(),
            phone=_text(self.phone.data) or None,
        )
