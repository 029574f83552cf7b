"""Roster forms: the upload, and the import button tied to the previewed file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from fieldlog.forms import Form


class UploadForm(Form):
    """A filled-in roster (XLSX or CSV)."""

    file = FileField(
        _l("Filled-in roster"),
        validators=[FileRequired(_l("Choose the file first."))],
        render_kw={"accept": ".xlsx,.csv,text/csv"},
    )


class ImportForm(Form):
    """Import the file just previewed (its SHA-256, so another tab's upload is not taken)."""

    sha256 = HiddenField(validators=[DataRequired()])
