"""The review result rule: most (weighted) votes, ties to the lower (or higher) grade."""

from __future__ import annotations

import pytest

from fieldlog.grading import DEFAULT_RULE, RuleError, check_rule, result_grade
from fieldlog.vocab import Grade
from tests.conftest import TEST_SECRET_KEY

R, M = "representative", "member"


def test_most_votes_wins():
    votes = [(R, "excellent", 5), (R, "qualified", 3), (M, "qualified", 1)]
    assert result_grade(votes, DEFAULT_RULE) is Grade.EXCELLENT


def test_groups_add_up():
    votes = [(R, "excellent", 5), (R, "qualified", 3), (M, "qualified", 3)]
    assert result_grade(votes, DEFAULT_RULE) is Grade.QUALIFIED


def test_tie_goes_to_the_lower_grade():
    votes = [(R, "excellent", 4), (M, "basic", 4)]
    assert result_grade(votes, DEFAULT_RULE) is Grade.BASIC


def test_three_way_tie_goes_to_the_lowest():
    votes = [(R, "excellent", 2), (R, "qualified", 2), (R, "unqualified", 2)]
    assert result_grade(votes, DEFAULT_RULE) is Grade.UNQUALIFIED


def test_tie_rule_higher_is_data():
    votes = [(R, "excellent", 4), (M, "basic", 4)]
    assert result_grade(votes, {"ties": "higher"}) is Grade.EXCELLENT


def test_weights_change_the_outcome():
    votes = [(R, "excellent", 3), (M, "qualified", 2)]
    assert result_grade(votes, DEFAULT_RULE) is Grade.EXCELLENT
    assert result_grade(votes, {"weights": {M: 2}}) is Grade.QUALIFIED
    assert result_grade(votes, {"weights": {R: 0.5}}) is Grade.QUALIFIED


def test_no_votes_no_grade():
    assert result_grade([], DEFAULT_RULE) is None
    assert result_grade([(R, "excellent", 0)], DEFAULT_RULE) is None
    assert result_grade([(R, "excellent", 4)], {"weights": {R: 0}}) is None


@pytest.mark.parametrize(
    "rule",
    [{"method": "average"}, {"ties": "coin"}, {"weights": {"villagers": 1}}, {"weights": {R: -1}}],
)
def test_bad_rules_are_refused(rule):
    with pytest.raises(RuleError):
        check_rule(rule)


def test_a_wrong_rule_in_configuration_stops_the_start(tmp_path):
    from fieldlog import create_app

    config = {"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "REVIEW_RULE": {"ties": "coin"}}
    with pytest.raises(RuntimeError, match="REVIEW_RULE.*coin"):
        create_app(config, instance_path=str(tmp_path))
    app = create_app({**config, "REVIEW_RULE": {"ties": "higher"}}, instance_path=str(tmp_path))
    assert app.config["REVIEW_RULE"]["method"] == "most_votes"
