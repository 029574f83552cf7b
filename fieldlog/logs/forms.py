"""The log form: one class for every duty type, showing only the fields the duty asks for.

It checks syntax (types, lengths, ranges of numbers); which fields are required for a duty
and the date rules are checked by ``logs.service``, the single copy shared with the API.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from fieldlog import labels
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.forms import Form


class LogForm(Form):
    """Every field a duty may ask for; the template renders the duty's own subset."""

    client_id = HiddenField()
    version = HiddenField()
    happened_on = DateField(labels.FIELD["happened_on"], validators=[Optional()], format="%Y-%m-%d")
    method = RadioField(
        labels.FIELD["method"],
        choices=labels.choices(labels.METHOD),
        validators=[Optional()],
        validate_choice=False,
    )
    place = StringField(labels.FIELD["place"], validators=[Optional(), Length(max=100)])
    women_count = IntegerField(
        labels.FIELD["women_count"],
        validators=[Optional(), NumberRange(min=0, message=_l("Cannot be negative."))],
        render_kw={"inputmode": "numeric", "min": 0},
    )
    topic = StringField(labels.FIELD["topic"], validators=[Optional(), Length(max=120)])
    needs = TextAreaField(labels.FIELD["needs"], validators=[Optional(), Length(max=4000)])
    proposal_text = TextAreaField(
        labels.FIELD["proposal_text"], validators=[Optional(), Length(max=4000)]
    )
    proposal_status = SelectField(
        labels.FIELD["proposal_status"],
        choices=labels.choices(labels.PROPOSAL_STATUS),
        validators=[Optional()],
        validate_choice=False,
    )
    proposal_answer = TextAreaField(
        labels.FIELD["proposal_answer"], validators=[Optional(), Length(max=4000)]
    )
    help_target = RadioField(
        labels.FIELD["help_target"],
        choices=labels.choices(labels.HELP_TARGET),
        validators=[Optional()],
        validate_choice=False,
    )
    help_kind = StringField(labels.FIELD["help_kind"], validators=[Optional(), Length(max=200)])
    volunteer_activity = StringField(
        labels.FIELD["volunteer_activity"], validators=[Optional(), Length(max=120)]
    )
    volunteer_hours = DecimalField(
        labels.FIELD["volunteer_hours"],
        places=1,
        validators=[Optional()],
        render_kw={"inputmode": "decimal", "step": "0.5", "min": "0.5", "max": "100"},
    )
    women_names = StringField(labels.FIELD["women_names"], validators=[Optional(), Length(max=300)])
    notes = TextAreaField(labels.FIELD["notes"], validators=[Optional(), Length(max=4000)])
    # Checked by fieldlog.photos (content, size, count), not here.
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})

    def only(self, names: Iterable[str]) -> LogForm:
        """This form without the log fields missing from ``names`` (those a duty does not
        ask for): whatever is posted for them is neither read nor checked."""
        for name in set(LOG_FIELDS) - set(names):
            del self[name]
        return self

    def log_data(self) -> dict:
        """The submitted values by field name, for ``LogInput.from_mapping``."""
        skip = {"client_id", "version", "csrf_token", "photos"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class FilterForm(Form):
    """Filters on her log list (GET, no CSRF)."""

    class Meta:
        csrf = False

    duty = SelectField(_l("Duty"), validators=[Optional()], validate_choice=False)
    period = SelectField(_l("Period"), validators=[Optional()], validate_choice=False)
