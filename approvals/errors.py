"""Approvals' domain errors: one code enum, each code with its HTTP status."""

from __future__ import annotations

from enum import StrEnum

from ats_milestones.errors import DomainError


class ApprovalErrorCode(StrEnum):
    INVALID_OFFER = "INVALID_OFFER"
    INVALID_POLICY = "INVALID_POLICY"
    EXTENSION_WEAKENS_TEMPLATE = "EXTENSION_WEAKENS_TEMPLATE"
    NO_POLICY_APPLIES = "NO_POLICY_APPLIES"
    NOTHING_TO_APPROVE = "NOTHING_TO_APPROVE"
    SLOT_NOT_FILLED = "SLOT_NOT_FILLED"
    ROUND_ALREADY_OPEN = "ROUND_ALREADY_OPEN"
    ROUND_NOT_OPEN = "ROUND_NOT_OPEN"
    STEP_NOT_DUE = "STEP_NOT_DUE"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    NOT_AN_APPROVER = "NOT_AN_APPROVER"
    REASON_REQUIRED = "REASON_REQUIRED"
    STALE_VERSION = "STALE_VERSION"
    INVALID_DECISION = "INVALID_DECISION"
    OFFER_EXISTS = "OFFER_EXISTS"
    INVALID_DELEGATION = "INVALID_DELEGATION"
    DELEGATION_OVERLAPS = "DELEGATION_OVERLAPS"
    INVALID_OVERRIDE = "INVALID_OVERRIDE"
    OVERRIDE_NOT_PENDING = "OVERRIDE_NOT_PENDING"
    OVERRIDE_AWAITING = "OVERRIDE_AWAITING"
    SECOND_ADMIN_REQUIRED = "SECOND_ADMIN_REQUIRED"


_STATUS = {
    ApprovalErrorCode.INVALID_OFFER: 400,
    ApprovalErrorCode.INVALID_POLICY: 400,
    ApprovalErrorCode.EXTENSION_WEAKENS_TEMPLATE: 400,
    ApprovalErrorCode.SLOT_NOT_FILLED: 400,
    ApprovalErrorCode.REASON_REQUIRED: 400,
    ApprovalErrorCode.INVALID_DECISION: 400,
    ApprovalErrorCode.OFFER_EXISTS: 409,
    ApprovalErrorCode.NO_POLICY_APPLIES: 422,
    ApprovalErrorCode.NOTHING_TO_APPROVE: 422,
    ApprovalErrorCode.ROUND_ALREADY_OPEN: 409,
    ApprovalErrorCode.ROUND_NOT_OPEN: 409,
    ApprovalErrorCode.STEP_NOT_DUE: 409,
    ApprovalErrorCode.ALREADY_DECIDED: 409,
    ApprovalErrorCode.STALE_VERSION: 409,
    ApprovalErrorCode.NOT_AN_APPROVER: 403,
    ApprovalErrorCode.INVALID_DELEGATION: 400,
    ApprovalErrorCode.DELEGATION_OVERLAPS: 409,
    ApprovalErrorCode.INVALID_OVERRIDE: 400,
    ApprovalErrorCode.OVERRIDE_NOT_PENDING: 409,
    ApprovalErrorCode.OVERRIDE_AWAITING: 409,
    ApprovalErrorCode.SECOND_ADMIN_REQUIRED: 422,
}


class ApprovalError(DomainError):
    """A refusal of the approvals engine; `code` is an `ApprovalErrorCode`, `status` its
    HTTP status (400 bad input, 403 not this person's to decide, 409 the round moved on,
    422 a rule says no)."""

    def __init__(self, code: ApprovalErrorCode, message: str, *, fields: dict | None = None):
        super().__init__(message, code=str(code), fields=fields)
        self.status = _STATUS[code]
