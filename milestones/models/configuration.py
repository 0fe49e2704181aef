"""Milestone frameworks: the configuration admins edit and publish."""

from __future__ import annotations

import datetime

from django.db import models
from simple_history.models import HistoricalRecords

from tenants.history import history_user
from tenants.models import Department, RequisitionType, TenantScopedModel

DEFAULT_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{2,40}$"


def default_business_weekdays() -> list[int]:
    return [1, 2, 3, 4, 5]


class MilestoneSettings(TenantScopedModel):
    """Per-tenant settings of the milestone module (one row per tenant, created on demand)."""

    code_pattern = models.CharField(max_length=200, default=DEFAULT_CODE_PATTERN)
    # Business time for escalations that count business hours only.
    business_timezone = models.CharField(max_length=64, default="UTC")
    business_day_start = models.TimeField(default=datetime.time(9, 0))
    business_day_end = models.TimeField(default=datetime.time(17, 0))
    # ISO weekdays (1 = Monday) that are working days.
    business_weekdays = models.JSONField(default=default_business_weekdays)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name_plural = "milestone settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="milestone_settings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"Milestone settings ({self.code_pattern})"


class Holiday(TenantScopedModel):
    """A day of the tenant's holiday calendar: no business hours count on it."""

    date = models.DateField()
    name = models.CharField(max_length=200)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "date"], name="holiday_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


# -- configuration ------------------------------------------------------------------------


class Framework(TenantScopedModel):
    """A hiring process for one or more requisition types; its versions hold the milestones."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    requisition_types = models.ManyToManyField(
        RequisitionType, through="FrameworkRequisitionType", related_name="+", blank=True
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="framework_name_per_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkRequisitionType(TenantScopedModel):
    """A requisition type follows at most one framework, so resolution is never ambiguous."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="type_links")
    requisition_type = models.ForeignKey(
        RequisitionType, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "requisition_type"], name="framework_per_requisition_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} for {self.requisition_type}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PILOT = "pilot", "Pilot"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


PUBLISHED_STATUSES = (VersionStatus.PILOT, VersionStatus.ACTIVE, VersionStatus.RETIRED)


class FrameworkVersion(TenantScopedModel):
    """One numbered edition of a framework. Only a draft may change; publishing freezes it."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    pilot_departments = models.ManyToManyField(
        Department, through="FrameworkVersionPilotDepartment", related_name="+", blank=True
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "framework", "number"], name="framework_version_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "framework"],
                condition=models.Q(status="active"),
                name="framework_one_active_version",
            ),
            models.UniqueConstraint(
                fields=["tenant", "framework"],
                condition=models.Q(status="pilot"),
                name="framework_one_pilot_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_publishable(self) -> bool:
        """A draft or a pilot can become the active version (and be previewed so)."""
        return self.status in (VersionStatus.DRAFT, VersionStatus.PILOT)


class FrameworkVersionPilotDepartment(TenantScopedModel):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="pilot_links"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "version", "department"], name="pilot_department_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} piloted in {self.department}"


class MilestoneKind(models.TextChoices):
    TIME_BASED = "time_based", "Time-based"
    ACTION_TRIGGERED = "action_triggered", "Action-triggered"
    STAGE_GATED = "stage_gated", "Stage-gated"


class TerminalKind(models.TextChoices):
    NONE = "none", "Not terminal"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MilestoneDefinition(TenantScopedModel):
    """One step of a framework version, with the rules that govern leaving it."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="milestones"
    )
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.ACTION_TRIGGERED
    )
    order = models.PositiveIntegerField()
    mandatory = models.BooleanField(default=True)
    sla = models.DurationField(null=True, blank=True)
    # [{"type": "required_fields", "fields": [...]}, {"type": "milestone_completed", ...}]
    gate_conditions = models.JSONField(default=list, blank=True)
    bypass_hire_types = models.JSONField(default=list, blank=True)
    bypass_approver_roles = models.JSONField(default=list, blank=True)
    bypass_reason_required = models.BooleanField(default=True)
    compliance_tags = models.JSONField(default=list, blank=True)
    is_sensitive = models.BooleanField(default=False)
    hris_status = models.CharField(max_length=100, blank=True)
    terminal_kind = models.CharField(
        max_length=10, choices=TerminalKind.choices, default=TerminalKind.NONE
    )
    # The smallest `after` of its escalation rules (kept by their services), so entering
    # the milestone can set `escalates_at` without reading the rules.
    first_escalation_after = models.DurationField(null=True, blank=True, editable=False)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "version", "code"], name="milestone_code_per_version"
            ),
            # Deferred so a reorder can swap positions inside one transaction.
            models.UniqueConstraint(
                fields=["tenant", "version", "order"],
                name="milestone_order_per_version",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"
