"""The ledger page's form: which period (and, for an admin, which organisation), and which
file. Choices are set by the views; an unknown choice is refused by WTForms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from fieldlog.forms import Form


class LedgerForm(Form):
    """A chair's committee ledger."""

    span = SelectField(_l("Period"))
    xlsx = SubmitField(_l("Download Excel (XLSX)"))
    csv = SubmitField(_l("Download the logs as CSV"))

    @property
    def file_kind(self) -> str:
        return "csv" if self.csv.data else "xlsx"


class AreaLedgerForm(LedgerForm):
    """An admin's ledger of one organisation and everything below it."""

    org_id = SelectField(_l("Organisation"), coerce=int)
