"""The regressions feed: stays that ended with the application sent back (misclicks
undone within the window are not regressions), newest first."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from milestones.models import MilestoneDefinition, MilestoneTransition
from recruiting.models import Application, Requisition
from reporting.models import MilestoneStay, StayEnding
from reporting.reports.filters import ReportFilters, sensitive_milestone_ids, stays_for


def regressions_feed(*, filters: ReportFilters) -> QuerySet[MilestoneStay]:
    """Stays ended `regressed`, newest first, each with `from_milestone_name`,
    `to_milestone_name`, `candidate_name`, `requisition_title`, `reason` and
    `regressed_by_id` (the user who moved it back, if a person): one query for a page.
    Without `filters.sensitive` a move back from or to a sensitive milestone is left out,
    as the application's history leaves out moves into or out of one."""
    transition = MilestoneTransition.objects.filter(pk=OuterRef("left_transition_id"))
    application = Application.objects.filter(pk=OuterRef("application_id"))
    stays = stays_for(filters.narrowed(ended=StayEnding.REGRESSED))
    if not filters.sensitive:
        stays = stays.exclude(
            Exists(transition.filter(to_milestone_id__in=sensitive_milestone_ids()))
        )
    return stays.annotate(
        from_milestone_name=Subquery(
            MilestoneDefinition.objects.filter(pk=OuterRef("milestone_id")).values("name")[:1]
        ),
        to_milestone_name=Subquery(transition.values("to_milestone__name")[:1]),
        reason=Subquery(transition.values("reason")[:1]),
        regressed_by_id=Subquery(transition.values("actor_user_id")[:1]),
        candidate_name=Subquery(
            application.annotate(
                name=Concat("candidate__first_name", Value(" "), "candidate__last_name")
            ).values("name")[:1]
        ),
        requisition_title=Subquery(
            Requisition.objects.filter(pk=OuterRef("requisition_id")).values("title")[:1]
        ),
    ).order_by("-left_at", "-id")
