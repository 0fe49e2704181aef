"""SLA exceptions: who is stuck where and since when (the real entry time, from the stay
read model: a misclick back and forth does not restart it), at which escalation level,
and who was told."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, UUIDField, Value
from django.db.models.functions import Coalesce, Concat, Now, NullIf, Trim

from milestones.models import ApplicationMilestone, MilestoneState
from milestones.services.timers.escalation_sweep import KIND_ESCALATED
from notifications.models import Notification
from reporting.models import MilestoneStay
from reporting.reports.filters import (
    ReportFilters,
    milestone_visible_q,
    visible_requisition_ids,
)

# The report's filters on a milestone row: its requisition's facts as they are now.
_ROW_FILTERS = {
    "department_id": "requisition__department_id",
    "recruiter_id": "requisition__recruiter_id",
    "job_family_id": "requisition__job_family_id",
    "requisition_type_id": "requisition__requisition_type_id",
    "framework_version_id": "requisition__framework_version_id",
    "requisition_id": "requisition_id",
    "milestone_id": "milestone_id",
}


def _people_told():
    """The names of the people told of the stay's escalations (since it was entered),
    each once (a DISTINCT aggregate: in name order)."""
    about = Func(
        OuterRef("application_id"), template="ARRAY[%(expressions)s]", output_field=UUIDField()
    )
    told = (
        Notification.objects.filter(kind=KIND_ESCALATED, created_at__gte=OuterRef("since"))
        .filter(Q(application_id=OuterRef("application_id")) | Q(application_ids__contains=about))
        .annotate(
            person=Coalesce(
                NullIf(
                    Trim(Concat("recipient__first_name", Value(" "), "recipient__last_name")),
                    Value(""),
                ),
                "recipient__username",
            )
        )
        .order_by()
        .values("tenant_id")
        .annotate(names=ArrayAgg("person", distinct=True))
        .values("names")
    )
    return Subquery(told)


def sla_exceptions(*, filters: ReportFilters) -> QuerySet[ApplicationMilestone]:
    """Active milestone rows past their due date, marked overdue, or escalated, with
    `since` (when the application entered the milestone), `overdue_since`,
    `escalation_level`, `due_at`, the candidate, requisition and milestone, and
    `people_told` (names): longest waiting first; one query for a page. Sensitive
    milestones only for those who may see them."""
    open_stay = MilestoneStay.objects.filter(
        application_id=OuterRef("application_id"), left_at=None, reverted=False
    ).values("entered_at")[:1]
    q = (
        Q(state=MilestoneState.ACTIVE)
        & (Q(escalation_level__gt=0) | Q(overdue_since__isnull=False) | Q(due_at__lt=Now()))
        & milestone_visible_q(filters)
    )
    for name, path in _ROW_FILTERS.items():
        values = getattr(filters, name)
        if values:
            q &= Q(**{f"{path}__in": values})
    if filters.scope is not None:
        q &= Q(requisition__department_id__in=filters.scope)
    if filters.visibility is not None:
        q &= Q(requisition_id__in=visible_requisition_ids(filters))
    rows = (
        ApplicationMilestone.objects.filter(q)
        .annotate(since=Coalesce(Subquery(open_stay), F("entered_at")))
        .annotate(people_told=_people_told())
        .select_related("application__candidate", "requisition", "milestone")
    )
    if filters.since is not None:
        rows = rows.filter(since__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(since__lt=filters.until)
    return rows.order_by(F("since").asc(nulls_last=True), "id")
