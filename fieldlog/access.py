"""Who may do what: permission predicates, the query filters that match them, and the guard
functions that load an object or refuse.

Every view, API handler, export and service asks here; no other module decides access.
Committee rights follow the terms: what a committee sees of a member is what she did while
on it.

- A member reads and edits only her own logs (new logs only for days she was on a committee).
- A chair (or vice chair) of a committee reads the logs its members made while on it (the
  women's names included), its member list, and edits none of the logs. She adds members to
  that committee and ends their terms (never her own; a chair's or vice chair's term only
  when she is the chair). She moves a member to another committee of the same township.
- An admin of an organisation manages organisations and accounts in its whole subtree, and
  reads what the subtree's committees read, without the women's names or other free text
  about them (see ``WOMEN_DETAIL_FIELDS``).
- A record book is read by its member, her chair and an admin above her; the women's names
  in it (when the member chose to include them) only by the member and her chair.

Guards (``*_or_refuse`` and the ``guard_*`` functions) raise ``NotFound`` where an object's
existence must not leak (a log, a photo, her own review) and ``NotAllowed`` where it may
(a committee, a round, a meeting); pages and the API turn both into their error answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, exists, false, or_, select

from fieldlog.errors import NotAllowed, NotFound
from fieldlog.extensions import db
from fieldlog.models import Account, Log, Membership, Organisation, Photo
from fieldlog.vocab import Role

CHAIR_ROLES = frozenset({Role.CHAIR.value, Role.VICE_CHAIR.value})
# A log's free text that can point to the women it is about (names, where, what she said,
# what help). The author and her chair read it; an admin's pages, ledgers and copies of
# record books keep counts, categories and dates only.
WOMEN_DETAIL_FIELDS = frozenset({"women_names", "place", "notes", "needs", "help_kind"})
NO_FIELDS: frozenset[str] = frozenset()
T = TypeVar("T")
E = TypeVar("E")

# Roles -------------------------------------------------------------------------------------


def chaired_org_ids(actor: Account) -> set[int]:
    """Organisations whose committee the actor chairs (or vice-chairs)."""
    return {g.organisation_id for g in actor.grants if g.role in CHAIR_ROLES}


def chaired_in_order(actor: Account) -> list[int]:
    """The committees she chairs, then those she vice-chairs (by id within each): the first
    is where her committee pages open."""
    order = {Role.CHAIR.value: 0, Role.VICE_CHAIR.value: 1}
    grants = sorted(
        (order[g.role], g.organisation_id) for g in actor.grants if g.role in CHAIR_ROLES
    )
    return list(dict.fromkeys(org_id for _rank, org_id in grants))


def admin_paths(actor: Account) -> list[str]:
    """Tree paths of the organisations the actor administers (each covers its subtree)."""
    return [g.organisation.path for g in actor.grants if g.role == Role.ADMIN.value]


def is_chair(actor: Account) -> bool:
    """Whether the actor chairs any committee."""
    return bool(chaired_org_ids(actor))


def is_admin(actor: Account) -> bool:
    """Whether the actor administers any subtree."""
    return bool(admin_paths(actor))


def is_admin_of(actor: Account, org: Organisation) -> bool:
    """Whether ``org`` lies in a subtree the actor administers."""
    return any(org.path.startswith(path) for path in admin_paths(actor))


def is_chair_of(actor: Account, org_id: int) -> bool:
    """Whether the actor chairs the committee of organisation ``org_id``."""
    return org_id in chaired_org_ids(actor)


def roles_in(account: Account, org_id: int) -> set[str]:
    """The roles ``account`` holds in organisation ``org_id``."""
    return {g.role for g in account.grants if g.organisation_id == org_id}


def oversees(actor: Account, org: Organisation) -> bool:
    """The committee's chair, or an admin above it."""
    return is_chair_of(actor, org.id) or is_admin_of(actor, org)


# Terms -------------------------------------------------------------------------------------


def terms_seen_by(actor: Account, member: Account) -> list[Membership]:
    """Her terms on the committees the actor oversees (chairs, or administers from above)."""
    return [t for t in member.memberships if oversees(actor, t.organisation)]


