"""Photo API: upload a photo to her log (once per upload id), remove one.

Uploads are ``multipart/form-data`` with ``file`` and ``client_id``; the same ``client_id``
sent again answers 200 with the photo stored the first time, so a phone's queue may retry.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldlog import access
from fieldlog.api import bp
from fieldlog.api.errors import InvalidRequest
from fieldlog.api.serialize import photo_json
from fieldlog.api.views import api_login_required
from fieldlog.database import idle
from fieldlog.errors import FieldErrors
from fieldlog.extensions import db
from fieldlog.photos import service, storage
from fieldlog.photos.service import PhotoRejected

UPLOAD_PARTS = frozenset({"file", "client_id"})


def _file_error(message: str, status: int = 422) -> FieldErrors:
    error = FieldErrors({"file": [message]})
    error.status = status
    return error


@bp.post("/logs/<int:log_id>/photos")
@api_login_required
def upload_photo(log_id: int) -> tuple[Response, int]:
    log = access.guard_own_log(current_user, log_id)
    unknown = (set(request.form) | set(request.files)) - UPLOAD_PARTS
    if unknown:
        raise InvalidRequest({name: [_("This field is not read here.")] for name in unknown})
    client_id = service.upload_id(request.form.get("client_id"))
    known = service.known_upload(current_user, log, client_id)
    if known is not None:  # a retry whose first answer was lost
        return jsonify(photo_json(known)), 200
    file = request.files.get("file")
    if file is None:
        raise _file_error(_("Choose a photo to send."))
    try:
        upload = service.upload_from(file)
        with idle(db.session):  # decoding keeps no lock; add_photo checks everything again
            prepared = service.prepare(upload)
        with storage.staged() as files:
            photo, created = service.add_photo(current_user, log, prepared, files, client_id)
            db.session.commit()
            files.keep()
    except PhotoRejected as error:
        raise _file_error(error.message, error.status) from None
    return jsonify(photo_json(photo)), 201 if created else 200


@bp.delete("/photos/<int:photo_id>")
@api_login_required
def delete_photo(photo_id: int) -> tuple[str, int]:
    service.delete_photo(current_user, access.guard_photo(current_user, photo_id))
    db.session.commit()
    return "", 204
