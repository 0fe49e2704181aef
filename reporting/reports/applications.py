"""The applications behind a report's number: every row's `applications` filters, listed."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from recruiting.models import Application
from reporting.models import MilestoneStay
from reporting.reports.filters import ReportFilters, candidacy_q, stay_q


def report_applications(*, filters: ReportFilters) -> QuerySet[Application]:
    """Applications with at least one stay the filters select (so the ones a report's row
    counted), newest first, with candidate, requisition, current milestone and the
    `entered_current_at` (when its open stay began; None for a finished candidacy): one
    query for a page, whatever the size. `current_milestone_restricted` is true when the
    current milestone is sensitive and the caller may not see it: the page and the API
    then show neither its name nor since when (`entered_current_at` is None)."""
    matching = MilestoneStay.objects.filter(stay_q(filters), application_id=OuterRef("pk"))
    open_stay = MilestoneStay.objects.filter(application_id=OuterRef("pk"), left_at=None)
    restricted = (
        Value(False)
        if filters.sensitive
        else ExpressionWrapper(Q(current_milestone__is_sensitive=True), output_field=BooleanField())
    )
    return (
        Application.objects.filter(Exists(matching), candidacy_q(filters, application_ref="pk"))
        .select_related("candidate", "requisition", "current_milestone")
        .annotate(current_milestone_restricted=restricted)
        .annotate(
            entered_current_at=Case(
                When(current_milestone_restricted=True, then=None),
                default=Subquery(open_stay.values("entered_at")[:1]),
            )
        )
        .order_by("-applied_at", "-id")
    )
