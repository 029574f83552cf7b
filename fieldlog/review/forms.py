"""Review forms: open a round, her report, the ratings of one member, the chair's override.

Forms check syntax; ``review.service`` checks the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from fieldlog import labels
from fieldlog.forms import Form
from fieldlog.models import ReviewEntry
from fieldlog.periods import Period
from fieldlog.review.naming import round_label
from fieldlog.review.service import MAX_RATER, MAX_REASON, MAX_REPORT, MAX_VOTES, RatingLine
from fieldlog.vocab import Grade, RaterGroup, RatingMode

EXTRA_ROWS = 4
MAX_ROWS = 200


class OpenRoundForm(Form):
    """Choose the half-year to review."""

    half = SelectField(_l("Half-year"), validate_choice=False)

    def offer(self, halves: Sequence[Period], taken: set[str], locale: str, today: date) -> None:
        """The halves not reviewed yet; the latest that has ended comes preselected."""
        free = [h for h in halves if h.code not in taken]
        self.half.choices = [SelectChoice(h.code, round_label(h, locale)) for h in free]
        ended = [h for h in free if h.end < today]
        if self.half.data is None and ended:
            self.half.data = ended[0].code


class ReportForm(Form):
    """Her report; ``submit`` tells save from submit."""

    body = TextAreaField(
        _l("Your report"),
        validators=[Optional(), Length(max=MAX_REPORT)],
        render_kw={"rows": 16, "maxlength": MAX_REPORT},
    )


def count_field(group: str, grade: str) -> str:
    """Name of the field holding one group's votes for one grade."""
    return f"{group}_{grade}"


def rater_fields(index: int) -> tuple[str, str, str]:
    """Names of the fields of one per-rater line: rater, group, grade."""
    return f"r{index}_rater", f"r{index}_group", f"r{index}_grade"


class RatingForm(Form):
    """The fixed part; ``rating_form`` adds the count fields and the per-rater lines."""

    mode = RadioField(_l("How you enter the ratings"), validate_choice=False)
    rows: int

    def count_grid(self) -> list[tuple[str, list[tuple[str, IntegerField]]]]:
        """[(group, [(grade, field), ...]), ...] for the counts table."""
        return [
            (g.value, [(gr.value, self[count_field(g.value, gr.value)]) for gr in Grade])
            for g in RaterGroup
        ]

    def rater_lines(self) -> list[tuple[StringField, SelectField, SelectField]]:
        return [tuple(self[name] for name in rater_fields(i)) for i in range(self.rows)]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.mode.data == RatingMode.PER_RATER:
            seen: set[str] = set()
            for rater, _group, grade in self.rater_lines():
                named, graded = bool((rater.data or "").strip()), bool(grade.data)
                key = " ".join((rater.data or "").split()).casefold()
                if named and key in seen:
                    rater.errors = [*rater.errors, _l("This rater is already listed above.")]
                    ok = False
                seen.add(key)
                if named and not graded:
                    grade.errors = [*grade.errors, _l("Choose the grade this rater gave.")]
                    ok = False
                elif graded and not named:
                    rater.errors = [*rater.errors, _l("Enter who gave this rating.")]
                    ok = False
        return ok

    def to_lines(self) -> list[RatingLine]:
        if self.mode.data == RatingMode.PER_RATER:
            return [
                RatingLine(group.data, grade.data, 1, rater.data)
                for rater, group, grade in self.rater_lines()
                if (rater.data or "").strip() and grade.data
            ]
        return [
            RatingLine(group, grade, field.data or 0)
            for group, row in self.count_grid()
            for grade, field in row
        ]


def rating_form(entry: ReviewEntry, rows: int | None = None, **kwargs) -> RatingForm:
    """The ratings form for one member, prefilled from her saved ratings."""
    saved = entry.ratings
    per_rater = entry.rating_mode == RatingMode.PER_RATER
    lines = [r for r in saved if per_rater]
    rows = max(rows or 0, len(lines) + EXTRA_ROWS)
    rows = min(rows, MAX_ROWS)
    counts = {} if per_rater else {(r.rater_group, r.grade): r.votes for r in saved}

    class _Form(RatingForm):
        pass

    for group in RaterGroup:
        for grade in Grade:
            setattr(
                _Form,
                count_field(group.value, grade.value),
                IntegerField(
                    labels.GRADE[grade],
                    default=counts.get((group.value, grade.value), 0),
                    validators=[Optional(), NumberRange(0, MAX_VOTES)],
                    render_kw={"inputmode": "numeric", "min": 0, "max": MAX_VOTES},
                ),
            )
    grade_choices = [SelectChoice("", "—"), *labels.choices(labels.GRADE)]
    for i in range(rows):
        line = lines[i] if i < len(lines) else None
        name_f, group_f, grade_f = rater_fields(i)
        setattr(
            _Form,
            name_f,
            StringField(
                _l("Rater"),
                default=line.rater if line else None,
                validators=[Optional(), Length(max=MAX_RATER)],
                render_kw={"maxlength": MAX_RATER, "autocomplete": "off"},
            ),
        )
        setattr(
            _Form,
            group_f,
            SelectField(
                _l("Group"),
                choices=labels.choices(labels.RATER_GROUP),
                default=line.rater_group if line else RaterGroup.REPRESENTATIVE.value,
            ),
        )
        setattr(
            _Form,
            grade_f,
            SelectField(
                _l("Grade"),
                choices=grade_choices,
                default=line.grade if line else "",
            ),
        )
    form = _Form(mode=entry.rating_mode, **kwargs)
    form.rows = rows
    form.mode.choices = labels.choices(labels.RATING_MODE)
    return form


class MeetingLinkForm(Form):
    """The 述职评议会 a round is held at."""

    meeting_id = SelectField(_l("Review meeting"), validate_choice=False)

    def offer(self, meetings: Sequence, kind_label: str) -> None:
        self.meeting_id.choices = [
            SelectChoice("", _l("Not chosen yet")),
            *(SelectChoice(str(m.id), f"{m.held_on.isoformat()} {kind_label}") for m in meetings),
        ]

    def chosen(self) -> int | None:
        return int(self.meeting_id.data) if (self.meeting_id.data or "").isdigit() else None


class OralReportsForm(Form):
    """Who gave her oral report at the mid-year review meeting (checkboxes)."""

    reported = SelectMultipleField(_l("Gave her oral report"), validate_choice=False)

    def chosen(self) -> set[int]:
        return {int(x) for x in self.reported.data or [] if str(x).isdigit()}


class OverrideForm(Form):
    """The chair's own result, with the reason."""

    grade = SelectField(_l("Result"), validate_choice=False)
    reason = StringField(
        _l("Reason"),
        validators=[Optional(), Length(max=MAX_REASON)],
        render_kw={"maxlength": MAX_REASON, "autocomplete": "off"},
    )

    def offer(self) -> None:
        self.grade.choices = [
            SelectChoice("", _l("No change: the result of the ratings")),
            *labels.choices(labels.GRADE),
        ]
