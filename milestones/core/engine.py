"""The pure core of milestone transitions: plain dataclasses in, a Decision out.

No ORM, no I/O, no clock: the service gathers an `ApplicationView` and `Facts`, asks
`decide()`, and writes what the Decision says. The sandbox and the tests run the same
function on hand-made data.

Position: the active milestone, or when none is active the last one that is not
pending (the application waits there until the next `advance`).
"""

from __future__ import annotations

from milestones.core.gates import Facts, gate_evaluate
from milestones.core.moves import (
    ACTIONS,
    ACTIVE,
    ADVANCE,
    APPLICATION_ACTIVE,
    APPLICATION_REJECTED,
    APPLICATION_WITHDRAWN,
    BYPASS,
    BYPASSED,
    COMPLETE,
    COMPLETED,
    FAIL,
    FAILED,
    KIND_OF_ACTION,
    NOT_TERMINAL,
    PENDING,
    REGRESS,
    REJECT,
    RULE_SKIP,
    SKIP,
    SKIPPED,
    STOPPED,
    SYSTEM_ACTIONS,
    WITHDRAW,
    ApplicationView,
    Decision,
    MilestoneRule,
    Move,
    MoveAction,
    Progress,
    StateChange,
    refuse,
)
from milestones.errors import MilestoneErrorCode as Code

# Plain strings (equal to the TextChoices values in models.py) keep this module ORM-free.


def _position(progress: tuple[Progress, ...]) -> tuple[int, int | None]:
    """(index of the position, index of the active milestone or None); -1 before the first."""
    position = -1
    for index, item in enumerate(progress):
        if item.state == ACTIVE:
            return index, index
        if item.state != PENDING:
            position = index
    return position, None


def _next_pending(progress: tuple[Progress, ...], after: int) -> int | None:
    for index in range(after + 1, len(progress)):
        if progress[index].state == PENDING:
            return index
    return None


def _change(item: Progress, to_state: str) -> StateChange:
    return StateChange(item.rule.id, item.rule.code, item.state, to_state)


def _failed_gates(rule: MilestoneRule, facts: Facts) -> list[str]:
    return [
        result.message or str(gate.get("type"))
        for gate in rule.gates
        if not (result := gate_evaluate(gate, facts)).satisfied
    ]


def decide(view: ApplicationView, move: Move, facts: Facts) -> Decision:
    """Whether `move` is allowed for the application in `view`, and what changes if it is."""
    if move.action not in _HANDLERS:
        return refuse(Code.UNKNOWN_ACTION, f"unknown action {move.action!r}", field="action")
    if not view.progress:
        return refuse(
            Code.NO_FRAMEWORK_VERSION, "the application follows no milestone framework version"
        )
    if view.status != APPLICATION_ACTIVE:
        return refuse(Code.APPLICATION_NOT_ACTIVE, f"the application is {view.status}")

    progress = view.progress
    index_of = {item.rule.code: index for index, item in enumerate(progress)}
    target: int | None = None
    if move.to_code:
        target = index_of.get(move.to_code)
        if target is None:
            return refuse(
                Code.UNKNOWN_MILESTONE,
                f"{move.to_code} is not a milestone of this application's version",
                field="to_code",
            )

    position, active = _position(progress)
    handler = _HANDLERS[move.action]
    return handler(view, move, facts, position, active, target)


