"""The pure sandbox simulator, on hand-made rules and applications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from milestones.core import engine
from milestones.core.rules import AutomationRuleView
from milestones.core.simulation import SimApplication, SimDeadlineRule, SimEvent, simulate
from milestones.core.timers import BusinessCalendar, EscalationLevel

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GATE = {"type": "required_fields", "fields": ["candidate.email"]}


def _view(*, gates_on=(), mandatory=("APPLIED", "ASSESS", "OFFER")):
    codes = ["APPLIED", "ASSESS", "INTERVIEW", "OFFER"]
    progress = tuple(
        engine.Progress(
            engine.MilestoneRule(
                id=code,
                code=code,
                order=order,
                mandatory=code in mandatory,
                gates=(GATE,) if code in gates_on else (),
            ),
            engine.ACTIVE if order == 1 else engine.PENDING,
        )
        for order, code in enumerate(codes, start=1)
    )
    return engine.ApplicationView(status="active", hire_type="standard", progress=progress)


def _rule(id, kind, code, event_type="", conditions=None):
    return AutomationRuleView(
        id=id,
        name=f"rule {id}",
        kind=kind,
        milestone_code=code,
        event_type=event_type,
        conditions=conditions or {},
    )


def _run(app, events, *, rules=(), levels=None, deadline_rules=(), hours=48):
    return simulate(
        rules=list(rules),
        escalation_levels=levels or {},
        deadline_rules=list(deadline_rules),
        applications=[app],
        events=events,
        clock_start=T0,
        clock_end=T0 + timedelta(hours=hours),
        calendar=BusinessCalendar(),
    )


def _event(event_type, hours, **payload):
    return SimEvent("a", event_type, T0 + timedelta(hours=hours), payload)


SCORE_70 = {"fact": "payload.score", "op": "gte", "value": 70}


def test_a_score_above_the_condition_auto_advances_and_a_low_one_does_nothing():
    app = SimApplication(key="a", view=_view(), entered_at=T0)
    rule = _rule("r1", "auto_advance", "APPLIED", "screened", SCORE_70)
    steps = _run(
        app, [_event("screened", 1, score=50), _event("screened", 2, score=80)], rules=[rule]
    )
    assert [(s["kind"], s["from_code"], s["to_code"]) for s in steps] == [
        ("auto_advance", "APPLIED", "ASSESS")
    ]
    assert steps[0]["rule"] == {"id": "r1", "name": "rule r1"}
    assert steps[0]["at"] == (T0 + timedelta(hours=2)).isoformat()


def test_a_skip_rule_at_the_start_skips_an_optional_milestone_ahead():
    app = SimApplication(
        key="a", view=_view(), entered_at=T0, facts={"application.source": "referral"}
    )
    rule = _rule(
        "s1",
        "skip",
        "INTERVIEW",
        conditions={"fact": "application.source", "op": "eq", "value": "referral"},
    )
    steps = _run(app, [], rules=[rule])
    assert [(s["kind"], s["from_code"], s["to_code"]) for s in steps] == [
        ("skip", "INTERVIEW", None)
    ]


def test_a_skip_rule_on_the_active_milestone_activates_the_next_one():
    app = SimApplication(key="a", view=_view(mandatory=("ASSESS", "OFFER")), entered_at=T0)
    steps = _run(app, [_event("x", 1)], rules=[_rule("s1", "skip", "APPLIED", "x")])
    assert [(s["kind"], s["from_code"], s["to_code"]) for s in steps] == [
        ("skip", "APPLIED", "ASSESS")
    ]


def test_a_skip_of_a_mandatory_milestone_is_a_failure():
    app = SimApplication(key="a", view=_view(), entered_at=T0)
    steps = _run(app, [], rules=[_rule("s1", "skip", "ASSESS")])
    assert [(s["kind"], s["error_code"]) for s in steps] == [("failure", "SKIP_NOT_ALLOWED")]


def test_an_escalation_level_falls_due_once_per_stay():
    app = SimApplication(key="a", view=_view(), entered_at=T0)
    levels = {
        "APPLIED": [EscalationLevel(level=1, after=timedelta(hours=4), notify=("recruiter",))]
    }
    steps = _run(app, [], levels=levels)
    assert [(s["kind"], s["rule"]["name"], s["at"]) for s in steps] == [
        ("escalation", "APPLIED level 1", (T0 + timedelta(hours=4)).isoformat())
    ]


def test_escalation_clock_restarts_when_the_milestone_changes():
    app = SimApplication(key="a", view=_view(), entered_at=T0)
    levels = {"ASSESS": [EscalationLevel(level=1, after=timedelta(hours=4))]}
    rule = _rule("r1", "auto_advance", "APPLIED", "screened")
    steps = _run(app, [_event("screened", 10)], rules=[rule], levels=levels)
    assert [(s["kind"], s["at"]) for s in steps] == [
        ("auto_advance", (T0 + timedelta(hours=10)).isoformat()),
        ("escalation", (T0 + timedelta(hours=14)).isoformat()),
    ]


def test_a_deadline_move_advances_and_a_reminder_is_a_step():
    app = SimApplication(
        key="a",
        view=_view(),
        entered_at=T0,
        deadlines={"offer_expires_at": T0 + timedelta(hours=24)},
    )
    remind = SimDeadlineRule("d1", "remind", "offer_expires_at", timedelta(hours=-2), "remind")
    move = SimDeadlineRule("d2", "move", "offer_expires_at", timedelta(0), "move", "ASSESS")
    steps = _run(app, [], deadline_rules=[move, remind])
    assert [(s["kind"], s["rule"]["id"], s["to_code"]) for s in steps] == [
        ("deadline", "d1", None),
        ("deadline", "d2", "ASSESS"),
    ]


def test_a_gate_not_satisfied_is_a_failure_with_its_rule_and_reason():
    app = SimApplication(key="a", view=_view(gates_on=("APPLIED",)), entered_at=T0)
    rule = _rule("r1", "auto_advance", "APPLIED", "screened")
    steps = _run(app, [_event("screened", 1)], rules=[rule])
    assert [(s["kind"], s["error_code"]) for s in steps] == [("failure", "GATE_NOT_SATISFIED")]
    assert "rule r1" in steps[0]["reason"]


def test_an_event_after_the_clock_end_does_not_happen():
    app = SimApplication(key="a", view=_view(), entered_at=T0)
    rule = _rule("r1", "auto_advance", "APPLIED", "screened")
    assert _run(app, [_event("screened", 100)], rules=[rule]) == []
