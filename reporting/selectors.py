"""Reads of alerts: automation failures and a user's notifications, in the tenant in context."""

from __future__ import annotations

from django.db.models import QuerySet

from milestones.selectors import active_stay_annotations
from notifications.models import Notification
from recruiting.models import Application
from recruiting.selectors import applications_visible


def notification_applications_for_page(
    *, notification: Notification, membership
) -> QuerySet[Application]:
    """The applications a notification is about (a digest's several, else its one), with
    candidate, requisition, current milestone and the active stay's overdue-since and
    escalation level: one query however many. Ids that no longer exist, or that `membership`
    may no longer see, are simply absent."""
    if not notification.about_application_ids:
        return Application.objects.none()
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
        .order_by("candidate__last_name", "candidate__first_name", "id")
    )