def _decide_advance(view, move, facts, position, active, target) -> Decision:
    progress = view.progress
    changes: list[StateChange] = []
    from_code = None
    if active is not None:
        current = progress[active]
        from_code = current.rule.code
        failed = _failed_gates(current.rule, facts)
        if failed:
            return refuse(
                Code.GATE_NOT_SATISFIED,
                f"{from_code} cannot be left yet: " + "; ".join(failed),
                details=tuple(failed),
            )
        changes.append(_change(current, COMPLETED))
        if current.rule.terminal_kind != NOT_TERMINAL:
            if target is not None:
                return refuse(
                    Code.NOT_A_NEXT_MILESTONE,
                    f"{from_code} ends the process; nothing follows it",
                    field="to_code",
                )
            return Decision(
                allowed=True,
                kind=KIND_OF_ACTION[ADVANCE],
                from_code=from_code,
                changes=tuple(changes),
                application_status=current.rule.terminal_kind,
            )

    following = _next_pending(progress, position)
    if target is None:
        target = following
    if target is None:
        if active is None:
            return refuse(Code.MILESTONE_NOT_ACTIVE, "no milestone is left to advance to")
        return Decision(
            allowed=True,
            kind=KIND_OF_ACTION[ADVANCE],
            from_code=from_code,
            changes=tuple(changes),
        )
    if target <= position or progress[target].state != PENDING:
        return refuse(
            Code.NOT_A_NEXT_MILESTONE,
            f"{progress[target].rule.code} is not ahead of the application",
            field="to_code",
        )
    passed_over = [item for item in progress[position + 1 : target] if item.state == PENDING]
    mandatory = [item.rule.code for item in passed_over if item.rule.mandatory]
    if mandatory:
        return refuse(
            Code.MANDATORY_MILESTONE_PENDING,
            f"mandatory milestones must come first: {', '.join(mandatory)}",
            field="to_code",
            details=tuple(mandatory),
        )
    changes.extend(_change(item, SKIPPED) for item in passed_over)
    changes.append(_change(progress[target], ACTIVE))
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[ADVANCE],
        from_code=from_code,
        to_code=progress[target].rule.code,
        changes=tuple(changes),
    )


def _require_active(view, move, active, target) -> Decision | None:
    if active is None:
        return refuse(Code.MILESTONE_NOT_ACTIVE, "no milestone is active")
    if target is not None and target != active:
        return refuse(
            Code.MILESTONE_NOT_ACTIVE,
            f"{view.progress[target].rule.code} is not the active milestone",
            field="to_code",
        )
    return None


def _leave_and_activate_next(view, move, active, left_as: str) -> Decision:
    progress = view.progress
    current = progress[active]
    changes = [_change(current, left_as)]
    following = _next_pending(progress, active)
    to_code = None
    if following is not None:
        changes.append(_change(progress[following], ACTIVE))
        to_code = progress[following].rule.code
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[move.action],
        from_code=current.rule.code,
        to_code=to_code,
        changes=tuple(changes),
    )


def _decide_complete(view, move, facts, position, active, target) -> Decision:
    refused = _require_active(view, move, active, target)
    if refused:
        return refused
    current = view.progress[active]
    failed = _failed_gates(current.rule, facts)
    if failed:
        return refuse(
            Code.GATE_NOT_SATISFIED,
            f"{current.rule.code} cannot be completed yet: " + "; ".join(failed),
            details=tuple(failed),
        )
    terminal = current.rule.terminal_kind
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[COMPLETE],
        from_code=current.rule.code,
        changes=(_change(current, COMPLETED),),
        application_status=terminal if terminal != NOT_TERMINAL else None,
    )


def _decide_skip(view, move, facts, position, active, target) -> Decision:
    refused = _require_active(view, move, active, target)
    if refused:
        return refused
    current = view.progress[active]
    if current.rule.mandatory:
        return refuse(
            Code.SKIP_NOT_ALLOWED,
            f"{current.rule.code} is mandatory; it can only be bypassed under its policy",
        )
    return _leave_and_activate_next(view, move, active, SKIPPED)


def _decide_bypass(view, move, facts, position, active, target) -> Decision:
    refused = _require_active(view, move, active, target)
    if refused:
        return refused
    rule = view.progress[active].rule
    if view.hire_type not in rule.bypass_hire_types:
        return refuse(
            Code.BYPASS_NOT_PERMITTED,
            f"{rule.code} may not be bypassed for {view.hire_type} hires",
        )
    if not move.actor_role or move.actor_role not in rule.bypass_roles:
        return refuse(
            Code.BYPASS_NOT_PERMITTED,
            f"the role {move.actor_role or '(none)'} may not approve bypassing {rule.code}",
        )
    if rule.bypass_reason_required and not move.reason.strip():
        return refuse(Code.REASON_REQUIRED, "a bypass needs a reason", field="reason")
    return _leave_and_activate_next(view, move, active, BYPASSED)


def _decide_regress(view, move, facts, position, active, target) -> Decision:
    progress = view.progress
    if target is None:
        return refuse(
            Code.NOT_AN_EARLIER_MILESTONE, "say which milestone to go back to", field="to_code"
        )
    if target >= position:
        return refuse(
            Code.NOT_AN_EARLIER_MILESTONE,
            f"{progress[target].rule.code} is not behind the application",
            field="to_code",
        )
    if not move.reason.strip():
        return refuse(Code.REASON_REQUIRED, "going back needs a reason", field="reason")
    changes = [_change(progress[target], ACTIVE)]
    changes.extend(
        _change(item, PENDING) for item in progress[target + 1 :] if item.state != PENDING
    )
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[REGRESS],
        from_code=progress[active].rule.code if active is not None else None,
        to_code=progress[target].rule.code,
        changes=tuple(changes),
    )


