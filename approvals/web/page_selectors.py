"""Reads the approvals pages make beyond approvals.selectors, scoped to the tenant in context."""

from __future__ import annotations

from approvals import selectors
from approvals.models import (
    ApprovalAssignment,
    ApprovalPolicyVersion,
    ApprovalRound,
    Decision,
    Offer,
    RoundStatus,
    StepStatus,
)
from approvals.services import subject_of_offer


def offer_of_application(*, application_id) -> Offer | None:
    """The offer with what its approval facts read (requisition, department, type)."""
    return (
        Offer.objects.select_related(
            "application__candidate",
            "application__requisition__department",
            "application__requisition__requisition_type",
            "application__requisition__job_family",
            "application__requisition__location",
        )
        .filter(application_id=application_id)
        .first()
    )


def offer_rounds(offer: Offer) -> list[ApprovalRound]:
    """Every round of the offer, newest first, with steps, decisions and approvers' names."""
    return list(
        selectors.approval_rounds_of_subject(
            subject_key=subject_of_offer(offer).key
        ).prefetch_related("steps__assignments__approver", "requested_by")
    )


def open_round_of(offer: Offer) -> ApprovalRound | None:
    return ApprovalRound.objects.filter(offer=offer, status=RoundStatus.REQUESTED).first()


def due_assignment_of(round_: ApprovalRound, user_id) -> ApprovalAssignment | None:
    """The person's undecided place on a due step of the round, if any."""
    return (
        ApprovalAssignment.objects.select_related("step")
        .filter(
            round=round_,
            approver_id=user_id,
            decision=Decision.PENDING,
            step__status=StepStatus.DUE,
        )
        .order_by("step__index")
        .first()
    )


def policy_versions(*, policy_id) -> list[ApprovalPolicyVersion]:
    """A policy's versions, newest first, with who wrote each."""
    return list(
        ApprovalPolicyVersion.objects.filter(policy_id=policy_id)
        .select_related("created_by")
        .order_by("-number")
    )
