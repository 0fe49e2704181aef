"""Integrations: the outbox of domain events, the connections that receive them, and each
delivery with its attempts.

- `OutboxEvent`: one row per domain event, written in the transaction of the change (a
  rollback leaves none). Its identity `position` orders events; `event_id` is the
  Standard Webhooks `webhook-id` (`msg_<hex>`), the same on every retry and replay.
- `Connection`: a tenant's peer system (HRIS, background check, payroll, assessment or a
  generic webhook): endpoint, auth, signing secrets (encrypted at rest, see `crypto.py`),
  which events it hears, timeout, rate limit, enabled.
- `Delivery`: one event for one connection (pending -> delivered | dead); in order per
  application and connection. `DeliveryAttempt`: the log, one row per HTTP attempt.
- `BackgroundCheck`: one check ordered from a background-check vendor for one application,
  with its status history (`BackgroundCheckStatusChange`) and the adverse-action flow.
- Inbound receipts, field precedence, field versions, sync conflicts and the tenant's
  integration settings live in `inbound_models.py` and are re-exported here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenants.models import TenantScopedModel, tenant_key


class ConnectionKind(models.TextChoices):
    HRIS = "hris", "HRIS"
    BACKGROUND_CHECK = "background_check", "Background check"
    PAYROLL = "payroll", "Payroll"
    ASSESSMENT = "assessment", "Assessment"
    WEBHOOK = "webhook", "Webhook"


class AuthKind(models.TextChoices):
    NONE = "none", "None (signature only)"
    BEARER = "bearer", "Bearer token"
    BASIC = "basic", "Basic (user name and password)"
    OAUTH2 = "oauth2_client_credentials", "OAuth 2 client credentials"


class OutboxEvent(TenantScopedModel):
    """A domain event waiting to leave (or that left): what happened, in a payload that
    names only ids and states (no candidate personal data)."""

    id = models.BigAutoField(primary_key=True)  # the position: the order events happened in
    tenant = tenant_key(db_index=False)  # outbox_event_per_tenant leads with it
    updated_at = None
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=64)
    # Events with one key (an application) reach each connection in position order.
    ordering_key = models.UUIDField(null=True, blank=True)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event_id"], name="outbox_event_per_tenant")
        ]
        indexes = [
            # The relay's fan-out claims undispatched events across tenants, oldest first.
            models.Index(
                fields=["id"], name="outbox_undispatched_idx", condition=Q(dispatched_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.event_id.hex}"


class Connection(TenantScopedModel):
    """One peer system of a tenant. Secrets are stored encrypted and never shown again."""

    tenant = tenant_key(db_index=False)  # connection_name_per_tenant leads with it
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=ConnectionKind.choices)
    endpoint_url = models.URLField(max_length=500)
    auth_kind = models.CharField(max_length=32, choices=AuthKind.choices, default=AuthKind.NONE)
    auth_username = models.CharField(max_length=200, blank=True)  # basic user / OAuth client id
    oauth_token_url = models.URLField(max_length=500, blank=True)
    oauth_scope = models.CharField(max_length=300, blank=True)
    auth_secret_encrypted = models.TextField(blank=True)  # bearer token / password / secret
    # JSON list of {"secret": "whsec_...", "expires_at": iso or null}, encrypted as a whole:
    # the first signs, every unexpired one is also sent (and accepted inbound) while rotating.
    signing_secrets_encrypted = models.TextField()
    event_types = models.JSONField(default=list, blank=True)  # [] = every event type
    # {"<data field>": [allowed values]}: every named field must hold one of its values.
    filters = models.JSONField(default=dict, blank=True)
    timeout_s = models.FloatField(default=10.0)
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # A connector's own settings by kind (HRIS status mappings, the background-check
    # milestone and package, payroll milestones); see integrations/connectors/.
    connector_settings = models.JSONField(default=dict, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # The last endpoint validation (on save, on demand, and by the scheduled sweep).
    last_validated_at = models.DateTimeField(null=True, blank=True)
    last_validation_ok = models.BooleanField(null=True, blank=True)
    last_validation_message = models.CharField(max_length=300, blank=True)
    next_validation_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="connection_name_per_tenant")
        ]
        indexes = [
            # The validation sweep: connections due across tenants.
            models.Index(fields=["next_validation_at"], name="connection_validation_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead letter"


class Delivery(TenantScopedModel):
    """One event for one connection, tried until delivered or dead-lettered."""

    tenant = tenant_key(db_index=False)  # delivery_queue_idx leads with it
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=64)
    ordering_key = models.UUIDField(null=True, blank=True)
    position = models.BigIntegerField()  # the event's position, for the order per key
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    replays = models.PositiveIntegerField(default=0)
    # A connector's own body for this connection (HRIS, payroll); null sends the event's.
    payload = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-position"]
        constraints = [
            # Event first: led by (tenant, connection) it tempted the planner away from
            # the line index below.
            models.UniqueConstraint(
                fields=["tenant", "event", "connection"], name="delivery_once_per_connection"
            )
        ]
        indexes = [
            # The relay's claim: due pending deliveries across tenants.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=Q(state="pending"),
            ),
            # Head of line per connection and application; the log per connection.
            models.Index(
                fields=["tenant", "connection", "ordering_key", "position"],
                name="delivery_queue_idx",
            ),
            # The relay's head-of-line check: what still waits in each line.
            models.Index(
                fields=["tenant", "connection", "ordering_key", "position"],
                name="delivery_line_idx",
                condition=Q(state__in=["pending", "dead"]),
            ),
            models.Index(
                fields=["tenant", "state", "-dead_at"],
                name="delivery_dead_idx",
                condition=Q(state="dead"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.connection_id} ({self.state})"

    @property
    def body(self) -> dict:
        """What the connection receives: its connector's body, else the event's payload."""
        return self.payload or self.event.payload


class DeliveryAttempt(TenantScopedModel):
    """One HTTP attempt of a delivery: what came back, how long it took. Never a secret:
    the request's headers are not kept, the response only as a 2 KB excerpt."""

    tenant = tenant_key(db_index=False)  # delivery_attempt_idx leads with it
    updated_at = None
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.FloatField()
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [
            models.Index(fields=["tenant", "delivery", "number"], name="delivery_attempt_idx"),
            models.Index(
                fields=["tenant", "connection", "-attempted_at"], name="connection_attempt_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.status_code}"


class BackgroundCheckStatus(models.TextChoices):
    ORDERING = "ordering", "Being ordered"
    ORDER_FAILED = "order_failed", "Order failed"
    PENDING = "pending", "Pending"
    SUSPENDED = "suspended", "Suspended"
    COMPLETE = "complete", "Complete"
    CANCELED = "canceled", "Canceled"
    DISPUTE = "dispute", "In dispute"


class BackgroundCheckResult(models.TextChoices):
    NONE = "", "No result yet"
    CLEAR = "clear", "Clear"
    CONSIDER = "consider", "Consider"


class AdverseAction(models.TextChoices):
    NONE = "", "None"
    WAITING = "waiting", "Pre-adverse notice sent, waiting period running"
    PROCEEDED = "proceeded", "A person decided to proceed"
    REJECTED = "rejected", "A person decided to reject"


class BackgroundCheck(TenantScopedModel):
    """A check ordered from the tenant's background-check vendor (Checkr-shaped) when an
    application entered the connection's background-check milestone."""

    tenant = tenant_key(db_index=False)  # the indexes below lead with it
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.CASCADE, related_name="+"
    )
    milestone_code = models.CharField(max_length=64)
    package = models.CharField(max_length=100)
    invitation = models.BooleanField(default=True)  # the candidate fills in the rest
    status = models.CharField(
        max_length=16, choices=BackgroundCheckStatus.choices, default=BackgroundCheckStatus.ORDERING
    )
    result = models.CharField(
        max_length=10, choices=BackgroundCheckResult.choices, default="", blank=True
    )
    vendor_candidate_id = models.CharField(max_length=100, blank=True)
    vendor_invitation_id = models.CharField(max_length=100, blank=True)
    vendor_report_id = models.CharField(max_length=100, blank=True)
    order_attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    vendor_updated_at = models.DateTimeField(null=True, blank=True)  # the vendor's own clock
    adverse_action = models.CharField(
        max_length=10, choices=AdverseAction.choices, default="", blank=True
    )
    waiting_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "application"], name="background_check_app_idx"),
            models.Index(fields=["tenant", "vendor_report_id"], name="background_check_report_idx"),
            models.Index(
                fields=["tenant", "vendor_candidate_id"], name="background_check_cand_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"background check {self.pk} ({self.status})"


class BackgroundCheckStatusChange(TenantScopedModel):
    """One step of a check's history: what its status and result became, and who said so."""

    tenant = tenant_key(db_index=False)
    updated_at = None
    background_check = models.ForeignKey(
        BackgroundCheck, on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(max_length=16, choices=BackgroundCheckStatus.choices)
    result = models.CharField(max_length=10, choices=BackgroundCheckResult.choices, blank=True)
    adverse_action = models.CharField(max_length=10, choices=AdverseAction.choices, blank=True)
    source = models.CharField(max_length=16)  # ats | vendor | person
    note = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "created_at"]
        indexes = [
            models.Index(
                fields=["tenant", "background_check", "occurred_at"], name="bg_check_history_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.background_check_id}: {self.status} {self.result}"


from integrations.inbound_models import (  # noqa: E402 -- re-exported; they name ours by label
    DEFAULT_VALIDATION_INTERVAL_DAYS,
    ConflictChoice,
    ConflictStatus,
    FieldPrecedence,
    FieldVersion,
    InboundOutcome,
    InboundReceipt,
    IntegrationSettings,
    PrecedenceRule,
    SyncConflict,
)

__all__ = [
    "DEFAULT_VALIDATION_INTERVAL_DAYS",
    "AdverseAction",
    "AuthKind",
    "BackgroundCheck",
    "BackgroundCheckResult",
    "BackgroundCheckStatus",
    "BackgroundCheckStatusChange",
    "ConflictChoice",
    "ConflictStatus",
    "Connection",
    "ConnectionKind",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryState",
    "FieldPrecedence",
    "FieldVersion",
    "InboundOutcome",
    "InboundReceipt",
    "IntegrationSettings",
    "OutboxEvent",
    "PrecedenceRule",
    "SyncConflict",
]
