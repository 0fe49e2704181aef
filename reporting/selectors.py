"""Reads of alerts: automation failures and a user's notifications, in the tenant in context."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from milestones.selectors import active_stay_annotations
from notifications.models import Notification
from recruiting.models import Application
from recruiting.selectors import applications_visible
from reporting.models import MilestoneStay


def notification_applications_for_page(
    *, notification: Notification, membership
) -> QuerySet[Application]:
    """The applications a notification is about (a digest's several, else its one), with
    candidate, requisition, current milestone, the active stay's overdue-since and
    escalation level, and `stay_entered_at` (when it entered the milestone, from the stays
    read model: a misclick back and forth does not restart it): one query however many.
    Ids that no longer exist, or that `membership` may no longer see, are simply absent."""
    if not notification.about_application_ids:
        return Application.objects.none()
    open_stay = MilestoneStay.objects.for_tenant(notification.tenant_id).filter(
        application_id=OuterRef("pk"), left_at=None
    )
    return (
        applications_visible(
            Application.objects.for_tenant(notification.tenant_id), membership=membership
        )
        .filter(pk__in=notification.about_application_ids)
        .select_related("candidate", "requisition", "current_milestone")
        .annotate(
            **active_stay_annotations(
                tenant=notification.tenant_id, fields=("overdue_since", "escalation_level")
            )
        )
        .annotate(stay_entered_at=Subquery(open_stay.values("entered_at")[:1]))
        .order_by("candidate__last_name", "candidate__first_name", "id")
    )
