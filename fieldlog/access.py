"""Who may do what: permission predicates and the query filters that match them.

Every view, API handler, export and service asks here; no other module decides access.

- A member reads and edits only her own logs.
- A chair (or vice chair) of an organisation reads the logs and the member list of that
  organisation's committee, and edits none of them. She adds members to that committee and
  ends their terms (never her own).
- An admin of an organisation manages organisations and accounts in its whole subtree.
  Admin rights alone do not open individual logs (they can name women in hard situations).
- A record book is read by its member, her chair and an admin above her; the women's names
  in it (when the member chose to include them) only by the member and her chair.
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from fieldlog.extensions import db
from fieldlog.models import Account, Log, Membership, Organisation
from fieldlog.vocab import Role

CHAIR_ROLES = frozenset({Role.CHAIR.value, Role.VICE_CHAIR.value})
# A log's free text that can point to the women it is about (names, where, what she said,
# what help). The author and her chair read it; an admin's ledgers and her copies of record
# books keep counts, categories and dates only.
WOMEN_DETAIL_FIELDS = frozenset({"women_names", "place", "notes", "needs", "help_kind"})


def chaired_org_ids(actor: Account) -> set[int]:
    """Organisations whose committee the actor chairs (or vice-chairs)."""
    return {g.organisation_id for g in actor.grants if g.role in CHAIR_ROLES}


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


def _author(log: Log) -> Account:
    author = db.session.get(Account, log.account_id)
    assert author is not None  # noqa: S101 - the foreign key guarantees it
    return author


def can_read_log(actor: Account, log: Log) -> bool:
    """The author, or a chair of the author's committee, reads a non-deleted log."""
    if log.is_deleted:
        return False
    return log.account_id == actor.id or is_chair_of(actor, _author(log).organisation_id)


def can_see_women_names(actor: Account, log: Log) -> bool:
    """Names of the women contacted: the author and her chair only."""
    return can_read_log(actor, log)


def can_edit_log(actor: Account, log: Log) -> bool:
    """Only the author edits her log, and not once deleted."""
    return log.account_id == actor.id and not log.is_deleted and actor.active


def can_delete_log(actor: Account, log: Log) -> bool:
    """Only the author deletes her log."""
    return can_edit_log(actor, log)


def can_read_members(actor: Account, org: Organisation) -> bool:
    """The committee's chair, or an admin above it, reads its member list."""
    return is_chair_of(actor, org.id) or is_admin_of(actor, org)


def can_manage_org(actor: Account, org: Organisation) -> bool:
    """Admins manage organisations in their subtree."""
    return is_admin_of(actor, org)


def can_manage_committee(actor: Account, org: Organisation) -> bool:
    """Who adds members to ``org``'s committee: its chair, or an admin above it."""
    return is_chair_of(actor, org.id) or is_admin_of(actor, org)


def roles_in(account: Account, org_id: int) -> set[str]:
    """The roles ``account`` holds in organisation ``org_id``."""
    return {g.role for g in account.grants if g.organisation_id == org_id}


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


def can_manage_account(actor: Account, account: Account) -> bool:
    """Admins manage the accounts whose home organisation is in their subtree."""
    return is_admin_of(actor, account.organisation)


def can_read_book(actor: Account, member: Account) -> bool:
    """A member's record book: she herself, her committee's chair, or an admin above her."""
    return (
        actor.id == member.id
        or is_chair_of(actor, member.organisation_id)
        or can_manage_account(actor, member)
    )


def can_see_book_names(actor: Account, member: Account) -> bool:
    """The women's names in her book (only when she chose to include them): she and her
    chair, as for her logs; an admin's copy never has them."""
    return actor.id == member.id or is_chair_of(actor, member.organisation_id)


def can_reopen_book(actor: Account, member: Account) -> bool:
    """Who reopens a submitted record book: the chair of her committee."""
    return is_chair_of(actor, member.organisation_id)


def visible_logs(actor: Account) -> Select[tuple[Log]]:
    """Non-deleted logs the actor may read: her own and her committees' members'."""
    chaired = chaired_org_ids(actor)
    committee = select(Account.id).where(Account.organisation_id.in_(chaired))
    readable = or_(
        Log.account_id == actor.id, Log.account_id.in_(committee) if chaired else false()
    )
    return select(Log).where(Log.deleted_at.is_(None), readable)


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