def chaired_terms(actor: Account, member: Account) -> list[Membership]:
    """Her terms on the committees the actor chairs."""
    chaired = chaired_org_ids(actor)
    return [t for t in member.memberships if t.organisation_id in chaired]


def _covers(terms: Iterable[Membership], day: date) -> bool:
    return any(t.active_on(day) for t in terms)


def _author(log: Log) -> Account:
    author = db.session.get(Account, log.account_id)
    assert author is not None  # noqa: S101 - the foreign key guarantees it
    return author


# Logs --------------------------------------------------------------------------------------


def can_read_log(actor: Account, log: Log) -> bool:
    """The author; a chair of a committee she was on that day; an admin above one."""
    if log.is_deleted:
        return False
    if log.account_id == actor.id:
        return True
    if not (is_chair(actor) or is_admin(actor)):
        return False
    return _covers(terms_seen_by(actor, _author(log)), log.happened_on)


def hidden_log_fields(actor: Account, log: Log) -> frozenset[str]:
    """What of a readable log the actor does not see: nothing for the author and her chair;
    the names and all free text about the women for an admin."""
    if log.account_id == actor.id:
        return NO_FIELDS
    if _covers(chaired_terms(actor, _author(log)), log.happened_on):
        return NO_FIELDS
    return WOMEN_DETAIL_FIELDS


def can_see_women_names(actor: Account, log: Log) -> bool:
    """Names of the women contacted: the author and her chair only."""
    return can_read_log(actor, log) and "women_names" not in hidden_log_fields(actor, log)


def can_see_photos(actor: Account, log: Log) -> bool:
    """A log's photos can show the women it is about: the author and her chair only."""
    return can_read_log(actor, log) and not hidden_log_fields(actor, log)


def can_edit_log(actor: Account, log: Log) -> bool:
    """Only the author edits her log, and not once deleted."""
    return log.account_id == actor.id and not log.is_deleted and actor.active


def can_delete_log(actor: Account, log: Log) -> bool:
    """Only the author deletes her log."""
    return can_edit_log(actor, log)


def _overseen_org_filter(actor: Account):
    chaired = chaired_org_ids(actor)
    paths = admin_paths(actor)
    conditions = [Membership.organisation_id.in_(chaired)] if chaired else []
    if paths:
        subtree = select(Organisation.id).where(
            or_(*(Organisation.path.startswith(p) for p in paths))
        )
        conditions.append(Membership.organisation_id.in_(subtree))
    return or_(*conditions) if conditions else None


def visible_logs(actor: Account) -> Select[tuple[Log]]:
    """Non-deleted logs the actor may read: her own, and those made by members of the
    committees she oversees while they were on them."""
    readable = [Log.account_id == actor.id]
    overseen = _overseen_org_filter(actor)
    if overseen is not None:
        readable.append(
            exists().where(
                Membership.account_id == Log.account_id,
                overseen,
                Membership.joined_on <= Log.happened_on,
                or_(Membership.left_on.is_(None), Membership.left_on >= Log.happened_on),
            )
        )
    return select(Log).where(Log.deleted_at.is_(None), or_(*readable))


# Committees, organisations, accounts ---------------------------------------------------------


def can_read_members(actor: Account, org: Organisation) -> bool:
    """The committee's chair, or an admin above it, reads its member list."""
    return oversees(actor, org)


def can_manage_org(actor: Account, org: Organisation) -> bool:
    """Admins manage organisations in their subtree."""
    return is_admin_of(actor, org)


def can_manage_committee(actor: Account, org: Organisation) -> bool:
    """Who adds members to ``org``'s committee: its chair, or an admin above it."""
    return oversees(actor, org)


def can_manage_term(actor: Account, term: Membership) -> bool:
    """Who ends a committee term: an admin of both the committee and the member's account;
    else the committee's chair or vice chair, never for her own term, and for the term of
    a chair or vice chair only the chair herself."""
    if is_admin_of(actor, term.organisation) and can_manage_account(actor, term.account):
        return True
    if term.account_id == actor.id or not is_chair_of(actor, term.organisation_id):
        return False
    if roles_in(term.account, term.organisation_id) & CHAIR_ROLES:
        return Role.CHAIR.value in roles_in(actor, term.organisation_id)
    return True


