"""The JSON condition language of automation rules: validation paths and evaluation."""

from __future__ import annotations

import pytest

from milestones.core.conditions import MAX_DEPTH, ConditionError, evaluate, facts_named, validate


def _paths(expr) -> dict[str, str]:
    return {problem.path: problem.message for problem in validate(expr)}


FACTS = {
    "application.source": "referral",
    "application.hire_type": "standard",
    "requisition.department": "ENG",
    "events_seen": ["assessment.completed"],
    "payload": {"score": 72, "result": {"grade": "B"}, "label": "70"},
}


def test_the_empty_expression_is_valid_and_always_holds():
    assert validate({}) == []
    assert evaluate({}, {}) is True


@pytest.mark.parametrize(
    ("expr", "path", "words"),
    [
        ([], "conditions", "must be an object"),
        ({"all": {}}, "conditions.all", "list of conditions"),
        (
            {"all": [{}, {"fact": "payload.x", "op": "between", "value": 1}]},
            "conditions.all[1].op",
            "unknown operator",
        ),
        (
            {"any": [{"fact": "candidate.email", "op": "eq", "value": "x"}]},
            "conditions.any[0].fact",
            "unknown fact",
        ),
        ({"not": {"fact": "payload.score", "op": "gte"}}, "conditions.not.value", "needs a value"),
        (
            {"fact": "application.source", "op": "in", "value": "referral"},
            "conditions.value",
            "list of values",
        ),
        (
            {"fact": "payload.score", "op": "gte", "value": True},
            "conditions.value",
            "number or a string",
        ),
        (
            {"fact": "payload.score", "op": "exists", "value": "yes"},
            "conditions.value",
            "true or false",
        ),
        ({"fact": "payload.score", "op": "eq", "value": [1]}, "conditions.value", "single value"),
        (
            {"fact": "payload.score", "op": "eq", "value": 1, "extra": 2},
            "conditions",
            "unknown keys",
        ),
        ({"all": [], "any": []}, "conditions", "stands alone"),
        ({"fact": "payload.", "op": "exists"}, "conditions.fact", "unknown fact"),
    ],
)
def test_each_invalid_part_is_named_by_its_path(expr, path, words):
    problems = _paths(expr)
    assert path in problems, problems
    assert words in problems[path]


def test_nesting_deeper_than_the_limit_is_refused():
    expr: dict = {}
    for _ in range(MAX_DEPTH + 1):
        expr = {"not": expr}
    assert any("deeper" in p.message for p in validate(expr))


def test_too_many_conditions_are_refused():
    expr = {"all": [{} for _ in range(150)]}
    assert any("at most" in p.message for p in validate(expr))


def test_a_valid_rule_with_every_operator_has_no_problems():
    expr = {
        "all": [
            {"fact": "payload.score", "op": "gte", "value": 70},
            {"fact": "payload.score", "op": "lt", "value": 100},
            {"fact": "application.source", "op": "in", "value": ["referral", "internal_transfer"]},
            {"fact": "application.hire_type", "op": "not_in", "value": ["executive"]},
            {"fact": "events_seen", "op": "contains", "value": "assessment.completed"},
            {"fact": "payload.result.grade", "op": "exists"},
            {"not": {"fact": "requisition.department", "op": "eq", "value": "SALES"}},
            {"any": [{"fact": "payload.missing", "op": "ne", "value": 1}]},
        ]
    }
    assert validate(expr) == []
    assert evaluate(expr, FACTS) is True
    assert facts_named(expr) >= {"payload.score", "events_seen", "requisition.department"}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ({"fact": "payload.score", "op": "gte", "value": 70}, True),
        ({"fact": "payload.score", "op": "gte", "value": 80}, False),
        ({"fact": "payload.score", "op": "lte", "value": 72}, True),
        ({"fact": "payload.score", "op": "gt", "value": 72}, False),
        ({"fact": "payload.absent", "op": "gte", "value": 1}, False),
        ({"fact": "payload.absent", "op": "eq", "value": None}, False),
        ({"fact": "payload.absent", "op": "ne", "value": 1}, True),
        ({"fact": "payload.absent", "op": "not_in", "value": [1]}, True),
        ({"fact": "payload.absent", "op": "exists", "value": False}, True),
        ({"fact": "payload.result.grade", "op": "eq", "value": "B"}, True),
        ({"fact": "payload.score.deeper", "op": "exists"}, False),
        ({"fact": "application.source", "op": "contains", "value": "ref"}, True),
        ({"any": []}, False),
        ({"all": []}, True),
        ({"not": {"fact": "application.source", "op": "eq", "value": "referral"}}, False),
    ],
)
def test_comparisons_evaluate_as_documented(expr, expected):
    assert validate(expr) == []
    assert evaluate(expr, FACTS) is expected


def test_true_is_not_equal_to_one():
    facts = {"payload": {"passed": True}}
    assert evaluate({"fact": "payload.passed", "op": "eq", "value": 1}, facts) is False
    assert evaluate({"fact": "payload.passed", "op": "eq", "value": True}, facts) is True


def test_ordering_a_string_against_a_number_is_a_rule_error_with_its_path():
    expr = {"all": [{}, {"fact": "payload.label", "op": "gte", "value": 70}]}
    with pytest.raises(ConditionError) as caught:
        evaluate(expr, FACTS)
    assert caught.value.path == "conditions.all[1]"
    assert "cannot compare payload.label" in caught.value.message


def test_contains_on_a_number_is_a_rule_error():
    with pytest.raises(ConditionError):
        evaluate({"fact": "payload.score", "op": "contains", "value": 7}, FACTS)
