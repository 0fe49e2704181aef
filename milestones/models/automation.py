"""Automation: rules that move milestones by themselves, timers, and what they record.

Rules belong to a framework version like its milestones do, so they are frozen with it
when it is published. Runtime rows (events, deadlines, failures, sandbox runs) belong to
the tenant and point at the application or version they concern.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from milestones.models.configuration import FrameworkVersion, MilestoneDefinition
from tenants.history import history_user
from tenants.models import ApiClient, TenantScopedModel


class AlertRecipient(models.TextChoices):
    """Who on a requisition hears about an automation event."""

    RECRUITER = "recruiter", "Recruiter"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HRBP = "hrbp", "HR business partner"


def default_alert_recipients() -> list[str]:
    return [AlertRecipient.RECRUITER]


# -- rules (configuration, part of a version) ---------------------------------------------


class AutomationRuleKind(models.TextChoices):
    AUTO_ADVANCE = "auto_advance", "Auto-advance on event"
    SKIP = "skip", "Skip when conditions hold"


class AutomationRule(TenantScopedModel):
    """Auto-advance: when `event_type` arrives for an application in `milestone` and the
    conditions hold, complete it and activate the next one. Skip: when the conditions hold
    for an application, mark `milestone` skipped (within its bypass policy)."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="automation_rules"
    )
    milestone = models.ForeignKey(
        MilestoneDefinition, on_delete=models.CASCADE, related_name="automation_rules"
    )
    kind = models.CharField(max_length=20, choices=AutomationRuleKind.choices)
    name = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100, blank=True)
    # The JSON condition language of milestones/conditions.py; {} always holds.
    conditions = models.JSONField(default=dict, blank=True)
    alert_recipients = models.JSONField(default=default_alert_recipients, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_enabled = models.BooleanField(default=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["version", "order", "created_at"]
        indexes = [
            models.Index(
                fields=["tenant", "version", "kind", "event_type"], name="automation_rule_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class EscalationRule(TenantScopedModel):
    """One level of a milestone's SLA escalation: `after` the stay began (in business
    time when `business_hours`), notify these recipients and optionally mark overdue."""

    milestone = models.ForeignKey(
        MilestoneDefinition, on_delete=models.CASCADE, related_name="escalation_rules"
    )
    level = models.PositiveSmallIntegerField()
    after = models.DurationField()
    business_hours = models.BooleanField(default=False)
    notify = models.JSONField(default=default_alert_recipients, blank=True)
    mark_overdue = models.BooleanField(default=False)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["milestone", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "milestone", "level"], name="escalation_level_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} level {self.level} after {self.after}"


class DeadlineAction(models.TextChoices):
    REMIND = "remind", "Remind"
    ALERT = "alert", "Alert"
    MOVE = "move", "Move to a milestone"


class DeadlineRule(TenantScopedModel):
    """When an application's date of `deadline_kind` (e.g. `offer_expires_at`) is near:
    fire `action` at the date plus `offset` (negative = before)."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="deadline_rules"
    )
    name = models.CharField(max_length=200)
    deadline_kind = models.CharField(max_length=100)
    offset = models.DurationField()
    action = models.CharField(max_length=10, choices=DeadlineAction.choices)
    move_to_code = models.CharField(max_length=64, blank=True)
    notify = models.JSONField(default=default_alert_recipients, blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["version", "deadline_kind", "offset"]

    def __str__(self) -> str:
        return f"{self.name} ({self.deadline_kind} {self.offset})"


# -- runtime ------------------------------------------------------------------------------


class ApplicationEvent(TenantScopedModel):
    """An event about an application from another system, stored once per idempotency id."""

    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="events"
    )
    event_type = models.CharField(max_length=100)
    idempotency_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    api_client = models.ForeignKey(
        ApiClient,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    # What the rules did: [{"rule_id", "outcome", "transition_id" | "failure_id"}]
    outcome = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_id"], name="application_event_once"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "application", "-occurred_at"], name="app_event_app_idx")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} for {self.application_id}"


class ApplicationDeadline(TenantScopedModel):
    """A date on an application (offer expires at, onboarding starts on)."""

    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "kind"], name="application_deadline_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at}"


class DeadlineFiring(TenantScopedModel):
    """One rule's action for one deadline, due at `fires_at`; fired once."""

    deadline = models.ForeignKey(
        ApplicationDeadline, on_delete=models.CASCADE, related_name="firings"
    )
    rule = models.ForeignKey(DeadlineRule, on_delete=models.CASCADE, related_name="firings")
    fires_at = models.DateTimeField()
    fired_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["fires_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "deadline", "rule"], name="deadline_firing_once"
            )
        ]
        indexes = [
            # The sweep reads only firings not yet fired.
            models.Index(
                fields=["fires_at"],
                condition=models.Q(fired_at__isnull=True),
                name="deadline_firing_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} at {self.fires_at}"


class FailureSource(models.TextChoices):
    RULE = "rule", "Automation rule"
    ESCALATION = "escalation", "Escalation"
    DEADLINE = "deadline", "Deadline"


class FailureStatus(models.TextChoices):
    OPEN = "open", "Open"
    RETRIED = "retried", "Retried successfully"
    DISMISSED = "dismissed", "Dismissed"


class AutomationFailure(TenantScopedModel):
    """An automatic move that did not happen: what, why and which rule. Never silent."""

    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="automation_failures"
    )
    source = models.CharField(max_length=12, choices=FailureSource.choices)
    rule = models.ForeignKey(
        AutomationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline_firing = models.ForeignKey(
        DeadlineFiring, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        ApplicationEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was attempted, as the transition service would be called: {"action", "to_code"}.
    attempted = models.JSONField(default=dict)
    error_code = models.CharField(max_length=64)
    message = models.TextField()
    status = models.CharField(
        max_length=10, choices=FailureStatus.choices, default=FailureStatus.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "status", "-created_at"], name="automation_failure_idx"),
            models.Index(fields=["tenant", "application"], name="automation_failure_app_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.error_code} for {self.application_id}"


class SandboxRun(TenantScopedModel):
    """One simulation of a version's rules; the only row a sandbox run writes."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="sandbox_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scenario = models.JSONField(default=dict)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sandbox run of {self.version_id}"
