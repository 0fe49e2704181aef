"""Alerts that reach people: the in-app notification list (email goes out beside it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import TenantScopedModel, tenant_key


class Notification(TenantScopedModel):
    """One message to one user in one tenant; unread until they open or mark it."""

    tenant = tenant_key(db_index=False)  # notification_inbox_idx leads with it
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # e.g. automation.failed, milestone.escalated, deadline.reminder
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    application = models.ForeignKey(
        "recruiting.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A digest (several applications escalated together to one person) names them here
    # and leaves `application` empty; its page lists them.
    application_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    link = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Born in another app; the table kept its name when the model moved here.
        db_table = "reporting_notification"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["tenant", "recipient", "read_at", "-created_at"],
                name="notification_inbox_idx",
            ),
            # The mail catch-up's walk: the recent ones not yet emailed.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed_idx",
            ),
        ]

    @property
    def about_application_ids(self) -> list:
        """The applications it is about: a digest's several, else its one (or none)."""
        if self.application_ids:
            return list(self.application_ids)
        return [self.application_id] if self.application_id else []

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"
