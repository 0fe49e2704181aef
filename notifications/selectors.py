"""Reads of a user's notifications, in the tenant in context."""

from __future__ import annotations

import uuid

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from notifications.models import Notification


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
