"""Password hashing with argon2id."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# One-time passwords are random (about 59 bits, see admin.service.generate_password) and
# replaced at first login, where ``needs_rehash`` also upgrades the hash: a light cost is
# enough for them, and lets a roster import create two thousand accounts in seconds.
_one_time_hasher = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=1)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def hash_one_time_password(password: str) -> str:
    """A lighter argon2id hash, for generated one-time passwords only."""
    return _one_time_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash verified against when the login name is unknown, so both cases take the same
    time. Made at the first such login, not at import: an argon2 hash at production cost takes
    64 MiB and about 0.3 s, which every worker would otherwise pay at start-up."""
    return _hasher.hash("fieldlog-timing-equaliser")
