"""Committee size bounds: every edge of the default bounds."""

from __future__ import annotations

import pytest

from fieldlog.committee.size import SizeNote, size_note
from fieldlog.config import DefaultConfig

BOUNDS = DefaultConfig.COMMITTEE_SIZE


@pytest.mark.parametrize(
    ("kind", "active", "expected"),
    [
        ("village", 0, (SizeNote.TOO_FEW, 5, 29)),
        ("village", 4, (SizeNote.TOO_FEW, 5, 29)),
        ("village", 5, (SizeNote.UNUSUAL, 10, 15)),
        ("village", 9, (SizeNote.UNUSUAL, 10, 15)),
        ("village", 10, None),
        ("village", 15, None),
        ("village", 16, (SizeNote.UNUSUAL, 10, 15)),
        ("village", 29, (SizeNote.UNUSUAL, 10, 15)),
        ("village", 30, (SizeNote.TOO_MANY, 5, 29)),
        ("community", 4, (SizeNote.TOO_FEW, 5, 29)),
        ("township", 24, (SizeNote.TOO_FEW, 25, None)),
        ("township", 25, None),
        ("street", 300, None),
        ("district", 3, None),  # no bounds configured
    ],
)
def test_size_note(kind, active, expected):
    assert size_note(kind, active, BOUNDS) == expected
