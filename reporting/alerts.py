"""Real-time alerts on the regressions a tenant configured: after the move commits, the
requisition's recruiter and hiring manager are told (in-app and by email)."""

from __future__ import annotations

from milestones.events import MilestoneMoved
from milestones.models import MilestoneTransition
from notifications.services import (
    RECIPIENT_HIRING_MANAGER,
    RECIPIENT_RECRUITER,
    notification_send,
)
from recruiting.models import Application
from reporting.models import MilestoneStay, RegressionAlert
from tenants.context import tenant_context

KIND_REGRESSED = "milestone.regressed"


def regression_alert_on_move(event: MilestoneMoved) -> None:
    """AFTER_COMMIT subscriber of every move: nothing is read unless it is a regression.
    A move back undone within the misclick window (a reverted stay) alerts no one."""
    if event.kind != "regression":
        return
    with tenant_context(event.tenant_id):
        transition = (
            MilestoneTransition.objects.filter(pk=event.transition_id)
            .select_related("from_milestone", "to_milestone")
            .first()
        )
        if (
            transition is None
            or not RegressionAlert.objects.filter(
                from_milestone_id=transition.from_milestone_id,
                to_milestone_id=transition.to_milestone_id,
                is_active=True,
            ).exists()
        ):
            return
        if MilestoneStay.objects.filter(left_transition_id=transition.pk, reverted=True).exists():
            return
        application = Application.objects.select_related("candidate", "requisition").get(
            pk=event.application_id
        )
        source, target = transition.from_milestone.name, transition.to_milestone.name
        notification_send(
            application=application,
            recipients=(RECIPIENT_RECRUITER, RECIPIENT_HIRING_MANAGER),
            kind=KIND_REGRESSED,
            title=f"{application.candidate.full_name} was moved back from {source} to {target}",
            body=f"Reason: {transition.reason}" if transition.reason else "",
        )
