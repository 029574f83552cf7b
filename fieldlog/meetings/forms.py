"""The meeting form: date, kind, topics, decisions, and one attendance choice per member.

Forms check syntax only; the service checks the rules (date not in the future, a status
for every member, a reason for every excused absence).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from fieldlog import labels, textcheck
from fieldlog.forms import Form
from fieldlog.meetings.service import MAX_REASON, MeetingInput, reason_field, status_field
from fieldlog.models import Account, Meeting
from fieldlog.vocab import AttendanceStatus

MAX_TEXT = 5000


class MeetingForm(Form):
    """The fixed part; ``meeting_form`` adds the per-member fields."""

    held_on = DateField(_l("Date of the meeting"), validators=[Optional()])
    kind = SelectField(_l("Kind of meeting"), validate_choice=False)
    topics = TextAreaField(
        _l("Topics"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        render_kw={"rows": 4},
    )
    decisions = TextAreaField(
        _l("Decisions"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        render_kw={"rows": 4},
    )

    members: list[Account]

    def attendance_fields(self) -> list[tuple[Account, RadioField, StringField]]:
        """(member, status field, reason field) for every member listed, in order."""
        return [(m, self[status_field(m.id)], self[reason_field(m.id)]) for m in self.members]

    def to_input(self) -> MeetingInput:
        """The submitted values as the service's input."""
        for _member, status, _reason in self.attendance_fields():
            if not status.raw_data:
                status.data = None  # shown unchosen again, not as the default
        return MeetingInput(
            held_on=self.held_on.data,
            kind=self.kind.data,
            topics=self.topics.data or "",
            decisions=self.decisions.data or "",
            # A status missing from the post is missing, not the default "present".
            attendance={
                m.id: (status.data, reason.data) for m, status, reason in self.attendance_fields()
            },
        )


def meeting_form(
    members: Iterable[Account], meeting: Meeting | None = None, **kwargs
) -> MeetingForm:
    """A meeting form listing ``members``; prefilled from ``meeting`` when editing."""
    members = list(members)
    previous = {a.account_id: a for a in meeting.attendance} if meeting else {}

    class _Form(MeetingForm):
        pass

    for member in members:
        old = previous.get(member.id)
        setattr(
            _Form,
            status_field(member.id),
            RadioField(
                member.display_name,
                choices=labels.choices(labels.ATTENDANCE),
                default=old.status if old else AttendanceStatus.PRESENT.value,
                validate_choice=False,
                validators=[Optional()],
            ),
        )
        setattr(
            _Form,
            reason_field(member.id),
            StringField(
                _l("Reason for the absence"),
                default=(old.reason if old else None),
                validators=[Optional(), Length(max=MAX_REASON)],
                render_kw={"maxlength": MAX_REASON, "autocomplete": "off"},
            ),
        )
    form = _Form(obj=meeting, **kwargs)
    form.members = members
    form.kind.choices = labels.choices(labels.MEETING_KIND)
    return form


def posted_date(raw: str | None, fallback: date) -> date:
    """The meeting date typed in the form, or ``fallback`` when absent or not a date."""
    return textcheck.iso_date(raw or "") or fallback
