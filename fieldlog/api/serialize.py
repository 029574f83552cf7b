"""Models to JSON-ready dicts. Dates are ISO 8601; instants carry the federation's offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import url_for

from fieldlog import access
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.models import Account, DutyType, Log, Membership, Organisation, Photo
from fieldlog.timeutil import to_local


def instant(value: datetime | None, tz_name: str) -> str | None:
    """An aware instant as ISO 8601 in the federation's timezone, e.g. ``...T09:30:00+08:00``."""
    return to_local(value, tz_name).isoformat(timespec="seconds") if value else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def account_json(account: Account) -> dict[str, Any]:
    """Who she is: organisation, roles and membership terms."""
    org = account.organisation
    return {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name,
        "locale": account.locale,
        "must_change_password": account.must_change_password,
        "organisation": {"id": org.id, "name": org.name, "kind": org.kind},
        "roles": [{"role": g.role, "organisation_id": g.organisation_id} for g in account.grants],
        "memberships": [
            {
                "organisation_id": t.organisation_id,
                "joined_on": t.joined_on.isoformat(),
                "left_on": t.left_on.isoformat() if t.left_on else None,
            }
            for t in account.memberships
        ],
    }


def organisation_json(org: Organisation) -> dict[str, Any]:
    """An organisation and the one above it (None at the top)."""
    return {"id": org.id, "name": org.name, "kind": org.kind, "parent_id": org.parent_id}


def new_account_json(account: Account, password: str, tz_name: str) -> dict[str, Any]:
    """A new account with its one-time password: shown in this answer only, never again."""
    return {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name,
        "organisation_id": account.organisation_id,
        "phone": account.phone,
        "active": account.active,
        "must_change_password": account.must_change_password,
        "one_time_password": password,
        "one_time_password_expires_at": instant(account.one_time_expires_at, tz_name),
    }


def term_json(term: Membership, replaces_account_id: int | None = None) -> dict[str, Any]:
    """A committee term; ``replaces_account_id`` is the member she replaced (替补), looked up
    by the caller (``replaced_accounts``)."""
    return {
        "id": term.id,
        "account_id": term.account_id,
        "display_name": term.account.display_name,
        "organisation_id": term.organisation_id,
        "joined_on": term.joined_on.isoformat(),
        "how_joined": term.join_kind,
        "replaces_account_id": replaces_account_id,
        "left_on": term.left_on.isoformat() if term.left_on else None,
        "how_left": term.leave_kind,
        "reason": term.leave_reason,
    }


def duty_json(duty: DutyType) -> dict[str, Any]:
    """One duty of the catalogue, with the fields its form asks for."""
    return {
        "code": duty.code,
        "name_zh": duty.name_zh,
        "name_en": duty.name_en,
        "hint_zh": duty.hint_zh,
        "hint_en": duty.hint_en,
        "cadence": duty.cadence,
        "min_count": duty.min_count,
        "fields": list(duty.fields),
        "required": list(duty.required),
    }


def photo_json(photo: Photo) -> dict[str, Any]:
    """A photo of a log; the files are served at ``url`` and ``thumb_url`` (not under /api)."""
    return {
        "id": photo.id,
        "log_id": photo.log_id,
        "client_id": photo.client_id,
        "url": url_for("photos.full", photo_id=photo.id),
        "thumb_url": url_for("photos.thumb", photo_id=photo.id),
        "width": photo.width,
        "height": photo.height,
    }


def log_json(
    actor: Account, log: Log, tz_name: str, photos: Sequence[Photo] = ()
) -> dict[str, Any]:
    """A log as ``actor`` may see it: the women's names only when access allows, and its
    live ``photos`` (loaded by the caller, e.g. ``photos.service.photos_by_log``)."""
    data: dict[str, Any] = {
        "id": log.id,
        "client_id": log.client_id,
        "duty": log.duty_type.code,
        "member_id": log.account_id,
        "happened_on": log.happened_on.isoformat(),
        "version": log.version,
        "created_at": instant(log.created_at, tz_name),
        "updated_at": instant(log.updated_at, tz_name),
    }
    hidden = access.hidden_log_fields(actor, log)
    for name in LOG_FIELDS:
        if name not in hidden:
            data[name] = _plain(getattr(log, name))
    data["photos"] = [] if hidden else [photo_json(p) for p in photos]
    return data