def can_move_to(actor: Account, term: Membership, target: Organisation) -> bool:
    """Who moves a member from ``term``'s committee to ``target``'s: someone who may end the
    term and manages the other committee, or the chair ending it when both committees are
    villages/communities of the same township or street (调动 within it)."""
    if target.id == term.organisation_id or not can_manage_term(actor, term):
        return False
    if can_manage_committee(actor, target):
        return True
    source = term.organisation
    return (
        is_chair_of(actor, source.id)
        and target.is_grassroots
        and source.parent_id is not None
        and target.parent_id == source.parent_id
    )


def can_manage_account(actor: Account, account: Account) -> bool:
    """Admins manage the accounts whose home organisation is in their subtree."""
    return is_admin_of(actor, account.organisation)


def managed_orgs(actor: Account) -> Select[tuple[Organisation]]:
    """Organisations in the actor's admin subtrees."""
    paths = admin_paths(actor)
    if not paths:
        return select(Organisation).where(false())
    return select(Organisation).where(or_(*(Organisation.path.startswith(p) for p in paths)))


def managed_accounts(actor: Account) -> Select[tuple[Account]]:
    """Accounts whose home organisation lies in the actor's admin subtrees."""
    org_ids = managed_orgs(actor).with_only_columns(Organisation.id)
    return select(Account).where(Account.organisation_id.in_(org_ids))


def overseen_org_ids(actor: Account) -> Select:
    """Committees the actor chairs, and every organisation in her admin subtrees."""
    chaired = chaired_org_ids(actor)
    query = select(Organisation.id)
    conditions = [Organisation.id.in_(chaired)] if chaired else []
    conditions += [Organisation.path.startswith(p) for p in admin_paths(actor)]
    return query.where(or_(*conditions) if conditions else false())


# Record books ------------------------------------------------------------------------------


def can_read_book(actor: Account, member: Account) -> bool:
    """A member's record book: she herself, the chair of a committee she sat on, or an admin
    above one (or above her home organisation)."""
    return (
        actor.id == member.id
        or bool(terms_seen_by(actor, member))
        or can_manage_account(actor, member)
    )


def can_see_book_names(actor: Account, member: Account) -> bool:
    """The women's names in her book (only when she chose to include them): she and her
    chair, as for her logs; an admin's copy never has them."""
    return actor.id == member.id or bool(chaired_terms(actor, member))


def can_reopen_book(actor: Account, member: Account) -> bool:
    """Who reopens a submitted record book: the chair of a committee she sat on."""
    return bool(chaired_terms(actor, member))


def book_org_ids(actor: Account, member: Account) -> list[int] | None:
    """Whose view of her year a book shows: None (all her terms) for herself; else the
    committees the reader oversees, so a committee she left keeps what she did there."""
    if actor.id == member.id:
        return None
    seen = terms_seen_by(actor, member)
    if not seen and can_manage_account(actor, member):
        return None
    return sorted({t.organisation_id for t in seen})


# Excusals ----------------------------------------------------------------------------------


def can_excuse(actor: Account, member: Account, first: date, last: date) -> bool:
    """A chair excuses a member of a committee she chairs who served there in first..last,
    never herself."""
    if actor.id == member.id:
        return False
    return any(
        t.joined_on <= last and (t.left_on is None or t.left_on >= first)
        for t in chaired_terms(actor, member)
    )


# Guards ------------------------------------------------------------------------------------


def _forbidden() -> NotAllowed:
    return NotAllowed(_("You are not allowed to do this."))


def _missing() -> NotFound:
    return NotFound(_("Not found."))


