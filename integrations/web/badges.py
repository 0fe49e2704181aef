"""A failed background-check order on the application's page ("Order failed: …" and
*Retry*), through milestones' badge registry (registered in integrations.apps.ready).
Sensitive: only those who may see sensitive milestones see it."""

from __future__ import annotations

from django.urls import reverse

from integrations.models import BackgroundCheck, BackgroundCheckStatus
from milestones.web.badges import ApplicationBadge
from tenants.permissions import Capability


def order_failed_badges(application_ids, *, detail: bool = False) -> dict[object, ApplicationBadge]:
    """On one application's own page only (the board says nothing): one query."""
    if not detail:
        return {}
    failed = (
        BackgroundCheck.objects.filter(
            application_id__in=list(application_ids), status=BackgroundCheckStatus.ORDER_FAILED
        )
        .order_by("application_id", "-created_at")
        .distinct("application_id")
        .values_list("application_id", "pk", "last_error")
    )
    return {
        application_id: ApplicationBadge(
            text=f"Background check — Order failed: {last_error or 'the vendor did not take it'}",
            url=reverse("integrations:background-checks") + f"#check-{pk}",
            link_text="Background checks",
            tone="danger",
            testid="background-check-order-failed",
            action_url=reverse("integrations:background-check-retry", args=[pk]),
            action_text="Retry",
            action_capability=Capability.MOVE,
            sensitive=True,
        )
        for application_id, pk, last_error in failed
    }
