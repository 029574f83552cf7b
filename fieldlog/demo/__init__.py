"""Demo data: a township with its committee, three village/community committees and about a
year of their logs.

Used by ``flask --app fieldlog demo``. Everything is fictional and deterministic for a given
``today``. The command commits; the functions here only flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from fieldlog.auth.passwords import hash_password
from fieldlog.demo import books, people, reviews
from fieldlog.demo.generate import Member, MemberLogs
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log, Membership, Organisation, RoleGrant
from fieldlog.periods import Cadence, period_of
from fieldlog.tracker import excusals
from fieldlog.vocab import JoinKind, LeaveKind, Role

# Reference data and the migration marker survive a reset.
KEPT_TABLES = frozenset({"duty_types", "alembic_version"})
ROLE_LABELS = {Role.ADMIN: "管理员", Role.CHAIR: "主席", Role.VICE_CHAIR: "副主席"}
JOIN_LABELS = {JoinKind.ADDED: "执委·增补", JoinKind.REPLACING: "执委·替补"}
MEMBER_LABEL, BEHIND_LABEL = "执委", "执委·落后"

LoginRow = tuple[str, str, str, str]

# The chair of this committee excuses a few missed duties of one member who was in hospital.
EXCUSING_ORG, EXCUSE_REASON, MAX_EXCUSED = "taoyuan", "生病住院", 3


def is_empty() -> bool:
    """Whether the database holds no organisation and no account."""
    no_orgs = db.session.scalar(select(Organisation.id).limit(1)) is None
    return no_orgs and db.session.scalar(select(Account.id).limit(1)) is None


def reset() -> None:
    """Delete every row of every table except the duty catalogue, children first."""
    tables = db.metadata.tables
    # Clear self-references first so that no single DELETE trips a foreign key.
    db.session.execute(tables["organisations"].update().values(parent_id=None))
    db.session.execute(tables["memberships"].update().values(replaces_id=None))
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            db.session.execute(table.delete())
    db.session.flush()
    db.session.expunge_all()


def load(password: str, today: date) -> None:
    """Add the demo township, its people and their logs up to ``today`` (flush only)."""
    password_hash = hash_password(password)  # once: argon2 is slow on purpose
    orgs = _add_orgs()
    township = orgs["township"]
    admin = _account(people.ADMIN_USERNAME, people.ADMIN_NAME, township, password_hash)
    db.session.flush()
    db.session.add(RoleGrant(account_id=admin.id, role=Role.ADMIN, organisation_id=township.id))
    members = _add_people(orgs, password_hash, today)
    duties = {d.code: d for d in db.session.scalars(select(DutyType).where(DutyType.active))}
    seed = f"fieldlog-demo:{today.isoformat()}"
    tz = current_app.config["TIMEZONE"]
    logs = [log for m in members for log in MemberLogs(m, duties, today, seed).logs(tz)]
    logs.sort(key=lambda log: (log.created_at, log.client_id))  # ids follow entry time
    db.session.add_all(logs)
    db.session.flush()
    _add_excusals(orgs[EXCUSING_ORG], today)
    books.load(orgs, today)  # before the reviews: their year-end figures count the books
    reviews.load(orgs, today)


def _add_excusals(org: Organisation, today: date) -> None:
    """Excuse (audited) what one member missed last quarter: she was in hospital.

    She is the member (not the chair) who missed at least two duties ending with last
    quarter and has the fewest gaps in the year; the others keep theirs, so the grid of
    last quarter shows both 已免除 and 逾期.
    """
    from fieldlog.tracker import chair_data

    chair_id = db.session.scalar(
        select(RoleGrant.account_id).where(
            RoleGrant.organisation_id == org.id, RoleGrant.role == Role.CHAIR
        )
    )
    year = period_of(today, Cadence.QUARTER).previous().year
    behind = [
        m
        for m in chair_data.overdue_of_year(org.id, year, today)
        if m.member.account_id != chair_id
    ]
    if not behind:
        return
    latest = max(o.period.end for m in behind for o in m.items)  # end of last quarter, mostly
    missed = {
        m.member.account_id: (m, [o for o in m.items if o.period.end == latest]) for m in behind
    }
    pick, items = min(
        missed.values(), key=lambda p: (-min(len(p[1]), 2), len(p[0].items), p[0].member.name)
    )
    chair = db.session.get(Account, chair_id)
    member = db.session.get(Account, pick.member.account_id)
    duties = {d.code: d for d in db.session.scalars(select(DutyType))}
    for item in items[:MAX_EXCUSED]:
        excusals.excuse(chair, member, duties[item.duty_code], item.period, EXCUSE_REASON)


def _add_orgs() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for spec in people.ORGS:
        parent = orgs[spec.parent] if spec.parent else None
        org = Organisation(name=spec.name, kind=spec.kind, parent=parent)
        db.session.add(org)
        db.session.flush()
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        orgs[spec.key] = org
    return orgs


def _account(username: str, name: str, org: Organisation, password_hash: str) -> Account:
    account = Account(
        username=username,
        display_name=name,
        password_hash=password_hash,
        organisation_id=org.id,
        phone=username if username.isdigit() else None,
    )
    db.session.add(account)
    return account


def _add_people(orgs: dict[str, Organisation], password_hash: str, today: date) -> list[Member]:
    """Accounts, membership terms and chair grants of every demo executive."""
    accounts = {
        p.name: _account(people.username(i), p.name, orgs[p.org], password_hash)
        for i, p in enumerate(people.PEOPLE, start=1)
    }
    db.session.flush()
    terms: dict[str, Membership] = {}
    # Replacements last: they point at the term they take over.
    for person in sorted(people.PEOPLE, key=lambda p: p.replaces is not None):
        terms[person.name] = _term(person, accounts[person.name], terms, today)
        if person.role:
            org_id = accounts[person.name].organisation_id
            db.session.add(
                RoleGrant(
                    account_id=accounts[person.name].id, role=person.role, organisation_id=org_id
                )
            )
    db.session.flush()
    members = [_member(p, accounts[p.name], terms[p.name], orgs[p.org]) for p in people.PEOPLE]
    members += _moves(orgs, accounts, terms, today)
    _extra_seats(orgs, accounts, today)
    return members


def _moves(orgs, accounts, terms, today: date) -> list[Member]:
    """Members who moved (调动) this year: her first term ends the day before her first day
    on the other committee, which becomes her home. Returns her time there, for her logs."""
    moved = []
    for person in (p for p in people.PEOPLE if p.moved_to):
        account, org = accounts[person.name], orgs[person.moved_to]
        terms[person.name].leave_kind = LeaveKind.TRANSFERRED.value
        terms[person.name].leave_reason = people.MOVE_REASON
        term = Membership(
            account_id=account.id,
            organisation_id=org.id,
            joined_on=people.moved_on(today),
            join_kind=JoinKind.TRANSFERRED.value,
        )
        db.session.add(term)
        account.organisation_id = org.id
        account.active = True
        moved.append(Member(account.id, person, org.name, org.kind, term.joined_on, None))
    db.session.flush()
    return moved


def _extra_seats(orgs, accounts, today: date) -> None:
    """Seats on a second committee (with a role there when given)."""
    for seat in people.EXTRA_SEATS:
        account, org = accounts[seat.name], orgs[seat.org]
        joined = people.elected_on(people.org_spec(seat.org), today)
        db.session.add(Membership(account_id=account.id, organisation_id=org.id, joined_on=joined))
        if seat.role:
            db.session.add(RoleGrant(account_id=account.id, role=seat.role, organisation_id=org.id))
    db.session.flush()


def _term(
    person: people.PersonSpec, account: Account, terms: dict[str, Membership], today: date
) -> Membership:
    joined, left = people.term_of(person, today)
    replaced = terms[person.replaces] if person.replaces else None
    if replaced is not None:
        db.session.flush()
    term = Membership(
        account_id=account.id,
        organisation_id=account.organisation_id,
        joined_on=joined,
        join_kind=person.join,
        replaces_id=replaced.id if replaced else None,
        left_on=left,
        leave_kind=person.leave_kind,
        leave_reason=person.leave_reason,
    )
    # Who left keeps her account: she still reads her history and her record books.
    db.session.add(term)
    return term


def _member(
    person: people.PersonSpec, account: Account, term: Membership, org: Organisation
) -> Member:
    return Member(account.id, person, org.name, org.kind, term.joined_on, term.left_on)


def logins() -> list[LoginRow]:
    """Who to log in as: the admin, every chair and vice chair, and a few members per village.

    Read from the database (the demo district's subtree), so it works after a restart and
    lists nothing from a real, non-demo database.
    """
    district = db.session.scalars(
        select(Organisation).where(
            Organisation.name == people.DISTRICT_NAME, Organisation.parent_id.is_(None)
        )
    ).first()
    if district is None:
        return []
    orgs = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.path.startswith(district.path))
            .order_by(Organisation.id)
        )
    )
    grants = list(
        db.session.scalars(
            select(RoleGrant)
            .where(RoleGrant.organisation_id.in_([o.id for o in orgs]))
            .order_by(RoleGrant.id)
        )
    )
    rows = [_row(ROLE_LABELS[Role.ADMIN], g) for g in grants if g.role == Role.ADMIN]
    for org in orgs:
        org_grants = [g for g in grants if g.organisation_id == org.id and g.role != Role.ADMIN]
        for role in (Role.CHAIR, Role.VICE_CHAIR):
            rows += [_row(ROLE_LABELS[role], g) for g in org_grants if g.role == role]
        if org.is_grassroots:
            rows += _examples(org, {g.account_id for g in org_grants})
    return rows


def _row(label: str, grant: RoleGrant) -> LoginRow:
    account = db.session.get(Account, grant.account_id)
    assert account is not None  # noqa: S101 - foreign key
    return (label, account.username, account.display_name, grant.organisation.name)


def _examples(org: Organisation, chairs: set[int]) -> list[LoginRow]:
    """An ordinary member, any newcomer, and the member furthest behind."""
    terms = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == org.id, Membership.left_on.is_(None))
            .where(Membership.account_id.not_in(chairs))
            .order_by(Membership.account_id)
        )
    )
    elected = [t for t in terms if t.join_kind == JoinKind.ELECTED]
    newcomers = [t for t in terms if t.join_kind != JoinKind.ELECTED]
    counts = _log_counts(t.account_id for t in elected)
    picked: list[tuple[str, Membership]] = []
    if elected:
        picked.append((MEMBER_LABEL, elected[0]))
    picked += [(JOIN_LABELS.get(JoinKind(t.join_kind), MEMBER_LABEL), t) for t in newcomers[:1]]
    behind = min(
        elected[1:], key=lambda t: (counts.get(t.account_id, 0), t.account_id), default=None
    )
    if behind is not None:
        picked.append((BEHIND_LABEL, behind))
    return [(label, t.account.username, t.account.display_name, org.name) for label, t in picked]


def _log_counts(account_ids: Iterable[int]) -> dict[int, int]:
    ids = list(account_ids)
    rows = db.session.execute(
        select(Log.account_id, func.count())
        .where(Log.account_id.in_(ids), Log.deleted_at.is_(None))
        .group_by(Log.account_id)
    )
    return {account_id: count for account_id, count in rows}
