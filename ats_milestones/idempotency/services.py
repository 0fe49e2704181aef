"""Housekeeping of integration plumbing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tenants.context import all_tenants_context

from .models import IdempotencyKey

IDEMPOTENCY_KEY_TTL = timedelta(hours=24)


def idempotency_keys_purge(*, older_than: timedelta = IDEMPOTENCY_KEY_TTL) -> int:
    """Forget idempotency keys past their lifetime, in every tenant; returns how many."""
    cutoff = timezone.now() - older_than
    with all_tenants_context():
        deleted, _ = IdempotencyKey.all_tenants.filter(created_at__lt=cutoff).delete()
    return deleted
