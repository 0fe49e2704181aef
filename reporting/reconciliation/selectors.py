"""The discrepancy report: imported activities checked against the milestone times.

Interview and offer milestones are told by their code: a code containing INTERVIEW is an
interview milestone, one containing OFFER an offer milestone (every framework of the
product names them so; see docs/exports.md). Offers are checked twice: against the time
the offer milestone was first entered, and, for an application with an offer record in
approvals, against the time its offer's approval round was approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from approvals.models import ApprovalRound, Offer, RoundStatus, SubjectKind
from milestones.models import ApplicationMilestone, MilestoneState
from recruiting.selectors import visible_to
from reporting.models import Activity, ActivityKind

INTERVIEW_MARK = "INTERVIEW"
OFFER_MARK = "OFFER"


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    explanation: str


INTERVIEW_NOT_HELD = Rule(
    "interview_not_held",
    "Interview completed, none held",
    "An interview milestone was completed, but no interview was recorded as held by then.",
)
OFFER_BEFORE_MILESTONE = Rule(
    "offer_before_milestone",
    "Offer sent before the offer milestone",
    "An offer letter was sent before the application entered its offer milestone.",
)
OFFER_BEFORE_APPROVAL = Rule(
    "offer_before_approval",
    "Offer sent before its approval",
    "An offer letter was sent before the application's offer was approved (or it never was).",
)
RULES = {
    rule.code: rule for rule in (INTERVIEW_NOT_HELD, OFFER_BEFORE_MILESTONE, OFFER_BEFORE_APPROVAL)
}


def interview_not_held(*, sensitive: bool) -> QuerySet[ApplicationMilestone]:
    """Completed interview milestones with no interview held at or before completion."""
    held = Activity.objects.filter(
        application_id=OuterRef("application_id"),
        kind=ActivityKind.INTERVIEW_HELD,
        occurred_at__lte=OuterRef("completed_at"),
    )
    rows = ApplicationMilestone.objects.filter(
        state=MilestoneState.COMPLETED,
        milestone__code__contains=INTERVIEW_MARK,
        completed_at__isnull=False,
    ).filter(~Exists(held))
    if not sensitive:
        rows = rows.exclude(milestone__is_sensitive=True)
    return rows.select_related("application__candidate", "requisition", "milestone")


def offer_before_milestone(*, sensitive: bool) -> QuerySet[Activity]:
    """Offer letters sent before the offer milestone was first entered (or never)."""
    entered = (
        ApplicationMilestone.objects.filter(
            application_id=OuterRef("application_id"),
            milestone__code__contains=OFFER_MARK,
            entered_at__isnull=False,
        )
        .values("application_id")
        .annotate(first=Min("entered_at"))
        .values("first")
    )
    rows = (
        Activity.objects.filter(kind=ActivityKind.OFFER_LETTER_SENT)
        .annotate(offer_entered_at=Subquery(entered[:1]))
        .filter(Q(offer_entered_at__isnull=True) | Q(offer_entered_at__gt=F("occurred_at")))
    )
    return rows.select_related("application__candidate", "application__requisition")


def offer_before_approval(*, sensitive: bool) -> QuerySet[Activity]:
    """Offer letters of applications with an offer, sent before its first approved round
    finished (or with none approved)."""
    approved = (
        ApprovalRound.objects.filter(
            application_id=OuterRef("application_id"),
            subject_kind=SubjectKind.OFFER,
            status=RoundStatus.APPROVED,
            finished_at__isnull=False,
        )
        .values("application_id")
        .annotate(first=Min("finished_at"))
        .values("first")
    )
    rows = (
        Activity.objects.filter(kind=ActivityKind.OFFER_LETTER_SENT)
        .filter(Exists(Offer.objects.filter(application_id=OuterRef("application_id"))))
        .annotate(offer_entered_at=Subquery(approved[:1]))
        .filter(Q(offer_entered_at__isnull=True) | Q(offer_entered_at__gt=F("occurred_at")))
    )
    return rows.select_related("application__candidate", "application__requisition")


def discrepancy_rows(rule: Rule, *, sensitive: bool, membership=None) -> QuerySet:
    """The rows failing `rule` that `membership` may see (its departments, no confidential
    requisition it is not on; None: an API client, everything)."""
    if rule is INTERVIEW_NOT_HELD:
        rows, via = interview_not_held(sensitive=sensitive), "requisition__"
    else:
        of_rule = (
            offer_before_milestone if rule is OFFER_BEFORE_MILESTONE else offer_before_approval
        )
        rows, via = of_rule(sensitive=sensitive), "application__requisition__"
    return visible_to(rows, membership=membership, via=via)


def discrepancy_as_dict(rule: Rule, row) -> dict:
    """One discrepancy as a person and the API read it."""
    if rule is INTERVIEW_NOT_HELD:
        application, requisition = row.application, row.requisition
        return {
            "id": row.pk,
            "rule": rule.code,
            "application_id": application.pk,
            "candidate_name": application.candidate.full_name,
            "requisition_id": requisition.pk,
            "requisition_title": requisition.title,
            "milestone_code": row.milestone.code,
            "milestone_name": row.milestone.name,
            "milestone_at": row.completed_at,
            "activity_at": None,
        }
    application = row.application
    return {
        "id": row.pk,
        "rule": rule.code,
        "application_id": application.pk,
        "candidate_name": application.candidate.full_name,
        "requisition_id": application.requisition_id,
        "requisition_title": application.requisition.title,
        "milestone_code": None,
        "milestone_name": "Offer approval" if rule is OFFER_BEFORE_APPROVAL else None,
        "milestone_at": row.offer_entered_at,
        "activity_at": row.occurred_at,
    }
