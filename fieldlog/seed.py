"""Loading the default duty catalogue into a database that has none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldlog.catalogue import SEVEN_ONES
from fieldlog.models import DutyType


def seed_duty_types(session: Session) -> int:
    """Add the seven ones that are missing (by code); returns how many were added."""
    existing = set(session.scalars(select(DutyType.code)))
    added = [DutyType(**row) for row in SEVEN_ONES if row["code"] not in existing]
    session.add_all(added)
    session.flush()
    return len(added)
