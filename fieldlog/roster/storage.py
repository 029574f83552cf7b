"""Keeping an uploaded roster between its preview and its import.

The file goes to ``instance/roster_uploads/`` under a random name (mode 0600) that only her
signed session cookie knows, with its SHA-256 and her account id; the import reads it back
only for the same account and digest, then deletes it. A newer upload replaces her older
one, and files left over a day (a preview never imported) are swept on each upload.
Nothing is kept for a file with problems: she fixes it and uploads it again.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

SESSION_KEY = "roster_upload"
FOLDER = "roster_uploads"
MAX_AGE = 24 * 60 * 60
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def digest(data: bytes) -> str:
    """The file's SHA-256, in hex."""
    return hashlib.sha256(data).hexdigest()


def keep(data: bytes, file_name: str, account_id: int) -> dict[str, Any]:
    """Store the file; returns the entry to put in her session."""
    sweep()
    token = secrets.token_urlsafe(24)
    fd = os.open(_folder() / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return {"token": token, "sha256": digest(data), "name": file_name, "account_id": account_id}


def _path(entry: Any) -> Path | None:
    token = entry.get("token") if isinstance(entry, dict) else None
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    return _folder() / token


def load(entry: Any, account_id: int) -> bytes | None:
    """The stored file of this session entry, if it is hers and unchanged."""
    path = _path(entry)
    if path is None or entry.get("account_id") != account_id or not path.is_file():
        return None
    data = path.read_bytes()
    return data if digest(data) == entry.get("sha256") else None


def discard(entry: Any) -> None:
    """Delete the stored file of a session entry (if any)."""
    path = _path(entry)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep() -> None:
    """Delete stored files older than a day."""
    cutoff = time.time() - MAX_AGE
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
