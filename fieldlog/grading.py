"""The review's result grade from its ratings, by a rule that is data. Pure: standard library.

A rule is a mapping, stored with each review round (``REVIEW_RULE`` in configuration)::

    {"method": "most_votes", "ties": "lower", "weights": {"representative": 1, "member": 1}}

- ``method``: ``most_votes`` (the grade with the most weighted votes wins).
- ``ties``: ``lower`` (a tie goes to the lower of the tied grades) or ``higher``.
- ``weights``: how much one vote of each rater group counts (default 1 each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from fieldlog.vocab import Grade, RaterGroup

DEFAULT_RULE: dict[str, Any] = {
    "method": "most_votes",
    "ties": "lower",
    "weights": {RaterGroup.REPRESENTATIVE.value: 1, RaterGroup.MEMBER.value: 1},
}
METHODS = ("most_votes",)
TIES = ("lower", "higher")


class RuleError(ValueError):
    """The rule in configuration cannot be applied."""


def check_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """The rule with defaults filled in; RuleError when it names something unknown."""
    merged = {**DEFAULT_RULE, **rule}
    if merged["method"] not in METHODS:
        raise RuleError(f"unknown method {merged['method']!r}; known: {', '.join(METHODS)}")
    if merged["ties"] not in TIES:
        raise RuleError(f"unknown tie rule {merged['ties']!r}; known: {', '.join(TIES)}")
    weights = {**DEFAULT_RULE["weights"], **merged.get("weights", {})}
    groups = {g.value for g in RaterGroup}
    for group, weight in weights.items():
        if group not in groups:
            raise RuleError(f"unknown rater group {group!r}")
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            raise RuleError(f"weight of {group!r} must be a number ≥ 0")
    merged["weights"] = weights
    return merged


def tally(votes: Iterable[tuple[str, str, int]], rule: Mapping[str, Any]) -> dict[Grade, Fraction]:
    """Weighted votes per grade from ``(group, grade, votes)`` triples."""
    weights = check_rule(rule)["weights"]
    totals = {grade: Fraction(0) for grade in Grade}
    for group, grade, count in votes:
        totals[Grade(grade)] += Fraction(str(weights[group])) * count
    return totals


def result_grade(votes: Iterable[tuple[str, str, int]], rule: Mapping[str, Any]) -> Grade | None:
    """The grade the rule gives these votes; None when nobody voted."""
    rule = check_rule(rule)
    totals = tally(votes, rule)
    best = max(totals.values())
    if best <= 0:
        return None
    tied = [grade for grade, total in totals.items() if total == best]
    pick = max if rule["ties"] == "lower" else min
    return pick(tied, key=lambda g: g.rank)