def _get(model: type, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        raise _missing()
    return found


def guard_log(actor: Account, log_id: int) -> Log:
    """A log the actor may read; 404 otherwise (whether it exists does not leak)."""
    log = db.session.get(Log, log_id)
    if log is None or not can_read_log(actor, log):
        raise _missing()
    return log


def guard_photo(actor: Account, photo_id: int) -> Photo:
    """A live photo of a log whose photos the actor may see; 404 otherwise."""
    photo = db.session.get(Photo, photo_id)
    log = db.session.get(Log, photo.log_id) if photo is not None else None
    if photo is None or photo.deleted_at is not None or log is None:
        raise _missing()
    if not can_see_photos(actor, log):
        raise _missing()
    return photo


def guard_own_log(actor: Account, log_id: int) -> Log:
    """A log the actor may change: 404 when she may not even read it, 403 when she may
    only read it (her chair, an admin)."""
    log = guard_log(actor, log_id)
    if not can_edit_log(actor, log):
        raise NotAllowed(_("You can only change your own entries."))
    return log


def guard_chaired(actor: Account, org_id: int) -> Organisation:
    """A committee the actor chairs: 404 if no such organisation, 403 if not hers."""
    org = _get(Organisation, org_id)
    if not is_chair_of(actor, org.id):
        raise _forbidden()
    return org


def guard_overseen(actor: Account, org_id: int) -> Organisation:
    """A committee the actor chairs or administers from above: 404, or 403 if not hers."""
    org = _get(Organisation, org_id)
    if not oversees(actor, org):
        raise _forbidden()
    return org


def guard_managed_org(actor: Account, org_id: int) -> Organisation:
    """An organisation in the actor's admin subtrees: 404, or 403 outside them."""
    org = _get(Organisation, org_id)
    if not can_manage_org(actor, org):
        raise _forbidden()
    return org


def guard_managed_account(actor: Account, account_id: int) -> Account:
    """An account the actor manages as an admin: 404, or 403 outside her subtrees."""
    account = _get(Account, account_id)
    if not can_manage_account(actor, account):
        raise _forbidden()
    return account


def guard_member(org: Organisation, account_id: int) -> Account:
    """Someone who has (or had) a term on ``org``'s committee, which the caller checked the
    actor oversees: 404 for anyone else."""
    member = db.session.get(Account, account_id)
    if member is None or not any(t.organisation_id == org.id for t in member.memberships):
        raise _missing()
    return member


def guard_overseen_member(actor: Account, account_id: int) -> Account:
    """Someone who sat on a committee the actor oversees: 404, or 403."""
    member = _get(Account, account_id)
    if not terms_seen_by(actor, member):
        raise _forbidden()
    return member


def guard_term(actor: Account, term_id: int, org: Organisation | None = None) -> Membership:
    """A term the actor may end (on ``org``'s committee when given): 404, or 403."""
    term = _get(Membership, term_id)
    if org is not None and term.organisation_id != org.id:
        raise _missing()
    if term.account_id != actor.id and not can_manage_term(actor, term):
        raise _forbidden()  # her own term: the service explains why not
    return term


def guard_book_member(actor: Account, account_id: int) -> Account:
    """A member whose record book the actor may read: 404, or 403."""
    member = _get(Account, account_id)
    if not can_read_book(actor, member):
        raise _forbidden()
    return member


def guard_chaired_object(actor: Account, found: T | None) -> T:
    """A round, meeting or other object of a committee (``organisation_id``), loaded by the
    caller as it needs it (None when missing): 404, or 403 unless the actor chairs it."""
    if found is None:
        raise _missing()
    if not is_chair_of(actor, found.organisation_id):
        raise _forbidden()
    return found


def guard_chaired_entry(actor: Account, entry: E | None) -> E:
    """A member's entry in a review round the actor chairs: 404, or 403."""
    guard_chaired_object(actor, entry.round if entry is not None else None)
    return entry


def guard_active_member(actor: Account, today: date) -> None:
    """Only someone on a committee today keeps duty logs and has a calendar of duties."""
    if not any(t.active_on(today) for t in actor.memberships):
        raise NotAllowed(_("Only committee members keep duty logs."))


def excusable_member(actor: Account, member_id: int, first: date, last: date) -> Account:
    """A member the actor may excuse for a period running first..last: 404, or 403."""
    member = _get(Account, member_id)
    if not can_excuse(actor, member, first, last):
        if actor.id == member.id:
            raise NotAllowed(
                _("You cannot excuse your own duties; another chair or vice chair can.")
            )
        raise NotAllowed(_("Only her chair can excuse her duties."))
    return member
