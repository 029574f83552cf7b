"""Forms of the chair's tracker pages: the grid's filters and the excuse form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from fieldlog.forms import Form

MAX_REASON = 200

# Reasons a chair gives most often: one tap instead of typing.
SUGGESTED_REASONS = (
    _l("Ill or in hospital"),
    _l("Away for work"),
    _l("Family matters"),
    _l("Pregnancy or a new baby"),
)


class GridFilters(Form):
    """Quarter, duty and status filters of the committee grid (GET, no CSRF)."""

    class Meta:
        csrf = False

    quarter = SelectField(_l("Quarter"), validators=[Optional()], validate_choice=False)
    duty = SelectField(_l("Duty"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)


class ExcuseForm(Form):
    """Why the chair excuses one obligation: a suggested reason, or her own words."""

    preset = RadioField(_l("Reason"), validators=[Optional()])
    reason = StringField(
        _l("Or write the reason"),
        validators=[Optional(), Length(max=MAX_REASON, message=_l("At most 200 characters."))],
        render_kw={"maxlength": MAX_REASON, "autocomplete": "off"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices in the reader's language; the chosen text is what gets stored.
        self.preset.choices = [(str(r), str(r)) for r in SUGGESTED_REASONS]

    def reason_text(self) -> str:
        """Her own words when she wrote some, else the suggested reason she chose."""
        return (self.reason.data or "").strip() or (self.preset.data or "")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.reason_text():
            self.reason.errors = [_("Please choose or write a reason.")]
            return False
        return True
