"""The engine's `approval_granted` gate and the fact provider behind it.

`{"type": "approval_granted"}` on a milestone keeps it from being completed (or left) until
the latest approval round of the application's offer is approved;
`{"type": "approval_granted", "subject": "milestone", "code": "EXEC_CLEARANCE"}` asks the
same of a stage-gated milestone's own approval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from milestones.core.gates import Facts, GateResult, register_gate

GATE_TYPE = "approval_granted"
FACTS_KEY = "approvals"


def _validate(gate: Mapping[str, Any]) -> list[str]:
    subject = gate.get("subject", "offer")
    if subject not in ("offer", "milestone"):
        return ["'subject' is offer or milestone"]
    if subject == "milestone" and not (isinstance(gate.get("code"), str) and gate.get("code")):
        return ["a milestone approval names its milestone's 'code'"]
    unknown = set(gate) - {"type", "subject", "code"}
    if unknown:
        return [f"unknown keys {sorted(unknown)}"]
    return []


def _key(gate: Mapping[str, Any]) -> str:
    return "offer" if gate.get("subject", "offer") == "offer" else f"milestone:{gate['code']}"


@register_gate(GATE_TYPE, validate=_validate)
def approval_granted(gate: Mapping[str, Any], facts: Facts) -> GateResult:
    states = facts.extra.get(FACTS_KEY) or {}
    state = states.get(_key(gate))
    what = "the offer" if _key(gate) == "offer" else f"milestone {gate.get('code')}"
    if state is None:
        return GateResult(False, f"approval of {what} has not been requested")
    if state["status"] == "approved":
        return GateResult(True)
    return GateResult(False, f"approval of {what} is not granted ({state['text']})")


def _gated(rows) -> bool:
    return any(
        isinstance(gate, Mapping) and gate.get("type") == GATE_TYPE
        for row in rows
        for gate in (row.milestone.gate_conditions or ())
    )


def approval_fact_provider(*, application, rows) -> dict[str, Any]:
    """The approval states of the application's subjects, only when one of its milestones
    has this gate (a move through ungated milestones costs no query)."""
    if not _gated(rows):
        return {}
    from approvals.selectors import approval_states_of_application

    states = approval_states_of_application(application.pk)
    return {FACTS_KEY: {key: {"status": s.status, "text": s.text} for key, s in states.items()}}
