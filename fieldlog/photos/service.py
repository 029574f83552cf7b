"""Photos attached to logs: the rules for adding, reading and removing them.

Only the author adds or removes photos of her log, at most ``PHOTOS_PER_LOG`` per log, each
at most ``PHOTO_MAX_BYTES`` and really an image; whoever may read the log sees its photos.
The files are written through a ``storage.Staging`` that the caller keeps after its commit.

Decoding is the slow and memory-hungry part: callers run ``prepare``/``prepare_all`` with
no transaction open (``database.idle``), and at most ``PHOTO_DECODES`` run at once in a
process; an upload that waits longer than ``PHOTO_DECODE_WAIT`` seconds for its turn is
refused as "busy" (503).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from fieldlog import access, audit
from fieldlog.errors import Conflict, DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, Log, Photo
from fieldlog.photos import imaging
from fieldlog.photos.storage import Staging
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction

NAME_SHOWN = 40  # characters of an upload's file name quoted in a message


class PhotoRejected(DomainError):
    """This upload cannot be stored (not an image, too many photos)."""

    status = 422


class PhotoTooLarge(PhotoRejected):
    """The upload is over ``PHOTO_MAX_BYTES``."""

    status = 413


class PhotoBusy(PhotoRejected):
    """Too many photos are being decoded at once; the phone sends it again later."""

    status = 503


DECODE_SLOTS = "fieldlog.photo_decodes"


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the phone gave it (for messages only) and its bytes."""

    filename: str
    data: bytes


def max_bytes() -> int:
    """Largest upload accepted, in bytes (config ``PHOTO_MAX_BYTES``)."""
    return int(current_app.config["PHOTO_MAX_BYTES"])


def per_log() -> int:
    """Most photos one log may carry (config ``PHOTOS_PER_LOG``)."""
    return int(current_app.config["PHOTOS_PER_LOG"])


def upload_from(file: FileStorage) -> Upload:
    """Read an uploaded file, never more than one byte past the limit."""
    return Upload(file.filename or "", file.stream.read(max_bytes() + 1))


def uploads_from(files: Iterable[FileStorage]) -> list[Upload]:
    """The files actually chosen (a form with no file chosen sends an empty part)."""
    return [upload_from(f) for f in files if f and (f.filename or f.content_length)]


def _shown(upload: Upload) -> str:
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"


def _decode_slots() -> threading.BoundedSemaphore:
    """This process's turns to decode (config ``PHOTO_DECODES``), made on first use."""
    slots = threading.BoundedSemaphore(max(1, int(current_app.config["PHOTO_DECODES"])))
    return current_app.extensions.setdefault(DECODE_SLOTS, slots)


def prepare(upload: Upload) -> imaging.Prepared:
    """Check one upload and re-encode it (slow: call it with no transaction open);
    ``PhotoTooLarge``, ``PhotoBusy`` or ``PhotoRejected`` if it fails."""
    limit = max_bytes()
    if len(upload.data) > limit:
        megabytes = f"{limit / 1_000_000:g}"
        raise PhotoTooLarge(_("The photo is larger than %(mb)s MB.", mb=megabytes))
    if not upload.data:
        raise PhotoRejected(_("The file is empty."))
    slots = _decode_slots()
    if not slots.acquire(timeout=float(current_app.config["PHOTO_DECODE_WAIT"])):
        raise PhotoBusy(_("The server is busy with other photos. Please send it again later."))
    try:
        return imaging.prepare(upload.data, int(current_app.config["PHOTO_MAX_PIXELS"]))
    except imaging.ImageProblem as problem:
        raise PhotoRejected(_problem_message(problem.reason)) from None
    finally:
        slots.release()


def _problem_message(reason: str) -> str:
    if reason == "pixels":
        return _("The picture has too many pixels.")
    if reason == "format":
        return _("Send a JPEG, PNG or WebP photo.")
    return _("This file is not a photo that can be read.")


@dataclass(frozen=True)
class Checked:
    """A form's uploads, decoded: the photos ready to store, one message per file that
    cannot be one, and how many files were chosen."""

    prepared: list[imaging.Prepared]
    messages: list[str]
    chosen: int

    def problems(self, already: int) -> list[str]:
        """Every problem of the uploads on a log that has ``already`` photos."""
        limit = per_log()
        room = [room_message(limit, already)] if already + self.chosen > limit else []
        return room + self.messages


NOTHING_CHOSEN = Checked([], [], 0)


def prepare_all(uploads: Sequence[Upload]) -> Checked:
    """Check and re-encode a form's uploads (slow: call it with no transaction open)."""
    prepared: list[imaging.Prepared] = []
    messages: list[str] = []
    for upload in uploads:
        try:
            prepared.append(prepare(upload))
        except PhotoRejected as error:
            shown = _shown(upload)
            messages.append(f"{shown}: {error.message}" if shown else error.message)
    return Checked(prepared, messages, len(uploads))


