"""What the trail calls approvals' audit actions, read after who did it ("Aiko Tanaka:
Approved a step"); registered with audit in ApprovalsConfig.ready."""

AUDIT_WORDS = {
    "approval.requested": "Requested approval",
    "approval.approved_step": "Approved a step",
    "approval.declined_step": "Declined a step",
    "approval.step_resolved": "Approval step resolved",
    "approval.approved": "Approval granted",
    "approval.declined": "Approval declined",
    "approval.withdrawn": "Withdrew an approval request",
    "approval.voided": "Approval voided by a material change",
    "approval.delegated": "Delegated approvals",
    "approval.delegation_cancelled": "Revoked a delegation",
    "approval.override_requested": "Asked to override an approval",
    "approval.override_rejected": "Rejected an override",
    "approval.overridden": "Overrode an approval",
    "approval.reminded": "Reminded approvers",
    "approval.escalated": "Escalated an overdue approval",
    "approval_policy.created": "Created an approval policy",
    "approval_policy.updated": "Changed an approval policy",
    "offer.created": "Drafted an offer",
    "offer.updated": "Changed an offer",
    "offer.approved": "Offer approved",
}
