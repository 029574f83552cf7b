"""Password hashing: nothing hashed at import; the timing dummy is made once, when first needed."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_import_computes_no_hash():
    """A worker that imports the app pays no argon2 hash (64 MiB, ~0.3 s) at start-up."""
    script = textwrap.dedent(
        """
        import argon2

        calls = []
        real = argon2.PasswordHasher.hash
        argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or real(self, *a, **k)

        import fieldlog.auth.passwords as passwords
        import fieldlog.auth.service  # noqa: F401
        from fieldlog import create_app  # noqa: F401

        assert calls == [], "hashed at import"
        first = passwords.dummy_hash()
        assert calls == [1]
        assert passwords.dummy_hash() is first
        assert calls == [1], "dummy hash made twice"
        assert not passwords.verify_password(first, "anything else")
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