def room_message(limit: int, already: int) -> str:
    """Why no more photos fit."""
    if already:
        return _(
            "An entry can have at most %(n)s photos; it already has %(m)s.", n=limit, m=already
        )
    return _("An entry can have at most %(n)s photos.", n=limit)


def live_count(log_id: int) -> int:
    """Photos of the log that are not deleted."""
    query = select(func.count(Photo.id)).where(Photo.log_id == log_id, Photo.deleted_at.is_(None))
    return db.session.scalar(query) or 0


def photos_by_log(log_ids: Iterable[int]) -> dict[int, list[Photo]]:
    """The live photos of many logs in one query, oldest first, by log id."""
    ids = list(set(log_ids))
    grouped: dict[int, list[Photo]] = {i: [] for i in ids}
    if not ids:
        return grouped
    query = (
        select(Photo)
        .where(Photo.log_id.in_(ids), Photo.deleted_at.is_(None))
        .order_by(Photo.log_id, Photo.id)
    )
    for photo in db.session.scalars(query):
        grouped[photo.log_id].append(photo)
    return grouped


def _check_author(actor: Account, log: Log) -> None:
    if not access.can_edit_log(actor, log):
        raise NotAllowed(_("Only the author of an entry adds or removes its photos."))


def _lock(log: Log) -> None:
    """Serialise photo additions to one log (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    does), so two uploads at once cannot both take the last free place."""
    db.session.execute(select(Log.id).where(Log.id == log.id).with_for_update())


def by_client_id(client_id: str) -> Photo | None:
    """The photo stored under this upload id, deleted or not."""
    return db.session.scalars(select(Photo).where(Photo.client_id == client_id)).first()


def upload_id(raw: str | None) -> str:
    """The canonical form of an upload's ``client_id`` (a UUID made on the phone)."""
    if not raw:
        raise FieldErrors({"client_id": _("Send a client_id (a UUID made on the device).")})
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise FieldErrors({"client_id": _("Not a valid upload id.")}) from None


def known_upload(actor: Account, log: Log, client_id: str) -> Photo | None:
    """The photo already stored for this upload id on this log; ``Conflict`` if the id
    belongs to another log or another account."""
    existing = by_client_id(client_id)
    if existing is None:
        return None
    if existing.log_id != log.id or existing.created_by_id != actor.id:
        raise Conflict(_("This upload id is already in use."))
    return existing


def _store(actor: Account, log: Log, prepared: imaging.Prepared, files: Staging, cid: str | None):
    photo = Photo(
        log_id=log.id,
        client_id=cid,
        stored_name=files.write(prepared.data),
        thumb_name=files.write(prepared.thumb),
        width=prepared.width,
        height=prepared.height,
        size_bytes=len(prepared.data),
        created_by_id=actor.id,
    )
    with db.session.begin_nested():
        db.session.add(photo)
    audit.record(actor, AuditAction.CREATE, "photo", photo.id, {"log_id": [None, log.id]})
    return photo


def add_photo(
    actor: Account, log: Log, prepared: imaging.Prepared, files: Staging, client_id: str
) -> tuple[Photo, bool]:
    """Attach one checked photo uploaded under ``client_id``: ``(photo, created)``.

    A repeated upload id returns the photo stored the first time, also when the repeat
    races the first attempt (the unique id decides; the loser's files are removed).
    """
    _check_author(actor, log)
    cid = upload_id(client_id)
    _lock(log)
    existing = known_upload(actor, log, cid)
    if existing is not None:
        return existing, False
    already = live_count(log.id)
    if already >= per_log():
        raise PhotoRejected(room_message(per_log(), already))
    written = len(files.written)
    try:
        photo = _store(actor, log, prepared, files, cid)
    except IntegrityError:
        files.forget(*(p.name for p in files.written[written:]))
        winner = known_upload(actor, log, cid)
        if winner is None:
            raise
        return winner, False
    db.session.flush()
    return photo, True


def attach(actor: Account, log: Log, prepared: Sequence[imaging.Prepared], files: Staging):
    """Attach a form's checked photos (no upload ids) to her log."""
    _check_author(actor, log)
    _lock(log)
    already = live_count(log.id)
    if already + len(prepared) > per_log():
        raise PhotoRejected(room_message(per_log(), already))
    photos = [_store(actor, log, p, files, None) for p in prepared]
    db.session.flush()
    return photos


def delete_photo(actor: Account, photo: Photo) -> None:
    """Soft-delete a photo of her own log; the files stay until an operator purges them."""
    log = db.session.get(Log, photo.log_id)
    assert log is not None  # noqa: S101 - the foreign key guarantees it
    _check_author(actor, log)
    photo.deleted_at = now_utc()
    audit.record(actor, AuditAction.DELETE, "photo", photo.id)
    db.session.flush()
