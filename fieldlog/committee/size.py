"""Committee size bounds (a village/community: 5–29, usually 10–15; a township/street: ≥ 25).

Pure code: the bounds come from configuration (``COMMITTEE_SIZE``), the count from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum


class SizeNote(StrEnum):
    """How a committee's number of active members compares with the bounds for its kind."""

    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    UNUSUAL = "unusual"


def size_note(
    kind: str, active: int, bounds: Mapping[str, Sequence[int | None]]
) -> tuple[SizeNote, int | None, int | None] | None:
    """``(note, low, high)`` when ``active`` falls outside the bounds for ``kind``, else None.

    ``bounds[kind]`` is ``(minimum, maximum, usual_low, usual_high)``; any may be None.
    """
    if kind not in bounds:
        return None
    minimum, maximum, usual_low, usual_high = bounds[kind]
    if minimum is not None and active < minimum:
        return SizeNote.TOO_FEW, minimum, maximum
    if maximum is not None and active > maximum:
        return SizeNote.TOO_MANY, minimum, maximum
    too_low = usual_low is not None and active < usual_low
    too_high = usual_high is not None and active > usual_high
    if too_low or too_high:
        return SizeNote.UNUSUAL, usual_low, usual_high
    return None
