"""Read-side helpers for the admin pages: the subtree as a tree, counts, lists, search."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, Organisation

SEARCH_LIMIT = 30
# A member who left within this many days may still be named as the one replaced (替补).
REPLACEABLE_DAYS = 365


@dataclass(frozen=True)
class TreeRow:
    """One organisation of the admin's subtree, with its depth below the subtree's top."""

    org: Organisation
    depth: int


def _current(today: date):
    return (
        Membership.joined_on <= today,
        or_(Membership.left_on.is_(None), Membership.left_on >= today),
    )


def subtree(actor: Account) -> list[TreeRow]:
    """The organisations the actor manages, depth first, each level sorted by name."""
    orgs = db.session.scalars(access.managed_orgs(actor)).all()
    ids = {org.id for org in orgs}
    children: dict[int | None, list[Organisation]] = defaultdict(list)
    for org in orgs:
        children[org.parent_id if org.parent_id in ids else None].append(org)
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in sorted(children[parent_id], key=lambda o: (o.org_kind.level, o.name)):
            rows.append(TreeRow(org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    return rows


def overseen(actor: Account) -> list[Organisation]:
    """Her admin subtree (depth first, as ``subtree``), then the other committees she
    chairs, by name; nothing for a member who is neither."""
    orgs = [row.org for row in subtree(actor)]
    chaired = access.chaired_org_ids(actor) - {org.id for org in orgs}
    if chaired:
        query = select(Organisation).where(Organisation.id.in_(chaired))
        orgs += db.session.scalars(query.order_by(Organisation.name, Organisation.id))
    return orgs


def member_counts(actor: Account, today: date) -> dict[int, int]:
    """Current committee members per organisation of the actor's subtree, one grouped query."""
    org_ids = access.managed_orgs(actor).with_only_columns(Organisation.id)
    rows = db.session.execute(
        select(Membership.organisation_id, func.count())
        .where(Membership.organisation_id.in_(org_ids), *_current(today))
        .group_by(Membership.organisation_id)
    ).all()
    return dict(rows)


def ancestors(org: Organisation) -> list[Organisation]:
    """The organisations above ``org``, top first, in one query (from its path)."""
    ids = [int(part) for part in org.path.strip("/").split("/")[:-1] if part]
    if not ids:
        return []
    found = {
        o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }
    return [found[i] for i in ids if i in found]


def children(org: Organisation) -> list[Organisation]:
    """The organisations directly below ``org``, by name."""
    query = select(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.name)
    return list(db.session.scalars(query))


def staff(org: Organisation) -> list[Account]:
    """Accounts at home in ``org`` that never sat on its committee (federation staff)."""
    on_committee = exists().where(
        Membership.account_id == Account.id, Membership.organisation_id == org.id
    )
    query = (
        select(Account)
        .where(Account.organisation_id == org.id, ~on_committee)
        .order_by(Account.display_name)
    )
    return list(db.session.scalars(query))


def _replaceable(today: date):
    later = aliased(Membership)
    replaced = exists().where(later.replaces_id == Membership.id)
    cutoff = today - timedelta(days=REPLACEABLE_DAYS)
    return (
        select(Membership)
        .join(Membership.account)
        .where(or_(Membership.left_on.is_(None), Membership.left_on >= cutoff), ~replaced)
    )


def replaceable(actor: Account, org_id: int | None, today: date) -> list[Membership]:
    """Terms a new member may replace: current or recently ended, not yet replaced.

    Those of one committee when ``org_id`` is given, else of the actor's whole subtree.
    """
    query = _replaceable(today).options(joinedload(Membership.account))
    if org_id is not None:
        query = query.where(Membership.organisation_id == org_id)
    else:
        org_ids = access.managed_orgs(actor).with_only_columns(Organisation.id)
        query = query.where(Membership.organisation_id.in_(org_ids))
    query = query.order_by(Membership.left_on.is_not(None), Account.display_name)
    return list(db.session.scalars(query).unique())


def replaceable_ids(org_id: int, today: date) -> set[int]:
    """Ids of the terms of one committee that a new member may replace."""
    query = _replaceable(today).where(Membership.organisation_id == org_id)
    return set(db.session.scalars(query.with_only_columns(Membership.id)))


def replaced_accounts(terms: list[Membership]) -> dict[int, int]:
    """For the terms that replaced another (替补): the replaced member's account id, by the
    replaced term's id, in one query."""
    ids = {t.replaces_id for t in terms if t.replaces_id is not None}
    if not ids:
        return {}
    query = select(Membership.id, Membership.account_id).where(Membership.id.in_(ids))
    return dict(db.session.execute(query).all())


def search_accounts(actor: Account, text: str) -> list[Account]:
    """Accounts the actor manages whose name or login name contains ``text``."""
    needle = text.strip().casefold()
    if not needle:
        return []
    query = (
        access.managed_accounts(actor)
        .where(
            or_(
                func.lower(Account.display_name).contains(needle, autoescape=True),
                func.lower(Account.username).contains(needle, autoescape=True),
            )
        )
        .order_by(Account.display_name)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(query).unique())


def move_targets(actor: Account, term: Membership) -> list[Organisation]:
    """Committees the actor may move ``term``'s member to (see ``access.can_move_to``):
    those she manages, and for a chair the other villages and communities of her township."""
    source = term.organisation
    query = select(Organisation).where(Organisation.id != source.id)
    siblings = Organisation.parent_id == source.parent_id if source.parent_id else false()
    managed = access.managed_orgs(actor).with_only_columns(Organisation.id)
    chaired = sorted(access.chaired_org_ids(actor))
    query = query.where(
        or_(siblings, Organisation.id.in_(managed), Organisation.id.in_(chaired))
    ).order_by(Organisation.path)
    return [org for org in db.session.scalars(query) if access.can_move_to(actor, term, org)]
