"""The sandbox: what a version's rules would do to some applications, on a simulated clock.

Pure (no ORM, no I/O, no clock): the service (milestones/services/sandbox.py) builds the
views and facts the live paths build, and this module runs the same pure pieces the live
paths run - `automation.auto_advance_intents` / `skip_intents`, `engine.decide`,
`timers.escalation_levels_due` and `timers.deadline_fires_at` - applying each allowed
Decision to its in-memory view and carrying on. Applications do not affect each other,
so each one is simulated on its own and the steps are merged in time order.

Mirrors the live order: an event runs its auto-advance rules on the state it found, then
its skip rules on the state after them; a deadline rule reminds/alerts or advances to
its `move_to_code` (the sweep's `_fire`); escalation levels fall due once per stay, and
the level count starts again when the active milestone changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from milestones.core import engine
from milestones.core.gates import Facts
from milestones.core.rules import AutomationRuleView, Intent, auto_advance_intents, skip_intents
from milestones.core.timers import (
    BusinessCalendar,
    EscalationLevel,
    deadline_fires_at,
    escalation_levels_due,
)
from milestones.core.wording import deadline_words

AUTO_ADVANCE, SKIP, ESCALATION, DEADLINE, FAILURE = (
    "auto_advance",
    "skip",
    "escalation",
    "deadline",
    "failure",
)
STEP_KINDS = (AUTO_ADVANCE, SKIP, ESCALATION, DEADLINE, FAILURE)
REMIND, ALERT = "remind", "alert"  # a deadline rule's other action moves


@dataclass(frozen=True, slots=True)
class SimDeadlineRule:
    id: Any
    name: str
    deadline_kind: str
    offset: timedelta
    action: str
    move_to_code: str = ""
    notify: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SimApplication:
    """One application to simulate: where it stands, what is known about it."""

    key: str
    view: engine.ApplicationView
    entered_at: datetime  # when the active milestone's stay began
    facts: Mapping[str, Any] = field(default_factory=dict)  # rule facts (conditions.py)
    gate_fields: Mapping[str, Any] = field(default_factory=dict)  # Facts.fields for gates
    gate_extra: Mapping[str, Any] = field(default_factory=dict)  # Facts.extra (providers)
    escalation_level: int = 0  # the level the stay has reached already
    deadlines: Mapping[str, datetime] = field(default_factory=dict)  # kind -> date
    events_seen: tuple[str, ...] = ()
    started: bool = False  # True: start-up skip rules already ran (a real application)


@dataclass(frozen=True, slots=True)
class SimEvent:
    application: str
    event_type: str
    occurred_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


def _apply(view: engine.ApplicationView, decision: engine.Decision) -> engine.ApplicationView:
    to_state = {change.code: change.to_state for change in decision.changes}
    progress = tuple(
        engine.Progress(p.rule, to_state.get(p.rule.code, p.state)) for p in view.progress
    )
    return replace(view, progress=progress, status=decision.application_status or view.status)


class _Run:
    """The simulated state of one application and the steps it produced."""

    def __init__(self, app: SimApplication, levels, calendar: BusinessCalendar):
        self.app, self.levels, self.calendar = app, levels, calendar
        self.view = app.view
        self.entered_at = app.entered_at
        self.level = app.escalation_level
        self.events_seen = set(app.events_seen)
        self.steps: list[dict] = []

    def step(self, at: datetime, kind: str, rule: dict | None, reason: str, **codes) -> None:
        self.steps.append(
            {
                "at": at.isoformat(),
                "application": self.app.key,
                "kind": kind,
                "rule": rule,
                "from_code": codes.get("from_code"),
                "to_code": codes.get("to_code"),
                "reason": reason,
                **({"error_code": codes["error_code"]} if codes.get("error_code") else {}),
            }
        )

    def gate_facts(self) -> Facts:
        states = {p.rule.code: p.state for p in self.view.progress}
        return Facts(
            fields=self.app.gate_fields, milestone_states=states, extra=self.app.gate_extra
        )

    def decide(self, at: datetime, move: engine.Move) -> engine.Decision:
        before = self.view.active_code
        decision = engine.decide(self.view, move, self.gate_facts())
        if decision.allowed:
            self.view = _apply(self.view, decision)
            if self.view.active_code != before:
                self.entered_at, self.level = at, 0
        return decision

    # -- escalations --------------------------------------------------------------------

    def escalate_until(self, now: datetime) -> None:
        code = self.view.active_code
        if code is None or self.view.status != engine.APPLICATION_ACTIVE:
            return
        levels = self.levels.get(code, ())
        plan = escalation_levels_due(self.entered_at, self.level, levels, now, self.calendar)
        for level, at in zip(plan.due, plan.due_at, strict=True):
            what = f"notify {', '.join(level.notify) or 'nobody'}"
            if level.mark_overdue:
                what += "; mark overdue"
            self.step(
                at,
                ESCALATION,
                {"id": None, "name": f"{code} level {level.level}"},
                f"{code} active for {level.after}"
                f"{' of business time' if level.business_hours else ''}: {what}",
                from_code=code,
            )
        if plan.new_level is not None:
            self.level = plan.new_level

    # -- rules --------------------------------------------------------------------------

    def carry_out(self, at: datetime, intents: Iterable[Intent], kind: str) -> None:
        for intent in intents:
            rule = {"id": str(intent.rule.id), "name": intent.rule.name}
            if intent.error_code:
                self.step(
                    at,
                    FAILURE,
                    rule,
                    intent.message,
                    error_code=str(intent.error_code),
                    to_code=intent.to_code,
                )
                continue
            before = self.view.active_code
            decision = self.decide(at, engine.Move(intent.action, intent.to_code))
            if decision.allowed:
                # A skip of a milestone ahead moves nothing: no `to_code` then.
                moved = self.view.active_code != before
                self.step(
                    at,
                    kind,
                    rule,
                    intent.reason,
                    from_code=decision.from_code,
                    to_code=decision.to_code if moved or kind != SKIP else None,
                )
            else:
                self.step(
                    at,
                    FAILURE,
                    rule,
                    f"{intent.reason}: {decision.message}",
                    error_code=str(decision.error_code),
                    to_code=intent.to_code,
                )

    def facts(self, event: SimEvent | None) -> dict[str, Any]:
        return {
            **self.app.facts,
            "application.status": self.view.status,
            "event.type": event.event_type if event else None,
            "events_seen": sorted(self.events_seen),
            "payload": dict(event.payload) if event else {},
        }

    def start(self, at: datetime, rules: Sequence[AutomationRuleView]) -> None:
        if not self.app.started and self.view.status == engine.APPLICATION_ACTIVE:
            self.carry_out(at, skip_intents(rules, self.view, self.facts(None), None), SKIP)

    def event(self, event: SimEvent, rules: Sequence[AutomationRuleView]) -> None:
        if self.view.status != engine.APPLICATION_ACTIVE:
            return  # the live service stores the event and runs nothing
        at = event.occurred_at
        self.events_seen.add(event.event_type)
        facts = self.facts(event)
        self.carry_out(
            at, auto_advance_intents(rules, self.view, facts, event.event_type), AUTO_ADVANCE
        )
        if self.view.status == engine.APPLICATION_ACTIVE:
            facts = self.facts(event)
            self.carry_out(at, skip_intents(rules, self.view, facts, event.event_type), SKIP)

    def deadline(self, at: datetime, rule: SimDeadlineRule) -> None:
        named = {"id": str(rule.id), "name": rule.name}
        if self.view.status != engine.APPLICATION_ACTIVE:
            self.step(at, DEADLINE, named, f"skipped: the application is {self.view.status}")
            return
        if rule.action in (REMIND, ALERT):
            date = self.app.deadlines[rule.deadline_kind]
            self.step(
                at,
                DEADLINE,
                named,
                f"{rule.action} {', '.join(rule.notify) or 'nobody'}: "
                + deadline_words(rule.deadline_kind, date, at),
                from_code=self.view.active_code,
            )
            return
        decision = self.decide(at, engine.Move(engine.ADVANCE, rule.move_to_code or None))
        if decision.allowed:
            self.step(
                at,
                DEADLINE,
                named,
                f"deadline rule {rule.name}: moved to {rule.move_to_code}",
                from_code=decision.from_code,
                to_code=decision.to_code,
            )
        else:
            self.step(
                at,
                FAILURE,
                named,
                f"deadline rule {rule.name}: {decision.message}",
                error_code=str(decision.error_code),
                to_code=rule.move_to_code or None,
            )


def simulate(
    *,
    rules: Sequence[AutomationRuleView],
    escalation_levels: Mapping[str, Sequence[EscalationLevel]],
    deadline_rules: Sequence[SimDeadlineRule],
    applications: Sequence[SimApplication],
    events: Sequence[SimEvent],
    clock_start: datetime,
    clock_end: datetime,
    calendar: BusinessCalendar,
) -> list[dict]:
    """Everything the rules would do between `clock_start` and `clock_end`, in time order:
    steps {at, application, kind, rule, from_code, to_code, reason[, error_code]}.
    Events after `clock_end` do not happen; escalations and deadline firings happen when
    their moment is at or before it."""
    steps: list[tuple[datetime, int, dict]] = []
    rules = [rule for rule in rules if rule.is_enabled]
    for app in applications:
        run = _Run(app, escalation_levels, calendar)
        run.start(clock_start, rules)
        agenda: list[tuple[datetime, int, Any]] = [
            (event.occurred_at, 0, event)
            for event in events
            if event.application == app.key and clock_start <= event.occurred_at <= clock_end
        ]
        for rule in deadline_rules:
            if rule.deadline_kind in app.deadlines:
                fires = deadline_fires_at(app.deadlines[rule.deadline_kind], rule.offset)
                if clock_start <= fires <= clock_end:
                    agenda.append((fires, 1, rule))
        for at, _, item in sorted(agenda, key=lambda entry: (entry[0], entry[1])):
            run.escalate_until(at)
            if isinstance(item, SimEvent):
                run.event(item, rules)
            else:
                run.deadline(at, item)
        run.escalate_until(clock_end)
        steps.extend(
            (datetime.fromisoformat(s["at"]), len(steps) + i, s) for i, s in enumerate(run.steps)
        )
    return [step for _, _, step in sorted(steps, key=lambda entry: (entry[0], entry[1]))]
