"""Roster import pages (admins only): template, upload and preview, import and passwords.

The upload request may carry at most ``ROSTER_MAX_BYTES`` plus the form around it (set
before the form is parsed, so Flask answers 413 early); a 413 shows the upload page with
the reason. Passwords are shown only in the import's own answer (no-store) and kept
nowhere else.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog.database import idle, reading
from fieldlog.downloads import send_download
from fieldlog.extensions import db
from fieldlog.roster import bp, service, storage
from fieldlog.roster.checking import is_header
from fieldlog.roster.columns import COLUMNS, role_label
from fieldlog.roster.forms import ImportForm, UploadForm
from fieldlog.roster.parts import Limits
from fieldlog.roster.reading import FileRefused, Table, read_table
from fieldlog.roster.template import template_xlsx
from fieldlog.webutil import admin_required, app_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the CSRF token around the file


def _limits() -> tuple[int, int]:
    cfg = current_app.config
    return cfg["ROSTER_MAX_BYTES"], cfg["ROSTER_MAX_ROWS"]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


@bp.url_value_preprocessor
def _limit_upload(endpoint: str | None, _values) -> None:
    """Runs before CSRF protection reads the form: the upload's size limit must be set."""
    if endpoint == "roster.preview":
        request.max_content_length = _limits()[0] + FORM_OVERHEAD


def _index(form: UploadForm, status: int = 200):
    max_bytes, max_rows = _limits()
    page = render_template(
        "roster/index.html",
        form=form,
        columns=COLUMNS,
        max_mb=_megabytes(max_bytes),
        max_rows=max_rows,
    )
    return page, status


@bp.errorhandler(413)
def too_large(_error):
    form = UploadForm(formdata=None)
    form.file.errors = [_too_large()]
    return _index(form, 413)


def _too_large() -> str:
    return _("The file is larger than %(mb)s MB.", mb=_megabytes(_limits()[0]))


@bp.route("/")
@admin_required
def index():
    return _index(UploadForm(formdata=None))


@bp.route("/template.xlsx")
@admin_required
def template():
    max_bytes, max_rows = _limits()
    file = template_xlsx(max_rows, int(max_bytes // (1024 * 1024)) or 1)
    return send_download(file, XLSX, _("Roster template") + ".xlsx", "roster-template.xlsx")


@bp.route("/preview", methods=["POST"])
@admin_required
def preview():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    upload = form.file.data
    data = upload.read(_limits()[0] + 1)
    name = (upload.filename or "")[-100:]
    try:
        if len(data) > _limits()[0]:
            raise FileRefused(_too_large())
        table = _read(data, name)
        with reading(db.session):  # the preview writes nothing: no write lock either
            outcome = service.run(current_user, table, app_today(), write=False)
            page = _preview(outcome, name, ImportForm(sha256=storage.digest(data)))
            storage.discard(session.pop(storage.SESSION_KEY, None))
            if outcome.ready:
                session[storage.SESSION_KEY] = storage.keep(data, name, current_user.id)
    except FileRefused as refused:
        form.file.errors = [refused.message]
        return _index(form, 422)
    return page


def _read(data: bytes, name: str) -> Table:
    """The file's cells, read within the roster limits with no transaction open, so a
    long file keeps no one else waiting."""
    with idle(db.session):
        return read_table(data, name, Limits.from_config(current_app.config), is_header)


def _preview(outcome: service.Outcome, name: str, form: ImportForm, status: int | None = None):
    page = render_template(
        "roster/preview.html",
        outcome=outcome,
        file_name=name,
        form=form,
        role_label=role_label,
    )
    return page, status or (200 if outcome.ready or not outcome.problem_rows else 422)


@bp.route("/import", methods=["POST"])
@admin_required
def run_import():
    form = ImportForm()
    entry = session.get(storage.SESSION_KEY)
    data = storage.load(entry, current_user.id) if entry else None
    if not form.validate_on_submit() or data is None or form.sha256.data != entry["sha256"]:
        flash(_("There is no previewed file to import. Please upload it again."), "error")
        return redirect(url_for("roster.index"))
    try:
        table = _read(data, entry["name"])
        with reading(db.session):  # checked again without the write lock: refused cheaply
            checked = service.run(current_user, table, app_today(), write=False)
            if not checked.ready:  # something changed since the preview
                return _preview(checked, entry["name"], form, 422)
            passwords = service.passwords_for(checked)
        outcome = service.run(current_user, table, app_today(), passwords=passwords)
    except FileRefused as refused:  # the settings changed since the preview
        flash(refused.message, "error")
        return redirect(url_for("roster.index"))
    if not outcome.ready:  # something changed in the last moment
        db.session.rollback()
        return _preview(outcome, entry["name"], form, 422)
    service.record_import(current_user, outcome, entry["name"], entry["sha256"])
    db.session.commit()
    storage.discard(session.pop(storage.SESSION_KEY))
    g.no_store = True  # the one-time passwords: shown in this answer only
    page = render_template(
        "roster/done.html", outcome=outcome, role_label=role_label, site=request.host_url, done=True
    )
    return page