def _decide_fail(view, move, facts, position, active, target) -> Decision:
    refused = _require_active(view, move, active, target)
    if refused:
        return refused
    current = view.progress[active]
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[FAIL],
        from_code=current.rule.code,
        changes=(_change(current, FAILED),),
        application_status=APPLICATION_REJECTED,
    )


def _decide_close(view, move, facts, position, active, target) -> Decision:
    """Reject or withdraw: the candidacy ends wherever it stands, with a reason; the active
    stay stops there (its time stops counting), nothing ahead of it changes."""
    if target is not None:
        return refuse(
            Code.UNKNOWN_MILESTONE,
            "a candidacy ends where it stands; omit to_code",
            field="to_code",
        )
    if not move.reason.strip():
        what = "rejecting" if move.action == REJECT else "withdrawing"
        return refuse(Code.REASON_REQUIRED, f"{what} a candidate needs a reason", field="reason")
    current = view.progress[active] if active is not None else None
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[move.action],
        from_code=current.rule.code if current else None,
        changes=(_change(current, STOPPED),) if current else (),
        application_status=APPLICATION_REJECTED if move.action == REJECT else APPLICATION_WITHDRAWN,
    )


def _decide_rule_skip(view, move, facts, position, active, target) -> Decision:
    """A skip rule: mark `to_code` skipped when it is pending (ahead) or active. A
    mandatory milestone is skipped only for hire types its bypass policy lists. Skipping
    the active one activates the next pending one; skipping one ahead moves nothing, so
    `to_code` stays the active milestone (the service keeps it as the current one)."""
    progress = view.progress
    if target is None:
        return refuse(Code.UNKNOWN_MILESTONE, "say which milestone to skip", field="to_code")
    item = progress[target]
    if item.state not in (PENDING, ACTIVE) or (item.state == PENDING and target < position):
        return refuse(
            Code.MILESTONE_NOT_ACTIVE,
            f"{item.rule.code} is {item.state}; only a pending or active milestone is skipped",
            field="to_code",
        )
    if item.rule.mandatory and view.hire_type not in item.rule.bypass_hire_types:
        return refuse(
            Code.SKIP_NOT_ALLOWED,
            f"{item.rule.code} is mandatory and its bypass policy does not cover "
            f"a {view.hire_type} hire",
            field="to_code",
        )
    if target == active:
        return _leave_and_activate_next(view, move, active, SKIPPED)
    return Decision(
        allowed=True,
        kind=KIND_OF_ACTION[RULE_SKIP],
        from_code=item.rule.code,
        to_code=progress[active].rule.code if active is not None else None,
        changes=(_change(item, SKIPPED),),
    )


_HANDLERS = {
    ADVANCE: _decide_advance,
    COMPLETE: _decide_complete,
    SKIP: _decide_skip,
    BYPASS: _decide_bypass,
    REGRESS: _decide_regress,
    FAIL: _decide_fail,
    REJECT: _decide_close,
    WITHDRAW: _decide_close,
    RULE_SKIP: _decide_rule_skip,
}


# The engine's vocabulary is re-exported: callers say engine.Move, engine.ACTIVE, ...
__all__ = [
    "decide",
    "ACTIONS",
    "ACTIVE",
    "ADVANCE",
    "APPLICATION_ACTIVE",
    "APPLICATION_REJECTED",
    "APPLICATION_WITHDRAWN",
    "ApplicationView",
    "BYPASS",
    "BYPASSED",
    "COMPLETE",
    "COMPLETED",
    "Decision",
    "FAIL",
    "FAILED",
    "KIND_OF_ACTION",
    "MilestoneRule",
    "Move",
    "MoveAction",
    "NOT_TERMINAL",
    "PENDING",
    "Progress",
    "REGRESS",
    "REJECT",
    "RULE_SKIP",
    "SKIP",
    "SKIPPED",
    "STOPPED",
    "SYSTEM_ACTIONS",
    "WITHDRAW",
    "StateChange",
    "refuse",
]
