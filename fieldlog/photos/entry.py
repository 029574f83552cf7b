"""A log and the photos chosen on its page form, saved together or not at all.

The photos come decoded (``photos.prepare_all``, run by the caller with no transaction
open). The form's problems are reported together: the log's fields and the photos (under
the field name ``photos``). Nothing is kept unless everything is valid; the caller rolls
back and the staging removes the files.
"""

from __future__ import annotations

from datetime import date

from fieldlog.errors import FieldErrors
from fieldlog.logs import service as logs
from fieldlog.logs.service import LogInput
from fieldlog.models import Account, DutyType, Log
from fieldlog.photos import service as photos
from fieldlog.photos.service import Checked
from fieldlog.photos.storage import Staging


def _merged(error: FieldErrors, problems: list[str]) -> FieldErrors:
    return FieldErrors({**error.fields, **({"photos": problems} if problems else {})})


def create_with_photos(
    actor: Account,
    duty: DutyType,
    data: LogInput,
    today: date,
    client_id: str | None,
    checked: Checked,
    files: Staging,
) -> tuple[Log, bool]:
    """Save a new log with its photos: ``(log, created)``.

    A resubmission of an entry already saved (same ``client_id``) returns it untouched:
    its photos came with the first submission.
    """
    problems = checked.problems(0)
    try:
        log, created = logs.create_log(actor, duty, data, today, client_id)
    except FieldErrors as error:
        raise _merged(error, problems) from None
    if not created:
        return log, False
    if problems:
        raise FieldErrors({"photos": problems})
    photos.attach(actor, log, checked.prepared, files)
    return log, True


def update_with_photos(
    actor: Account,
    log: Log,
    data: LogInput,
    today: date,
    expected_version: int | None,
    checked: Checked,
    files: Staging,
) -> Log:
    """Change her log and add the newly chosen photos to those it has."""
    problems = checked.problems(photos.live_count(log.id))
    try:
        logs.update_log(actor, log, data, today, expected_version)
    except FieldErrors as error:
        raise _merged(error, problems) from None
    if problems:
        raise FieldErrors({"photos": problems})
    if checked.prepared:
        photos.attach(actor, log, checked.prepared, files)
    return log
