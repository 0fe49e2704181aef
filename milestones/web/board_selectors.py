"""Reads behind the pipeline board: filtered, capped columns with their full counts.

Four queries whatever the size of the pipeline (the requisition, its milestones, the count
of each column, the first cards of each column), so a requisition with 10,000 active
applications costs what one with 100 does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from milestones.models import ApplicationMilestone, MilestoneDefinition, MilestoneState
from milestones.selectors import active_stay_annotations
from recruiting.models import Application, ApplicationStatus, Requisition

#: Cards shown per column; the column's count says how many there are in all.
CARDS_PER_COLUMN = 25


@dataclass(frozen=True)
class CandidateFilters:
    """What a recruiter narrows a pipeline (or the application list) to."""

    search: str = ""
    hire_type: str = ""
    source: str = ""
    overdue: bool = False


def overdue_now(*, tenant, now: datetime) -> Exists:
    """Whether an application's active stay is overdue: marked so by an escalation level,
    or past its SLA's due time."""
    return Exists(
        ApplicationMilestone.objects.for_tenant(tenant).filter(
            Q(overdue_since__isnull=False) | Q(due_at__lt=now),
            application_id=OuterRef("pk"),
            state=MilestoneState.ACTIVE,
        )
    )


def candidate_search(search: str) -> Q:
    """Every word of `search` in the candidate's first name, last name or email."""
    query = Q()
    for word in search.split()[:5]:
        query &= (
            Q(candidate__first_name__icontains=word)
            | Q(candidate__last_name__icontains=word)
            | Q(candidate__email__icontains=word)
        )
    return query


def applications_filtered(
    applications: QuerySet[Application], *, tenant, filters: CandidateFilters, now: datetime
) -> QuerySet[Application]:
    if filters.search.strip():
        applications = applications.filter(candidate_search(filters.search))
    if filters.hire_type:
        applications = applications.filter(hire_type=filters.hire_type)
    if filters.source:
        applications = applications.filter(source=filters.source)
    if filters.overdue:
        applications = applications.filter(overdue_now(tenant=tenant, now=now))
    return applications


@dataclass
class Column:
    milestone: MilestoneDefinition | None  # None: applications that have not started yet
    cards: list[Application]
    count: int

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def board_get_for_page(
    *,
    tenant,
    requisition_id: uuid.UUID,
    filters: CandidateFilters,
    now: datetime,
    per_column: int = CARDS_PER_COLUMN,
) -> dict | None:
    """A requisition's pipeline: its pinned version's milestones in order, each with its
    count of matching active applications and the first `per_column` of them (oldest
    application first), or None when the requisition is not the tenant's."""
    requisition = (
        Requisition.objects.for_tenant(tenant)
        .select_related("framework_version__framework")
        .filter(pk=requisition_id)
        .first()
    )
    if requisition is None:
        return None
    milestones = []
    if requisition.framework_version_id:
        milestones = list(
            MilestoneDefinition.objects.for_tenant(tenant)
            .filter(version_id=requisition.framework_version_id)
            .order_by("order")
        )
    pipeline = applications_filtered(
        Application.objects.for_tenant(tenant).filter(
            requisition=requisition, status=ApplicationStatus.ACTIVE
        ),
        tenant=tenant,
        filters=filters,
        now=now,
    )
    counts = dict(
        pipeline.order_by()
        .values_list("current_milestone_id")
        .annotate(n=Count("id"))
        .values_list("current_milestone_id", "n")
    )
    # The first cards of every column in one query: rank within the column, keep the top.
    first_of_each = pipeline.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("current_milestone_id")],
            order_by=[F("applied_at").asc(), F("id").asc()],
        )
    ).filter(rank__lte=per_column)
    cards = list(
        Application.objects.for_tenant(tenant)
        .filter(pk__in=first_of_each.values("pk"))
        .select_related("candidate")
        .annotate(
            **active_stay_annotations(
                tenant=tenant, fields=("entered_at", "due_at", "overdue_since")
            )
        )
        .order_by("applied_at", "id")
    )
    by_milestone: dict = {milestone.pk: [] for milestone in milestones}
    untracked: list[Application] = []
    for card in cards:
        by_milestone.get(card.current_milestone_id, untracked).append(card)
    columns = [Column(m, by_milestone[m.pk], counts.get(m.pk, 0)) for m in milestones]
    # Applications on no milestone of the version (not started, or left over from an
    # older version) still show, so a count never hides anyone.
    stray = sum(n for pk, n in counts.items() if pk not in by_milestone)
    if stray:
        columns.insert(0, Column(None, untracked, stray))
    return {
        "requisition": requisition,
        "columns": columns,
        "application_count": sum(counts.values()),
    }
