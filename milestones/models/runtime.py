"""The progress of each application through its pinned version, and every move."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ats_milestones.xid import CurrentTransactionId
from audit.models import actor_indexes
from milestones.models.configuration import MilestoneDefinition
from tenants.models import ApiClient, TenantScopedModel, tenant_key

# -- runtime ------------------------------------------------------------------------------


class MilestoneState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    SKIPPED = "skipped", "Skipped"
    BYPASSED = "bypassed", "Bypassed"
    FAILED = "failed", "Failed"
    STOPPED = "stopped", "Stopped (candidacy ended)"


class ApplicationMilestone(TenantScopedModel):
    """Where one application stands on one milestone of its pinned version."""

    tenant = tenant_key(db_index=False)  # the unique (tenant, application, milestone) leads
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="milestones"
    )
    milestone = models.ForeignKey(
        MilestoneDefinition, on_delete=models.PROTECT, related_name="application_rows"
    )
    # The application's requisition (it never changes), so the timer sweep finds whom to
    # tell from the rows it claims alone: joining the applications cost it a random read
    # per due row, the part of its cost that grew with the rows that exist. Not indexed:
    # nothing looks rows up by it (a requisition with applications cannot be deleted).
    requisition = models.ForeignKey(
        "recruiting.Requisition",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
    )
    state = models.CharField(
        max_length=10, choices=MilestoneState.choices, default=MilestoneState.PENDING
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # When the next escalation level of this stay falls due; the sweep reads only these.
    escalates_at = models.DateTimeField(null=True, blank=True)
    # Set by an escalation level that marks the stay overdue (cleared on leaving).
    overdue_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "milestone"],
                name="application_milestone_once",
            )
        ]
        indexes = [
            # The deadline sweep reads only active rows that are due.
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="active", due_at__isnull=False),
                name="app_milestone_due_idx",
            ),
            models.Index(
                fields=["escalates_at"],
                condition=models.Q(state="active", escalates_at__isnull=False),
                name="app_milestone_escalates_idx",
            ),
            # The board and the application list filtered to overdue candidates: one
            # requisition's active stays past their due time, and those an escalation
            # level marked overdue (the due index above spans every tenant's).
            models.Index(
                fields=["tenant", "requisition", "due_at"],
                include=["application"],
                condition=models.Q(state="active", due_at__isnull=False),
                name="app_milestone_late_idx",
            ),
            models.Index(
                fields=["tenant", "requisition"],
                include=["application"],
                condition=models.Q(state="active", overdue_since__isnull=False),
                name="app_milestone_overdue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.milestone_id}={self.state}"


class TransitionKind(models.TextChoices):
    INITIALIZE = "initialize", "Initialized"
    ADVANCE = "advance", "Advanced"
    COMPLETE = "complete", "Completed"
    SKIP = "skip", "Skipped"
    BYPASS = "bypass", "Bypassed"
    REGRESSION = "regression", "Regressed"
    FAIL = "fail", "Failed"
    REJECT = "reject", "Rejected"
    WITHDRAW = "withdraw", "Withdrew"


class TransitionCause(models.TextChoices):
    MANUAL = "manual", "Manual"
    TRIGGER = "trigger", "Trigger"
    ESCALATION = "escalation", "Escalation"
    DEADLINE = "deadline", "Deadline"
    IMPORT = "import", "Import"
    OVERRIDE = "override", "Override"
    SYNC = "sync", "Sync"


class MilestoneTransition(TenantScopedModel):
    """One move of one application. Append-only: the database refuses UPDATE and DELETE."""

    tenant = tenant_key(db_index=False)  # both indexes below lead with it
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.PROTECT, related_name="milestone_transitions"
    )
    from_milestone = models.ForeignKey(
        MilestoneDefinition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_milestone = models.ForeignKey(
        MilestoneDefinition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=TransitionKind.choices)
    cause = models.CharField(max_length=12, choices=TransitionCause.choices)
    # No database constraint: an append-only row must not be touched when its actor goes.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # see actor_indexes
        related_name="+",
    )
    actor_api_client = models.ForeignKey(
        ApiClient,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_role = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()
    # The application's version after this move (its ETag from then on).
    application_version = models.PositiveIntegerField()
    # The writing transaction (the warehouses' change feed, reporting/exports/changes.py).
    change_xid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["tenant", "application", "-at"], name="transition_app_at_idx"),
            models.Index(fields=["tenant", "-at"], name="transition_at_idx"),
            models.Index(fields=["tenant", "change_xid", "id"], name="transition_change_idx"),
            *actor_indexes("transition"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_milestone_id}->{self.to_milestone_id}"
