"""Photo files under ``instance/uploads/photos/``, named at random, never from the upload.

Files are written before the database commit and removed again unless the request reaches
``Staging.keep()`` after its commit, so a refused or failed request leaves no file behind
and no committed row ever points at a missing file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

SUBFOLDER = ("uploads", "photos")


def folder() -> Path:
    """Where this app keeps photo files (created on first use)."""
    path = Path(current_app.instance_path).joinpath(*SUBFOLDER)
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(name: str) -> Path:
    """The file of a stored name (names are ours: letters, digits, ``-``, ``_`` and ``.jpg``)."""
    return folder() / name


def new_name() -> str:
    """An unguessable file name."""
    return f"{secrets.token_urlsafe(24)}.jpg"


class Staging:
    """The files written during one request, kept or removed as a whole."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []
        self.kept = False

    def write(self, data: bytes) -> str:
        """Write ``data`` to a new file and return its name."""
        name = new_name()
        target = self.root / name
        # O_EXCL: never overwrite, even in the (astronomically unlikely) event of a clash.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        self.written.append(target)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return name

    def forget(self, *names: str) -> None:
        """Remove files written here that turned out not to be needed."""
        for name in names:
            target = self.root / name
            if target in self.written:
                self.written.remove(target)
                target.unlink(missing_ok=True)

    def keep(self) -> None:
        """Call after the commit: the files now belong to committed rows."""
        self.kept = True

    def discard(self) -> None:
        """Remove every file written here."""
        for target in self.written:
            target.unlink(missing_ok=True)
        self.written.clear()


@contextmanager
def staged() -> Iterator[Staging]:
    """``with staged() as files: ... db.session.commit(); files.keep()``; anything that does
    not reach ``keep()`` (a refusal, an exception, a failed commit) removes the files."""
    staging = Staging(folder())
    try:
        yield staging
    finally:
        if not staging.kept:
            staging.discard()
