"""What keeps approvals moving when people do not: delegations for a date range, an admin's
overrides (replace an approver, decide on someone's behalf), and the reminder clock of each
due step. Re-exported by `approvals.models` (Django finds them there)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.models import TenantScopedModel, tenant_key


class ApprovalDelegation(TenantScopedModel):
    """`delegator` lets `delegate` decide their approvals from `starts_on` to `ends_on`
    (inclusive, the tenant's dates). Only the delegator's own assignments move: what was
    delegated to someone is never passed on by them."""

    tenant = tenant_key(db_index=False)
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["tenant", "delegate", "starts_on"],
                name="approval_delegation_to",
                condition=models.Q(cancelled_at__isnull=True),
            ),
            models.Index(
                fields=["tenant", "delegator", "starts_on"], name="approval_delegation_from"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="approval_delegation_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="approval_delegation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} -> {self.delegate} ({self.starts_on}..{self.ends_on})"


class OverrideKind(models.TextChoices):
    REPLACE_APPROVER = "replace_approver", "Replace an approver"
    DECIDE_ON_BEHALF = "decide_on_behalf", "Decide on someone's behalf"


class OverrideStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting a second admin"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected by a second admin"
    LAPSED = "lapsed", "Lapsed"  # the round or step moved on before it was confirmed


class ApprovalOverride(TenantScopedModel):
    """An admin's intervention in an unresolved step. For an executive hire it waits for a
    second admin's confirmation before it takes effect."""

    tenant = tenant_key(db_index=False)
    round = models.ForeignKey(
        "approvals.ApprovalRound", on_delete=models.CASCADE, related_name="overrides"
    )
    step = models.ForeignKey("approvals.ApprovalStep", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OverrideKind.choices)
    # The approver replaced, or the one decided for.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, blank=True)  # approve | decline
    comment = models.TextField(blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=24, choices=OverrideStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "round"], name="approval_override_round")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.round}"


class ApprovalStepClock(TenantScopedModel):
    """When a due step's approvers are reminded and when it escalates (business hours from
    the moment it became due). The sweep claims rows whose next time has come."""

    tenant = tenant_key(db_index=False)
    step = models.ForeignKey(
        "approvals.ApprovalStep", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "step"], name="approval_clock_per_step")
        ]
        indexes = [
            models.Index(
                fields=["remind_at"],
                name="approval_clock_remind",
                condition=models.Q(remind_at__isnull=False),
            ),
            models.Index(
                fields=["escalate_at"],
                name="approval_clock_escalate",
                condition=models.Q(escalate_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"clock of {self.step_id}"
