"""Reads of alerts: automation failures and a user's notifications, in the tenant in context."""

from __future__ import annotations

import uuid

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from milestones.models import AutomationFailure, FailureStatus
from milestones.selectors import active_stay_annotations
from recruiting.models import Application

from .models import Notification


def automation_failure_list() -> QuerySet[AutomationFailure]:
    """Failures with what a list shows beside them (application, candidate, rule)."""
    return AutomationFailure.objects.select_related(
        "application__candidate", "application__requisition", "rule"
    )


def automation_failure_list_for_page(*, status: str = FailureStatus.OPEN) -> QuerySet:
    failures = automation_failure_list().select_related("resolved_by")
    return failures.filter(status=status) if status else failures


def automation_failure_open_for_application(
    *, application_id: uuid.UUID
) -> QuerySet[AutomationFailure]:
    return automation_failure_list().filter(
        application_id=application_id, status=FailureStatus.OPEN
    )


def notification_list_for_user(*, user_id: int | None) -> QuerySet[Notification]:
    """One user's own notifications, newest first (the API pages them by cursor)."""
    if user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-id")


def notification_get_for_page(
    *, user_id: int | None, notification_id: uuid.UUID
) -> Notification | None:
    """One of the user's own notifications, or None (another user's, another tenant's)."""
    return notification_list_for_user(user_id=user_id).filter(pk=notification_id).first()


def notification_applications_for_page(*, notification: Notification) -> QuerySet[Application]:
    """The applications a notification is about (a digest's several, else its one), with
    candidate, requisition, current milestone and the active stay's overdue-since and
    escalation level: one query however many. Ids that no longer exist are simply absent."""
    if not notification.about_application_ids:
        return Application.objects.none()
    return (
        Application.objects.for_tenant(notification.tenant_id)
        .filter(pk__in=notification.about_application_ids)
        .select_related("candidate", "requisition", "current_milestone")
        .annotate(
            **active_stay_annotations(
                tenant=notification.tenant_id, fields=("overdue_since", "escalation_level")
            )
        )
        .order_by("candidate__last_name", "candidate__first_name", "id")
    )


def notification_inbox_for_page(*, user_id: int) -> QuerySet[Notification]:
    """The inbox: unread first, newest first within each."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notification.objects.filter(recipient_id=user_id)
        .select_related("application__candidate")
        .order_by(unread.desc(), "-created_at", "-id")
    )


def notification_unread_count(*, tenant_id, user_id: int) -> int:
    """The header badge: one indexed count (tenant, recipient, read_at)."""
    return (
        Notification.objects.for_tenant(tenant_id)
        .filter(recipient_id=user_id, read_at__isnull=True)
        .count()
    )
