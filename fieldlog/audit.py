"""Writing the audit trail. Services call ``record``; nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry
from fieldlog.vocab import AuditAction

# Values never copied into the trail, only noted as changed.
REDACTED_FIELDS = frozenset({"password_hash", "session_token", "women_names"})


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``obj``, as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed; sensitive ones masked."""
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            changes[name] = ["***", "***"] if name in REDACTED_FIELDS else [old, new]
    return changes


def record(
    actor: Account | None,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action.value,
        entity=entity,
        entity_id=entity_id,
        changes=dict(changes or {}),
    )
    db.session.add(entry)
    return entry
