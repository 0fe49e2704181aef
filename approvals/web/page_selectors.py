"""Reads the approvals pages make beyond approvals.selectors, scoped to the tenant in context."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from approvals import selectors
from approvals.models import (
    ApprovalAssignment,
    ApprovalDelegation,
    ApprovalOverride,
    ApprovalPolicyVersion,
    ApprovalRound,
    Decision,
    Offer,
    OverrideStatus,
    RoundStatus,
    StepStatus,
    SubjectKind,
)
from approvals.services import subject_of_offer
from milestones.models import MilestoneDefinition
from recruiting.selectors import visible_to
from tenants.permissions import Capability, roles_with
from tenants.selectors import tenant_user_list

#: How many ended or revoked delegations, and settled overrides, the pages list.
PAST_SHOWN = 20


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


def rounds_of_subject(subject_key: str) -> list[ApprovalRound]:
    """Every round of one subject, newest first, with steps, decisions, approvers' names and
    who decided for them."""
    return list(
        selectors.approval_rounds_of_subject(subject_key=subject_key).prefetch_related(
            "steps__assignments__approver", "steps__assignments__decided_by", "requested_by"
        )
    )


def offer_rounds(offer: Offer) -> list[ApprovalRound]:
    """Every round of the offer, newest first (`rounds_of_subject`)."""
    return rounds_of_subject(subject_of_offer(offer).key)


def milestone_of_round(round_: ApprovalRound) -> MilestoneDefinition | None:
    """The milestone a clearance round is about, in its requisition's pinned version."""
    return MilestoneDefinition.objects.filter(
        version_id=round_.requisition.framework_version_id, code=round_.milestone_code
    ).first()


def milestone_names_of_rounds(rounds) -> dict:
    """The name of the milestone each clearance round among `rounds` is about (by round id,
    in its requisition's pinned version): one query, none without a clearance round."""
    wanted = {
        r.pk: (r.requisition.framework_version_id, r.milestone_code)
        for r in rounds
        if r.subject_kind == SubjectKind.MILESTONE
    }
    if not wanted:
        return {}
    names = {
        (version_id, code): name
        for version_id, code, name in MilestoneDefinition.objects.filter(
            version_id__in={v for v, _ in wanted.values()},
            code__in={c for _, c in wanted.values()},
        ).values_list("version_id", "code", "name")
    }
    return {pk: names[key] for pk, key in wanted.items() if key in names}


def open_round_of(offer: Offer) -> ApprovalRound | None:
    return ApprovalRound.objects.filter(offer=offer, status=RoundStatus.REQUESTED).first()


def due_assignment_of(round_: ApprovalRound, user_id) -> ApprovalAssignment | None:
    """The person's undecided place on a due step of the round, else one of a person who
    delegated to them today (what `approval_decide` will decide), if any."""
    places = (
        ApprovalAssignment.objects.select_related("step", "approver")
        .filter(
            Q(approver_id=user_id) | Q(approver_id__in=selectors.delegations_to_today(user_id)),
            round=round_,
            decision=Decision.PENDING,
            step__status=StepStatus.DUE,
        )
        .order_by("step__index")
    )
    return min(places, key=lambda a: (a.approver_id != user_id, a.step.index), default=None)


def policy_versions(*, policy_id) -> list[ApprovalPolicyVersion]:
    """A policy's versions, newest first, with who wrote each."""
    return list(
        ApprovalPolicyVersion.objects.filter(policy_id=policy_id)
        .select_related("created_by")
        .order_by("-number")
    )


def people_who_may_approve(*, tenant_id):
    """The tenant's people whose role approves (delegates, replacements), by name."""
    return (
        tenant_user_list(tenant_id=tenant_id, roles=roles_with(Capability.APPROVE))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def place_key(assignment: ApprovalAssignment) -> str:
    """How a form names one approver's place on one step: "<step id>:<user id>"."""
    return f"{assignment.step_id}:{assignment.approver_id}"


def unresolved_assignments(round_: ApprovalRound) -> list[ApprovalAssignment]:
    """The undecided places on the round's waiting or due steps, with the approver: what an
    admin may replace (any of them) or decide for (those on a due step); each carries its
    `place_key`."""
    places = list(
        ApprovalAssignment.objects.select_related("step", "approver")
        .filter(
            round=round_,
            decision=Decision.PENDING,
            step__status__in=[StepStatus.WAITING, StepStatus.DUE],
        )
        .order_by("step__index", "created_at", "id")
    )
    for place in places:
        place.place_key = place_key(place)
    return places


def _overrides():
    return ApprovalOverride.objects.select_related(
        "round__application__candidate",
        "round__requisition",
        "step",
        "approver",
        "replacement",
        "requested_by",
        "confirmed_by",
    )


def overrides_awaiting(
    *, offer: Offer | None = None, round_: ApprovalRound | None = None, membership=None
) -> list[ApprovalOverride]:
    """Overrides awaiting a second admin: of one offer's rounds, of one round, or every one
    the person sees (`visible_to`)."""
    rows = _overrides().filter(status=OverrideStatus.AWAITING_CONFIRMATION)
    if offer is not None:
        rows = rows.filter(round__offer=offer)
    if round_ is not None:
        rows = rows.filter(round=round_)
    rows = visible_to(rows, membership=membership, via="round__requisition__")
    return list(rows.order_by("created_at", "id"))


def overrides_settled(*, membership) -> list[ApprovalOverride]:
    """The latest overrides that took effect or were turned down."""
    rows = visible_to(
        _overrides().exclude(status=OverrideStatus.AWAITING_CONFIRMATION),
        membership=membership,
        via="round__requisition__",
    )
    return list(rows.order_by("-updated_at", "-id")[:PAST_SHOWN])


def delegations_for_page(*, user_id, everyone: bool) -> tuple[list, list]:
    """(current and upcoming, the latest ended or revoked): the person's own given or
    received, or `everyone`'s (admins)."""
    rows = ApprovalDelegation.objects.select_related("delegator", "delegate", "created_by")
    if not everyone:
        rows = rows.filter(Q(delegator_id=user_id) | Q(delegate_id=user_id))
    today = timezone.localdate()
    live = Q(cancelled_at__isnull=True, ends_on__gte=today)
    current = list(rows.filter(live).order_by("starts_on", "created_at"))
    past = list(rows.exclude(live).order_by("-ends_on", "-created_at")[:PAST_SHOWN])
    return current, past


def delegation_get(*, delegation_id, user_id, everyone: bool) -> ApprovalDelegation | None:
    rows = ApprovalDelegation.objects.filter(pk=delegation_id)
    if not everyone:
        rows = rows.filter(Q(delegator_id=user_id) | Q(delegate_id=user_id))
    return rows.first()
