"""Domain errors of the milestone module: one code enum, reused by the engine, API and tests."""

from __future__ import annotations

from enum import StrEnum

from ats_milestones.errors import (
    Conflict,
    InvalidInput,
    InvalidReference,
    NotFound,
    RuleViolation,
)


class MilestoneErrorCode(StrEnum):
    # Refused moves (422)
    MANDATORY_MILESTONE_PENDING = "MANDATORY_MILESTONE_PENDING"
    GATE_NOT_SATISFIED = "GATE_NOT_SATISFIED"
    BYPASS_NOT_PERMITTED = "BYPASS_NOT_PERMITTED"
    SKIP_NOT_ALLOWED = "SKIP_NOT_ALLOWED"
    NOT_A_NEXT_MILESTONE = "NOT_A_NEXT_MILESTONE"
    NOT_AN_EARLIER_MILESTONE = "NOT_AN_EARLIER_MILESTONE"
    UNKNOWN_MILESTONE = "UNKNOWN_MILESTONE"
    UNKNOWN_ACTION = "UNKNOWN_ACTION"
    REASON_REQUIRED = "REASON_REQUIRED"
    MILESTONE_NOT_ACTIVE = "MILESTONE_NOT_ACTIVE"
    APPLICATION_NOT_ACTIVE = "APPLICATION_NOT_ACTIVE"
    NO_FRAMEWORK_VERSION = "NO_FRAMEWORK_VERSION"
    # Configuration (422 unless noted)
    VERSION_NOT_EDITABLE = "VERSION_NOT_EDITABLE"
    VERSION_EMPTY = "VERSION_EMPTY"
    INVALID_STATUS_CHANGE = "INVALID_STATUS_CHANGE"
    INVALID_MILESTONE_CODE = "INVALID_MILESTONE_CODE"  # 400
    DUPLICATE_MILESTONE_CODE = "DUPLICATE_MILESTONE_CODE"  # 400
    INVALID_GATE_CONDITION = "INVALID_GATE_CONDITION"  # 400
    REQUISITION_TYPE_TAKEN = "REQUISITION_TYPE_TAKEN"  # 400
    INVALID_CONDITION = "INVALID_CONDITION"  # 400, the field is the path of the bad part
    INVALID_SCENARIO = "INVALID_SCENARIO"  # 400, the field is the path, e.g. events[2].occurred_at
    # Automation failures (recorded, never answered to a caller)
    RULE_ERROR = "RULE_ERROR"
    # Concurrency (409)
    STALE_VERSION = "STALE_VERSION"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    # Automation failures
    FAILURE_NOT_OPEN = "FAILURE_NOT_OPEN"  # 409: already retried or dismissed
    FAILURE_NOT_RETRYABLE = "FAILURE_NOT_RETRYABLE"  # 422: nothing to re-attempt (escalation)


#: Codes a refused transition can answer with (documented in the OpenAPI schema).
TRANSITION_REFUSAL_CODES = (
    MilestoneErrorCode.MANDATORY_MILESTONE_PENDING,
    MilestoneErrorCode.GATE_NOT_SATISFIED,
    MilestoneErrorCode.BYPASS_NOT_PERMITTED,
    MilestoneErrorCode.SKIP_NOT_ALLOWED,
    MilestoneErrorCode.NOT_A_NEXT_MILESTONE,
    MilestoneErrorCode.NOT_AN_EARLIER_MILESTONE,
    MilestoneErrorCode.UNKNOWN_MILESTONE,
    MilestoneErrorCode.UNKNOWN_ACTION,
    MilestoneErrorCode.REASON_REQUIRED,
    MilestoneErrorCode.MILESTONE_NOT_ACTIVE,
    MilestoneErrorCode.APPLICATION_NOT_ACTIVE,
    MilestoneErrorCode.NO_FRAMEWORK_VERSION,
)


class TransitionRefused(RuleViolation):
    """The engine said no: the move breaks a rule of the framework (422)."""


class ConfigurationRefused(RuleViolation):
    """A framework or version change that its lifecycle does not allow (422)."""


class InvalidConfiguration(InvalidInput):
    """A framework definition that is malformed (400, naming the field)."""


class InvalidScenario(InvalidInput):
    """A sandbox scenario that cannot be run (400, the field is its path in the scenario)."""

    code = MilestoneErrorCode.INVALID_SCENARIO


class StaleVersion(Conflict):
    """The caller saw an older version of the application than the one stored (409)."""

    code = MilestoneErrorCode.STALE_VERSION


class EventConflict(Conflict):
    """An event's idempotency id was already stored for a different event (409)."""

    code = MilestoneErrorCode.IDEMPOTENCY_CONFLICT


class FailureNotOpen(Conflict):
    """The automation failure was already retried or dismissed (409)."""

    code = MilestoneErrorCode.FAILURE_NOT_OPEN


class FailureNotRetryable(RuleViolation):
    """The failure records no move to re-attempt, e.g. an escalation's alert (422)."""

    code = MilestoneErrorCode.FAILURE_NOT_RETRYABLE


class MilestoneNotFound(NotFound):
    pass


class UnknownApplicationReference(InvalidReference):
    """An application id in a body (an event, a sandbox scenario) that is not ours."""
