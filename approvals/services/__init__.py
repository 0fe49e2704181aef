"""Every write of approvals (and the preview, which shares the request's planning)."""

from approvals.services.decisions import APPROVE, DECLINE, approval_decide
from approvals.services.delegation import (
    approval_delegation_cancel,
    approval_delegation_create,
    delegators_of,
)
from approvals.services.offers import OfferUpdated, offer_create, offer_update
from approvals.services.overrides import (
    approval_override_confirm,
    approval_override_decide,
    approval_override_reject,
    approval_override_replace,
)
from approvals.services.policies import approval_policy_create, approval_policy_update
from approvals.services.preview import ApprovalPreview, StepPreview, approval_preview
from approvals.services.reminders import approvals_reminder_sweep
from approvals.services.rounds import approval_request, approval_withdraw
from approvals.services.subjects import (
    ApprovalSubject,
    approval_facts,
    subject_of_milestone,
    subject_of_offer,
    subject_of_requisition,
)

__all__ = [
    "APPROVE",
    "DECLINE",
    "ApprovalPreview",
    "ApprovalSubject",
    "OfferUpdated",
    "StepPreview",
    "approval_decide",
    "approval_delegation_cancel",
    "approval_delegation_create",
    "approval_override_confirm",
    "approval_override_decide",
    "approval_override_reject",
    "approval_override_replace",
    "approvals_reminder_sweep",
    "delegators_of",
    "approval_facts",
    "approval_policy_create",
    "approval_policy_update",
    "approval_preview",
    "approval_request",
    "approval_withdraw",
    "offer_create",
    "offer_update",
    "subject_of_milestone",
    "subject_of_offer",
    "subject_of_requisition",
]
