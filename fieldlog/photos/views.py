"""Serving photo files, and removing a photo from her log's page."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.photos import bp, service, storage
from fieldlog.webutil import CsrfForm

# Stored files never change (a new photo gets a new id), so the browser may keep them; but
# only in her own browser: "private" keeps them out of shared caches.
MAX_AGE = 7 * 24 * 60 * 60


def _send(name: str):
    path = storage.path_of(name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True)
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.pop("Expires", None)
    return response


@bp.get("/<int:photo_id>")
@login_required
def full(photo_id: int):
    return _send(access.guard_photo(current_user, photo_id).stored_name)


@bp.get("/<int:photo_id>/thumb")
@login_required
def thumb(photo_id: int):
    return _send(access.guard_photo(current_user, photo_id).thumb_name)


@bp.post("/<int:photo_id>/delete")
@login_required
def delete(photo_id: int):
    photo = access.guard_photo(current_user, photo_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    service.delete_photo(current_user, photo)
    db.session.commit()
    flash(_("Photo removed."), "info")
    return redirect(url_for("logs.edit", log_id=photo.log_id))
