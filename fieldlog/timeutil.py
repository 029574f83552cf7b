"""The only place that reads the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now_utc() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_today(tz_name: str) -> date:
    """Today's calendar date in the federation's timezone (Asia/Shanghai by default)."""
    return datetime.now(ZoneInfo(tz_name)).date()


def to_local(instant: datetime, tz_name: str) -> datetime:
    """An aware instant shown in the federation's timezone."""
    return instant.astimezone(ZoneInfo(tz_name))
