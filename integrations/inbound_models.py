"""What comes in from peer systems, and how a connection's health is kept.

- `InboundReceipt`: one per (connection, `webhook-id`), written in the transaction of its
  effect; a repeat answers the stored status and body and applies nothing.
- `FieldPrecedence`: per connection and syncable field, who owns it (`latest_wins` when
  no row says otherwise).
- `FieldVersion`: when a syncable field of a candidate or application last changed, on our
  side (`connection` empty) and as each connection last told us (its own timestamp).
- `SyncConflict`: both sides changed a field since the last sync; both values, both
  timestamps, the rule applied, and an admin's resolution.
- `IntegrationSettings`: a tenant's integration settings (how often connections are
  re-validated; how long inbound receipts and the delivery log are kept).

Imported by `integrations.models` (which re-exports them); foreign keys name models by
label, so this module imports nothing of the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenants.models import TenantScopedModel, tenant_key


class InboundOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused"


class InboundReceipt(TenantScopedModel):
    """An inbound event seen once: what it was, when, and what we answered."""

    tenant = tenant_key(db_index=False)  # inbound_receipt_once leads with it
    updated_at = None
    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="inbound_receipts"
    )
    webhook_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    source_timestamp = models.DateTimeField()  # webhook-timestamp, the sender's clock
    outcome = models.CharField(max_length=16, choices=InboundOutcome.choices)
    summary = models.JSONField(default=dict, blank=True)  # the answer's body
    status_code = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "connection", "webhook_id"], name="inbound_receipt_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "connection", "-received_at"], name="inbound_receipt_log_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id} ({self.status_code})"


class PrecedenceRule(models.TextChoices):
    LATEST_WINS = "latest_wins", "Latest change wins"
    ATS_OWNS = "ats_owns", "We own it (ignore theirs)"
    EXTERNAL_OWNS = "external_owns", "They own it (take theirs)"


class FieldPrecedence(TenantScopedModel):
    """Who owns one syncable field for one connection (absent: latest wins)."""

    tenant = tenant_key(db_index=False)  # field_precedence_once leads with it
    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="field_precedence"
    )
    field = models.CharField(max_length=64)  # a name of integrations.sync.SYNCABLE_FIELDS
    rule = models.CharField(max_length=16, choices=PrecedenceRule.choices)

    class Meta:
        ordering = ["field"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "connection", "field"], name="field_precedence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


class FieldVersion(TenantScopedModel):
    """The last change of one field of one object: ours (`connection` empty: a person, an
    API client, the system) or as one connection last told us (`changed_at` is then the
    source's own timestamp, `synced_at` when we heard it)."""

    tenant = tenant_key(db_index=False)  # field_version_once leads with it
    object_type = models.CharField(max_length=16)  # "candidate" | "application"
    object_id = models.UUIDField()
    field = models.CharField(max_length=64)
    connection = models.ForeignKey(
        "integrations.Connection", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    changed_at = models.DateTimeField()
    synced_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "object_type", "object_id", "field", "connection"],
                name="field_version_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.field} @ {self.changed_at}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class ConflictChoice(models.TextChoices):
    OURS = "ours", "Ours"
    THEIRS = "theirs", "Theirs"


class SyncConflict(TenantScopedModel):
    """Both sides changed a field since the last sync: what each said and when, which value
    the connection's rule kept, and (once an admin looked) which one they chose."""

    tenant = tenant_key(db_index=False)  # sync_conflict_open_idx leads with it
    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="conflicts"
    )
    receipt = models.ForeignKey(
        InboundReceipt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=16)
    object_id = models.UUIDField()
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(max_length=64)
    ours_value = models.TextField(blank=True)
    ours_changed_at = models.DateTimeField()
    theirs_value = models.TextField(blank=True)
    theirs_changed_at = models.DateTimeField()
    rule = models.CharField(max_length=16, choices=PrecedenceRule.choices)
    applied = models.CharField(max_length=8, choices=ConflictChoice.choices)  # by the rule
    status = models.CharField(
        max_length=12, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolution = models.CharField(max_length=8, choices=ConflictChoice.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["tenant", "status", "-created_at"],
                name="sync_conflict_open_idx",
                condition=Q(status="open"),
            ),
            models.Index(fields=["tenant", "-created_at"], name="sync_conflict_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.object_type} {self.object_id} ({self.status})"


DEFAULT_VALIDATION_INTERVAL_DAYS = 91  # quarterly


class IntegrationSettings(TenantScopedModel):
    """A tenant's integration settings (one row per tenant, created on demand)."""

    validation_interval_days = models.PositiveIntegerField(default=DEFAULT_VALIDATION_INTERVAL_DAYS)
    # Days kept before the retention sweep deletes them; empty: the deployment's setting
    # (INTEGRATIONS_RECEIPT_RETENTION_DAYS, INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS).
    receipt_retention_days = models.PositiveIntegerField(null=True, blank=True)
    delivery_log_retention_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "integration settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="integration_settings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"Integration settings (validate every {self.validation_interval_days} days)"
