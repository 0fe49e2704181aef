"""Read models of reporting, kept current from the domain events and rebuildable from the
transition log (`manage.py reporting_stays_rebuild`). Never written by a page view."""

from __future__ import annotations

from django.db import models

from ats_milestones.xid import CurrentTransactionId
from tenants.models import TenantScopedModel, tenant_key


class StayEnding(models.TextChoices):
    """How a stay in a milestone ended (blank while it is open)."""

    ADVANCED = "advanced", "Advanced"
    SKIPPED = "skipped", "Skipped"
    BYPASSED = "bypassed", "Bypassed"
    REGRESSED = "regressed", "Regressed"
    FAILED = "failed", "Failed"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    HIRED = "hired", "Hired"


# The columns the reports group and aggregate by (covered by their indexes).
_REPORTED = [
    "milestone_id",
    "department_id",
    "recruiter_id",
    "requisition_id",
    "application_id",
    "calendar_seconds",
    "business_seconds",
    "ended",
]


class MilestoneStay(TenantScopedModel):
    """One stay of one application in one milestone: entered, left (or still open), how it
    ended, and the requisition's department, recruiter, job family, type and framework
    version as they were when it was entered (facts for reports; no foreign keys, so a
    later edit or a purge elsewhere never rewrites or blocks history)."""

    tenant = tenant_key(db_index=False)  # every index below leads with it
    application_id = models.UUIDField()
    milestone_id = models.UUIDField()
    requisition_id = models.UUIDField()
    department_id = models.UUIDField(null=True)
    recruiter_id = models.BigIntegerField(null=True)  # a user
    job_family_id = models.UUIDField(null=True)
    requisition_type_id = models.UUIDField(null=True)
    framework_version_id = models.UUIDField(null=True)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True)
    ended = models.CharField(max_length=10, choices=StayEnding.choices, blank=True)
    # Calendar time of a finished stay; an open one's is now - entered_at.
    calendar_seconds = models.FloatField(null=True)
    # The part of it inside the tenant's business hours (working days, hours, holidays as
    # they are when the stay closes), computed in the statement that closes it.
    business_seconds = models.FloatField(null=True)
    # Left again within the tenant's misclick window, back to where it came from: not a
    # stay at all (kept for the record, excluded from every report).
    reverted = models.BooleanField(default=False)
    # The cause of the move that entered it (manual, trigger, ...): automation's impact.
    entered_cause = models.CharField(max_length=12, blank=True)
    entered_transition_id = models.UUIDField()
    left_transition_id = models.UUIDField(null=True)
    # The last transaction that wrote the stay (a trigger sets it on UPDATE): the change feed.
    change_xid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        constraints = [
            # An application stands in at most one open stay: the subscriber's invariant.
            models.UniqueConstraint(
                fields=["tenant", "application_id"],
                condition=models.Q(left_at__isnull=True),
                name="stay_one_open_per_application",
            ),
            models.UniqueConstraint(
                fields=["tenant", "entered_transition_id"], name="stay_once_per_entry"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "milestone_id", "left_at"], name="stay_milestone_idx"),
            models.Index(fields=["tenant", "application_id", "entered_at"], name="stay_app_idx"),
            # Reports read finished stays by period; the columns they group and aggregate
            # ride along, so a report is an index-only scan of the period's rows.
            models.Index(
                fields=["tenant", "entered_at"],
                include=_REPORTED,
                condition=models.Q(reverted=False, left_at__isnull=False),
                name="stay_report_idx",
            ),
            # ... and the open ones (still waiting) apart.
            models.Index(
                fields=["tenant", "entered_at"],
                include=_REPORTED,
                condition=models.Q(reverted=False, left_at__isnull=True),
                name="stay_open_report_idx",
            ),
            models.Index(fields=["tenant", "change_xid", "id"], name="stay_change_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}@{self.milestone_id} {self.entered_at:%Y-%m-%d}"


DEFAULT_MISCLICK_WINDOW_SECONDS = 300


class ReportingSettings(TenantScopedModel):
    """Per-tenant settings of the reports (one row per tenant; defaults when none)."""

    tenant = tenant_key(db_index=False)  # the unique constraint leads with it
    # A move undone (back to where it came from) within this many seconds was a misclick:
    # the stay it opened is marked `reverted` and the stay it left goes on.
    misclick_window_seconds = models.PositiveIntegerField(default=DEFAULT_MISCLICK_WINDOW_SECONDS)

    class Meta:
        verbose_name_plural = "reporting settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="reporting_settings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"Reporting settings (misclick window {self.misclick_window_seconds} s)"


class RegressionAlert(TenantScopedModel):
    """A regression a tenant wants to hear of at once: an application moved from one
    milestone back to another tells the requisition's recruiter and hiring manager."""

    tenant = tenant_key(db_index=False)  # the unique constraint leads with it
    from_milestone = models.ForeignKey(
        "milestones.MilestoneDefinition", on_delete=models.CASCADE, related_name="+"
    )
    to_milestone = models.ForeignKey(
        "milestones.MilestoneDefinition", on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "from_milestone", "to_milestone"], name="regression_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_milestone_id} -> {self.to_milestone_id}"


# Exports and reconciliation keep their models in their own packages (one app, one label).
from reporting.exports.models import ExportFormat, ExportFrequency, ScheduledExport  # noqa: E402
from reporting.reconciliation.models import Activity, ActivityKind, ActivitySource  # noqa: E402

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivitySource",
    "ExportFormat",
    "ExportFrequency",
    "MilestoneStay",
    "RegressionAlert",
    "ReportingSettings",
    "ScheduledExport",
    "StayEnding",
]
