"""Activities recorded elsewhere (a calendar, a mail system, a document tool), imported to
be checked against the milestone times (reporting/reconciliation/selectors.py)."""

from __future__ import annotations

from django.db import models

from tenants.models import TenantScopedModel, tenant_key


class ActivityKind(models.TextChoices):
    INTERVIEW_SCHEDULED = "interview_scheduled", "Interview scheduled"
    INTERVIEW_HELD = "interview_held", "Interview held"
    EMAIL_SENT = "email_sent", "Email sent"
    OFFER_LETTER_SENT = "offer_letter_sent", "Offer letter sent"


class ActivitySource(models.TextChoices):
    API = "api", "API"
    CSV = "csv", "CSV upload"


class Activity(TenantScopedModel):
    """One thing that happened to an application outside the ATS, with its time. The same
    (application, kind, time) is one activity: importing it again changes nothing."""

    tenant = tenant_key(db_index=False)  # every index below leads with it
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(max_length=24, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField()
    external_id = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=8, choices=ActivitySource.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "kind", "occurred_at"],
                name="activity_once",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "kind", "application"], name="activity_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.application_id} {self.occurred_at:%Y-%m-%d %H:%M}"
