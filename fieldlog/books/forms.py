"""Forms of the record book pages: her choice and submission, the chair's reopening."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from fieldlog.books.service import MAX_REASON
from fieldlog.forms import Form


class BookForm(Form):
    """Her book: whether it shows the women's names; save that choice, or submit the book."""

    include_names = BooleanField(
        _l("Show the names of the women I contacted in my book"),
        description=_l(
            "Only you and your chair see the names; your book leaves them out otherwise."
        ),
    )
    save = SubmitField(_l("Save my choice"))
    submit = SubmitField(_l("Submit my record book"))


class ReopenForm(Form):
    """Why the chair reopens a submitted book (she is told, and it is audited)."""

    reason = StringField(
        _l("Reason for reopening"),
        validators=[
            DataRequired(message=_l("Please give a reason.")),
            Length(max=MAX_REASON, message=_l("At most 200 characters.")),
        ],
        render_kw={"maxlength": MAX_REASON, "autocomplete": "off"},
    )
