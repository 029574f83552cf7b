"""Database reads for ledgers: one streamed query for the logs, one for the organisations.

Nothing here runs a query per log or per member: a district's year is tens of thousands of
logs, read once, in order, a batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import Row, Select, select

from fieldlog import catalogue
from fieldlog.access import WOMEN_DETAIL_FIELDS
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log, Organisation

BATCH = 2000
# What a committee ledger row shows of a log, in catalogue order. Never ``women_names``.
LOG_FIELDS = tuple(name for name in catalogue.LOG_FIELDS if name != "women_names")
# An area ledger (admins) leaves out every free text about the women (see access.py).
AREA_FIELDS = tuple(name for name in LOG_FIELDS if name not in WOMEN_DETAIL_FIELDS)


def log_rows(
    org_ids: Select | Iterable[int], first: date, last: date, fields: tuple[str, ...]
) -> Iterator[Row]:
    """Non-deleted logs dated first..last by members at home in these organisations, by
    organisation, date and member: ``member, org, duty_type_id, happened_on, created_at``
    then ``fields``."""
    query = (
        select(
            Account.display_name.label("member"),
            Organisation.name.label("org"),
            Log.duty_type_id,
            Log.happened_on,
            Log.created_at,
            *(getattr(Log, name) for name in fields),
        )
        .join(Account, Account.id == Log.account_id)
        .join(Organisation, Organisation.id == Account.organisation_id)
        .where(Account.organisation_id.in_(org_ids), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(first, last))
        .order_by(Organisation.name, Log.happened_on, Account.display_name, Log.id)
    )
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def duty_types() -> list[DutyType]:
    """Every duty type, active ones first in catalogue order (old logs may use others)."""
    query = select(DutyType).order_by(DutyType.active.desc(), DutyType.sort_order, DutyType.id)
    return list(db.session.scalars(query))


def org_names(org_ids: Select | Iterable[int]) -> dict[int, str]:
    """Names of these organisations by id."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    )
    return {org_id: name for org_id, name in rows}
