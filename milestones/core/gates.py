"""Gate conditions: a registry of pure evaluators keyed by type.

A gate is a JSON object on a milestone definition, e.g.
`{"type": "required_fields", "fields": ["candidate.email"]}`. Its evaluator is a pure
function of the gate and the application's `Facts` (gathered by the service), so the
engine and the sandbox can run it on anything. Another app adds a type with
`@register_gate("approval_granted", validate=...)` and, if it needs facts of its own,
a fact provider (`milestones.services.transitions.facts.register_fact_provider`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

COMPLETED_STATES = frozenset({"completed"})


@dataclass(frozen=True, slots=True)
class Facts:
    """What the engine may know about an application: plain values, no ORM."""

    # "application.source", "candidate.email", ... -> value (falsy means missing)
    fields: Mapping[str, Any] = field(default_factory=dict)
    # milestone code -> state in this application
    milestone_states: Mapping[str, str] = field(default_factory=dict)
    # anything a fact provider of another app adds (approvals, assessments, ...)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GateResult:
    satisfied: bool
    message: str = ""


Evaluator = Callable[[Mapping[str, Any], Facts], GateResult]
Validator = Callable[[Mapping[str, Any]], list[str]]


@dataclass(frozen=True, slots=True)
class GateType:
    evaluate: Evaluator
    validate: Validator
    # field names of the application/candidate the service must gather for this gate
    needs_fields: Callable[[Mapping[str, Any]], list[str]] = lambda gate: []


GATE_REGISTRY: dict[str, GateType] = {}


def register_gate(
    gate_type: str,
    *,
    validate: Validator,
    needs_fields: Callable[[Mapping[str, Any]], list[str]] | None = None,
) -> Callable[[Evaluator], Evaluator]:
    def decorator(evaluate: Evaluator) -> Evaluator:
        GATE_REGISTRY[gate_type] = GateType(
            evaluate=evaluate,
            validate=validate,
            needs_fields=needs_fields or (lambda gate: []),
        )
        return evaluate

    return decorator


def gate_validate(gate: Any) -> list[str]:
    """Problems with one gate definition (empty when it is valid)."""
    if not isinstance(gate, Mapping):
        return ["a gate condition must be an object with a 'type'"]
    gate_type = GATE_REGISTRY.get(gate.get("type"))
    if gate_type is None:
        known = ", ".join(sorted(GATE_REGISTRY))
        return [f"unknown gate type {gate.get('type')!r}; known types: {known}"]
    return gate_type.validate(gate)


def gate_evaluate(gate: Mapping[str, Any], facts: Facts) -> GateResult:
    gate_type = GATE_REGISTRY.get(gate.get("type"))
    if gate_type is None:
        # An unknown gate never opens: failing closed beats letting a candidate through.
        return GateResult(False, f"unknown gate type {gate.get('type')!r}")
    return gate_type.evaluate(gate, facts)


def gate_fields_needed(gates: list[Mapping[str, Any]]) -> set[str]:
    needed: set[str] = set()
    for gate in gates:
        gate_type = GATE_REGISTRY.get(gate.get("type")) if isinstance(gate, Mapping) else None
        if gate_type is not None:
            needed.update(gate_type.needs_fields(gate))
    return needed


# -- shipped gate types -------------------------------------------------------------------

FIELD_PREFIXES = ("application.", "candidate.")


def _validate_required_fields(gate: Mapping[str, Any]) -> list[str]:
    names = gate.get("fields")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return ["'fields' must be a non-empty list of field names"]
    bad = [n for n in names if not n.startswith(FIELD_PREFIXES) or n.count(".") != 1]
    if bad:
        return [f"fields must look like 'application.<name>' or 'candidate.<name>': {bad}"]
    return []


@register_gate(
    "required_fields",
    validate=_validate_required_fields,
    needs_fields=lambda gate: list(gate.get("fields", [])),
)
def required_fields(gate: Mapping[str, Any], facts: Facts) -> GateResult:
    missing = [name for name in gate["fields"] if facts.fields.get(name) in (None, "", [], {})]
    if missing:
        return GateResult(False, f"required fields missing: {', '.join(missing)}")
    return GateResult(True)


def _validate_milestone_completed(gate: Mapping[str, Any]) -> list[str]:
    code = gate.get("code")
    if not isinstance(code, str) or not code:
        return ["'code' must name an earlier milestone"]
    return []


@register_gate("milestone_completed", validate=_validate_milestone_completed)
def milestone_completed(gate: Mapping[str, Any], facts: Facts) -> GateResult:
    state = facts.milestone_states.get(gate["code"])
    accepted = set(COMPLETED_STATES)
    if gate.get("accept_bypassed"):
        accepted.add("bypassed")
    if state in accepted:
        return GateResult(True)
    return GateResult(
        False, f"milestone {gate['code']} is not completed (it is {state or 'absent'})"
    )
