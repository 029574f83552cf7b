"""Importing a roster through the admin services, row by row, in one transaction.

``run`` does the whole import in the caller's transaction: each row in a savepoint, through
``admin.service.create_account`` (a new person) or ``admin.terms.add_membership`` and
``grant_committee_role`` (a person FieldLog knows, joining again), so every rule of those
pages applies here unchanged and each change is audited as there. A row the services refuse
is rolled back to its savepoint and its messages kept; the import commits only when no row
has a problem.

The preview is the same run with ``write=False``: each row asks the services' own checks
(``check_new_account``, ``check_membership``, ``check_committee_role``) and nothing is
written, so it holds no write lock however long the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldlog import access, audit
from fieldlog.admin import queries as admin_queries
from fieldlog.admin import service as admin_service
from fieldlog.admin import terms
from fieldlog.admin.service import AccountInput, OneTimePassword
from fieldlog.admin.terms import MembershipInput
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account, Membership
from fieldlog.roster import checking
from fieldlog.roster.checking import Roster, RosterRow
from fieldlog.roster.columns import MEMBER
from fieldlog.roster.reading import Table
from fieldlog.vocab import AuditAction, JoinKind

NEW, JOINS, MOVES, THERE, REFUSED = "new", "joins", "moves", "there", "refused"
# Fields of the services' errors -> roster columns.
FIELD_COLUMNS = {
    "display_name": "name",
    "username": "login",
    "phone": "phone",
    "organisation_id": "organisation",
    "joined_on": "joined_on",
    "join_kind": "join_kind",
    "replaces_id": "replaces",
    "moved_on": "joined_on",
    "committee_role": "role",
    "role": "role",
}


@dataclass(frozen=True)
class NewAccount:
    """A person given an account by the import, with her one-time password."""

    row: RosterRow
    account: Account
    password: str


@dataclass
class Outcome:
    """What the run found and did."""

    roster: Roster
    created: list[NewAccount] = field(default_factory=list)
    passwords: list[OneTimePassword] = field(default_factory=list, repr=False)

    @property
    def problem_rows(self) -> list[RosterRow]:
        return [r for r in self.roster.rows if r.problems]

    def count(self, status: str) -> int:
        """Rows with this status."""
        return sum(1 for r in self.roster.rows if r.status == status)

    @property
    def changes(self) -> int:
        return self.count(NEW) + self.count(JOINS) + self.count(MOVES)

    @property
    def ready(self) -> bool:
        """Clean, with something to import."""
        return not self.problem_rows and self.changes > 0


def run(
    actor: Account,
    table: Table,
    today: date,
    *,
    write: bool = True,
    passwords: list[OneTimePassword] | None = None,
) -> Outcome:
    """Check and apply every row in the current transaction (the caller commits), or with
    ``write=False`` only check them. New accounts take their one-time passwords from
    ``passwords`` while it lasts (made ahead: see ``passwords_for``). Raises
    ``FileRefused`` for a file without the columns."""
    roster = checking.read_rows(table)
    checking.resolve_orgs(actor, roster)
    checking.mark_repeated_logins(roster)
    known = _accounts([r.login for r in roster.rows] + [r.cells["replaces"] for r in roster.rows])
    outcome = Outcome(roster, passwords=list(passwords or []))
    replaceable: dict[int, set[int]] = {}
    for row in roster.rows:
        if row.org is None:
            row.status = REFUSED
            continue
        replaces_id = _replaces_id(row, known, replaceable, today)
        if write:
            _apply(actor, row, known, replaces_id, today, outcome)
        else:
            _check(actor, row, known, replaces_id, today)
    return outcome


def _accounts(logins: list[str]) -> dict[str, Account]:
    """Accounts with these logins (case ignored), in one query."""
    wanted = {login.strip().casefold() for login in logins if login.strip()}
    if not wanted:
        return {}
    query = select(Account).where(func.lower(Account.username).in_(wanted))
    return {a.username.casefold(): a for a in db.session.scalars(query)}


def _replaces_id(row: RosterRow, known, replaceable, today: date) -> int | None:
    """The term she replaces; 0 (refused by the service) when the login has none here."""
    login = row.cells["replaces"].strip().casefold()
    if row.join_kind != JoinKind.REPLACING or not login:
        return None
    replaced = known.get(login)
    if replaced is None:
        row.add("replaces", _("No account has this login name."))
        return 0
    if row.org.id not in replaceable:
        replaceable[row.org.id] = admin_queries.replaceable_ids(row.org.id, today)
    ids = [t.id for t in replaced.memberships if t.organisation_id == row.org.id]
    return next((i for i in reversed(ids) if i in replaceable[row.org.id]), 0)


def _apply(actor, row: RosterRow, known, replaces_id, today: date, outcome: Outcome) -> None:
    """One row in a savepoint: kept when clean, rolled back when anything is wrong."""
    savepoint = db.session.begin_nested()
    with _refusals(row):
        existing = known.get(row.login.casefold())
        if existing is None:
            _create(actor, row, replaces_id, today, outcome)
        else:
            _join(actor, row, existing, replaces_id, today)
    if row.problems:
        savepoint.rollback()
        outcome.created[:] = [c for c in outcome.created if c.row is not row]
        row.status = REFUSED
    else:
        savepoint.commit()


def _check(actor, row: RosterRow, known, replaces_id, today: date) -> None:
    """One row as ``_apply`` would find it, without writing."""
    with _refusals(row):
        existing = known.get(row.login.casefold())
        if existing is None:
            admin_service.check_new_account(actor, _account_input(row, replaces_id), today)
            row.status = NEW
        elif _can_join(actor, row, existing) and row.join_kind == JoinKind.TRANSFERRED:
            terms.check_move(actor, _term_left(existing, row), _move(row), today)
            row.status = MOVES
        elif _can_join(actor, row, existing):
            terms.check_membership(actor, existing, _membership(row, replaces_id), today, row.org)
            if row.role != MEMBER:
                terms.check_committee_role(actor, existing, row.role, row.org)
            row.status = JOINS
    if row.problems:
        row.status = REFUSED


@contextmanager
def _refusals(row: RosterRow) -> Iterator[None]:
    """The services' refusals become the row's problems, by column."""
    try:
        yield
    except FieldErrors as error:
        for name, messages in error.fields.items():
            row.add(FIELD_COLUMNS.get(name), messages[0])
    except DomainError as error:
        row.add(None, error.message)


def _membership(row: RosterRow, replaces_id: int | None) -> MembershipInput:
    return MembershipInput(row.joined_on, row.join_kind, replaces_id)


def _account_input(row: RosterRow, replaces_id: int | None) -> AccountInput:
    return AccountInput(
        display_name=row.cells["name"],
        username=row.login,
        organisation_id=row.org.id,
        membership=_membership(row, replaces_id),
        committee_role=None if row.role == MEMBER else row.role,
        phone=row.cells["phone"] or None,
    )


def passwords_for(outcome: Outcome) -> list[OneTimePassword]:
    """A one-time password, hashed, for each new person of a checked run: seconds of
    hashing for a long roster, to spend before its import takes the write lock."""
    return [OneTimePassword.make() for _row in range(outcome.count(NEW))]


def _create(actor, row: RosterRow, replaces_id, today: date, outcome: Outcome) -> None:
    data = _account_input(row, replaces_id)
    made = outcome.passwords.pop() if outcome.passwords else None
    account, password = admin_service.create_account(actor, data, today, made)
    outcome.created.append(NewAccount(row, account, password))
    row.status = NEW


def _can_join(actor, row: RosterRow, account: Account) -> bool:
    """Someone FieldLog knows: False when the row is not her, or she is already on this
    committee from that day (status ``THERE``), with the reason noted on the row."""
    if not _same_person(actor, row, account):
        row.add("login", _("This login name is already taken by another person."))
        return False
    if any(
        t.organisation_id == row.org.id and t.joined_on == row.joined_on
        for t in account.memberships
    ):
        row.status = THERE
        if _roles_differ(row, account):
            row.note = _("Her roles here differ from the file; change them on her account page.")
        return False
    return True


def _join(actor, row: RosterRow, account: Account, replaces_id, today: date) -> None:
    """Someone FieldLog knows: already on this committee from that day; moving here from
    another committee (调入); or joining it, again or besides her other committees."""
    if not _can_join(actor, row, account):
        return
    if row.join_kind == JoinKind.TRANSFERRED:
        terms.move_member(actor, _term_left(account, row), _move(row), today)
        row.status = MOVES
        return
    terms.add_membership(actor, account, _membership(row, replaces_id), today, row.org)
    if row.role != MEMBER:
        terms.grant_committee_role(actor, account, row.role, today, row.org)
    row.status = JOINS


def _term_left(account: Account, row: RosterRow) -> Membership:
    """The term a row moving her here (调入) ends: her one running term elsewhere."""
    running = [
        t for t in account.memberships if t.left_on is None and t.organisation_id != row.org.id
    ]
    if len(running) != 1:
        raise FieldErrors(
            {
                "join_kind": _(
                    "调入 moves her from her one current committee; she has %(n)s. Move her on "
                    "her account page instead.",
                    n=len(running),
                )
            }
        )
    return running[0]


def _move(row: RosterRow) -> terms.MoveInput:
    return terms.MoveInput(row.org.id, row.joined_on, _("Moved by the roster import"))


def _same_person(actor: Account, row: RosterRow, account: Account) -> bool:
    same_name = account.display_name.strip() == row.cells["name"].strip()
    return same_name and access.can_manage_account(actor, account)


def _roles_differ(row: RosterRow, account: Account) -> bool:
    held = {g.role for g in account.grants if g.organisation_id == row.org.id}
    wanted = set() if row.role == MEMBER else {row.role}
    return held & set(terms.COMMITTEE_ROLES) != wanted


def record_import(actor: Account, outcome: Outcome, file_name: str, digest: str) -> None:
    """One audit entry for the import as a whole (each account and term has its own)."""
    changes = {
        "file": [None, file_name],
        "sha256": [None, digest],
        "accounts": [None, outcome.count(NEW)],
        "memberships": [None, outcome.count(NEW) + outcome.count(JOINS) + outcome.count(MOVES)],
        "already_there": [None, outcome.count(THERE)],
    }
    audit.record(actor, AuditAction.CREATE, "roster_import", None, changes)
    db.session.flush()
