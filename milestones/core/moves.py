"""What the engine decides over: milestone and application states, move actions, the
application as the engine sees it, and the Decision it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from milestones.errors import MilestoneErrorCode as Code

PENDING, ACTIVE, COMPLETED, SKIPPED, BYPASSED, FAILED, STOPPED = (
    "pending",
    "active",
    "completed",
    "skipped",
    "bypassed",
    "failed",
    "stopped",  # the stay ended because the candidacy did (rejected or withdrawn)
)
APPLICATION_ACTIVE = "active"


APPLICATION_REJECTED = "rejected"


APPLICATION_WITHDRAWN = "withdrawn"


NOT_TERMINAL = "none"


class MoveAction(StrEnum):
    """What a move asks of the engine. RULE_SKIP is the system's own (a skip rule marks a
    pending or the active milestone skipped), never offered to callers of the API."""

    ADVANCE = "advance"
    COMPLETE = "complete"
    SKIP = "skip"
    BYPASS = "bypass"
    REGRESS = "regress"
    FAIL = "fail"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    RULE_SKIP = "rule_skip"


# What callers of the API may ask (its serializer lists these), and the system's own.
ADVANCE, COMPLETE, SKIP, BYPASS, REGRESS, FAIL, REJECT, WITHDRAW, RULE_SKIP = MoveAction
# What callers of the API may ask (its serializer lists these), and the system's own.
ACTIONS = (ADVANCE, COMPLETE, SKIP, BYPASS, REGRESS, FAIL, REJECT, WITHDRAW)


SYSTEM_ACTIONS = (RULE_SKIP,)


# Transition kinds recorded for each action (regress is recorded as a regression).
KIND_OF_ACTION = {
    ADVANCE: "advance",
    COMPLETE: "complete",
    SKIP: "skip",
    BYPASS: "bypass",
    REGRESS: "regression",
    FAIL: "fail",
    REJECT: "reject",
    WITHDRAW: "withdraw",
    RULE_SKIP: "skip",
}


@dataclass(frozen=True, slots=True)
class MilestoneRule:
    """What the engine needs of a milestone definition."""

    id: Any
    code: str
    order: int
    mandatory: bool = True
    gates: tuple[Mapping[str, Any], ...] = ()
    bypass_hire_types: frozenset[str] = frozenset()
    bypass_roles: frozenset[str] = frozenset()
    bypass_reason_required: bool = True
    terminal_kind: str = NOT_TERMINAL


@dataclass(frozen=True, slots=True)
class Progress:
    rule: MilestoneRule
    state: str


@dataclass(frozen=True, slots=True)
class ApplicationView:
    status: str
    hire_type: str
    progress: tuple[Progress, ...]  # in milestone order

    @property
    def active_code(self) -> str | None:
        """The code of the milestone the application is in now, if any."""
        return next((p.rule.code for p in self.progress if p.state == ACTIVE), None)


@dataclass(frozen=True, slots=True)
class Move:
    action: MoveAction
    to_code: str | None = None
    actor_role: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StateChange:
    milestone_id: Any
    code: str
    from_state: str
    to_state: str


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    kind: str | None = None
    from_code: str | None = None
    to_code: str | None = None
    changes: tuple[StateChange, ...] = ()
    application_status: str | None = None  # the new status when the move ends the process
    error_code: Code | None = None
    message: str = ""
    field: str | None = None
    details: tuple[str, ...] = ()


def refuse(code: Code, message: str, *, field: str | None = None, details=()) -> Decision:
    return Decision(allowed=False, error_code=code, message=message, field=field, details=details)
