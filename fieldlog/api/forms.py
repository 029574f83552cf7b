"""Bodies of the admin API as the pages' forms: the same fields and syntax checks.

Only where an API body combines fields of two page forms does it need a class of its own.
"""

from __future__ import annotations

from dataclasses import replace

from fieldlog.admin.forms import AccountForm
from fieldlog.admin.service import AccountInput
from fieldlog.committee.forms import NewMemberForm


class AccountBody(AccountForm):
    """``POST /accounts``: the admin page's new account, with the chair's phone field."""

    phone = NewMemberForm.phone

    def to_input(self) -> AccountInput:
        return replace(super().to_input(), phone=(self.phone.data or "").strip() or None)
