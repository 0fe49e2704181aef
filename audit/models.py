"""Audit events: append-only, written in the same transaction as what they record."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.models import ApiClient, Tenant, TenantScopedModel, tenant_key


class AuditAction(models.TextChoices):
    # Labels read after who did it ("Aiko Tanaka: Action refused"), in the search and the CSV.
    ACCESS_DENIED = "access.denied", "Looked up a record outside the tenant"
    FORBIDDEN = "access.forbidden", "Action refused"
    CREATED = "object.created", "Created"
    UPDATED = "object.updated", "Updated"
    LOGIN = "auth.login", "Logged in"
    LOGIN_FAILED = "auth.login_failed", "Sign-in failed"
    LOCKED_OUT = "auth.locked_out", "Sign-in locked out"
    TENANT_SWITCHED = "auth.tenant_switched", "Switched tenant"
    PRUNED = "audit.pruned", "Removed audit events past the retention period"
    MEMBERSHIP_CREATED = "membership.created", "Gave someone a role"
    MEMBERSHIP_CHANGED = "membership.changed", "Changed someone's role"
    MEMBERSHIP_REMOVED = "membership.removed", "Removed someone from the tenant"


def actor_indexes(prefix: str) -> list[models.Index]:
    """Indexes for "what did this person / this system do", on the rows that have one: a
    row written by the other kind of actor, or by the sweep, adds no entry."""
    return [
        models.Index(
            fields=[field],
            condition=models.Q(**{f"{field}__isnull": False}),
            name=f"{prefix}_{short}_idx",
        )
        for field, short in (("actor_user", "user"), ("actor_api_client", "client"))
    ]


class AuditEvent(TenantScopedModel):
    """One thing that happened. The database refuses UPDATE and DELETE on this table."""

    tenant = tenant_key(db_index=False)  # audit_event_at_idx leads with it
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=60)
    # No database constraint: an append-only row must not be touched when its actor goes.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # see actor_indexes
        related_name="+",
    )
    actor_api_client = models.ForeignKey(
        ApiClient,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # The person an API client acted for (`On-Behalf-Of`); no constraint, as above.
    on_behalf_of_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The request that wrote it (tenants.request_context): its id (X-Request-ID) and the
    # client's user agent; empty outside a request (sweeps, tasks, commands).
    request_id = models.CharField(max_length=64, blank=True, db_default="")
    user_agent = models.CharField(max_length=300, blank=True, db_default="")
    # The tenant's hash chain, filled by the database as the row's transaction commits
    # (audit/chain.py): a row's
    # place in its tenant's trail, the hash of the row before, and its own.
    seq = models.BigIntegerField(null=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, editable=False)
    hash = models.CharField(max_length=64, null=True, editable=False)

    class Meta:
        # Born in another app; the table kept its name when the model moved here.
        db_table = "compliance_auditevent"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["tenant", "-at"], name="audit_event_at_idx"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_event_obj_idx"),
            *actor_indexes("audit_event"),
            # "Everything this request wrote", "everything done for this person".
            models.Index(
                fields=["tenant", "request_id"],
                condition=~models.Q(request_id=""),
                name="audit_event_request_idx",
            ),
            models.Index(
                fields=["tenant", "on_behalf_of_user"],
                condition=models.Q(on_behalf_of_user__isnull=False),
                name="audit_event_behalf_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="audit_event_seq_per_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of a tenant's audit chain; the chain's trigger locks it as a transaction
    commits, so the links of one tenant are made one at a time and in commit order."""

    tenant = models.OneToOneField(
        Tenant, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    # Where the chain starts after `audit_prune` deleted the rows past retention: the last
    # pruned row's seq and hash (0 and the genesis hash while nothing was pruned).
    pruned_through_seq = models.BigIntegerField(db_default=0)
    pruned_through_hash = models.CharField(max_length=64, db_default="0" * 64)

    def __str__(self) -> str:
        return f"{self.tenant_id} at {self.seq}"
