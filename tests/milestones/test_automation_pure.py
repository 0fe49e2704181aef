"""Pure rule evaluation and the engine's rule_skip action, on hand-made data."""

from __future__ import annotations

from milestones.core import engine
from milestones.core.rules import AutomationRuleView, auto_advance_intents, skip_intents
from milestones.errors import MilestoneErrorCode as Code


def _view(states: dict[str, str], *, hire_type="standard", mandatory=(), bypass=()):
    progress = tuple(
        engine.Progress(
            engine.MilestoneRule(
                id=code,
                code=code,
                order=order,
                mandatory=code in mandatory,
                bypass_hire_types=frozenset(bypass),
            ),
            state,
        )
        for order, (code, state) in enumerate(states.items(), start=1)
    )
    return engine.ApplicationView(status="active", hire_type=hire_type, progress=progress)


SCORE_70 = {"fact": "payload.score", "op": "gte", "value": 70}


def _advance_rule(**kw):
    kw.setdefault("conditions", SCORE_70)
    return AutomationRuleView(
        id=kw.pop("id", 1),
        name=kw.pop("name", "assessment passed"),
        kind="auto_advance",
        milestone_code=kw.pop("milestone_code", "ASSESS"),
        event_type=kw.pop("event_type", "assessment.completed"),
        **kw,
    )


def _skip_rule(code, conditions, **kw):
    return AutomationRuleView(
        id=code, name=f"skip {code}", kind="skip", milestone_code=code, conditions=conditions, **kw
    )


STATES = {"APPLIED": "completed", "ASSESS": "active", "INTERVIEW": "pending"}


def test_a_matching_event_on_the_active_milestone_intends_an_advance():
    intents = auto_advance_intents(
        [_advance_rule()], _view(STATES), {"payload": {"score": 75}}, "assessment.completed"
    )
    assert [(i.action, i.error_code) for i in intents] == [("advance", None)]
    assert "assessment passed" in intents[0].reason


def test_a_low_score_or_another_event_type_intends_nothing():
    view = _view(STATES)
    assert (
        auto_advance_intents(
            [_advance_rule()], view, {"payload": {"score": 60}}, "assessment.completed"
        )
        == []
    )
    assert (
        auto_advance_intents([_advance_rule()], view, {"payload": {"score": 90}}, "offer.accepted")
        == []
    )


def test_a_disabled_rule_does_nothing():
    rule = _advance_rule(is_enabled=False)
    assert (
        auto_advance_intents(
            [rule], _view(STATES), {"payload": {"score": 90}}, "assessment.completed"
        )
        == []
    )


def test_a_match_for_a_milestone_that_is_not_active_is_a_failure():
    states = {"APPLIED": "active", "ASSESS": "pending", "INTERVIEW": "pending"}
    (intent,) = auto_advance_intents(
        [_advance_rule()], _view(states), {"payload": {"score": 90}}, "assessment.completed"
    )
    assert intent.error_code == Code.MILESTONE_NOT_ACTIVE


def test_an_uncomparable_value_is_a_rule_error():
    (intent,) = auto_advance_intents(
        [_advance_rule()], _view(STATES), {"payload": {"score": "high"}}, "assessment.completed"
    )
    assert intent.error_code == Code.RULE_ERROR


def test_only_the_first_matching_rule_of_a_milestone_acts():
    rules = [
        _advance_rule(id=2, order=2, name="second"),
        _advance_rule(id=1, order=1, name="first"),
    ]
    intents = auto_advance_intents(
        rules, _view(STATES), {"payload": {"score": 90}}, "assessment.completed"
    )
    assert [i.rule.name for i in intents] == ["first"]


def test_skip_rules_at_the_start_ignore_rules_that_wait_for_an_event():
    view = _view({"APPLIED": "active", "SCREEN": "pending", "CHECK": "pending"})
    referral = {"fact": "application.source", "op": "eq", "value": "referral"}
    rules = [
        _skip_rule("CHECK", referral),
        _skip_rule("SCREEN", referral),
        _skip_rule("APPLIED", referral, event_type="background_check.cleared"),
    ]
    intents = skip_intents(rules, view, {"application.source": "referral"})
    assert [(i.action, i.to_code) for i in intents] == [
        ("rule_skip", "SCREEN"),
        ("rule_skip", "CHECK"),
    ]
    assert skip_intents(rules, view, {"application.source": "external"}) == []


def test_the_engine_skips_a_pending_milestone_ahead_and_keeps_the_active_one():
    view = _view({"APPLIED": "active", "SCREEN": "pending"})
    decision = engine.decide(view, engine.Move(engine.RULE_SKIP, to_code="SCREEN"), engine.Facts())
    assert decision.allowed
    assert (decision.kind, decision.from_code, decision.to_code) == ("skip", "SCREEN", "APPLIED")
    assert [(c.code, c.to_state) for c in decision.changes] == [("SCREEN", "skipped")]


def test_the_engine_skipping_the_active_milestone_activates_the_next():
    view = _view({"APPLIED": "active", "SCREEN": "pending"})
    decision = engine.decide(view, engine.Move(engine.RULE_SKIP, to_code="APPLIED"), engine.Facts())
    assert [(c.code, c.to_state) for c in decision.changes] == [
        ("APPLIED", "skipped"),
        ("SCREEN", "active"),
    ]


def test_the_engine_skips_a_mandatory_milestone_only_within_its_bypass_policy():
    states = {"APPLIED": "active", "CHECK": "pending"}
    refused = engine.decide(
        _view(states, mandatory={"CHECK"}, bypass={"executive"}),
        engine.Move(engine.RULE_SKIP, to_code="CHECK"),
        engine.Facts(),
    )
    assert refused.error_code == Code.SKIP_NOT_ALLOWED
    allowed = engine.decide(
        _view(states, hire_type="executive", mandatory={"CHECK"}, bypass={"executive"}),
        engine.Move(engine.RULE_SKIP, to_code="CHECK"),
        engine.Facts(),
    )
    assert allowed.allowed


def test_the_engine_does_not_skip_a_completed_milestone():
    view = _view({"APPLIED": "completed", "SCREEN": "active"})
    decision = engine.decide(view, engine.Move(engine.RULE_SKIP, to_code="APPLIED"), engine.Facts())
    assert decision.error_code == Code.MILESTONE_NOT_ACTIVE


def test_rule_skip_is_not_an_action_callers_of_the_api_can_name():
    assert engine.RULE_SKIP not in engine.ACTIONS
