"""Integration plumbing: what other HR systems send us and what we send them."""

from __future__ import annotations

from django.db import models

from tenants.models import TenantScopedModel


class IdempotencyKey(TenantScopedModel):
    """The first response to a POST sent with an `Idempotency-Key`, replayed on retries.

    Inserted in the same transaction as the write it guards, so two concurrent requests
    with one key cannot both create: the second waits on the unique index, then replays.
    """

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)

    class Meta:
        # Born in another app; the table kept its name when the model moved here.
        db_table = "integrations_idempotencykey"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "principal", "key"], name="idempotency_key_per_principal"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
