"""Failed-login throttling per login and per address.

Backed by the ``limits`` library: ``memory://`` keeps counts in the process (one worker),
``redis://`` shares them between workers. Callers pass the login's key
(``models.account.login_key``), the same form the account lookup uses.
"""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Counts failed logins; refuses further tries once a limit is reached."""

    def __init__(self, storage_uri: str, per_account: str, per_address: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._per_account = parse(per_account)
        self._per_address = parse(per_address)

    def blocked(self, key: str, address: str) -> bool:
        """Whether either the login name or the address has used up its tries."""
        return not (
            self._limiter.test(self._per_account, "login-account", key)
            and self._limiter.test(self._per_address, "login-address", address)
        )

    def failed(self, key: str, address: str) -> None:
        """Count one failed try against both keys."""
        self._limiter.hit(self._per_account, "login-account", key)
        self._limiter.hit(self._per_address, "login-address", address)

    def succeeded(self, key: str) -> None:
        """A correct password clears the account's count (not the address's)."""
        self._limiter.clear(self._per_account, "login-account", key)


def init_app(app: Flask) -> None:
    """Create this app's throttle from its configuration."""
    app.extensions["fieldlog.throttle"] = LoginThrottle(
        app.config["RATELIMIT_STORAGE_URI"],
        app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        app.config["LOGIN_LIMIT_PER_ADDRESS"],
    )


def current_throttle() -> LoginThrottle:
    """The throttle of the running app."""
    return current_app.extensions["fieldlog.throttle"]
