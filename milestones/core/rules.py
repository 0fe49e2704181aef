"""Which automation rules act, and how: pure functions over plain data (no ORM, no I/O).

The service (milestones/services/automation.py) builds `AutomationRuleView`s, the
engine's `ApplicationView` and the facts, asks these functions for `Intent`s, and carries
each one out through `application_transition` (or records it as a failure). The sandbox
calls the same functions and hands the intents to `engine.decide` to see what would happen.

Facts are a plain mapping: the named facts of milestones/conditions.py (e.g.
"application.source": "referral", "events_seen": ["assessment.completed"]) plus the
event's payload under "payload".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from milestones.core import engine
from milestones.core.conditions import ConditionError, evaluate
from milestones.errors import MilestoneErrorCode as Code

AUTO_ADVANCE = "auto_advance"
SKIP = "skip"


@dataclass(frozen=True, slots=True)
class AutomationRuleView:
    """What evaluation needs of an AutomationRule."""

    id: Any
    name: str
    kind: str
    milestone_code: str
    event_type: str = ""
    conditions: Mapping[str, Any] = field(default_factory=dict)
    order: int = 0
    is_enabled: bool = True
    alert_recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Intent:
    """One rule's intended move: `action`/`to_code` as `application_transition` takes
    them. With an `error_code` the rule cannot act and the failure is to be recorded."""

    rule: AutomationRuleView
    action: str
    to_code: str | None
    reason: str
    error_code: str | None = None
    message: str = ""

    @property
    def attempted(self) -> dict[str, Any]:
        return {"action": self.action, "to_code": self.to_code}


def _holds(rule: AutomationRuleView, facts: Mapping[str, Any]) -> tuple[bool, str | None]:
    """(whether the conditions hold, the rule error when they cannot be evaluated)."""
    try:
        return evaluate(rule.conditions or {}, facts), None
    except ConditionError as exc:
        return False, f"rule {rule.name}: {exc}"


def _ordered(rules: Iterable[AutomationRuleView], kind: str) -> list[AutomationRuleView]:
    return sorted(
        (r for r in rules if r.kind == kind and r.is_enabled), key=lambda r: (r.order, str(r.id))
    )


def auto_advance_intents(
    rules: Iterable[AutomationRuleView],
    view: engine.ApplicationView,
    facts: Mapping[str, Any],
    event_type: str,
) -> list[Intent]:
    """The auto-advance rules an event of `event_type` sets off, judged on the state when
    it arrived. Per milestone the first matching rule (by order) acts; a rule whose
    milestone is not the active one is a MILESTONE_NOT_ACTIVE failure, a condition that
    cannot be evaluated a RULE_ERROR failure. One event moves at most one milestone."""
    active = view.active_code
    intents: list[Intent] = []
    acted: set[str] = set()
    for rule in _ordered(rules, AUTO_ADVANCE):
        if rule.event_type != event_type or rule.milestone_code in acted:
            continue
        holds, error = _holds(rule, facts)
        reason = f"rule {rule.name} ({rule.id}): {event_type}"
        if error:
            intents.append(Intent(rule, engine.ADVANCE, None, reason, Code.RULE_ERROR, error))
            continue
        if not holds:
            continue
        acted.add(rule.milestone_code)
        if rule.milestone_code != active:
            intents.append(
                Intent(
                    rule,
                    engine.ADVANCE,
                    None,
                    reason,
                    Code.MILESTONE_NOT_ACTIVE,
                    f"{event_type} arrived but {rule.milestone_code} is not the active "
                    f"milestone (the active one is {active or 'none'})",
                )
            )
            continue
        intents.append(Intent(rule, engine.ADVANCE, None, reason))
    return intents


def skip_intents(
    rules: Iterable[AutomationRuleView],
    view: engine.ApplicationView,
    facts: Mapping[str, Any],
    event_type: str | None = None,
) -> list[Intent]:
    """The skip rules that hold, in milestone order, for milestones still pending or
    active. `event_type=None` is the initialisation of the application: only rules
    without an event type run. With an event, rules without an event type and those
    naming this type run. Whether a mandatory milestone may be skipped is the engine's
    call (its bypass policy), so a refused skip comes back from `engine.decide`."""
    states = {item.rule.code: item.state for item in view.progress}
    order = {item.rule.code: index for index, item in enumerate(view.progress)}
    intents: list[Intent] = []
    seen: set[str] = set()
    for rule in _ordered(rules, SKIP):
        if rule.event_type and rule.event_type != event_type:
            continue
        if states.get(rule.milestone_code) not in (engine.PENDING, engine.ACTIVE):
            continue
        if rule.milestone_code in seen:
            continue
        holds, error = _holds(rule, facts)
        when = f"on {event_type}" if event_type else "when the application started"
        reason = f"rule {rule.name} ({rule.id}): skip {rule.milestone_code} {when}"
        if error:
            intents.append(
                Intent(rule, engine.RULE_SKIP, rule.milestone_code, reason, Code.RULE_ERROR, error)
            )
        elif holds:
            seen.add(rule.milestone_code)
            intents.append(Intent(rule, engine.RULE_SKIP, rule.milestone_code, reason))
    return sorted(intents, key=lambda i: order.get(i.rule.milestone_code, 0))
