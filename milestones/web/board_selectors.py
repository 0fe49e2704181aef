"""Reads behind the pipeline board: filtered, capped columns with their full counts.

Five queries whatever the size of the pipeline (the requisition, its milestones, the count
of each column, the ids of each non-empty column's first cards, those cards; the last two
are skipped when every column is empty), each column's first cards a LIMIT-ed walk of
`application_board_idx`, so a requisition with 10,000 active applications costs what one
with 100 does (the counts read the same index only).

Candidate search is by the beginning of a word (recruiting.search), a walk of the
candidates' name and email indexes, at any size.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from milestones.models import ApplicationMilestone, MilestoneDefinition, MilestoneState
from milestones.selectors import active_stay_annotations
from recruiting.models import Application, ApplicationStatus, Requisition
from recruiting.search import candidate_search_q
from recruiting.selectors import requisitions_visible

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
            # The stay names its requisition: the overdue stays of one requisition are a
            # walk of app_milestone_overdue_idx and app_milestone_late_idx.
            requisition_id=OuterRef("requisition_id"),
            state=MilestoneState.ACTIVE,
        )
    )


def applications_filtered(
    applications: QuerySet[Application], *, tenant, filters: CandidateFilters, now: datetime
) -> QuerySet[Application]:
    if filters.search.strip():
        search = candidate_search_q(filters.search, candidate_ref="candidate_id")
        applications = applications.filter(search)
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
    membership,
    requisition_id: uuid.UUID,
    filters: CandidateFilters,
    now: datetime,
    per_column: int = CARDS_PER_COLUMN,
) -> dict | None:
    """A requisition's pipeline: its pinned version's milestones in order, each with its
    count of matching active applications and the first `per_column` of them (oldest
    application first), or None when the requisition is not one `membership` may see."""
    requisition = (
        requisitions_visible(Requisition.objects.for_tenant(tenant), membership=membership)
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
    # The first cards of every column: one LIMIT-ed walk of the board index per column,
    # glued with UNION ALL, so a column of 10,000 costs what one of 30 does. A column the
    # counts say is empty is not read: under a filter, looking for a match it does not
    # have walks the whole column (the overdue filter's 3 of 6 columns at 100,000).
    in_version = [milestone.pk for milestone in milestones]
    columns_first = [
        pipeline.filter(current_milestone_id=pk).order_by("applied_at", "id")[:per_column]
        for pk in in_version
        if counts.get(pk)
    ]
    parts = [part.values_list("pk", flat=True) for part in columns_first]
    # Applications on no milestone of the version (not started, or left over from an older
    # version): read only when the counts say there are some (finding none is a scan).
    stray = sum(n for pk, n in counts.items() if pk not in set(in_version))
    if stray:
        strays = pipeline.exclude(current_milestone_id__in=in_version) if in_version else pipeline
        parts.append(strays.order_by("applied_at", "id").values_list("pk", flat=True)[:per_column])
    first_ids = list(parts[0].union(*parts[1:], all=True)) if parts else []
    cards = list(
        Application.objects.for_tenant(tenant)
        .filter(pk__in=first_ids)
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
    # Strays still show, in a first column, so a count never hides anyone.
    if stray:
        columns.insert(0, Column(None, untracked, stray))
    return {
        "requisition": requisition,
        "columns": columns,
        "application_count": sum(counts.values()),
    }
